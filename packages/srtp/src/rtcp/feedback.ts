/**
 * The common part of RTCP feedback messages (RFC 4585 §6.1): after the header (FMT in the 5-bit
 * field, PT 205 or 206) come the packet sender's SSRC, the media source's SSRC and then the
 * feedback control information (FCI), whose format depends on PT and FMT.
 *
 * |V=2|P|   FMT   |       PT      |          length               |
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source                         |
 * :            Feedback Control Information (FCI)                 :
 */
import { readU32, writeU32 } from '../bytes.js';
import { need, RTCP_HEADER_LENGTH, type RtcpBody, writeRtcpHeader } from './header.js';

export const FEEDBACK_HEADER_LENGTH = RTCP_HEADER_LENGTH + 8;

export interface FeedbackSources {
  readonly senderSsrc: number;
  readonly mediaSsrc: number;
}

export function readFeedbackSources(body: RtcpBody, what: string): FeedbackSources {
  need(body, body.start, 8, what);
  return { senderSsrc: readU32(body.bytes, body.start), mediaSsrc: readU32(body.bytes, body.start + 4) };
}

/** Header and both SSRCs; returns where the FCI starts. */
export function writeFeedbackHeader(
  out: Uint8Array,
  offset: number,
  fmt: number,
  packetType: number,
  totalLength: number,
  p: FeedbackSources,
  padding = false,
): number {
  writeRtcpHeader(out, offset, fmt, packetType, totalLength, padding);
  writeU32(out, offset + 4, p.senderSsrc);
  writeU32(out, offset + 8, p.mediaSsrc);
  return offset + FEEDBACK_HEADER_LENGTH;
}
