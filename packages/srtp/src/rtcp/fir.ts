/**
 * Full intra request (RFC 5104 §4.3.1), PT 206 (PSFB), FMT 4. The media source SSRC field is
 * unused ("SHALL be set to 0"); each FCI entry names the sender asked for a decoder refresh:
 *
 * |                              SSRC                             |
 * | Seq nr.       |    Reserved                                   |
 */
import { readU32, writeU32 } from '../bytes.js';
import {
  FEEDBACK_HEADER_LENGTH,
  type FeedbackSources,
  readFeedbackSources,
  writeFeedbackHeader,
} from './feedback.js';
import { ensureRoom, PsfbFormat, type RtcpBody, RtcpPacketType } from './header.js';

export interface FirEntry {
  readonly ssrc: number;
  /** Command sequence number, 0..255, incremented per new request (RFC 5104 §4.3.1.2). */
  readonly sequenceNumber: number;
}

export interface FullIntraRequest extends FeedbackSources {
  readonly type: 'fir';
  readonly entries: readonly FirEntry[];
}

export function decodeFullIntraRequest(body: RtcpBody): FullIntraRequest {
  const sources = readFeedbackSources(body, 'fir');
  const entries: FirEntry[] = [];
  for (let pos = body.start + 8; pos + 8 <= body.end; pos += 8) {
    entries.push({ ssrc: readU32(body.bytes, pos), sequenceNumber: body.bytes[pos + 4] as number });
  }
  return { type: 'fir', ...sources, entries };
}

export function fullIntraRequestLength(p: Omit<FullIntraRequest, 'type'>): number {
  return FEEDBACK_HEADER_LENGTH + 8 * p.entries.length;
}

export function writeFullIntraRequest(
  p: Omit<FullIntraRequest, 'type'>,
  out: Uint8Array,
  offset: number,
): number {
  const length = fullIntraRequestLength(p);
  ensureRoom(out, offset, length, 'FIR');
  let pos = writeFeedbackHeader(out, offset, PsfbFormat.FIR, RtcpPacketType.PSFB, length, p);
  for (const e of p.entries) {
    writeU32(out, pos, e.ssrc);
    out[pos + 4] = e.sequenceNumber;
    out[pos + 5] = 0;
    out[pos + 6] = 0;
    out[pos + 7] = 0;
    pos += 8;
  }
  return length;
}
