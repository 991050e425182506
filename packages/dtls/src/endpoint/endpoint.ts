/**
 * A DTLS 1.2 endpoint (RFC 6347) as a sans-IO engine: datagrams in with `handleInput`, the
 * clock with `handleTimeout`, datagrams out with `pollTransmit`, happenings with `pollEvent`.
 *
 * It joins the record layer (record/), the handshake (handshake/v12/) and the application
 * phase: application data both ways, alerts, close_notify both ways (RFC 5246 §7.2.1), the
 * RFC 5705 exporter for DTLS-SRTP. Network input never throws: records that do not frame,
 * replay, or authenticate are dropped and counted (RFC 6347 §4.1.2.7); a handshake failure
 * sends its alert and ends the endpoint with an 'error' event.
 *
 * Records that arrive early are held back (up to `maxPendingRecords`) rather than dropped:
 * the next epoch's records before we have its keys (a reordered Finished), and application
 * data before the handshake completed (RFC 6347 §4.1: buffer or discard).
 */
import { AlertDescription, AlertLevel, decodeAlert, encodeAlert } from '../alert.js';
import { verifyFingerprint } from '../certificate/fingerprint.js';
import { ContentType } from '../constants.js';
import { DtlsError, DtlsParseError } from '../errors.js';
import { DtlsHandshakeError } from '../handshake/errors.js';
import { Dtls12ClientHandshake } from '../handshake/v12/client.js';
import type { Dtls12Config, Dtls12Result } from '../handshake/v12/config.js';
import { Dtls12ServerHandshake } from '../handshake/v12/server.js';
import { exportKeyingMaterial12 } from '../keys/key-schedule-dtls12.js';
import { DTLS_SRTP_EXPORTER_LABEL, srtpKeyingMaterialLength } from '../keys/srtp.js';
import { decodeChangeCipherSpec } from '../messages/change-cipher-spec.js';
import { MAX_PLAINTEXT_LENGTH } from '../record/header.js';
import { RecordLayer } from '../record/record-layer.js';
import type { DtlsRecord } from '../record/split.js';
import type { DtlsConnectedEvent, DtlsEndpointState, DtlsEvent } from './events.js';
import {
  type DtlsEndpointOptions,
  parseRemoteFingerprints,
  type RemoteFingerprint,
  resolveOptions,
} from './options.js';
import { Queue } from './queue.js';

export interface DtlsEndpointStats {
  readonly datagramsReceived: number;
  readonly recordsAccepted: number;
  /** Records dropped by the record layer: malformed, replayed, unknown epoch, not authentic. */
  readonly recordsDropped: number;
  /** Early records held back, and those dropped because the hold-back queue was full. */
  readonly recordsHeldBack: number;
  readonly recordsHeldBackDropped: number;
  /** Handshake records whose fragments did not frame, and alerts or ChangeCipherSpecs that did not parse. */
  readonly malformed: number;
  readonly flightsSent: number;
  readonly retransmissions: number;
  readonly reactiveRetransmissions: number;
  readonly helloVerifyRequestsSent: number;
  readonly bytesSent: number;
  /** Bytes reserved by handshake reassembly right now (capped by `reassembly.maxBufferedBytes`). */
  readonly handshakeBytesBuffered: number;
}

export class DtlsEndpoint {
  readonly role: 'client' | 'server';
  private readonly records: RecordLayer;
  private readonly handshake: Dtls12ClientHandshake | Dtls12ServerHandshake;
  private readonly config: Dtls12Config;
  private readonly transmits = new Queue<Uint8Array>();
  private readonly events = new Queue<DtlsEvent>();
  private readonly maxPending: number;
  /** Records of a future epoch, and early application data, waiting for keys or Finished. */
  private pending: DtlsRecord[] = [];
  private earlyData: Uint8Array[] = [];
  private currentState: DtlsEndpointState = 'new';
  private result: Dtls12Result | undefined;
  private heldBack = 0;
  private heldBackDropped = 0;
  private malformed = 0;

  constructor(options: DtlsEndpointOptions) {
    const resolved = resolveOptions(options);
    this.role = options.role;
    this.config = resolved.config;
    this.maxPending = resolved.maxPendingRecords;
    this.records = new RecordLayer({ replayWindowSize: resolved.replayWindowSize });
    const transport = { mtu: resolved.mtu, retransmit: resolved.retransmit, reassembly: resolved.reassembly };
    const emit = (d: Uint8Array): void => this.transmits.push(d);
    this.handshake =
      this.role === 'client'
        ? new Dtls12ClientHandshake(this.config, this.records, transport, emit)
        : new Dtls12ServerHandshake(this.config, this.records, transport, emit);
    if (this.role === 'server') this.currentState = 'handshaking';
  }

  get state(): DtlsEndpointState {
    return this.currentState;
  }

  /** The negotiated parameters once connected. */
  get parameters(): Dtls12Result | undefined {
    return this.currentState === 'connected' ? this.result : undefined;
  }

