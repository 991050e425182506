/**
 * Re-configuration Response (RFC 6525 §4.4, type 16): the answer to one request, by its
 * sequence number. The two TSN fields appear only in answers to SSN/TSN Reset Requests.
 *
 *   type 16 | length | response seq | result | [sender's next TSN | receiver's next TSN]
 */
import { readU32, writeU32 } from '../bytes.js';
import { SctpParseError } from '../errors.js';
import { encodeParam, ParamType } from './param.js';

/** RFC 6525 §4.4 result codes. */
export const ReconfigResult = {
  SuccessNothingToDo: 0,
  SuccessPerformed: 1,
  Denied: 2,
  ErrorWrongSsn: 3,
  ErrorRequestAlreadyInProgress: 4,
  ErrorBadSequenceNumber: 5,
  InProgress: 6,
} as const;

export interface ReconfigResponse {
  readonly responseSeq: number;
  readonly result: number;
  readonly senderNextTsn?: number;
  readonly receiverNextTsn?: number;
}

export function encodeReconfigResponse(r: ReconfigResponse): Uint8Array {
  const withTsns = r.senderNextTsn !== undefined && r.receiverNextTsn !== undefined;
  const v = new Uint8Array(withTsns ? 16 : 8);
  writeU32(v, 0, r.responseSeq);
  writeU32(v, 4, r.result);
  if (withTsns) {
    writeU32(v, 8, r.senderNextTsn as number);
    writeU32(v, 12, r.receiverNextTsn as number);
  }
  return encodeParam(ParamType.ReconfigResponse, v);
}

export function decodeReconfigResponse(value: Uint8Array, offset: number): ReconfigResponse {
  if (value.length !== 8 && value.length !== 16) {
    throw new SctpParseError(
      'BAD_PARAMETER',
      'Re-configuration Response',
      offset,
      `value of ${value.length} bytes`,
    );
  }
  const base = { responseSeq: readU32(value, 0), result: readU32(value, 4) };
  if (value.length === 8) return base;
  return { ...base, senderNextTsn: readU32(value, 8), receiverNextTsn: readU32(value, 12) };
}
