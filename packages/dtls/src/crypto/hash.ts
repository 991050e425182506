/**
 * Hashes and HMAC through node:crypto. The names are node's (`sha256`); protocol code maps its
 * own identifiers (cipher suite PRF hash, fingerprint algorithm) onto these.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A plain Uint8Array over a Buffer's bytes (no copy). Public functions return Uint8Array, not
 * node's Buffer subclass, so results compare and serialize the same on every runtime.
 */
export function plain(buffer: Uint8Array): Uint8Array {
  return buffer.constructor === Uint8Array
    ? buffer
    : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export type HashAlgorithm = 'sha1' | 'sha256' | 'sha384' | 'sha512';

export const HASH_LENGTH: Readonly<Record<HashAlgorithm, number>> = {
  sha1: 20,
  sha256: 32,
  sha384: 48,
  sha512: 64,
};

/** The digest of the concatenation of `parts`. */
export function digest(algorithm: HashAlgorithm, ...parts: Uint8Array[]): Uint8Array {
  const h = createHash(algorithm);
  for (const part of parts) h.update(part);
  return plain(h.digest());
}

/** HMAC (RFC 2104) of the concatenation of `parts`. */
export function hmac(algorithm: HashAlgorithm, key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac(algorithm, key);
  for (const part of parts) h.update(part);
  return plain(h.digest());
}

/** Compares two byte strings in time independent of where they differ (lengths are not secret). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
