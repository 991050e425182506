/**
 * The DTLS 1.2 record header (RFC 6347 §4.1):
 *
 *   struct {
 *     ContentType type;                 // 1 byte
 *     ProtocolVersion version;          // 2 bytes
 *     uint16 epoch;                     // 2 bytes
 *     uint48 sequence_number;           // 6 bytes
 *     uint16 length;                    // 2 bytes
 *     opaque fragment[length];
 *   } DTLSPlaintext;                    // also DTLSCiphertext
 *
 * Sequence numbers are JS numbers: 2^48 - 1 is exact in a double, and it avoids BigInt on the
 * hot path. The 8 bytes `epoch || sequence_number` are the `seq_num` of the AEAD additional
 * data and nonce (RFC 6347 §4.1.2.1).
 */
import { DtlsParseError } from '../errors.js';

export const RECORD_HEADER_LENGTH = 13;
/** Largest plaintext fragment (RFC 5246 §6.2.1): 2^14 bytes. */
export const MAX_PLAINTEXT_LENGTH = 16384;
/** Largest protected fragment (RFC 5246 §6.2.3): 2^14 + 2048 bytes. */
export const MAX_CIPHERTEXT_LENGTH = 16384 + 2048;
/** Largest sequence number; an epoch must end before it wraps (RFC 6347 §4.1). */
export const MAX_SEQUENCE_NUMBER = 2 ** 48 - 1;
export const MAX_EPOCH = 0xffff;

export interface RecordHeader {
  readonly contentType: number;
  readonly version: number;
  readonly epoch: number;
  readonly sequenceNumber: number;
  /** Length of the fragment that follows the header. */
  readonly length: number;
}

/** Decodes the 13-byte header at `offset`. Only the framing is checked, not the values. */
export function decodeRecordHeader(buf: Uint8Array, offset = 0): RecordHeader {
  if (buf.length - offset < RECORD_HEADER_LENGTH) {
    throw new DtlsParseError(
      'TRUNCATED',
      'record header',
      offset,
      `needs ${RECORD_HEADER_LENGTH} bytes, ${Math.max(0, buf.length - offset)} left`,
    );
  }
  const b = (i: number): number => buf[offset + i] as number;
  return {
    contentType: b(0),
    version: (b(1) << 8) | b(2),
    epoch: (b(3) << 8) | b(4),
    sequenceNumber:
      ((b(5) << 8) | b(6)) * 0x100000000 + (b(7) * 0x1000000 + ((b(8) << 16) | (b(9) << 8) | b(10))),
    length: (b(11) << 8) | b(12),
  };
}

/** Writes a record header into `out` at `offset` (13 bytes). */
export function writeRecordHeader(
  out: Uint8Array,
  offset: number,
  contentType: number,
  version: number,
  epoch: number,
  sequenceNumber: number,
  length: number,
): void {
  out[offset] = contentType;
  out[offset + 1] = version >>> 8;
  out[offset + 2] = version & 0xff;
  writeSequence(out, offset + 3, epoch, sequenceNumber);
  out[offset + 11] = length >>> 8;
  out[offset + 12] = length & 0xff;
}

/** Writes the 8-byte `seq_num` = epoch (16 bits) || sequence_number (48 bits) (RFC 6347 §4.1.2.1). */
export function writeSequence(out: Uint8Array, offset: number, epoch: number, sequenceNumber: number): void {
  const high = Math.floor(sequenceNumber / 0x100000000);
  const low = sequenceNumber - high * 0x100000000;
  out[offset] = epoch >>> 8;
  out[offset + 1] = epoch & 0xff;
  out[offset + 2] = high >>> 8;
  out[offset + 3] = high & 0xff;
  out[offset + 4] = low >>> 24;
  out[offset + 5] = (low >>> 16) & 0xff;
  out[offset + 6] = (low >>> 8) & 0xff;
  out[offset + 7] = low & 0xff;
}

/** Encodes a header as a new 13-byte array. */
export function encodeRecordHeader(header: RecordHeader): Uint8Array {
  const out = new Uint8Array(RECORD_HEADER_LENGTH);
  writeRecordHeader(
    out,
    0,
    header.contentType,
    header.version,
    header.epoch,
    header.sequenceNumber,
    header.length,
  );
  return out;
}

/**
 * An unprotected record (header + payload) as a new array, for epoch-0 messages sent outside a
 * `RecordLayer`, e.g. a stateless HelloVerifyRequest, which reuses the ClientHello's
 * sequence number (RFC 6347 §4.2.1).
 */
export function encodePlaintextRecord(
  contentType: number,
  version: number,
  epoch: number,
  sequenceNumber: number,
  payload: Uint8Array,
): Uint8Array {
  if (payload.length > MAX_PLAINTEXT_LENGTH)
    throw new RangeError(`record payload of ${payload.length} bytes`);
  const out = new Uint8Array(RECORD_HEADER_LENGTH + payload.length);
  writeRecordHeader(out, 0, contentType, version, epoch, sequenceNumber, payload.length);
  out.set(payload, RECORD_HEADER_LENGTH);
  return out;
}
