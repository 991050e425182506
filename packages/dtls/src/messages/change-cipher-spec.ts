/**
 * ChangeCipherSpec (RFC 5246 §7.1): content type 20, one byte of value 1. Not a handshake
 * message (no handshake header, not in the transcript); in DTLS it is a record of the old
 * epoch, after which the sender's epoch increments (RFC 6347 §4.1).
 */
import { DtlsParseError } from '../errors.js';

export const CHANGE_CIPHER_SPEC_VALUE = 1;

export function encodeChangeCipherSpec(): Uint8Array {
  return Uint8Array.of(CHANGE_CIPHER_SPEC_VALUE);
}

/** Checks that a change_cipher_spec record's payload is the single byte 1. */
export function decodeChangeCipherSpec(payload: Uint8Array): void {
  if (payload.length !== 1) {
    throw new DtlsParseError('BAD_LENGTH', 'change_cipher_spec', 0, `expected 1 byte, got ${payload.length}`);
  }
  if (payload[0] !== CHANGE_CIPHER_SPEC_VALUE) {
    throw new DtlsParseError('BAD_VALUE', 'change_cipher_spec', 0, `value ${payload[0]}, expected 1`);
  }
}
