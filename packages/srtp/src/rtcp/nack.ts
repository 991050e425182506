/**
 * Generic NACK (RFC 4585 §6.2.1), PT 205 (RTPFB), FMT 1. Each FCI entry names a lost packet
 * (PID) and a bitmask of the 16 packets after it (BLP, bit i = PID + i + 1 lost):
 *
 * |            PID                |             BLP               |
 */
import { readU16, writeU16 } from '../bytes.js';
import { RtcpEncodeError } from '../errors.js';
import {
  FEEDBACK_HEADER_LENGTH,
  type FeedbackSources,
  readFeedbackSources,
  writeFeedbackHeader,
} from './feedback.js';
import { ensureRoom, type RtcpBody, RtcpPacketType, RtpfbFormat } from './header.js';

export interface NackEntry {
  /** Packet ID: the sequence number of a lost packet. */
  readonly pid: number;
  /** Bitmask of following lost packets: bit i set means PID + i + 1 is lost too. */
  readonly blp: number;
}

export interface GenericNack extends FeedbackSources {
  readonly type: 'nack';
  readonly entries: readonly NackEntry[];
}

export function decodeGenericNack(body: RtcpBody): GenericNack {
  const sources = readFeedbackSources(body, 'nack');
  const entries: NackEntry[] = [];
  for (let pos = body.start + 8; pos + 4 <= body.end; pos += 4) {
    entries.push({ pid: readU16(body.bytes, pos), blp: readU16(body.bytes, pos + 2) });
  }
  return { type: 'nack', ...sources, entries };
}

export function genericNackLength(p: Omit<GenericNack, 'type'>): number {
  return FEEDBACK_HEADER_LENGTH + 4 * p.entries.length;
}

export function writeGenericNack(p: Omit<GenericNack, 'type'>, out: Uint8Array, offset: number): number {
  const length = genericNackLength(p);
  ensureRoom(out, offset, length, 'NACK');
  let pos = writeFeedbackHeader(out, offset, RtpfbFormat.NACK, RtcpPacketType.RTPFB, length, p);
  for (const e of p.entries) {
    if (e.pid < 0 || e.pid > 0xffff || e.blp < 0 || e.blp > 0xffff)
      throw new RtcpEncodeError('nack.entry', `PID ${e.pid} / BLP ${e.blp} is not 16-bit`);
    writeU16(out, pos, e.pid);
    writeU16(out, pos + 2, e.blp);
    pos += 4;
  }
  return length;
}

/** The lost sequence numbers the entries name, in entry order (PID first, then its BLP bits). */
export function nackSequenceNumbers(entries: readonly NackEntry[]): number[] {
  const out: number[] = [];
  for (const e of entries) {
    out.push(e.pid);
    for (let i = 0; i < 16; i++) if (e.blp & (1 << i)) out.push((e.pid + i + 1) & 0xffff);
  }
  return out;
}

/**
 * Entries naming exactly `lost` (sequence numbers in sending order, wrap-around allowed): each
 * entry starts at the first number not yet covered and takes the next 16 into its bitmask.
 */
export function nackEntries(lost: readonly number[]): NackEntry[] {
  const entries: { pid: number; blp: number }[] = [];
  let current: { pid: number; blp: number } | undefined;
  for (const raw of lost) {
    const seq = raw & 0xffff;
    if (current !== undefined) {
      const d = (seq - current.pid) & 0xffff;
      if (d === 0) continue;
      if (d <= 16) {
        current.blp |= 1 << (d - 1);
        continue;
      }
    }
    current = { pid: seq, blp: 0 };
    entries.push(current);
  }
  return entries;
}
