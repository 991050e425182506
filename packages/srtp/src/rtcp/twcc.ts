/**
 * Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * §3.1), PT 205 (RTPFB), FMT 15:
 *
 * |      base sequence number     |      packet status count      |
 * |                 reference time                | fb pkt. count |
 * |          packet chunk         |         packet chunk          |
 * :                              ...                              :
 * |         recv delta            |  recv delta   | zero padding  |
 *
 * Packet status symbols (§3.1.1): 0 not received, 1 received with a small delta (one unsigned
 * byte), 2 received with a large or negative delta (two signed bytes), 3 reserved. Chunks are
 * run lengths (T=0: symbol, 13-bit run) or status vectors (T=1: S=0 fourteen 1-bit symbols, S=1
 * seven 2-bit symbols). Deltas are in 250 µs ticks; the reference time is a signed 24-bit count
 * of 64 ms.
 *
 * Decoded form: one status per packet from the base sequence number on, and one delta per
 * received packet, both typed arrays.
 */
import { pad4, readU16, readU24, writeU16, writeU24 } from '../bytes.js';
import { RtcpEncodeError, RtcpParseError } from '../errors.js';
import {
  FEEDBACK_HEADER_LENGTH,
  type FeedbackSources,
  readFeedbackSources,
  writeFeedbackHeader,
} from './feedback.js';
import { ensureRoom, need, type RtcpBody, RtcpPacketType, RtpfbFormat } from './header.js';

export const TwccStatus = { NOT_RECEIVED: 0, SMALL_DELTA: 1, LARGE_DELTA: 2 } as const;

/** Length of one delta tick in microseconds (§3.1.5). */
export const TWCC_DELTA_TICK_US = 250;
/** Length of one reference time tick in milliseconds (§3.1). */
export const TWCC_REFERENCE_TICK_MS = 64;

export interface TransportCc extends FeedbackSources {
  readonly type: 'twcc';
  readonly baseSequenceNumber: number;
  /** Signed 24 bits, in multiples of 64 ms. */
  readonly referenceTime: number;
  /** 0..255, wraps: lets the receiver of feedback detect lost feedback. */
  readonly feedbackPacketCount: number;
  /** One {@link TwccStatus} per packet from the base sequence number on (packet status count). */
  readonly statuses: Uint8Array;
  /** One receive delta per received packet (status 1 or 2), in order, in 250 µs ticks. */
  readonly deltas: Int16Array;
}

const FIXED = 8; // base seq, status count, reference time, fb count

export function decodeTransportCc(body: RtcpBody): TransportCc {
  const sources = readFeedbackSources(body, 'twcc');
  const b = body.bytes;
  let pos = body.start + 8;
  need(body, pos, FIXED, 'twcc');
  const baseSequenceNumber = readU16(b, pos);
  const statusCount = readU16(b, pos + 2);
  const referenceTime = (readU24(b, pos + 4) << 8) >> 8;
  const feedbackPacketCount = b[pos + 7] as number;
  pos += FIXED;

  const statuses = new Uint8Array(statusCount);
  let filled = 0;
  let received = 0;
  while (filled < statusCount) {
    need(body, pos, 2, 'twcc.chunk');
    const chunk = readU16(b, pos);
    if ((chunk & 0x8000) === 0) {
      const symbol = (chunk >> 13) & 0x3;
      const run = Math.min(chunk & 0x1fff, statusCount - filled);
      if (symbol === 3) throw new RtcpParseError('BAD_FIELD', 'twcc.chunk', pos, 'reserved status symbol 3');
      statuses.fill(symbol, filled, filled + run);
      if (symbol !== 0) received += run;
      filled += run;
    } else if ((chunk & 0x4000) === 0) {
      for (let i = 13; i >= 0 && filled < statusCount; i--) {
        const symbol = (chunk >> i) & 1;
        statuses[filled++] = symbol;
        received += symbol;
      }
    } else {
      for (let i = 12; i >= 0 && filled < statusCount; i -= 2) {
        const symbol = (chunk >> i) & 3;
        if (symbol === 3)
          throw new RtcpParseError('BAD_FIELD', 'twcc.chunk', pos, 'reserved status symbol 3');
        statuses[filled++] = symbol;
        if (symbol !== 0) received++;
      }
    }
    pos += 2;
  }

  const deltas = new Int16Array(received);
  let d = 0;
  for (let i = 0; i < statusCount; i++) {
    const s = statuses[i] as number;
    if (s === TwccStatus.SMALL_DELTA) {
      need(body, pos, 1, 'twcc.delta');
      deltas[d++] = b[pos] as number;
      pos += 1;
    } else if (s === TwccStatus.LARGE_DELTA) {
      need(body, pos, 2, 'twcc.delta');
      deltas[d++] = (readU16(b, pos) << 16) >> 16;
      pos += 2;
    }
  }
  return {
    type: 'twcc',
    ...sources,
    baseSequenceNumber,
    referenceTime,
    feedbackPacketCount,
    statuses,
    deltas,
  };
}

