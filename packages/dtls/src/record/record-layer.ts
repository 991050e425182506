/**
 * The DTLS 1.2 record layer of one association (RFC 6347 §4.1): epochs, sequence numbers,
 * replay windows and record protection, without any I/O or handshake logic.
 *
 * Reading: `split(datagram)` then `open(record)` for each record, *in order*, because a record
 * may change what the next one needs (a ChangeCipherSpec is followed by the first record of the
 * new epoch, often in the same datagram): when the engine sees the peer's ChangeCipherSpec it
 * calls `installReadEpoch` before opening the next record. `open` never throws; it returns the
 * plaintext or a drop reason and counts it in `stats` (RFC 6347 §4.1.2.7: invalid records are
 * silently discarded). The previous read epoch stays readable, so the peer's retransmitted
 * epoch-0 handshake records still reach the engine after the switch (RFC 6347 §4.2.4).
 *
 * Writing: `sealInto` writes header + protected fragment into a caller buffer (several records
 * can be packed into one datagram buffer); `seal` allocates. Each epoch has its own sequence
 * counter (RFC 6347 §4.1), and the previous write epoch stays usable so that a retransmitted
 * flight can resend its epoch-0 messages after the engine switched to epoch 1.
 *
 * Sizing for the path MTU: a record costs `RECORD_HEADER_LENGTH` (13) + `overhead(epoch)` bytes
 * beyond its payload (0 in epoch 0; 24 for AES-GCM, 16 for ChaCha20-Poly1305), see
 * `maxPayloadLength`.
 */
import { Buffer } from 'node:buffer';
import { AlertDescription } from '../alert.js';
import { ContentType, ProtocolVersion } from '../constants.js';
import { DtlsError } from '../errors.js';
import {
  MAX_EPOCH,
  MAX_PLAINTEXT_LENGTH,
  MAX_SEQUENCE_NUMBER,
  RECORD_HEADER_LENGTH,
  writeRecordHeader,
} from './header.js';
import type { RecordProtection } from './protection.js';
import { DEFAULT_REPLAY_WINDOW_SIZE, ReplayWindow } from './replay-window.js';
import { DEFAULT_MAX_RECORDS_PER_DATAGRAM, type DtlsRecord, splitRecords } from './split.js';

export interface RecordLayerOptions {
  /** Replay window per epoch (RFC 6347 §4.1.2.6; default 64). */
  readonly replayWindowSize?: number;
  /** Records read from one datagram; the rest is discarded (default 32). */
  readonly maxRecordsPerDatagram?: number;
  /** Version written in record headers (default DTLS 1.2, 0xfefd). */
  readonly version?: number;
}

export type RecordDropReason =
  /** An epoch that is neither the current read epoch nor the one before it. */
  | 'UNKNOWN_EPOCH'
  /** The next epoch, arriving before its keys are installed (reordered ahead of the ChangeCipherSpec). */
  | 'FUTURE_EPOCH'
  /** A duplicate, or older than the replay window (RFC 6347 §4.1.2.6). */
  | 'REPLAYED'
  /** Did not authenticate (RFC 6347 §4.1.2.7: discard silently). */
  | 'DECRYPT_FAILED'
  /** Plaintext longer than 2^14 (RFC 5246 §6.2.1). */
  | 'RECORD_OVERFLOW'
  /** application_data in epoch 0, which has no protection (RFC 6347 §4.1). */
  | 'UNPROTECTED_APPLICATION_DATA';

export type OpenResult =
  | {
      readonly ok: true;
      readonly contentType: number;
      readonly epoch: number;
      readonly sequenceNumber: number;
      /** The plaintext (a view into the datagram in epoch 0, a fresh buffer otherwise). */
      readonly payload: Uint8Array;
    }
  | {
      readonly ok: false;
      readonly reason: RecordDropReason;
      readonly contentType: number;
      readonly epoch: number;
      readonly sequenceNumber: number;
    };

/** Counters for getStats and debugging; they only grow. */
export interface RecordLayerStats {
  datagramsReceived: number;
  recordsReceived: number;
  recordsAccepted: number;
  /** Records or trailing bytes the splitter could not frame. */
  malformed: number;
  unknownEpoch: number;
  futureEpoch: number;
  replayed: number;
  decryptFailed: number;
  recordOverflow: number;
  unprotectedApplicationData: number;
  recordsSent: number;
  bytesSent: number;
}

interface ReadState {
  readonly protection: RecordProtection | null;
  readonly window: ReplayWindow;
}

interface WriteState {
  readonly protection: RecordProtection | null;
  nextSequence: number;
}

