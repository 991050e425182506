/**
 * Outgoing SSN Reset Request (RFC 6525 §4.1, type 13): "I reset these outgoing streams (all if
 * none are listed); their last data went out with TSN `senderLastTsn`".
 *
 *   type 13 | length | request seq | response seq | sender's last assigned TSN | stream ids (16 bits each)
 */
import { readU16, readU32, writeU16, writeU32 } from '../bytes.js';
import { SctpParseError } from '../errors.js';
import { encodeParam, ParamType } from './param.js';

export interface OutgoingResetRequest {
  readonly requestSeq: number;
  /** The request sequence number of the last incoming request we answered... */
  readonly responseSeq: number;
  readonly senderLastTsn: number;
  readonly streams: readonly number[];
}

export function encodeOutgoingResetRequest(r: OutgoingResetRequest): Uint8Array {
  const v = new Uint8Array(12 + 2 * r.streams.length);
  writeU32(v, 0, r.requestSeq);
  writeU32(v, 4, r.responseSeq);
  writeU32(v, 8, r.senderLastTsn);
  r.streams.forEach((s, i) => {
    writeU16(v, 12 + 2 * i, s);
  });
  return encodeParam(ParamType.OutgoingSsnResetRequest, v);
}

export function decodeOutgoingResetRequest(value: Uint8Array, offset: number): OutgoingResetRequest {
  if (value.length < 12 || value.length % 2 !== 0) {
    throw new SctpParseError(
      'BAD_PARAMETER',
      'Outgoing SSN Reset Request',
      offset,
      `value of ${value.length} bytes`,
    );
  }
  const streams: number[] = [];
  for (let o = 12; o < value.length; o += 2) streams.push(readU16(value, o));
  return {
    requestSeq: readU32(value, 0),
    responseSeq: readU32(value, 4),
    senderLastTsn: readU32(value, 8),
    streams,
  };
}
