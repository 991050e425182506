/**
 * Zero Checksum Acceptable (RFC 9653 §4, type 0x8001): in an INIT or INIT ACK, "packets to me may
 * carry a checksum of zero instead of a CRC32c, as long as the named alternate error detection
 * method protects them". The value is that method's Error Detection Method Identifier (EDMID),
 * from the IANA registry of §8; the parameter's length is always 8.
 *
 *   type 0x8001 | length 8 | EDMID (32 bits)
 *
 * The type's upper bits are 10 (RFC 9260 §3.2.1): a peer that does not know it skips it silently,
 * which is what makes the extension backwards compatible.
 */
import { readU32, writeU32 } from '../bytes.js';
import { SctpParseError } from '../errors.js';
import { encodeParam, ParamType } from './param.js';

/** Error Detection Method Identifiers (RFC 9653 §8). */
export const Edmid = {
  /** Reserved: names no method. */
  Reserved: 0,
  /** SCTP over DTLS (RFC 9653 §6, RFC 8261): DTLS record protection stands in for the CRC32c. */
  SctpOverDtls: 1,
} as const;

/** The parameter's only valid length, header included. */
export const ZERO_CHECKSUM_ACCEPTABLE_LENGTH = 8;

export function encodeZeroChecksumAcceptable(edmid: number): Uint8Array {
  const v = new Uint8Array(ZERO_CHECKSUM_ACCEPTABLE_LENGTH - 4);
  writeU32(v, 0, edmid);
  return encodeParam(ParamType.ZeroChecksumAcceptable, v);
}

/** The EDMID of a parameter's value (`offset` locates it, for the error). */
export function decodeZeroChecksumAcceptable(value: Uint8Array, offset: number): number {
  if (value.length !== ZERO_CHECKSUM_ACCEPTABLE_LENGTH - 4) {
    throw new SctpParseError(
      'BAD_PARAMETER',
      'Zero Checksum Acceptable',
      offset,
      `length ${value.length + 4} where RFC 9653 §4 requires 8`,
    );
  }
  return readU32(value, 0);
}
