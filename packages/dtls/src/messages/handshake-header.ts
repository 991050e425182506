/**
 * The DTLS handshake header (RFC 6347 §4.2.2), 12 bytes in front of every handshake fragment:
 *
 *   struct {
 *     HandshakeType msg_type;     // 1
 *     uint24 length;              // 3: length of the whole message body
 *     uint16 message_seq;         // 2
 *     uint24 fragment_offset;     // 3
 *     uint24 fragment_length;     // 3
 *     opaque fragment[fragment_length];
 *   } Handshake;
 *
 * A record may carry several fragments, and a message may span several records; reassembly is
 * the handshake engine's job. This file only frames: it checks that each fragment lies inside
 * its message (fragment_offset + fragment_length <= length) and inside the record.
 */
import { DtlsParseError } from '../errors.js';

export const HANDSHAKE_HEADER_LENGTH = 12;
/** The 24-bit length field's limit. Engines cap reassembly far lower. */
export const MAX_HANDSHAKE_LENGTH = 0xffffff;
/** Fragments accepted from one record (a cap; a 1500-byte record holds at most 125 empty ones). */
export const DEFAULT_MAX_FRAGMENTS_PER_RECORD = 32;

export interface HandshakeHeader {
  readonly msgType: number;
  /** Length of the whole (reassembled) message body. */
  readonly length: number;
  readonly messageSeq: number;
  readonly fragmentOffset: number;
  readonly fragmentLength: number;
}

export interface HandshakeFragment extends HandshakeHeader {
  /** The fragment's bytes (a view), `fragmentLength` long. */
  readonly fragment: Uint8Array;
}

/** Decodes a header at `offset` and checks it is self-consistent (fragment within message). */
export function decodeHandshakeHeader(buf: Uint8Array, offset = 0): HandshakeHeader {
  if (buf.length - offset < HANDSHAKE_HEADER_LENGTH) {
    throw new DtlsParseError(
      'TRUNCATED',
      'handshake header',
      offset,
      `needs ${HANDSHAKE_HEADER_LENGTH} bytes, ${Math.max(0, buf.length - offset)} left`,
    );
  }
  const b = (i: number): number => buf[offset + i] as number;
  const header: HandshakeHeader = {
    msgType: b(0),
    length: (b(1) << 16) | (b(2) << 8) | b(3),
    messageSeq: (b(4) << 8) | b(5),
    fragmentOffset: (b(6) << 16) | (b(7) << 8) | b(8),
    fragmentLength: (b(9) << 16) | (b(10) << 8) | b(11),
  };
  if (header.fragmentOffset + header.fragmentLength > header.length) {
    throw new DtlsParseError(
      'BAD_LENGTH',
      'handshake.fragment_length',
      offset + 9,
      `fragment ${header.fragmentOffset}+${header.fragmentLength} exceeds message length ${header.length}`,
    );
  }
  return header;
}

/** Writes a 12-byte handshake header into `out` at `offset`. */
export function writeHandshakeHeader(out: Uint8Array, offset: number, header: HandshakeHeader): void {
  const { msgType, length, messageSeq, fragmentOffset, fragmentLength } = header;
  out[offset] = msgType;
  out[offset + 1] = length >>> 16;
  out[offset + 2] = (length >>> 8) & 0xff;
  out[offset + 3] = length & 0xff;
  out[offset + 4] = messageSeq >>> 8;
  out[offset + 5] = messageSeq & 0xff;
  out[offset + 6] = fragmentOffset >>> 16;
  out[offset + 7] = (fragmentOffset >>> 8) & 0xff;
  out[offset + 8] = fragmentOffset & 0xff;
  out[offset + 9] = fragmentLength >>> 16;
  out[offset + 10] = (fragmentLength >>> 8) & 0xff;
  out[offset + 11] = fragmentLength & 0xff;
}

/**
 * A whole message as one unfragmented handshake: header (fragment_offset 0, fragment_length =
 * length) + body. This is also the form that goes into the handshake hash (RFC 6347 §4.2.6).
 */
export function encodeHandshakeMessage(msgType: number, messageSeq: number, body: Uint8Array): Uint8Array {
  if (body.length > MAX_HANDSHAKE_LENGTH) throw new RangeError(`handshake body of ${body.length} bytes`);
  const out = new Uint8Array(HANDSHAKE_HEADER_LENGTH + body.length);
  writeHandshakeHeader(out, 0, {
    msgType,
    length: body.length,
    messageSeq,
    fragmentOffset: 0,
    fragmentLength: body.length,
  });
  out.set(body, HANDSHAKE_HEADER_LENGTH);
  return out;
}

/**
 * Writes one fragment (header + `body[fragmentOffset, fragmentOffset + fragmentLength)`) of a
 * message into `out` at `offset`, for an engine that fragments to the MTU. Returns bytes written.
 */
export function writeHandshakeFragment(
  out: Uint8Array,
  offset: number,
  msgType: number,
  messageSeq: number,
  body: Uint8Array,
  fragmentOffset: number,
  fragmentLength: number,
): number {
  if (fragmentOffset < 0 || fragmentLength < 0 || fragmentOffset + fragmentLength > body.length) {
    throw new RangeError(`fragment ${fragmentOffset}+${fragmentLength} outside a ${body.length}-byte body`);
  }
  writeHandshakeHeader(out, offset, {
    msgType,
    length: body.length,
    messageSeq,
    fragmentOffset,
    fragmentLength,
  });
  out.set(body.subarray(fragmentOffset, fragmentOffset + fragmentLength), offset + HANDSHAKE_HEADER_LENGTH);
  return HANDSHAKE_HEADER_LENGTH + fragmentLength;
}

/**
 * Splits a handshake record's payload into fragments. Throws {@link DtlsParseError} if a header is
 * inconsistent, a fragment runs past the payload, or there are more than `maxFragments`.
 * Offsets in errors are relative to `payload`.
 */
export function splitHandshakeFragments(
  payload: Uint8Array,
  maxFragments: number = DEFAULT_MAX_FRAGMENTS_PER_RECORD,
): HandshakeFragment[] {
  const out: HandshakeFragment[] = [];
  let offset = 0;
  while (offset < payload.length) {
    if (out.length >= maxFragments) {
      throw new DtlsParseError(
        'TOO_MANY',
        'handshake fragments',
        offset,
        `more than ${maxFragments} in one record`,
      );
    }
    const header = decodeHandshakeHeader(payload, offset);
    const start = offset + HANDSHAKE_HEADER_LENGTH;
    if (payload.length - start < header.fragmentLength) {
      throw new DtlsParseError(
        'TRUNCATED',
        'handshake.fragment',
        start,
        `fragment_length ${header.fragmentLength}, ${payload.length - start} byte(s) left`,
      );
    }
    out.push({ ...header, fragment: payload.subarray(start, start + header.fragmentLength) });
    offset = start + header.fragmentLength;
  }
  return out;
}
