/**
 * An RTCP packet this package does not decode (XR, an unknown feedback FMT, a future type...),
 * kept as its header fields and body so that it can be forwarded or written back unchanged.
 */
import { RtcpEncodeError } from '../errors.js';
import { ensureRoom, RTCP_HEADER_LENGTH, type RtcpBody, writeRtcpHeader } from './header.js';

export interface RawRtcpPacket {
  readonly type: 'raw';
  readonly packetType: number;
  /** The 5-bit count / subtype / FMT field. */
  readonly count: number;
  /** Everything after the 4-byte header, padding removed (a view after decoding). */
  readonly body: Uint8Array;
}

export function decodeRawRtcpPacket(body: RtcpBody): RawRtcpPacket {
  return {
    type: 'raw',
    packetType: body.packetType,
    count: body.count,
    body: body.bytes.subarray(body.start, body.end),
  };
}

export function rawRtcpPacketLength(p: Omit<RawRtcpPacket, 'type'>): number {
  return RTCP_HEADER_LENGTH + p.body.length;
}

export function writeRawRtcpPacket(p: Omit<RawRtcpPacket, 'type'>, out: Uint8Array, offset: number): number {
  if (p.body.length % 4 !== 0)
    throw new RtcpEncodeError('raw.body', `${p.body.length} bytes is not a multiple of 4`);
  if (!Number.isInteger(p.count) || p.count < 0 || p.count > 31)
    throw new RtcpEncodeError('raw.count', `${p.count} is not 0..31`);
  const length = rawRtcpPacketLength(p);
  ensureRoom(out, offset, length, 'RTCP packet');
  writeRtcpHeader(out, offset, p.count, p.packetType, length);
  out.set(p.body, offset + RTCP_HEADER_LENGTH);
  return length;
}
