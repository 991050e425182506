/**
 * What the DTLS 1.2 client and server handshakes share (RFC 6347 §4.2, RFC 5246 §7.4): handshake
 * records in, messages out in order through the flight layer, the transcript, the key schedule
 * (master secret or extended master secret, RFC 7627; key block; Finished), the switch to
 * epoch 1, and the peer certificate check against the signalled fingerprints (RFC 8122 §5).
 *
 * Every failure is thrown as a DtlsError or DtlsHandshakeError carrying the alert to send; the
 * endpoint turns it into the alert and an 'error' event. What a well-behaved peer cannot cause
 * (broken framing in an unauthenticated record) is dropped and counted instead (RFC 6347 §4.1.2.7).
 */
import { AlertDescription } from '../../alert.js';
import { verifyFingerprint } from '../../certificate/fingerprint.js';
import { certificatePublicKey } from '../../certificate/public-key.js';
import type { CipherSuiteInfo } from '../../cipher-suites.js';
import { HandshakeType } from '../../constants.js';
import { constantTimeEqual } from '../../crypto/hash.js';
import type { VerificationKey } from '../../crypto/keys.js';
import { DtlsError, DtlsParseError } from '../../errors.js';
import {
  computeExtendedMasterSecret,
  computeMasterSecret,
  computeVerifyData12,
  expandKeyBlock12,
} from '../../keys/key-schedule-dtls12.js';
import { HandshakeTranscript } from '../../keys/transcript.js';
import { type HandshakeFragment, splitHandshakeFragments } from '../../messages/handshake-header.js';
import { dtls12Protections } from '../../record/protection-dtls12.js';
import type { RecordLayer } from '../../record/record-layer.js';
import { DtlsHandshakeError } from '../errors.js';
import { FlightTransport, type FlightTransportOptions } from '../flight.js';
import type { ReassembledMessage } from '../reassembler.js';
import type { Dtls12Config, Dtls12Result } from './config.js';

/** The epoch of the first (and, without renegotiation, only) negotiated keys. */
export const EPOCH_1 = 1;

export abstract class Dtls12Handshake {
  readonly transport: FlightTransport;
  protected readonly transcript = new HandshakeTranscript();
  /** Set once the peer's Finished verified. */
  result: Dtls12Result | undefined;
  /** Handshake records whose fragments could not be framed (dropped). */
  malformedRecords = 0;
  /** Warning alerts to send (no_renegotiation), drained by the endpoint. */
  readonly warnings: number[] = [];

  protected suite: CipherSuiteInfo | undefined;
  protected masterSecret: Uint8Array | undefined;
  protected clientRandom: Uint8Array | undefined;
  protected serverRandom: Uint8Array | undefined;
  protected peerCertificates: readonly Uint8Array[] = [];
  protected peerKey: VerificationKey | undefined;

  constructor(
    readonly config: Dtls12Config,
    protected readonly records: RecordLayer,
    transport: FlightTransportOptions,
    protected readonly emit: (datagram: Uint8Array) => void,
  ) {
    this.transport = new FlightTransport(transport, records, emit);
  }

  get complete(): boolean {
    return this.result !== undefined;
  }

  /** The plaintext of a handshake record in `epoch` (with its record sequence number). */
  handleRecord(payload: Uint8Array, epoch: number, recordSeq: number, now: number): void {
    let fragments: ReturnType<typeof splitHandshakeFragments>;
    try {
      fragments = splitHandshakeFragments(payload);
    } catch (e) {
      if (!(e instanceof DtlsParseError)) throw e;
      this.malformedRecords++;
      return;
    }
    for (const f of fragments) {
      if (this.interceptFragment(f, epoch, recordSeq, now)) continue;
      if (this.complete && epoch > 0 && f.fragmentOffset === 0 && this.isRenegotiation(f.msgType)) {
        // A new handshake under the current keys (its message_seq restarts at 0): refused
        // with a no_renegotiation warning (RFC 5746 §4.4, §4.5); the peer decides what next.
        this.warnings.push(AlertDescription.no_renegotiation);
        continue;
      }
      if (this.complete && epoch === 0 && f.messageSeq >= this.transport.reassembler.nextSeq) {
        // After the handshake only retransmissions can come in epoch 0; anything new is forged.
        continue;
      }
      this.transport.receiveFragment(f, epoch, now);
      for (let m = this.transport.nextMessage(); m !== undefined; m = this.transport.nextMessage()) {
        if (this.complete) this.afterHandshake(m);
        else this.handleMessage(m, now);
      }
    }
  }

  /** A hook for messages handled outside the sequence (the server's stateless ClientHello). */
  protected interceptFragment(
    _f: HandshakeFragment,
    _epoch: number,
    _recordSeq: number,
    _now: number,
  ): boolean {
    return false;
  }

  protected abstract handleMessage(message: ReassembledMessage, now: number): void;

  /** The peer's ChangeCipherSpec: informational, since records carry their epoch (RFC 6347 §4.1). */
  handleChangeCipherSpec(_epoch: number): void {}

  handleTimeout(now: number): void {
    this.transport.handleTimeout(now);
  }

  pollTimeout(): number | undefined {
    return this.transport.deadline;
  }

