/**
 * Splits a datagram into DTLS records (RFC 6347 §4.1: "multiple DTLS records MAY be placed in a
 * single datagram"; §4.1.2.7: invalid records SHOULD be silently discarded).
 *
 * The splitter trusts nothing. A record whose header is sound but whose content type is unknown
 * is skipped and the next one is still read (its length is known). Anything that breaks the
 * framing — a truncated header or fragment, a version that is not DTLS (major byte 0xfe), an
 * oversized length, a DTLS 1.3 unified header — ends the walk: the rest of the datagram is
 * discarded. Records are views into the datagram; nothing is copied.
 */
import { ContentType } from '../constants.js';
import { MAX_CIPHERTEXT_LENGTH, RECORD_HEADER_LENGTH, type RecordHeader } from './header.js';

export interface DtlsRecord extends RecordHeader {
  /** The 13 header bytes (a view), e.g. for logging; AEAD rebuilds its additional data from the fields. */
  readonly header: Uint8Array;
  /** The fragment (a view into the datagram): plaintext in epoch 0, protected after. */
  readonly fragment: Uint8Array;
  /** Offset of the record's first byte in the datagram. */
  readonly offset: number;
}

export interface SplitResult {
  readonly records: DtlsRecord[];
  /** Records (or trailing runs of bytes) that were discarded as malformed. */
  readonly discarded: number;
}

/** More records than any sane datagram carries: 1500 bytes hold at most 115 empty records. */
export const DEFAULT_MAX_RECORDS_PER_DATAGRAM = 32;

function isKnownContentType(type: number): boolean {
  return type >= ContentType.change_cipher_spec && type <= ContentType.application_data;
}

/** Splits `datagram` into records; never throws. */
export function splitRecords(
  datagram: Uint8Array,
  maxRecords: number = DEFAULT_MAX_RECORDS_PER_DATAGRAM,
): SplitResult {
  const records: DtlsRecord[] = [];
  let discarded = 0;
  let offset = 0;
  const end = datagram.length;
  while (offset < end) {
    if (end - offset < RECORD_HEADER_LENGTH || records.length >= maxRecords) {
      discarded++;
      break;
    }
    const b = (i: number): number => datagram[offset + i] as number;
    const contentType = b(0);
    // Major version 0xfe is every DTLS version (1.0 0xfeff, 1.2 0xfefd); a DTLS 1.3 unified header
    // (first byte 0b001xxxxx) or anything else has no length we can trust.
    if (b(1) !== 0xfe) {
      discarded++;
      break;
    }
    const length = (b(11) << 8) | b(12);
    if (length > MAX_CIPHERTEXT_LENGTH || end - offset - RECORD_HEADER_LENGTH < length) {
      discarded++;
      break;
    }
    const next = offset + RECORD_HEADER_LENGTH + length;
    if (!isKnownContentType(contentType)) {
      discarded++;
      offset = next;
      continue;
    }
    records.push({
      contentType,
      version: (b(1) << 8) | b(2),
      epoch: (b(3) << 8) | b(4),
      sequenceNumber:
        ((b(5) << 8) | b(6)) * 0x100000000 + (b(7) * 0x1000000 + ((b(8) << 16) | (b(9) << 8) | b(10))),
      length,
      header: datagram.subarray(offset, offset + RECORD_HEADER_LENGTH),
      fragment: datagram.subarray(offset + RECORD_HEADER_LENGTH, next),
      offset,
    });
    offset = next;
  }
  return { records, discarded };
}
