/**
 * The secure part of one WebRTC transport as a sans-IO engine: a DTLS endpoint (RFC 6347,
 * fingerprints from SDP per RFC 8842) carrying an SCTP association (RFC 8261) that carries the
 * data channels (RFC 8831). No socket, no timer: the ICE transport underneath feeds it the
 * datagrams of the DTLS range (RFC 7983) and sends what `pollTransmit` returns; the adapter calls
 * `handleTimeout` at `pollTimeout()`.
 *
 * Why one engine for two protocols: SCTP packets must go out only through an established DTLS
 * connection, and the two share one clock and one deadline. Keeping that glue here keeps the
 * W3C objects free of protocol plumbing, and lets tests run the pair on a virtual clock.
 */
import {
  type DtlsCertificate,
  type DtlsConnectedEvent,
  DtlsEndpoint,
  type DtlsEndpointState,
  type RemoteFingerprint,
} from '@purertc/dtls';
import { SctpAssociation, type SctpAssociationOptions, type SctpEvent } from '@purertc/sctp';

export interface SecureTransportOptions {
  readonly role: 'client' | 'server';
  readonly certificate: DtlsCertificate;
  readonly remoteFingerprints: readonly RemoteFingerprint[];
  /** Largest DTLS datagram (default 1200). */
  readonly mtu?: number;
}

export type SecureTransportEvent =
  | { readonly type: 'dtls-connected'; readonly connected: DtlsConnectedEvent }
  | { readonly type: 'dtls-failed'; readonly message: string; readonly alert: number | undefined }
  | { readonly type: 'dtls-closed'; readonly reason: 'local' | 'remote' | 'error' }
  | { readonly type: 'sctp'; readonly event: SctpEvent };

/** Room for the DTLS record header and AEAD overhead (13 + 8 + 16) within a 1200-byte datagram. */
const DTLS_OVERHEAD = 48;

export class SecureTransportCore {
  readonly dtls: DtlsEndpoint;
  #sctp: SctpAssociation | undefined;
  readonly #events: SecureTransportEvent[] = [];
  #eventHead = 0;
  readonly #mtu: number;
  #now = 0;

  constructor(options: SecureTransportOptions) {
    this.#mtu = options.mtu ?? 1200;
    this.dtls = new DtlsEndpoint({
      role: options.role,
      certificate: options.certificate,
      remoteFingerprints: options.remoteFingerprints,
      mtu: this.#mtu,
      // use_srtp is always offered and accepted (RFC 5764), data channels or not: browsers do,
      // werift fails its DTLS transport without it, and media will need the keys.
      // ICE has already proven the peer answers on this address (RFC 8445 §7.2.5.2.1), so a
      // HelloVerifyRequest round trip would only add latency (RFC 6347 §4.2.1 allows it off).
      cookieExchange: false,
    });
  }

  get sctp(): SctpAssociation | undefined {
    return this.#sctp;
  }

  get dtlsState(): DtlsEndpointState {
    return this.dtls.state;
  }

  /** Starts the handshake (the client sends its ClientHello; a server waits). */
  start(now: number): void {
    this.#now = now;
    if (this.dtls.state === 'new') this.dtls.start(now);
    this.#pump();
  }