/** The chunks for `statuses` (§3.1.3, §3.1.4): run lengths where runs are long, vectors elsewhere. */
function encodeChunks(statuses: Uint8Array): number[] {
  const chunks: number[] = [];
  const n = statuses.length;
  let i = 0;
  while (i < n) {
    const symbol = statuses[i] as number;
    let run = 1;
    while (i + run < n && statuses[i + run] === symbol && run < 0x1fff) run++;
    let oneBit = 0;
    while (i + oneBit < n && oneBit < 14 && (statuses[i + oneBit] as number) <= 1) oneBit++;
    if (run >= 14) {
      chunks.push((symbol << 13) | run);
      i += run;
    } else if (oneBit === 14 || i + oneBit === n) {
      let chunk = 0x8000;
      for (let k = 0; k < oneBit; k++) chunk |= (statuses[i + k] as number) << (13 - k);
      chunks.push(chunk);
      i += oneBit;
    } else if (run >= 7) {
      chunks.push((symbol << 13) | run);
      i += run;
    } else {
      const take = Math.min(7, n - i);
      let chunk = 0xc000;
      for (let k = 0; k < take; k++) chunk |= (statuses[i + k] as number) << (12 - 2 * k);
      chunks.push(chunk);
      i += take;
    }
  }
  return chunks;
}

function checkTransportCc(p: Omit<TransportCc, 'type'>): void {
  if (p.statuses.length > 0xffff)
    throw new RtcpEncodeError('twcc.statuses', `${p.statuses.length} packets, at most 65535`);
  if (p.referenceTime < -0x800000 || p.referenceTime > 0x7fffff || !Number.isInteger(p.referenceTime))
    throw new RtcpEncodeError('twcc.referenceTime', `${p.referenceTime} is not a signed 24-bit integer`);
  let d = 0;
  for (let i = 0; i < p.statuses.length; i++) {
    const s = p.statuses[i] as number;
    if (s > 2) throw new RtcpEncodeError('twcc.statuses', `status ${s} of packet ${i} is not 0, 1 or 2`);
    if (s === 0) continue;
    const delta = p.deltas[d++];
    if (delta === undefined) throw new RtcpEncodeError('twcc.deltas', `fewer deltas than received packets`);
    if (s === TwccStatus.SMALL_DELTA && (delta < 0 || delta > 255))
      throw new RtcpEncodeError('twcc.deltas', `small delta ${delta} of packet ${i} is not 0..255`);
  }
  if (d !== p.deltas.length)
    throw new RtcpEncodeError('twcc.deltas', `${p.deltas.length} deltas for ${d} received packets`);
}

function unpaddedLength(p: Omit<TransportCc, 'type'>, chunks: number): number {
  let deltaBytes = 0;
  for (const s of p.statuses) deltaBytes += s === TwccStatus.LARGE_DELTA ? 2 : s;
  return FEEDBACK_HEADER_LENGTH + FIXED + 2 * chunks + deltaBytes;
}

export function transportCcLength(p: Omit<TransportCc, 'type'>): number {
  checkTransportCc(p);
  return pad4(unpaddedLength(p, encodeChunks(p.statuses).length));
}

/**
 * Writes the feedback, padded to 32 bits the way libwebrtc does it: padding bytes with the P bit
 * set and the count in the last byte (RFC 3550 §6.4.1).
 */
export function writeTransportCc(p: Omit<TransportCc, 'type'>, out: Uint8Array, offset: number): number {
  checkTransportCc(p);
  const chunks = encodeChunks(p.statuses);
  const unpadded = unpaddedLength(p, chunks.length);
  const length = pad4(unpadded);
  ensureRoom(out, offset, length, 'TWCC');
  let pos = writeFeedbackHeader(
    out,
    offset,
    RtpfbFormat.TWCC,
    RtcpPacketType.RTPFB,
    length,
    p,
    length > unpadded,
  );
  writeU16(out, pos, p.baseSequenceNumber);
  writeU16(out, pos + 2, p.statuses.length);
  writeU24(out, pos + 4, p.referenceTime & 0xffffff);
  out[pos + 7] = p.feedbackPacketCount;
  pos += FIXED;
  for (const c of chunks) {
    writeU16(out, pos, c);
    pos += 2;
  }
  let d = 0;
  for (const s of p.statuses) {
    if (s === TwccStatus.SMALL_DELTA) {
      out[pos++] = p.deltas[d++] as number;
    } else if (s === TwccStatus.LARGE_DELTA) {
      writeU16(out, pos, (p.deltas[d++] as number) & 0xffff);
      pos += 2;
    }
  }
  if (length > unpadded) {
    out.fill(0, pos, offset + length - 1);
    out[offset + length - 1] = length - unpadded;
  }
  return length;
}
