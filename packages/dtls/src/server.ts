/**
 * A stateless DTLS server front for many peers on one socket (RFC 6347 §4.2.1): a ClientHello
 * from an address without an endpoint is answered with a HelloVerifyRequest built from an HMAC
 * of the address and the hello, and nothing is kept; only a ClientHello that echoes a valid
 * cookie, which proves the client receives at its address, creates a {@link DtlsEndpoint}. A
 * flood of ClientHellos from spoofed addresses (the DTLS cousin of an SCTP INIT flood) costs one
 * HMAC each and allocates no per-peer state.
 *
 * Sans-IO like the endpoint: `handleInput(datagram, remote, now)`, `handleTimeout(now)`,
 * `pollTransmit()` (with the remote to send to), `pollEvent()` (with the remote it concerns),
 * `pollTimeout()`. An endpoint is forgotten once its 'closed' event has been polled.
 */
import { ContentType, HandshakeType } from './constants.js';
import { DtlsEndpoint } from './endpoint/endpoint.js';
import type { DtlsEvent } from './endpoint/events.js';
import type { DtlsEndpointOptions, RemoteFingerprint } from './endpoint/options.js';
import { Queue } from './endpoint/queue.js';
import { CookieSecrets, splitClientHelloForCookie } from './handshake/cookie.js';
import { helloVerifyRequestDatagram } from './handshake/v12/hello-verify.js';
import { decodeHandshakeHeader, HANDSHAKE_HEADER_LENGTH } from './messages/handshake-header.js';
import { splitRecords } from './record/split.js';

export interface RemoteAddress {
  readonly address: string;
  readonly port: number;
}

export interface DtlsServerOptions
  extends Omit<
    DtlsEndpointOptions,
    'role' | 'cookieExchange' | 'cookieSecrets' | 'remoteKey' | 'remoteFingerprints'
  > {
  /** Expected fingerprints of every client (or use `fingerprintsFor`). */
  readonly remoteFingerprints?: readonly RemoteFingerprint[];
  /** Expected fingerprints per client address (signalling told us); overrides `remoteFingerprints`. */
  readonly fingerprintsFor?: (remote: RemoteAddress) => readonly RemoteFingerprint[] | undefined;
  /** Cap on endpoints (default 4096); a verified ClientHello beyond it is dropped. */
  readonly maxEndpoints?: number;
  /** Cookie secret rotation in ms (default 60 s). */
  readonly cookieRotation?: number;
}

export interface DtlsServerTransmit {
  readonly data: Uint8Array;
  readonly remote: RemoteAddress;
}

export interface DtlsServerEvent {
  readonly remote: RemoteAddress;
  readonly endpoint: DtlsEndpoint;
  readonly event: DtlsEvent;
}

export interface DtlsServerStats {
  /** Stateless answers to ClientHellos without a valid cookie. */
  helloVerifyRequests: number;
  /** Endpoints created after a valid cookie. */
  accepted: number;
  /** Datagrams from unknown addresses that were not a usable ClientHello. */
  dropped: number;
  /** Verified ClientHellos dropped because `maxEndpoints` were in use. */
  refused: number;
}

interface Peer {
  readonly remote: RemoteAddress;
  readonly endpoint: DtlsEndpoint;
}

export function remoteKey(remote: RemoteAddress): string {
  return `${remote.address}|${remote.port}`;
}

export class DtlsServer {
  readonly stats: DtlsServerStats = { helloVerifyRequests: 0, accepted: 0, dropped: 0, refused: 0 };
  private readonly options: DtlsServerOptions;
  private readonly cookies: CookieSecrets;
  private readonly maxEndpoints: number;
  private readonly peers = new Map<string, Peer>();
  private readonly transmits = new Queue<DtlsServerTransmit>();
  private readonly events = new Queue<DtlsServerEvent>();

  constructor(options: DtlsServerOptions) {
    this.options = options;
    this.cookies = new CookieSecrets({ rotationInterval: options.cookieRotation });
    this.maxEndpoints = options.maxEndpoints ?? 4096;
    // Fail on bad options now rather than at the first verified ClientHello.
    new DtlsEndpoint(this.endpointOptions('', undefined));
  }

  /** Endpoints alive (handshaking or connected, or closed but not yet polled). */
  get size(): number {
    return this.peers.size;
  }

  endpoint(remote: RemoteAddress): DtlsEndpoint | undefined {
    return this.peers.get(remoteKey(remote))?.endpoint;
  }

  handleInput(datagram: Uint8Array, remote: RemoteAddress, now: number): void {
    const key = remoteKey(remote);
    const peer = this.peers.get(key);
    if (peer !== undefined) {
      peer.endpoint.handleInput(datagram, now);
      this.drain(peer);
      return;
    }
    this.statelessHello(datagram, remote, key, now);
  }

