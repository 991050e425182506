/**
 * Application-defined packet (RFC 3550 §6.7), PT 204, the 5-bit field is a subtype:
 *
 * |V=2|P| subtype |   PT=APP=204  |             length            |
 * |                           SSRC/CSRC                           |
 * |                          name (ASCII)                         |
 * |                   application-dependent data                ...
 */
import { readU32, writeU32 } from '../bytes.js';
import { RtcpEncodeError } from '../errors.js';
import {
  ensureRoom,
  need,
  RTCP_HEADER_LENGTH,
  type RtcpBody,
  RtcpPacketType,
  writeRtcpHeader,
} from './header.js';

export interface ApplicationDefined {
  readonly type: 'app';
  /** 0..31. */
  readonly subtype: number;
  readonly ssrc: number;
  /** Four ASCII characters. */
  readonly name: string;
  /** A view; a multiple of 4 bytes. */
  readonly data: Uint8Array;
}

export function decodeApplicationDefined(body: RtcpBody): ApplicationDefined {
  const { bytes: b, start, end } = body;
  need(body, start, 8, 'app');
  return {
    type: 'app',
    subtype: body.count,
    ssrc: readU32(b, start),
    name: String.fromCharCode(
      b[start + 4] as number,
      b[start + 5] as number,
      b[start + 6] as number,
      b[start + 7] as number,
    ),
    data: b.subarray(start + 8, end),
  };
}

export function applicationDefinedLength(p: Omit<ApplicationDefined, 'type'>): number {
  return RTCP_HEADER_LENGTH + 8 + p.data.length;
}

export function writeApplicationDefined(
  p: Omit<ApplicationDefined, 'type'>,
  out: Uint8Array,
  offset: number,
): number {
  if (!Number.isInteger(p.subtype) || p.subtype < 0 || p.subtype > 31)
    throw new RtcpEncodeError('app.subtype', `${p.subtype} is not 0..31`);
  if (p.name.length !== 4 || [...p.name].some((c) => c.charCodeAt(0) > 0x7f))
    throw new RtcpEncodeError('app.name', 'not four ASCII characters');
  if (p.data.length % 4 !== 0)
    throw new RtcpEncodeError('app.data', `${p.data.length} bytes is not a multiple of 4`);
  const length = applicationDefinedLength(p);
  ensureRoom(out, offset, length, 'APP');
  writeRtcpHeader(out, offset, p.subtype, RtcpPacketType.APP, length);
  writeU32(out, offset + 4, p.ssrc);
  for (let i = 0; i < 4; i++) out[offset + 8 + i] = p.name.charCodeAt(i);
  out.set(p.data, offset + 12);
  return length;
}