export class RecordLayer {
  readonly stats: RecordLayerStats = {
    datagramsReceived: 0,
    recordsReceived: 0,
    recordsAccepted: 0,
    malformed: 0,
    unknownEpoch: 0,
    futureEpoch: 0,
    replayed: 0,
    decryptFailed: 0,
    recordOverflow: 0,
    unprotectedApplicationData: 0,
    recordsSent: 0,
    bytesSent: 0,
  };
  /** Version written in record headers. */
  version: number;
  private readonly windowSize: number;
  private readonly maxRecords: number;
  private readonly reads = new Map<number, ReadState>();
  private readonly writes = new Map<number, WriteState>();
  private currentRead = 0;
  private currentWrite = 0;

  constructor(options: RecordLayerOptions = {}) {
    this.windowSize = options.replayWindowSize ?? DEFAULT_REPLAY_WINDOW_SIZE;
    this.maxRecords = options.maxRecordsPerDatagram ?? DEFAULT_MAX_RECORDS_PER_DATAGRAM;
    this.version = options.version ?? ProtocolVersion.DTLS1_2;
    this.reads.set(0, { protection: null, window: new ReplayWindow(this.windowSize) });
    this.writes.set(0, { protection: null, nextSequence: 0 });
  }

  /** The epoch whose records the peer now sends (0 until its ChangeCipherSpec). */
  get readEpoch(): number {
    return this.currentRead;
  }

  /** The epoch we now send in (0 until our ChangeCipherSpec). */
  get writeEpoch(): number {
    return this.currentWrite;
  }

  /** Starts reading `epoch` (the current read epoch + 1) with `protection`; the previous epoch stays readable. */
  installReadEpoch(epoch: number, protection: RecordProtection): void {
    if (epoch !== this.currentRead + 1 || epoch > MAX_EPOCH) {
      throw new DtlsError(
        'INVALID_STATE',
        AlertDescription.internal_error,
        `read epoch ${epoch} after ${this.currentRead}`,
      );
    }
    this.reads.set(epoch, { protection, window: new ReplayWindow(this.windowSize) });
    this.reads.delete(epoch - 2);
    this.currentRead = epoch;
  }

  /** Starts writing `epoch` (the current write epoch + 1) with `protection`; the previous epoch stays writable. */
  installWriteEpoch(epoch: number, protection: RecordProtection): void {
    if (epoch !== this.currentWrite + 1 || epoch > MAX_EPOCH) {
      throw new DtlsError(
        'INVALID_STATE',
        AlertDescription.internal_error,
        `write epoch ${epoch} after ${this.currentWrite}`,
      );
    }
    this.writes.set(epoch, { protection, nextSequence: 0 });
    this.writes.delete(epoch - 2);
    this.currentWrite = epoch;
  }

  /** Splits a datagram into records (views), counting what had to be discarded. Never throws. */
  split(datagram: Uint8Array): DtlsRecord[] {
    this.stats.datagramsReceived++;
    const { records, discarded } = splitRecords(datagram, this.maxRecords);
    this.stats.malformed += discarded;
    this.stats.recordsReceived += records.length;
    return records;
  }

  /** Checks replay, removes protection and marks the record received. Never throws. */
  open(record: DtlsRecord): OpenResult {
    const { contentType, epoch, sequenceNumber } = record;
    const state = this.reads.get(epoch);
    if (state === undefined) {
      const reason = epoch === this.currentRead + 1 ? 'FUTURE_EPOCH' : 'UNKNOWN_EPOCH';
      if (reason === 'FUTURE_EPOCH') this.stats.futureEpoch++;
      else this.stats.unknownEpoch++;
      return { ok: false, reason, contentType, epoch, sequenceNumber };
    }
    if (!state.window.isAcceptable(sequenceNumber)) {
      this.stats.replayed++;
      return { ok: false, reason: 'REPLAYED', contentType, epoch, sequenceNumber };
    }
    let payload: Uint8Array | undefined;
    if (state.protection === null) {
      if (contentType === ContentType.application_data) {
        this.stats.unprotectedApplicationData++;
        return { ok: false, reason: 'UNPROTECTED_APPLICATION_DATA', contentType, epoch, sequenceNumber };
      }
      payload = record.fragment;
    } else {
      payload = state.protection.openFragment(
        contentType,
        record.version,
        epoch,
        sequenceNumber,
        record.fragment,
      );
      if (payload === undefined) {
        this.stats.decryptFailed++;
        return { ok: false, reason: 'DECRYPT_FAILED', contentType, epoch, sequenceNumber };
      }
    }
    if (payload.length > MAX_PLAINTEXT_LENGTH) {
      this.stats.recordOverflow++;
      return { ok: false, reason: 'RECORD_OVERFLOW', contentType, epoch, sequenceNumber };
    }
    state.window.accept(sequenceNumber);
    this.stats.recordsAccepted++;
    return { ok: true, contentType, epoch, sequenceNumber, payload };
  }

