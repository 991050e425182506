/**
 * Picture loss indication (RFC 4585 §6.3.1), PT 206 (PSFB), FMT 1: no FCI, just the two SSRCs.
 */
import {
  FEEDBACK_HEADER_LENGTH,
  type FeedbackSources,
  readFeedbackSources,
  writeFeedbackHeader,
} from './feedback.js';
import { ensureRoom, PsfbFormat, type RtcpBody, RtcpPacketType } from './header.js';

export interface PictureLossIndication extends FeedbackSources {
  readonly type: 'pli';
}

export function decodePictureLossIndication(body: RtcpBody): PictureLossIndication {
  return { type: 'pli', ...readFeedbackSources(body, 'pli') };
}

export function pictureLossIndicationLength(): number {
  return FEEDBACK_HEADER_LENGTH;
}

export function writePictureLossIndication(
  p: Omit<PictureLossIndication, 'type'>,
  out: Uint8Array,
  offset: number,
): number {
  ensureRoom(out, offset, FEEDBACK_HEADER_LENGTH, 'PLI');
  writeFeedbackHeader(out, offset, PsfbFormat.PLI, RtcpPacketType.PSFB, FEEDBACK_HEADER_LENGTH, p);
  return FEEDBACK_HEADER_LENGTH;
}
