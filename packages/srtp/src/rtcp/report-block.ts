/**
 * The reception report block of SR and RR packets (RFC 3550 §6.4.1), 24 bytes:
 *
 * |                 SSRC_1 (SSRC of first source)                 |
 * | fraction lost |       cumulative number of packets lost       |
 * |           extended highest sequence number received           |
 * |                      interarrival jitter                      |
 * |                         last SR (LSR)                         |
 * |                   delay since last SR (DLSR)                  |
 */
import { readU24, readU32, writeU24, writeU32 } from '../bytes.js';
import { RtcpEncodeError } from '../errors.js';

export const REPORT_BLOCK_LENGTH = 24;

export interface ReportBlock {
  readonly ssrc: number;
  /** Fraction lost since the last report, in 1/256 units (0..255). */
  readonly fractionLost: number;
  /** Cumulative packets lost: signed 24 bits (duplicates can make it negative, §6.4.1). */
  readonly cumulativeLost: number;
  readonly highestSequence: number;
  readonly jitter: number;
  /** Middle 32 bits of the last SR's NTP timestamp. */
  readonly lastSenderReport: number;
  /** In 1/65536 seconds. */
  readonly delaySinceLastSenderReport: number;
}

export function readReportBlock(b: Uint8Array, o: number): ReportBlock {
  return {
    ssrc: readU32(b, o),
    fractionLost: b[o + 4] as number,
    cumulativeLost: (readU24(b, o + 5) << 8) >> 8,
    highestSequence: readU32(b, o + 8),
    jitter: readU32(b, o + 12),
    lastSenderReport: readU32(b, o + 16),
    delaySinceLastSenderReport: readU32(b, o + 20),
  };
}

export function writeReportBlock(out: Uint8Array, o: number, r: ReportBlock): void {
  if (r.cumulativeLost < -0x800000 || r.cumulativeLost > 0x7fffff || !Number.isInteger(r.cumulativeLost))
    throw new RtcpEncodeError('cumulativeLost', `${r.cumulativeLost} is not a signed 24-bit integer`);
  writeU32(out, o, r.ssrc);
  out[o + 4] = r.fractionLost;
  writeU24(out, o + 5, r.cumulativeLost & 0xffffff);
  writeU32(out, o + 8, r.highestSequence);
  writeU32(out, o + 12, r.jitter);
  writeU32(out, o + 16, r.lastSenderReport);
  writeU32(out, o + 20, r.delaySinceLastSenderReport);
}
