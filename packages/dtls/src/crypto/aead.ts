/**
 * AEAD primitives through node:crypto (the AES-NI path): AES-128-GCM, AES-256-GCM (NIST SP
 * 800-38D) and ChaCha20-Poly1305 (RFC 8439), all with 16-byte tags and 12-byte nonces. Nonce
 * construction is the protocol's business (record/protection-dtls12.ts for DTLS 1.2); this file
 * knows nothing about records, so DTLS 1.3 can reuse it.
 *
 * Runtimes differ: Bun lacks chacha20-poly1305, so {@link isAeadSupported} feature-detects it and
 * creating a cipher for an unsupported algorithm throws `DtlsError('UNSUPPORTED_CIPHER_SUITE')`.
 */
import { createCipheriv, createDecipheriv, createSecretKey, getCiphers, type KeyObject } from 'node:crypto';
import { AlertDescription } from '../alert.js';
import { DtlsError } from '../errors.js';
import { plain } from './hash.js';

export type AeadAlgorithm = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';

export const AEAD_TAG_LENGTH = 16;
export const AEAD_NONCE_LENGTH = 12;

const KEY_LENGTH: Record<AeadAlgorithm, number> = {
  'aes-128-gcm': 16,
  'aes-256-gcm': 32,
  'chacha20-poly1305': 32,
};

let available: Set<string> | undefined;

/** Whether this runtime's node:crypto implements `algorithm`. */
export function isAeadSupported(algorithm: AeadAlgorithm): boolean {
  if (available === undefined) {
    available = new Set(getCiphers());
    // getCiphers() may omit AEADs that createCipheriv still accepts; probe the missing ones once.
    for (const name of Object.keys(KEY_LENGTH) as AeadAlgorithm[]) {
      if (available.has(name)) continue;
      try {
        createCipheriv(name, new Uint8Array(KEY_LENGTH[name]), new Uint8Array(AEAD_NONCE_LENGTH), {
          authTagLength: AEAD_TAG_LENGTH,
        } as never);
        available.add(name);
      } catch {
        // not available
      }
    }
  }
  return available.has(algorithm);
}

/** Key length in bytes for an algorithm. */
export function aeadKeyLength(algorithm: AeadAlgorithm): number {
  return KEY_LENGTH[algorithm];
}

/**
 * One AEAD key. `seal` writes ciphertext || tag into a caller buffer; `open` returns the plaintext
 * or `undefined` when authentication fails (never throws on bad input).
 */
export class AeadCipher {
  private readonly key: KeyObject;

  constructor(
    readonly algorithm: AeadAlgorithm,
    key: Uint8Array,
  ) {
    if (!isAeadSupported(algorithm)) {
      throw new DtlsError(
        'UNSUPPORTED_CIPHER_SUITE',
        AlertDescription.internal_error,
        `${algorithm} is not available in this runtime`,
      );
    }
    if (key.length !== KEY_LENGTH[algorithm]) {
      throw new RangeError(`${algorithm} needs a ${KEY_LENGTH[algorithm]}-byte key, got ${key.length}`);
    }
    this.key = createSecretKey(key);
  }

  /**
   * Encrypts `plaintext` and writes ciphertext then the 16-byte tag into `out` at `offset`.
   * `out` may not overlap `plaintext`. Returns the number of bytes written (plaintext + 16).
   */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, out: Uint8Array, offset: number): number {
    const cipher = createCipheriv(this.algorithm as 'aes-128-gcm', this.key, nonce, {
      authTagLength: AEAD_TAG_LENGTH,
    });
    cipher.setAAD(aad);
    const body = cipher.update(plaintext);
    out.set(body, offset);
    let written = body.length;
    const tail = cipher.final();
    if (tail.length > 0) {
      out.set(tail, offset + written);
      written += tail.length;
    }
    out.set(cipher.getAuthTag(), offset + written);
    return written + AEAD_TAG_LENGTH;
  }

  /** Decrypts `ciphertext || tag`; `undefined` if it is too short or does not authenticate. */
  open(nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | undefined {
    if (sealed.length < AEAD_TAG_LENGTH) return undefined;
    const split = sealed.length - AEAD_TAG_LENGTH;
    try {
      const decipher = createDecipheriv(this.algorithm as 'aes-128-gcm', this.key, nonce, {
        authTagLength: AEAD_TAG_LENGTH,
      });
      decipher.setAuthTag(sealed.subarray(split));
      decipher.setAAD(aad);
      const body = decipher.update(sealed.subarray(0, split));
      const tail = decipher.final();
      if (tail.length === 0) return plain(body);
      const out = new Uint8Array(body.length + tail.length);
      out.set(body);
      out.set(tail, body.length);
      return out;
    } catch {
      return undefined;
    }
  }
}