  private writeState(epoch: number): WriteState {
    const state = this.writes.get(epoch);
    if (state === undefined) {
      throw new DtlsError(
        'INVALID_STATE',
        AlertDescription.internal_error,
        `no write keys for epoch ${epoch}`,
      );
    }
    return state;
  }

  /** Bytes a record in `epoch` adds to its payload beyond the 13-byte header (0 in epoch 0). */
  overhead(epoch: number = this.currentWrite): number {
    return this.writeState(epoch).protection?.overhead ?? 0;
  }

  /** Size on the wire of a record carrying `payloadLength` bytes in `epoch`. */
  recordLength(payloadLength: number, epoch: number = this.currentWrite): number {
    return RECORD_HEADER_LENGTH + this.overhead(epoch) + payloadLength;
  }

  /** The largest payload whose record fits in `budget` bytes (e.g. what is left of the MTU), at most 2^14; 0 if none. */
  maxPayloadLength(budget: number, epoch: number = this.currentWrite): number {
    return Math.max(0, Math.min(MAX_PLAINTEXT_LENGTH, budget - RECORD_HEADER_LENGTH - this.overhead(epoch)));
  }

  /** The sequence number the next record of `epoch` will carry. */
  nextSequenceNumber(epoch: number = this.currentWrite): number {
    return this.writeState(epoch).nextSequence;
  }

  /**
   * Moves the next sequence number of `epoch` forward, e.g. a server that answered statelessly
   * with a HelloVerifyRequest carrying the ClientHello's sequence number (RFC 6347 §4.2.1) and
   * wants its next records to continue from there. Never moves backwards (that would reuse nonces).
   */
  skipToSequenceNumber(sequenceNumber: number, epoch: number = this.currentWrite): void {
    const state = this.writeState(epoch);
    if (!Number.isSafeInteger(sequenceNumber) || sequenceNumber > MAX_SEQUENCE_NUMBER + 1) {
      throw new RangeError(`sequence number ${sequenceNumber}`);
    }
    if (sequenceNumber > state.nextSequence) state.nextSequence = sequenceNumber;
  }

  /**
   * Writes a record (header + protected payload) into `out` at `offset` and returns its length.
   * Throws only on misuse: unknown epoch, payload over 2^14, `out` too small, or an exhausted
   * sequence number (then the association must end, RFC 6347 §4.1).
   */
  sealInto(
    out: Uint8Array,
    offset: number,
    contentType: number,
    payload: Uint8Array,
    epoch: number = this.currentWrite,
  ): number {
    const state = this.writeState(epoch);
    if (payload.length > MAX_PLAINTEXT_LENGTH)
      throw new RangeError(`record payload of ${payload.length} bytes`);
    const overhead = state.protection?.overhead ?? 0;
    const total = RECORD_HEADER_LENGTH + overhead + payload.length;
    if (out.length - offset < total)
      throw new RangeError(`record of ${total} bytes does not fit at offset ${offset}`);
    const seq = state.nextSequence;
    if (seq > MAX_SEQUENCE_NUMBER) {
      throw new DtlsError(
        'SEQUENCE_EXHAUSTED',
        AlertDescription.internal_error,
        `epoch ${epoch} used all sequence numbers`,
      );
    }
    state.nextSequence = seq + 1;
    let length = payload.length;
    if (state.protection === null) {
      out.set(payload, offset + RECORD_HEADER_LENGTH);
    } else {
      length = state.protection.sealFragment(
        contentType,
        this.version,
        epoch,
        seq,
        payload,
        out,
        offset + RECORD_HEADER_LENGTH,
      );
    }
    writeRecordHeader(out, offset, contentType, this.version, epoch, seq, length);
    this.stats.recordsSent++;
    this.stats.bytesSent += RECORD_HEADER_LENGTH + length;
    return RECORD_HEADER_LENGTH + length;
  }

  /**
   * Like {@link sealInto}, into a new array of exactly the record's size. Its bytes come from
   * node:buffer's shared pool uninitialised (every byte is written below): a zero-filled
   * allocation of its own per record was a measurable share of the send path. The result is a
   * plain Uint8Array view, so that `slice()` copies as callers expect (a Buffer's would not).
   */
  seal(contentType: number, payload: Uint8Array, epoch: number = this.currentWrite): Uint8Array {
    const length = this.recordLength(payload.length, epoch);
    const pooled = Buffer.allocUnsafe(length);
    const out = new Uint8Array(pooled.buffer, pooled.byteOffset, length);
    this.sealInto(out, 0, contentType, payload, epoch);
    return out;
  }
}
