/**
 * One TURN allocation (RFC 8656) used as a relayed candidate: the sans-IO TurnClient of
 * @purertc/stun embedded in the agent, its bytes carried by one of the adapter's sockets (UDP
 * datagrams to the server, or a TCP/TLS stream). The agent drains the client after every call;
 * this wrapper only remembers which permissions and channels the agent already asked for.
 */
import { type TransportAddress, TurnClient } from '@purertc/stun';
import type { LocalCandidate } from './candidates.js';
import type { IceServer } from './types.js';

export type RelayState = 'allocating' | 'allocated' | 'failed' | 'closed';

/** Permissions asked for per allocation, at most (each is a CreatePermission refreshed by the client). */
const MAX_PERMISSIONS = 128;

export class TurnRelay {
  readonly client: TurnClient;
  state: RelayState = 'allocating';
  /** The relayed local candidate, once allocated. */
  local: LocalCandidate | undefined;
  /** Its output is being moved right now (Gatherer.flushRelay, which must not re-enter). */
  flushing = false;
  private readonly permitted = new Set<string>();
  /** Peer IPs the server refused a permission for (403 and the like): nothing is sent to them. */
  private readonly refused = new Set<string>();
  private readonly bound = new Set<string>();

  constructor(
    readonly id: number,
    /** The socket that carries the client's bytes. */
    readonly socketId: number,
    readonly server: IceServer,
    /** The server's address as datagrams from it are reported (canonical). */
    readonly serverAddress: TransportAddress,
    readonly protocol: 'udp' | 'tcp' | 'tls',
    options: { software: string | undefined; rc: number; rm: number },
  ) {
    this.client = new TurnClient({
      server: serverAddress,
      username: server.username ?? '',
      password: server.credential ?? '',
      reliable: protocol !== 'udp',
      ...(options.software === undefined ? {} : { software: options.software }),
      transactions: { rc: options.rc, rm: options.rm },
    });
  }

  start(now: number): void {
    this.client.allocate(now);
  }

  /**
   * RFC 8656 §9: the server relays nothing to or from a peer IP without a permission, so one is
   * installed before the first check to a remote candidate (the client refreshes it).
   */
  permit(peer: TransportAddress, now: number): void {
    if (this.state !== 'allocated' || this.permitted.has(peer.address)) return;
    if (this.permitted.size >= MAX_PERMISSIONS) return;
    this.permitted.add(peer.address);
    try {
      this.client.createPermission(peer, now);
    } catch {
      // past the client's cap or not a literal: checks to this peer will simply time out
    }
  }

  /** RFC 8656 §12: a channel for the selected pair: 4 bytes of ChannelData instead of 36 of Send. */
  bindChannel(peer: TransportAddress, now: number): void {
    const key = `${peer.address}|${peer.port}`;
    if (this.state !== 'allocated' || this.bound.has(key)) return;
    this.bound.add(key);
    try {
      this.client.bindChannel(peer, now);
    } catch {
      // no channel number left: Send indications keep working
    }
  }

  /** The server refused a permission for these peers (RFC 8656 §10.2: 403 Forbidden, say). */
  refuse(peers: readonly TransportAddress[]): void {
    for (const p of peers) this.refused.add(p.address);
  }

  isRefused(peer: TransportAddress): boolean {
    return this.refused.size > 0 && this.refused.has(peer.address);
  }

  /** Relays one datagram to a peer; false when the allocation is not usable or the peer refused. */
  send(peer: TransportAddress, data: Uint8Array, now: number): boolean {
    if (this.state !== 'allocated' || this.isRefused(peer)) return false;
    this.permit(peer, now);
    try {
      this.client.send(peer, data, now);
      return true;
    } catch {
      return false;
    }
  }
}