  /** The unknown-address path: nothing here may outlive the call but the HelloVerifyRequest. */
  private statelessHello(datagram: Uint8Array, remote: RemoteAddress, key: string, now: number): void {
    const record = splitRecords(datagram, 1).records[0];
    if (record === undefined || record.contentType !== ContentType.handshake || record.epoch !== 0) {
      this.stats.dropped++;
      return;
    }
    const fragment = record.fragment;
    let header: ReturnType<typeof decodeHandshakeHeader>;
    try {
      header = decodeHandshakeHeader(fragment);
    } catch {
      this.stats.dropped++;
      return;
    }
    if (
      header.msgType !== HandshakeType.client_hello ||
      header.fragmentOffset !== 0 ||
      header.fragmentLength !== header.length ||
      fragment.length < HANDSHAKE_HEADER_LENGTH + header.length
    ) {
      this.stats.dropped++;
      return;
    }
    const body = fragment.subarray(HANDSHAKE_HEADER_LENGTH, HANDSHAKE_HEADER_LENGTH + header.length);
    const hello = splitClientHelloForCookie(body);
    if (hello === undefined) {
      this.stats.dropped++;
      return;
    }
    if (!this.cookies.verify(key, hello, now)) {
      this.stats.helloVerifyRequests++;
      const cookie = this.cookies.make(key, hello, now);
      this.transmits.push({
        data: helloVerifyRequestDatagram(cookie, header.messageSeq, record.sequenceNumber),
        remote,
      });
      return;
    }
    if (this.peers.size >= this.maxEndpoints) {
      this.stats.refused++;
      return;
    }
    const endpoint = new DtlsEndpoint(this.endpointOptions(key, remote));
    const peer: Peer = { remote: { address: remote.address, port: remote.port }, endpoint };
    this.peers.set(key, peer);
    this.stats.accepted++;
    endpoint.handleInput(datagram, now);
    this.drain(peer);
  }

  private endpointOptions(key: string, remote: RemoteAddress | undefined): DtlsEndpointOptions {
    const {
      fingerprintsFor,
      maxEndpoints: _m,
      cookieRotation: _c,
      remoteFingerprints,
      ...rest
    } = this.options;
    const fingerprints = (remote !== undefined ? fingerprintsFor?.(remote) : undefined) ?? remoteFingerprints;
    return {
      ...rest,
      role: 'server',
      cookieExchange: false,
      remoteKey: key,
      ...(fingerprints !== undefined ? { remoteFingerprints: fingerprints } : {}),
    };
  }

  handleTimeout(now: number): void {
    for (const peer of this.peers.values()) {
      const deadline = peer.endpoint.pollTimeout();
      if (deadline !== undefined && deadline <= now) {
        peer.endpoint.handleTimeout(now);
        this.drain(peer);
      }
    }
  }

  pollTimeout(): number | undefined {
    let next: number | undefined;
    for (const peer of this.peers.values()) {
      const t = peer.endpoint.pollTimeout();
      if (t !== undefined && (next === undefined || t < next)) next = t;
    }
    return next;
  }

  pollTransmit(): DtlsServerTransmit | undefined {
    return this.transmits.shift();
  }

  pollEvent(): DtlsServerEvent | undefined {
    return this.events.shift();
  }

  /** Application data to one connected client. */
  send(remote: RemoteAddress, data: Uint8Array, now: number): void {
    const peer = this.peers.get(remoteKey(remote));
    if (peer === undefined) throw new RangeError(`no DTLS endpoint for ${remote.address}:${remote.port}`);
    peer.endpoint.send(data, now);
    this.drain(peer);
  }

  /** Closes one client's endpoint (close_notify). */
  close(remote: RemoteAddress, now: number): void {
    const peer = this.peers.get(remoteKey(remote));
    if (peer === undefined) return;
    peer.endpoint.close(now);
    this.drain(peer);
  }

  /** Closes every endpoint. */
  closeAll(now: number): void {
    for (const peer of [...this.peers.values()]) {
      peer.endpoint.close(now);
      this.drain(peer);
    }
  }

  /** Moves an endpoint's output to the server's queues; a closed endpoint is forgotten. */
  private drain(peer: Peer): void {
    const { endpoint, remote } = peer;
    for (let d = endpoint.pollTransmit(); d !== undefined; d = endpoint.pollTransmit()) {
      this.transmits.push({ data: d, remote });
    }
    for (let e = endpoint.pollEvent(); e !== undefined; e = endpoint.pollEvent()) {
      this.events.push({ remote, endpoint, event: e });
      if (e.type === 'closed') this.peers.delete(remoteKey(remote));
    }
  }
}