  /** What asks for a new handshake: a ClientHello to a server, a HelloRequest to a client. */
  private isRenegotiation(msgType: number): boolean {
    return this.config.role === 'server'
      ? msgType === HandshakeType.client_hello
      : msgType === HandshakeType.hello_request;
  }

  /** A new message in sequence once the handshake is over: refused if it renegotiates, else ignored. */
  private afterHandshake(m: ReassembledMessage): void {
    if (this.isRenegotiation(m.msgType)) this.warnings.push(AlertDescription.no_renegotiation);
  }

  protected addToTranscript(m: ReassembledMessage): void {
    this.transcript.addMessage(m.msgType, m.messageSeq, m.body);
  }

  /** Queues one of our messages in the current flight and adds it to the transcript. */
  protected send(epoch: number, msgType: number, body: Uint8Array): void {
    const seq = this.transport.addMessage(epoch, msgType, body);
    this.transcript.addMessage(msgType, seq, body);
  }

  protected unexpected(m: ReassembledMessage, state: string): DtlsHandshakeError {
    return new DtlsHandshakeError(
      'UNEXPECTED_MESSAGE',
      AlertDescription.unexpected_message,
      `handshake message type ${m.msgType} in state ${state}`,
    );
  }

  /**
   * The peer's Certificate: its leaf key, and the fingerprint check when the fingerprints are
   * known (else the endpoint checks before reporting 'connected').
   */
  protected acceptPeerCertificates(certificates: readonly Uint8Array[]): void {
    const leaf = certificates[0];
    if (leaf === undefined) return;
    const expected = this.config.remoteFingerprints;
    if (expected !== undefined && !verifyFingerprint(leaf, expected)) {
      throw new DtlsError(
        'FINGERPRINT_MISMATCH',
        AlertDescription.bad_certificate,
        'the peer certificate does not match the signalled fingerprint',
      );
    }
    this.peerKey = certificatePublicKey(leaf);
    this.peerCertificates = certificates.map((c) => c.slice());
  }

  /**
   * master_secret from the pre-master secret (RFC 5246 §8.1), or the extended master secret over
   * the session hash (RFC 7627 §4: the transcript through ClientKeyExchange), then the key block
   * and both directions of epoch 1 (RFC 5246 §6.3, RFC 6347 §4.1).
   */
  protected deriveKeys(preMasterSecret: Uint8Array, extended: boolean): void {
    const suite = this.suite!;
    const cr = this.clientRandom!;
    const sr = this.serverRandom!;
    this.masterSecret = extended
      ? computeExtendedMasterSecret(suite.prfHash, preMasterSecret, this.transcript.hash(suite.prfHash))
      : computeMasterSecret(suite.prfHash, preMasterSecret, cr, sr);
    const keys = expandKeyBlock12(suite, this.masterSecret, cr, sr);
    const { read, write } = dtls12Protections(suite, keys, this.config.role);
    this.records.installReadEpoch(EPOCH_1, read);
    this.records.installWriteEpoch(EPOCH_1, write);
  }

  /** verify_data of `sender`'s Finished over the transcript so far (RFC 5246 §7.4.9). */
  protected verifyData(sender: 'client' | 'server'): Uint8Array {
    const suite = this.suite!;
    return computeVerifyData12(
      suite.prfHash,
      this.masterSecret!,
      sender,
      this.transcript.hash(suite.prfHash),
      suite.verifyDataLength,
    );
  }

  /** Checks the peer's Finished: under the new keys, with the right verify_data. */
  protected checkPeerFinished(m: ReassembledMessage): void {
    if (m.epoch !== EPOCH_1) {
      throw new DtlsHandshakeError(
        'UNEXPECTED_MESSAGE',
        AlertDescription.unexpected_message,
        'Finished in epoch 0',
      );
    }
    const expected = this.verifyData(this.config.role === 'client' ? 'server' : 'client');
    if (!constantTimeEqual(expected, m.body)) {
      throw new DtlsHandshakeError(
        'BAD_FINISHED',
        AlertDescription.decrypt_error,
        'Finished.verify_data does not match',
      );
    }
    this.addToTranscript(m);
  }

  /**
   * The handshake succeeded: the result, and what only the handshake needed goes (see
   * {@link releaseHandshakeState}).
   */
  protected finish(namedGroup: number, extended: boolean, srtpProfile: Dtls12Result['srtpProfile']): void {
    this.releaseHandshakeState();
    this.result = {
      cipherSuite: this.suite!,
      namedGroup,
      srtpProfile,
      extendedMasterSecret: extended,
      masterSecret: this.masterSecret!,
      clientRandom: this.clientRandom!,
      serverRandom: this.serverRandom!,
      peerCertificates: this.peerCertificates,
    };
  }

  /**
   * Drops what no message after the peer's Finished needs: the transcript (both Finished are
   * verified) and the peer's signing key. A connection lives on for hours, and keeping a few KiB
   * of handshake per connection buys nothing. What may still be needed stays: the last flight
   * (sent again when the peer repeats its own, RFC 6347 §4.2.4) and the reassembler's sequence
   * numbers (to tell retransmissions from new messages).
   */
  protected releaseHandshakeState(): void {
    this.transcript.reset();
    this.peerKey = undefined;
  }
}
