/**
 * One TURN allocation (RFC 8656 §2.2, §6): the relayed transport address a client owns, reached
 * through its 5-tuple, with the permissions (§9) and channel bindings (§12) hanging off it.
 * Plain state with deadlines on the core's clock; the server decides what to do when they pass.
 */
import type { AddressFamily, TransportAddress } from '../address.js';

/**
 * The lifetime to grant, in seconds (RFC 8656 §7.2 for Allocate, §8.2 for a non-zero Refresh):
 * the smaller of the request and the server's maximum, but never less than the default.
 */
export function grantedLifetime(requested: number | undefined, defaultSec: number, maxSec: number): number {
  if (requested === undefined) return defaultSec;
  return Math.max(defaultSec, Math.min(requested, maxSec));
}

export interface ChannelBinding {
  readonly number: number;
  readonly peer: TransportAddress;
  readonly peerKey: string;
  expires: number;
}

/** What the Allocate success needs once the adapter has opened the relay socket. */
export interface PendingAllocate {
  /** A copy: the request bytes may be reused by the caller. */
  readonly transactionId: Uint8Array;
  readonly key: Uint8Array;
  readonly sha256: boolean;
  readonly lifetimeSec: number;
  /** A family asked for with ADDITIONAL-ADDRESS-FAMILY that this server cannot relay (RFC 8656 §7.2 step 9). */
  readonly refusedFamily: AddressFamily | undefined;
}

export class Allocation {
  /** Undefined until the adapter reports the relay socket bound. */
  relayed: TransportAddress | undefined;
  /** Set while waiting for the relay socket; cleared when the success response is sent. */
  pending: PendingAllocate | undefined;
  /** The Allocate success response, kept to answer retransmissions of that request (RFC 8656 §7.2). */
  response: Uint8Array | undefined;
  /** When the allocation dies unless refreshed (ms on the core's clock). */
  expires: number;
  /** Permissions by peer IP (RFC 8656 §9: the port is not part of a permission) -> expiry. */
  private readonly permissions = new Map<string, number>();
  private readonly channelsByNumber = new Map<number, ChannelBinding>();
  private readonly channelsByPeer = new Map<string, ChannelBinding>();

  constructor(
    readonly relayId: number,
    readonly client: TransportAddress,
    readonly username: string,
    readonly family: AddressFamily,
    /** Transaction id (as a map key) of the Allocate that created it. */
    readonly allocateKey: string,
    expires: number,
    pending: PendingAllocate,
  ) {
    this.expires = expires;
    this.pending = pending;
  }

  get permissionCount(): number {
    return this.permissions.size;
  }

  get channelCount(): number {
    return this.channelsByNumber.size;
  }

  /** Deadlines are exact: an entry is dead at its expiry even before a timeout pruned it. */
  hasPermission(ip: string, now: number): boolean {
    const expires = this.permissions.get(ip);
    return expires !== undefined && now < expires;
  }

  /** Installs or refreshes the permission for `ip` (RFC 8656 §10.2). */
  permit(ip: string, expires: number): void {
    this.permissions.set(ip, expires);
  }

  channel(number: number, now: number): ChannelBinding | undefined {
    const c = this.channelsByNumber.get(number);
    return c !== undefined && now < c.expires ? c : undefined;
  }

  channelForPeer(peerKey: string, now: number): ChannelBinding | undefined {
    const c = this.channelsByPeer.get(peerKey);
    return c !== undefined && now < c.expires ? c : undefined;
  }

  /**
   * Binds or refreshes. The caller has checked that neither side is bound elsewhere while alive;
   * expired leftovers on either side are unlinked here so the two maps stay mirror images.
   */
  bindChannel(number: number, peer: TransportAddress, peerKey: string, expires: number): void {
    const existing = this.channelsByNumber.get(number);
    if (existing !== undefined && existing.peerKey === peerKey) {
      existing.expires = expires;
      return;
    }
    if (existing !== undefined) this.channelsByPeer.delete(existing.peerKey);
    const stale = this.channelsByPeer.get(peerKey);
    if (stale !== undefined) this.channelsByNumber.delete(stale.number);
    const binding: ChannelBinding = { number, peer, peerKey, expires };
    this.channelsByNumber.set(number, binding);
    this.channelsByPeer.set(peerKey, binding);
  }

  /** Forgets expired permissions and channel bindings (RFC 8656 §9, §12). */
  prune(now: number): void {
    for (const [ip, expires] of this.permissions) if (now >= expires) this.permissions.delete(ip);
    for (const [number, c] of this.channelsByNumber) {
      if (now < c.expires) continue;
      this.channelsByNumber.delete(number);
      this.channelsByPeer.delete(c.peerKey);
    }
  }

  /** The earliest time something of this allocation expires. */
  nextDeadline(): number {
    let next = this.expires;
    for (const expires of this.permissions.values()) if (expires < next) next = expires;
    for (const c of this.channelsByNumber.values()) if (c.expires < next) next = c.expires;
    return next;
  }
}
