/**
 * The I/O edge of one WebRTC transport: our NodeIceAgent (sockets, timers, mDNS) underneath, the
 * sans-IO DTLS + SCTP engine (../core/secure-transport.ts) on top, one timer for the engine's
 * deadline. It routes datagrams by RFC 7983 (the ICE agent hands over everything that is not
 * STUN; DTLS is 20..63) and reports what happens to the peer connection through `hooks`.
 */
import type { DtlsCertificate, RemoteFingerprint } from '@purertc/dtls';
import {
  type CandidatePairInfo,
  type IceCandidate,
  type IceConnectionState,
  type IceCredentials,
  type IceGatheringState,
  type IceRole,
  NodeIceAgent,
  type NodeIceAgentOptions,
} from '@purertc/ice';
import type { SctpAssociation, SctpAssociationOptions } from '@purertc/sctp';
import { now, TimerDriver } from '@purertc/stun';
import { SecureTransportCore, type SecureTransportEvent } from '../core/secure-transport.js';

export interface TransportHooks {
  candidate(candidate: IceCandidate | null): void;
  gatheringState(state: IceGatheringState): void;
  iceState(state: IceConnectionState): void;
  selectedPair(pair: CandidatePairInfo): void;
  roleChanged(role: IceRole): void;
  candidateError(error: {
    url: string;
    address: string | undefined;
    port: number | undefined;
    errorCode: number;
    errorText: string;
  }): void;
  secure(event: SecureTransportEvent): void;
}

/** DTLS datagrams that arrive before the DTLS role is known (an eager client): a few are kept. */
const MAX_EARLY_DATAGRAMS = 16;
/** DTLS datagrams we could not send yet because ICE has no selected pair: a flight's worth. */
const MAX_UNSENT_DATAGRAMS = 32;

export class TransportController {
  readonly ice: NodeIceAgent;
  #core: SecureTransportCore | undefined;
  readonly #timer: TimerDriver;
  readonly #early: Uint8Array[] = [];
  readonly #unsent: Uint8Array[] = [];
  #flushing = false;
  #flushSoon = false;
  #again = false;
  #closed = false;

  constructor(
    options: NodeIceAgentOptions,
    private readonly hooks: TransportHooks,
  ) {
    this.ice = new NodeIceAgent(options);
    this.#timer = new TimerDriver(
      () => this.#core?.pollTimeout(),
      (t) => {
        this.#core?.handleTimeout(t);
        this.flush();
      },
    );
    this.ice.on('candidate', (c) => hooks.candidate(c));
    this.ice.on('gathering-state', (s) => hooks.gatheringState(s));
    this.ice.on('state', (s) => {
      hooks.iceState(s);
      this.#resendUnsent();
      this.#maybeStart();
    });
    this.ice.on('selected-pair', (p) => {
      hooks.selectedPair(p);
      this.#resendUnsent();
      this.#maybeStart();
    });
    this.ice.on('role-changed', (r) => hooks.roleChanged(r));
    this.ice.on('candidate-error', (e) => hooks.candidateError(e));
    this.ice.on('data', (data) => this.#onData(data));
  }

  get core(): SecureTransportCore | undefined {
    return this.#core;
  }

  get sctp(): SctpAssociation | undefined {
    return this.#core?.sctp;
  }

  gather(): Promise<void> {
    return this.ice.gather();
  }

  setRemoteCredentials(credentials: IceCredentials, lite: boolean): void {
    this.ice.setRemoteCredentials(credentials, { lite });
  }

  /** Creates the DTLS engine once the role is negotiated (RFC 8842 §5.1 a=setup). */
  startSecure(
    role: 'client' | 'server',
    certificate: DtlsCertificate,
    fingerprints: readonly RemoteFingerprint[],
  ): void {
    if (this.#core !== undefined || this.#closed) return;
    const core = new SecureTransportCore({ role, certificate, remoteFingerprints: fingerprints });
    this.#core = core;
    this.#maybeStart();
    for (const d of this.#early.splice(0)) core.handleDatagram(d, now());
    this.flush();
  }

  /**
   * The DTLS client speaks first once ICE has selected a pair: before that the agent has nowhere
   * to send, and a lost ClientHello would cost a whole retransmission timeout (RFC 6347 §4.2.4.1).
   */
  #maybeStart(): void {
    const core = this.#core;
    if (core === undefined || core.dtlsState !== 'new' || this.ice.agent?.selectedPair === undefined) return;
    core.start(now());
    this.flush();
  }

  setRemoteFingerprints(fingerprints: readonly RemoteFingerprint[]): void {
    this.#core?.setRemoteFingerprints(fingerprints, now());
    this.flush();
  }

  startSctp(options: SctpAssociationOptions): SctpAssociation | undefined {
    const core = this.#core;
    if (core === undefined) return undefined;
    const sctp = core.startSctp(options, now());
    this.flush();
    return sctp;
  }

  /** After the application queued data or changed channels: send what is due. */
  kick(): void {
    this.#deferFlush();
  }

  #onData(data: Uint8Array): void {
    const first = data[0] ?? 0;
    if (first < 20 || first > 63) return; // RTP/RTCP (128..191) has no consumer until media lands
    if (this.#core === undefined) {
      if (this.#early.length < MAX_EARLY_DATAGRAMS) this.#early.push(data.slice());
      return;
    }
    this.#core.handleDatagram(data, now());
    this.#deferFlush();
  }

  /**
   * Input is processed at once but answered after the current burst of datagrams (setImmediate):
   * one SACK then covers every packet of the burst instead of one per two packets, and messages
   * the application sends in a loop share packets (RFC 9260 §6.10 bundling). It also keeps a
   * runtime whose socket callbacks never yield to timers (Bun) from starving them.
   */
  #deferFlush(): void {
    if (this.#flushSoon) return;
    this.#flushSoon = true;
    setImmediate(() => {
      this.#flushSoon = false;
      this.flush();
    });
  }

  /** Sends what the engine queued, delivers its events, re-arms the timer. Re-entrant safe. */
  flush(): void {
    if (this.#flushing) {
      this.#again = true;
      return;
    }
    const core = this.#core;
    if (core === undefined) return;
    this.#flushing = true;
    core.flushSctp(now());
    try {
      do {
        this.#again = false;
        for (let t = core.pollTransmit(); t !== undefined; t = core.pollTransmit()) this.#send(t);
        for (let e = core.pollEvent(); e !== undefined; e = core.pollEvent()) this.hooks.secure(e);
      } while (this.#again);
    } finally {
      this.#flushing = false;
    }
    this.#timer.schedule();
  }

  /**
   * A DTLS server answers the client's first flight as soon as it arrives, which can be before
   * our side of ICE has a selected pair (the peer validated its pair first). Instead of losing
   * the flight to a 1 s retransmission timeout, hold it and send it once a pair is selected.
   */
  #send(datagram: Uint8Array): void {
    if (this.ice.send(datagram)) return;
    if (this.#unsent.length < MAX_UNSENT_DATAGRAMS) this.#unsent.push(datagram);
  }

  #resendUnsent(): void {
    if (this.#unsent.length === 0 || this.ice.agent?.selectedPair === undefined) return;
    for (const d of this.#unsent.splice(0)) this.ice.send(d);
  }

  /** Sends ABORT and close_notify (when connected), then closes sockets. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#core?.close(now());
    const core = this.#core;
    const final: Uint8Array[] = [];
    if (core !== undefined) {
      for (let t = core.pollTransmit(); t !== undefined; t = core.pollTransmit()) final.push(t);
    }
    this.#timer.stop();
    await this.ice.close(final);
  }
}