  /**
   * Creates the association that data channels ride on (RFC 8841: once the data m= section is
   * negotiated). It connects as soon as DTLS is up; both ends send INIT, SCTP resolves the
   * collision (RFC 9260 §5.2.1).
   */
  startSctp(options: SctpAssociationOptions, now: number): SctpAssociation {
    this.#now = now;
    if (this.#sctp === undefined) {
      this.#sctp = new SctpAssociation({
        zeroChecksum: true, // every packet is in a DTLS record: RFC 9653 §6 (CRC32c only if the peer lacks it)
        ...options,
        mtu: options.mtu ?? this.#mtu - DTLS_OVERHEAD,
      });
      if (this.dtls.state === 'connected') this.#sctp.connect(now);
    }
    this.#pump();
    return this.#sctp;
  }

  setRemoteFingerprints(fingerprints: readonly RemoteFingerprint[], now: number): void {
    this.#now = now;
    this.dtls.setRemoteFingerprints(fingerprints, now);
    this.#pump();
  }

  /** A datagram of the DTLS range from the selected pair. Never throws. */
  handleDatagram(datagram: Uint8Array, now: number): void {
    this.#now = now;
    this.dtls.handleInput(datagram, now);
    this.#pump();
  }

  handleTimeout(now: number): void {
    this.#now = now;
    const d = this.dtls.state === 'new' ? undefined : this.dtls.pollTimeout();
    if (d !== undefined && d <= now) this.dtls.handleTimeout(now);
    const s = this.#sctp?.pollTimeout();
    if (s !== undefined && s <= now) this.#sctp?.handleTimeout(now);
    this.#pump();
  }

  pollTimeout(): number | undefined {
    // A client endpoint reports 0 until started; it must wait for `start` (ICE has a pair).
    const d = this.dtls.state === 'new' ? undefined : this.dtls.pollTimeout();
    const s = this.dtls.state === 'connected' ? this.#sctp?.pollTimeout() : undefined;
    if (d === undefined) return s;
    if (s === undefined) return d;
    return Math.min(d, s);
  }

  /** The next DTLS datagram to send to the peer. */
  pollTransmit(): Uint8Array | undefined {
    let t = this.dtls.pollTransmit();
    if (t === undefined && this.#drainSctp()) t = this.dtls.pollTransmit();
    return t;
  }

  pollEvent(): SecureTransportEvent | undefined {
    if (this.#eventHead >= this.#events.length) {
      if (this.#eventHead > 0) {
        this.#events.length = 0;
        this.#eventHead = 0;
      }
      this.#pumpSctpEvents();
      if (this.#events.length === 0) return undefined;
    }
    const e = this.#events[this.#eventHead] as SecureTransportEvent;
    this.#events[this.#eventHead++] = undefined as unknown as SecureTransportEvent;
    return e;
  }

  /** Application data to the association after a local call (send, createChannel...). */
  flushSctp(now: number): void {
    this.#now = now;
    this.#pump();
  }

  /** Closes: an SCTP ABORT (so the peer's channels close at once) then DTLS close_notify. */
  close(now: number): void {
    this.#now = now;
    const sctp = this.#sctp;
    if (sctp !== undefined && this.dtls.state === 'connected') {
      sctp.abort(now, 'the RTCPeerConnection was closed');
      this.#drainSctp();
    }
    this.dtls.close(now);
    this.#pump();
  }

  /** DTLS events into ours; DTLS data into SCTP. */
  #pump(): void {
    for (let e = this.dtls.pollEvent(); e !== undefined; e = this.dtls.pollEvent()) {
      switch (e.type) {
        case 'data':
          this.#sctp?.handleInput(e.data, this.#now);
          break;
        case 'connected':
          this.#events.push({ type: 'dtls-connected', connected: e });
          this.#sctp?.connect(this.#now);
          break;
        case 'error': {
          const alert = (e.error as { alert?: number }).alert;
          this.#events.push({ type: 'dtls-failed', message: e.error.message, alert });
          break;
        }
        case 'closed':
          this.#events.push({ type: 'dtls-closed', reason: e.reason });
          break;
      }
    }
    this.#pumpSctpEvents();
  }

  #pumpSctpEvents(): void {
    const sctp = this.#sctp;
    if (sctp === undefined) return;
    for (let e = sctp.pollEvent(); e !== undefined; e = sctp.pollEvent()) {
      this.#events.push({ type: 'sctp', event: e });
    }
  }

  /** Seals every SCTP packet that is due into DTLS records; true when any was. */
  #drainSctp(): boolean {
    const sctp = this.#sctp;
    if (sctp === undefined || this.dtls.state !== 'connected') return false;
    let any = false;
    for (let p = sctp.pollTransmit(); p !== undefined; p = sctp.pollTransmit()) {
      this.dtls.send(p, this.#now);
      any = true;
    }
    return any;
  }
}
