/**
 * Sender report (RFC 3550 §6.4.1), PT 200, RC = number of report blocks:
 *
 * |                         SSRC of sender                        |
 * |              NTP timestamp, most significant word             |
 * |             NTP timestamp, least significant word             |
 * |                         RTP timestamp                         |
 * |                     sender's packet count                     |
 * |                      sender's octet count                     |
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

export interface SenderReport {
  readonly type: 'sr';
  readonly ssrc: number;
  /** 64-bit NTP timestamp: seconds since 1900 in the upper 32 bits, fraction in the lower. */
  readonly ntpTimestamp: bigint;
  readonly rtpTimestamp: number;
  readonly packetCount: number;
  readonly octetCount: number;
  readonly reports: readonly ReportBlock[];
  /** Profile-specific extension bytes after the report blocks (a view; usually empty). */
  readonly extension: Uint8Array;
}

const SR_SENDER_INFO = 24;

export function decodeSenderReport(body: RtcpBody): SenderReport {
  const { bytes: b, start } = body;
  need(body, start, SR_SENDER_INFO + body.count * REPORT_BLOCK_LENGTH, 'sr');
  const reports: ReportBlock[] = [];
  let pos = start + SR_SENDER_INFO;
  for (let i = 0; i < body.count; i++, pos += REPORT_BLOCK_LENGTH) reports.push(readReportBlock(b, pos));
  const extension = b.subarray(pos, body.end);
  if (extension.length % 4 !== 0)
    throw new RtcpParseError('BAD_LENGTH', 'sr.extension', pos, `${extension.length} bytes`);
  return {
    type: 'sr',
    ssrc: readU32(b, start),
    ntpTimestamp: (BigInt(readU32(b, start + 4)) << 32n) | BigInt(readU32(b, start + 8)),
    rtpTimestamp: readU32(b, start + 12),
    packetCount: readU32(b, start + 16),
    octetCount: readU32(b, start + 20),
    reports,
    extension,
  };
}

export function senderReportLength(p: Omit<SenderReport, 'type'>): number {
  return RTCP_HEADER_LENGTH + SR_SENDER_INFO + p.reports.length * REPORT_BLOCK_LENGTH + p.extension.length;
}

export function writeSenderReport(p: Omit<SenderReport, 'type'>, out: Uint8Array, offset: number): number {
  if (p.reports.length > 31)
    throw new RtcpEncodeError('sr.reports', `${p.reports.length} blocks, at most 31`);
  if (p.extension.length % 4 !== 0)
    throw new RtcpEncodeError('sr.extension', `${p.extension.length} bytes is not a multiple of 4`);
  if (p.ntpTimestamp < 0n || p.ntpTimestamp > 0xffffffffffffffffn)
    throw new RtcpEncodeError('sr.ntpTimestamp', 'not an unsigned 64-bit value');
  const length = senderReportLength(p);
  ensureRoom(out, offset, length, 'SR');
  writeRtcpHeader(out, offset, p.reports.length, RtcpPacketType.SR, length);
  let pos = offset + RTCP_HEADER_LENGTH;
  writeU32(out, pos, p.ssrc);
  writeU32(out, pos + 4, Number(p.ntpTimestamp >> 32n));
  writeU32(out, pos + 8, Number(p.ntpTimestamp & 0xffffffffn));
  writeU32(out, pos + 12, p.rtpTimestamp);
  writeU32(out, pos + 16, p.packetCount);
  writeU32(out, pos + 20, p.octetCount);
  pos += SR_SENDER_INFO;
  for (const r of p.reports) {
    writeReportBlock(out, pos, r);
    pos += REPORT_BLOCK_LENGTH;
  }
  out.set(p.extension, pos);
  return length;
}
