/**
 * Finished (RFC 5246 §7.4.9): `struct { opaque verify_data[verify_data_length]; } Finished;`
 * verify_data_length is 12 for every suite here; the body is exactly verify_data. Compare with
 * `constantTimeEqual` from crypto/hash.ts.
 */
import { DtlsParseError } from '../errors.js';

export interface Finished {
  readonly verifyData: Uint8Array;
}

export function encodeFinished(message: Finished): Uint8Array {
  return message.verifyData.slice();
}

export function decodeFinished(body: Uint8Array, verifyDataLength = 12): Finished {
  if (body.length !== verifyDataLength) {
    throw new DtlsParseError(
      body.length < verifyDataLength ? 'TRUNCATED' : 'TRAILING_BYTES',
      'finished.verify_data',
      0,
      `expected ${verifyDataLength} bytes, got ${body.length}`,
    );
  }
  return { verifyData: body };
}
