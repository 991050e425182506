/**
 * Goodbye (RFC 3550 §6.6), PT 203, SC = number of sources, then an optional reason (length
 * octet, UTF-8 text) padded to 32 bits:
 *
 * |                           SSRC/CSRC                           |
 * |     length    |               reason for leaving            ...
 */
import { decodeUtf8, encodeUtf8, pad4, readU32, writeU32 } from '../bytes.js';
import { RtcpEncodeError } from '../errors.js';
import {
  ensureRoom,
  need,
  RTCP_HEADER_LENGTH,
  type RtcpBody,
  RtcpPacketType,
  writeRtcpHeader,
} from './header.js';

export interface Goodbye {
  readonly type: 'bye';
  readonly sources: readonly number[];
  readonly reason?: string;
}

export function decodeGoodbye(body: RtcpBody): Goodbye {
  const { bytes: b, start, end } = body;
  need(body, start, 4 * body.count, 'bye.sources');
  const sources: number[] = [];
  let pos = start;
  for (let i = 0; i < body.count; i++, pos += 4) sources.push(readU32(b, pos));
  if (pos >= end) return { type: 'bye', sources };
  const length = b[pos] as number;
  need(body, pos + 1, length, 'bye.reason');
  return { type: 'bye', sources, reason: decodeUtf8(b.subarray(pos + 1, pos + 1 + length)) };
}

function reasonBytes(p: Omit<Goodbye, 'type'>): Uint8Array | undefined {
  if (p.sources.length > 31)
    throw new RtcpEncodeError('bye.sources', `${p.sources.length} sources, at most 31`);
  if (p.reason === undefined) return undefined;
  const text = encodeUtf8(p.reason);
  if (text.length > 255) throw new RtcpEncodeError('bye.reason', `${text.length} bytes, at most 255`);
  return text;
}

export function goodbyeLength(p: Omit<Goodbye, 'type'>): number {
  const reason = reasonBytes(p);
  return RTCP_HEADER_LENGTH + 4 * p.sources.length + (reason === undefined ? 0 : pad4(1 + reason.length));
}

export function writeGoodbye(p: Omit<Goodbye, 'type'>, out: Uint8Array, offset: number): number {
  const reason = reasonBytes(p);
  const length = goodbyeLength(p);
  ensureRoom(out, offset, length, 'BYE');
  writeRtcpHeader(out, offset, p.sources.length, RtcpPacketType.BYE, length);
  let pos = offset + RTCP_HEADER_LENGTH;
  for (const s of p.sources) {
    writeU32(out, pos, s);
    pos += 4;
  }
  if (reason !== undefined) {
    out[pos] = reason.length;
    out.set(reason, pos + 1);
    out.fill(0, pos + 1 + reason.length, offset + length);
  }
  return length;
}
