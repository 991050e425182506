/**
 * Receiver report (RFC 3550 §6.4.2), PT 201, RC = number of report blocks:
 *
 * |                     SSRC of packet sender                     |
 * |                 report blocks (24 bytes each)                 |
 * |                  profile-specific extensions                  |
 */
import { readU32, writeU32 } from '../bytes.js';
import { RtcpEncodeError, RtcpParseError } from '../errors.js';
import {
  ensureRoom,
  need,
  RTCP_HEADER_LENGTH,
  type RtcpBody,
  RtcpPacketType,
  writeRtcpHeader,
} from './header.js';
import { REPORT_BLOCK_LENGTH, type ReportBlock, readReportBlock, writeReportBlock } from './report-block.js';

export interface ReceiverReport {
  readonly type: 'rr';
  readonly ssrc: number;
  readonly reports: readonly ReportBlock[];
  /** Profile-specific extension bytes after the report blocks (a view; usually empty). */
  readonly extension: Uint8Array;
}

export function decodeReceiverReport(body: RtcpBody): ReceiverReport {
  const { bytes: b, start } = body;
  need(body, start, 4 + body.count * REPORT_BLOCK_LENGTH, 'rr');
  const reports: ReportBlock[] = [];
  let pos = start + 4;
  for (let i = 0; i < body.count; i++, pos += REPORT_BLOCK_LENGTH) reports.push(readReportBlock(b, pos));
  const extension = b.subarray(pos, body.end);
  if (extension.length % 4 !== 0)
    throw new RtcpParseError('BAD_LENGTH', 'rr.extension', pos, `${extension.length} bytes`);
  return { type: 'rr', ssrc: readU32(b, start), reports, extension };
}

export function receiverReportLength(p: Omit<ReceiverReport, 'type'>): number {
  return RTCP_HEADER_LENGTH + 4 + p.reports.length * REPORT_BLOCK_LENGTH + p.extension.length;
}

export function writeReceiverReport(
  p: Omit<ReceiverReport, 'type'>,
  out: Uint8Array,
  offset: number,
): number {
  if (p.reports.length > 31)
    throw new RtcpEncodeError('rr.reports', `${p.reports.length} blocks, at most 31`);
  if (p.extension.length % 4 !== 0)
    throw new RtcpEncodeError('rr.extension', `${p.extension.length} bytes is not a multiple of 4`);
  const length = receiverReportLength(p);
  ensureRoom(out, offset, length, 'RR');
  writeRtcpHeader(out, offset, p.reports.length, RtcpPacketType.RR, length);
  writeU32(out, offset + 4, p.ssrc);
  let pos = offset + 8;
  for (const r of p.reports) {
    writeReportBlock(out, pos, r);
    pos += REPORT_BLOCK_LENGTH;
  }
  out.set(p.extension, pos);
  return length;
}