  get stats(): DtlsEndpointStats {
    const r = this.records.stats;
    const t = this.handshake.transport.stats;
    return {
      datagramsReceived: r.datagramsReceived,
      recordsAccepted: r.recordsAccepted,
      recordsDropped:
        r.malformed +
        r.unknownEpoch +
        r.replayed +
        r.decryptFailed +
        r.recordOverflow +
        r.unprotectedApplicationData,
      recordsHeldBack: this.heldBack,
      recordsHeldBackDropped: this.heldBackDropped,
      malformed: this.malformed + this.handshake.malformedRecords,
      flightsSent: t.flightsSent,
      retransmissions: t.retransmissions,
      reactiveRetransmissions: t.reactiveRetransmissions,
      helloVerifyRequestsSent:
        this.handshake instanceof Dtls12ServerHandshake ? this.handshake.helloVerifyRequests : 0,
      bytesSent: r.bytesSent,
      handshakeBytesBuffered: this.handshake.transport.reassembler.bufferedBytes,
    };
  }

  /** Client: sends the first ClientHello (also done by the first `handleTimeout`). */
  start(now: number): void {
    if (this.currentState !== 'new' || !(this.handshake instanceof Dtls12ClientHandshake)) return;
    this.currentState = 'handshaking';
    this.guard(() => (this.handshake as Dtls12ClientHandshake).start(now));
  }

  /** A datagram from the peer. Never throws. */
  handleInput(datagram: Uint8Array, now: number): void {
    if (this.currentState !== 'handshaking' && this.currentState !== 'connected') return;
    this.guard(() => {
      for (const record of this.records.split(datagram)) {
        this.handleRecord(record, now);
        if (!this.isOpen()) return;
      }
    });
  }

  /** The clock reached `pollTimeout()` (or moved on): retransmissions, the client's start. */
  handleTimeout(now: number): void {
    if (this.currentState === 'new') {
      this.start(now);
      return;
    }
    if (this.currentState !== 'handshaking') return;
    const deadline = this.handshake.pollTimeout();
    if (deadline === undefined || now < deadline) return;
    this.guard(() => this.handshake.handleTimeout(now));
  }

  /** When `handleTimeout` should be called next (0 for a client that has not started). */
  pollTimeout(): number | undefined {
    if (this.currentState === 'new') return 0;
    if (this.currentState !== 'handshaking') return undefined;
    return this.handshake.pollTimeout();
  }

  pollTransmit(): Uint8Array | undefined {
    return this.transmits.shift();
  }

  pollEvent(): DtlsEvent | undefined {
    return this.events.shift();
  }

  /**
   * Sends one record of application data (at most 2^14 bytes, RFC 5246 §6.2.1; keep it under
   * the path MTU minus the record overhead). Throws DtlsHandshakeError('INVALID_STATE') unless connected.
   */
  send(data: Uint8Array, _now?: number): void {
    if (this.currentState !== 'connected') {
      throw new DtlsHandshakeError(
        'INVALID_STATE',
        AlertDescription.internal_error,
        `send in state ${this.currentState}`,
      );
    }
    if (data.length > MAX_PLAINTEXT_LENGTH)
      throw new RangeError(`record of ${data.length} bytes (max ${MAX_PLAINTEXT_LENGTH})`);
    this.transmits.push(this.records.seal(ContentType.application_data, data));
  }

  /** Sends close_notify (RFC 5246 §7.2.1) and closes. Idempotent. */
  close(_now?: number): void {
    if (this.currentState === 'closed' || this.currentState === 'failed') return;
    const wasOpen = this.currentState !== 'new';
    this.currentState = 'closed';
    if (wasOpen) this.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
    this.events.push({ type: 'closed', reason: 'local' });
  }

  /**
   * The peer's fingerprints, when signalling delivers them after the endpoint started. If the
   * handshake already completed, 'connected' (or a FINGERPRINT_MISMATCH error) follows now.
   */
  setRemoteFingerprints(fingerprints: readonly RemoteFingerprint[], _now?: number): void {
    this.config.remoteFingerprints = parseRemoteFingerprints(fingerprints);
    if (this.currentState === 'handshaking') this.guard(() => this.checkComplete());
  }

  /** RFC 5705 keying material exporter; the endpoint must be connected. */
  exportKeyingMaterial(label: string, length: number, context?: Uint8Array): Uint8Array {
    const r = this.parameters;
    if (r === undefined) {
      throw new DtlsHandshakeError(
        'INVALID_STATE',
        AlertDescription.internal_error,
        'exporter before the handshake',
      );
    }
    return exportKeyingMaterial12(
      r.cipherSuite.prfHash,
      r.masterSecret,
      r.clientRandom,
      r.serverRandom,
      label,
      length,
      context,
    );
  }

  private isOpen(): boolean {
    return this.currentState === 'handshaking' || this.currentState === 'connected';
  }

  /** Runs a step; a DtlsError or DtlsHandshakeError it throws ends the endpoint with its alert. */
  private guard(step: () => void): void {
    try {
      step();
      this.checkComplete();
    } catch (e) {
      if (e instanceof DtlsError || e instanceof DtlsHandshakeError) this.fail(e);
      else
        this.fail(
          new DtlsError('INVALID_STATE', AlertDescription.internal_error, `internal error: ${String(e)}`),
        );
    }
  }

