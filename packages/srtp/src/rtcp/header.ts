/**
 * The header every RTCP packet starts with (RFC 3550 §6.4.1), and the body slice the per-type
 * decoders read:
 *
 *  0                   1                   2                   3
 * |V=2|P|    RC   |      PT       |             length            |
 *
 * `length` counts 32-bit words minus one, header included. RC is a count (report blocks, SDES
 * chunks, BYE sources), an APP subtype or, for feedback packets (RFC 4585 §6.1), the FMT.
 */
import { writeU16 } from '../bytes.js';
import { RtcpParseError } from '../errors.js';

export const RTCP_HEADER_LENGTH = 4;

/** RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1, RFC 3611). */
export const RtcpPacketType = {
  SR: 200,
  RR: 201,
  SDES: 202,
  BYE: 203,
  APP: 204,
  /** Transport-layer feedback (RFC 4585 §6.2): NACK, TWCC. */
  RTPFB: 205,
  /** Payload-specific feedback (RFC 4585 §6.3): PLI, FIR, REMB. */
  PSFB: 206,
  XR: 207,
} as const;

/** FMT values of transport-layer feedback (RFC 4585 §6.2, draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1). */
export const RtpfbFormat = { NACK: 1, TWCC: 15 } as const;

/** FMT values of payload-specific feedback (RFC 4585 §6.3, RFC 5104 §4.3, draft-alvestrand-rmcat-remb). */
export const PsfbFormat = { PLI: 1, FIR: 4, AFB: 15 } as const;

/** What a per-type decoder reads: the packet's bytes after its 4-byte header, padding removed. */
export interface RtcpBody {
  readonly bytes: Uint8Array;
  /** First byte after the 4-byte header. */
  readonly start: number;
  /** End of the body (exclusive), padding removed. */
  readonly end: number;
  /** The 5-bit RC / subtype / FMT field. */
  readonly count: number;
  readonly packetType: number;
}

/** Throws TRUNCATED unless `bytes` bytes are left at `at` in `body`. */
export function need(body: RtcpBody, at: number, bytes: number, field: string): void {
  if (at + bytes > body.end) {
    throw new RtcpParseError(
      'TRUNCATED',
      field,
      at,
      `need ${bytes} bytes, ${Math.max(0, body.end - at)} left`,
    );
  }
}

/** Writes a header for a packet of `totalLength` bytes (a multiple of 4, header included). */
export function writeRtcpHeader(
  out: Uint8Array,
  offset: number,
  count: number,
  packetType: number,
  totalLength: number,
  padding = false,
): void {
  out[offset] = 0x80 | (padding ? 0x20 : 0) | (count & 0x1f);
  out[offset + 1] = packetType;
  writeU16(out, offset + 2, totalLength / 4 - 1);
}

/** Room check shared by the writers: throws RangeError when `out` cannot take `length` at `offset`. */
export function ensureRoom(out: Uint8Array, offset: number, length: number, what: string): void {
  if (offset + length > out.length) throw new RangeError(`${what} of ${length} bytes does not fit`);
}
