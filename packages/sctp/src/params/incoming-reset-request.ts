/**
 * Incoming SSN Reset Request (RFC 6525 §4.2, type 14): "please reset your outgoing streams
 * (these, or all)".
 *
 *   type 14 | length | request seq | stream ids (16 bits each)
 */
import { readU16, readU32, writeU16, writeU32 } from '../bytes.js';
import { SctpParseError } from '../errors.js';
import { encodeParam, ParamType } from './param.js';

export interface IncomingResetRequest {
  readonly requestSeq: number;
  readonly streams: readonly number[];
}

export function encodeIncomingResetRequest(r: IncomingResetRequest): Uint8Array {
  const v = new Uint8Array(4 + 2 * r.streams.length);
  writeU32(v, 0, r.requestSeq);
  r.streams.forEach((s, i) => {
    writeU16(v, 4 + 2 * i, s);
  });
  return encodeParam(ParamType.IncomingSsnResetRequest, v);
}

export function decodeIncomingResetRequest(value: Uint8Array, offset: number): IncomingResetRequest {
  if (value.length < 4 || value.length % 2 !== 0) {
    throw new SctpParseError(
      'BAD_PARAMETER',
      'Incoming SSN Reset Request',
      offset,
      `value of ${value.length} bytes`,
    );
  }
  const streams: number[] = [];
  for (let o = 4; o < value.length; o += 2) streams.push(readU16(value, o));
  return { requestSeq: readU32(value, 0), streams };
}