  private handleRecord(record: DtlsRecord, now: number): void {
    const opened = this.records.open(record);
    if (!opened.ok) {
      if (opened.reason === 'FUTURE_EPOCH') this.holdBack(record);
      return;
    }
    const readEpoch = this.records.readEpoch;
    switch (opened.contentType) {
      case ContentType.handshake:
        this.handshake.handleRecord(opened.payload, opened.epoch, opened.sequenceNumber, now);
        this.flushWarnings();
        break;
      case ContentType.change_cipher_spec:
        try {
          decodeChangeCipherSpec(opened.payload);
          this.handshake.handleChangeCipherSpec(opened.epoch);
        } catch (e) {
          if (!(e instanceof DtlsParseError)) throw e;
          this.malformed++;
        }
        break;
      case ContentType.alert:
        this.handleAlert(opened.payload, opened.epoch);
        break;
      case ContentType.application_data:
        if (this.currentState === 'connected') this.events.push({ type: 'data', data: opened.payload });
        else if (this.earlyData.length < this.maxPending) {
          this.heldBack++;
          this.earlyData.push(opened.payload.slice());
        } else this.heldBackDropped++;
        break;
    }
    // New read keys: what was held back for them can be read now.
    if (this.records.readEpoch !== readEpoch && this.pending.length > 0) {
      const held = this.pending;
      this.pending = [];
      for (const r of held) {
        if (!this.isOpen()) return;
        this.handleRecord(r, now);
      }
    }
  }

  private holdBack(record: DtlsRecord): void {
    if (this.pending.length >= this.maxPending) {
      this.heldBackDropped++;
      return;
    }
    this.heldBack++;
    // The record is a view into the caller's datagram: keep a copy.
    this.pending.push({ ...record, header: record.header.slice(), fragment: record.fragment.slice() });
  }

  private handleAlert(payload: Uint8Array, epoch: number): void {
    let alert: ReturnType<typeof decodeAlert>;
    try {
      alert = decodeAlert(payload);
    } catch {
      this.malformed++;
      return;
    }
    // Once the handshake is over, an unprotected alert is not from the peer (anyone can forge one).
    if (this.currentState === 'connected' && epoch < this.records.readEpoch) return;
    if (alert.level === AlertLevel.warning) {
      if (alert.description !== AlertDescription.close_notify) return;
      // RFC 5246 §7.2.1: answer close_notify with our own and close at once.
      this.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
      this.currentState = 'closed';
      this.events.push({ type: 'closed', reason: 'remote' });
      return;
    }
    this.fail(DtlsHandshakeError.alertReceived(alert.description), false);
  }

  private flushWarnings(): void {
    for (let d = this.handshake.warnings.shift(); d !== undefined; d = this.handshake.warnings.shift()) {
      this.sendAlert(AlertLevel.warning, d);
    }
  }

  /** Reports 'connected' once the handshake completed and the peer certificate matched. */
  private checkComplete(): void {
    const result = this.handshake.result;
    if (this.currentState !== 'handshaking' || result === undefined) return;
    const expected = this.config.remoteFingerprints;
    if (expected === undefined) return; // wait for setRemoteFingerprints
    const leaf = result.peerCertificates[0];
    if (leaf !== undefined && !verifyFingerprint(leaf, expected)) {
      throw new DtlsError(
        'FINGERPRINT_MISMATCH',
        AlertDescription.bad_certificate,
        'the peer certificate does not match',
      );
    }
    this.result = result;
    this.currentState = 'connected';
    const profile = result.srtpProfile;
    const event: DtlsConnectedEvent = {
      type: 'connected',
      cipherSuite: result.cipherSuite,
      namedGroup: result.namedGroup,
      srtpProfile: profile,
      keyingMaterial:
        profile === undefined
          ? undefined
          : this.exportKeyingMaterial(DTLS_SRTP_EXPORTER_LABEL, srtpKeyingMaterialLength(profile)),
      peerCertificate: leaf ?? new Uint8Array(0),
      peerCertificates: result.peerCertificates,
      extendedMasterSecret: result.extendedMasterSecret,
    };
    this.events.push(event);
    for (const data of this.earlyData) this.events.push({ type: 'data', data });
    this.earlyData = [];
  }

  private sendAlert(level: number, description: number): void {
    try {
      this.transmits.push(this.records.seal(ContentType.alert, encodeAlert({ level, description })));
    } catch {
      // No usable write state (sequence numbers exhausted): nothing to tell the peer with.
    }
  }

  private fail(error: DtlsError | DtlsHandshakeError, sendAlert = true): void {
    if (!this.isOpen()) return;
    if (sendAlert && !(error instanceof DtlsHandshakeError && error.code === 'HANDSHAKE_TIMEOUT')) {
      this.sendAlert(AlertLevel.fatal, error.alert);
    }
    this.currentState = 'failed';
    this.pending = [];
    this.earlyData = [];
    this.events.push({ type: 'error', error });
    this.events.push({ type: 'closed', reason: 'error' });
  }
}
