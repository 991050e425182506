/**
 * The request sequence number that starts every RE-CONFIG request parameter (RFC 6525 §4.1-4.6):
 * enough to deny the requests we do not perform (SSN/TSN reset, adding streams).
 */
import { readU32 } from '../bytes.js';
import { SctpParseError } from '../errors.js';

export function decodeRequestSeq(value: Uint8Array, offset: number): number {
  if (value.length < 4) throw new SctpParseError('BAD_PARAMETER', 'request sequence', offset, 'missing');
  return readU32(value, 0);
}
