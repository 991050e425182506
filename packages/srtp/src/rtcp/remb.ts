/**
 * Receiver estimated maximum bitrate (draft-alvestrand-rmcat-remb-03 §2.2), an application layer
 * feedback message: PT 206 (PSFB), FMT 15, media source SSRC 0, then
 *
 * |  Unique identifier 'R' 'E' 'M' 'B'                            |
 * |  Num SSRC     | BR Exp    |  BR Mantissa                      |
 * |   SSRC feedback                                               |
 *
 * The bitrate in bits per second is mantissa (18 bits) * 2^exp (6 bits).
 */
import { readU24, readU32, writeU32 } from '../bytes.js';
import { RtcpEncodeError, RtcpParseError } from '../errors.js';
import {
  FEEDBACK_HEADER_LENGTH,
  type FeedbackSources,
  readFeedbackSources,
  writeFeedbackHeader,
} from './feedback.js';
import { ensureRoom, need, PsfbFormat, type RtcpBody, RtcpPacketType } from './header.js';

/** 'REMB' as a big-endian 32-bit word. */
export const REMB_IDENTIFIER = 0x52454d42;

export interface Remb extends FeedbackSources {
  readonly type: 'remb';
  /** Bits per second. Written as mantissa * 2^exp, so large values lose their low bits. */
  readonly bitrate: number;
  readonly ssrcs: readonly number[];
}

/** True when an AFB body (PSFB FMT 15) carries the 'REMB' identifier. */
export function isRemb(body: RtcpBody): boolean {
  return body.start + 12 <= body.end && readU32(body.bytes, body.start + 8) === REMB_IDENTIFIER;
}

export function decodeRemb(body: RtcpBody): Remb {
  const sources = readFeedbackSources(body, 'remb');
  const b = body.bytes;
  const at = body.start + 8;
  need(body, at, 8, 'remb');
  if (readU32(b, at) !== REMB_IDENTIFIER)
    throw new RtcpParseError('BAD_FIELD', 'remb.identifier', at, "not 'REMB'");
  const count = b[at + 4] as number;
  const brBits = readU24(b, at + 5);
  const exp = brBits >> 18;
  const mantissa = brBits & 0x3ffff;
  need(body, at + 8, 4 * count, 'remb.ssrcs');
  const ssrcs: number[] = [];
  for (let i = 0; i < count; i++) ssrcs.push(readU32(b, at + 8 + 4 * i));
  return { type: 'remb', ...sources, bitrate: mantissa * 2 ** exp, ssrcs };
}

export function rembLength(p: Omit<Remb, 'type'>): number {
  return FEEDBACK_HEADER_LENGTH + 8 + 4 * p.ssrcs.length;
}

/** Exponent and mantissa for `bitrate`: the smallest exponent whose mantissa fits 18 bits. */
export function rembExponentMantissa(bitrate: number): [exp: number, mantissa: number] {
  if (!(bitrate >= 0) || !Number.isFinite(bitrate)) throw new RtcpEncodeError('remb.bitrate', `${bitrate}`);
  let exp = 0;
  let mantissa = Math.floor(bitrate);
  while (mantissa > 0x3ffff) {
    exp++;
    mantissa = Math.floor(bitrate / 2 ** exp);
  }
  if (exp > 63) throw new RtcpEncodeError('remb.bitrate', `${bitrate} does not fit 18 bits * 2^63`);
  return [exp, mantissa];
}

export function writeRemb(p: Omit<Remb, 'type'>, out: Uint8Array, offset: number): number {
  if (p.ssrcs.length > 255) throw new RtcpEncodeError('remb.ssrcs', `${p.ssrcs.length} SSRCs, at most 255`);
  const [exp, mantissa] = rembExponentMantissa(p.bitrate);
  const length = rembLength(p);
  ensureRoom(out, offset, length, 'REMB');
  let pos = writeFeedbackHeader(out, offset, PsfbFormat.AFB, RtcpPacketType.PSFB, length, p);
  writeU32(out, pos, REMB_IDENTIFIER);
  out[pos + 4] = p.ssrcs.length;
  out[pos + 5] = (exp << 2) | (mantissa >> 16);
  out[pos + 6] = mantissa >> 8;
  out[pos + 7] = mantissa;
  pos += 8;
  for (const s of p.ssrcs) {
    writeU32(out, pos, s);
    pos += 4;
  }
  return length;
}
