/** ServerHelloDone (RFC 5246 §7.4.5): `struct { } ServerHelloDone;` — an empty body. */
import { DtlsParseError } from '../errors.js';

export function encodeServerHelloDone(): Uint8Array {
  return new Uint8Array(0);
}

/** Checks the body is empty. */
export function decodeServerHelloDone(body: Uint8Array): void {
  if (body.length !== 0) {
    throw new DtlsParseError(
      'TRAILING_BYTES',
      'server_hello_done',
      0,
      `must be empty, has ${body.length} bytes`,
    );
  }
}
