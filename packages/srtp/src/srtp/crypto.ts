/**
 * Every node:crypto call of this package, in one small module (docs/design.md, "Bytes").
 *
 * Measured on Node 20 (benchmarks/suites/srtp.ts, packages/srtp/README.md "Performance"): the cost
 * of a packet is dominated by the number of calls into node:crypto, not by the bytes. So:
 *
 * - AES-CM keystream: one long-lived AES-ECB context per key, fed all counter blocks of a packet
 *   in one `update` (ECB has no state between calls). That replaces a `createCipheriv` per packet
 *   (a fresh OpenSSL context and key schedule) and is about 1.7x faster; the XOR runs in JS on
 *   32-bit words.
 * - HMAC-SHA1 (RFC 2104): H((K ^ opad) || H((K ^ ipad) || m)) as two one-shot `crypto.hash`
 *   calls, the padded keys made once: the message is copied behind the 64-byte inner pad in a
 *   buffer of ours. Two calls instead of the three of `createHmac(key).update(m).digest()` (which
 *   is faster with a KeyObject than with a raw key), and faster than copying precomputed inner
 *   and outer SHA-1 states with `Hash.copy()` (two copies, two updates, two digests).
 * - AES-GCM: `createCipheriv`/`createDecipheriv` per packet (node:crypto offers no way to re-IV a
 *   context), with a `KeyObject` made once.
 */
import * as nodeCrypto from 'node:crypto';
import {
  type CipherGCM,
  type CipherGCMTypes,
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  type DecipherGCM,
  type KeyObject,
} from 'node:crypto';

/** AES in ECB mode without padding, reusable for any number of whole blocks. */
export class AesEcb {
  private readonly cipher;

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 24 && key.length !== 32)
      throw new RangeError(`AES key of ${key.length} bytes`);
    this.cipher = createCipheriv(`aes-${key.length * 8}-ecb`, key, null);
    this.cipher.setAutoPadding(false);
  }

  /** Encrypts whole 16-byte blocks; returns a new Buffer of the same length (node:crypto allocates it). */
  encrypt(blocks: Uint8Array): Buffer {
    return this.cipher.update(blocks);
  }
}

/** A key made once and reused for every HMAC or GCM context. */
export function secretKey(key: Uint8Array): KeyObject {
  return createSecretKey(key);
}

/** SHA-1 of `data` in one call (`crypto.hash`, Node 20.12+), else through a Hash object. */
const sha1: (data: Uint8Array) => Buffer =
  typeof nodeCrypto.hash === 'function'
    ? (data) => nodeCrypto.hash('sha1', data, 'buffer')
    : (data) => createHash('sha1').update(data).digest();

const SHA1_BLOCK = 64;
const SHA1_LENGTH = 20;

/**
 * HMAC-SHA1 with a fixed key. Callers write the message into {@link HmacSha1.message} at offset
 * {@link HmacSha1.AT} (after the inner pad), then call {@link HmacSha1.digest} with its length.
 */
export class HmacSha1 {
  /** Where the message starts in {@link message}. */
  static readonly AT = SHA1_BLOCK;
  private readonly innerPad = new Uint8Array(SHA1_BLOCK);
  /** (K ^ opad) || inner hash. */
  private readonly outer = new Uint8Array(SHA1_BLOCK + SHA1_LENGTH);
  /** (K ^ ipad) || message. */
  message = new Uint8Array(0);
  private view = new Uint8Array(0);
  private body = new Uint8Array(0);

  constructor(key: Uint8Array) {
    const k = key.length > SHA1_BLOCK ? sha1(key) : key;
    for (let i = 0; i < SHA1_BLOCK; i++) {
      const b = i < k.length ? (k[i] as number) : 0;
      this.innerPad[i] = b ^ 0x36;
      this.outer[i] = b ^ 0x5c;
    }
  }

  /** Makes room for a message of `length` bytes; returns {@link message}. */
  reserve(length: number): Uint8Array {
    if (this.message.length < SHA1_BLOCK + length) {
      this.message = new Uint8Array(SHA1_BLOCK + Math.max(length, 2048));
      this.message.set(this.innerPad);
    }
    return this.message;
  }

  /** HMAC of the `length` message bytes written at {@link HmacSha1.AT}; a new 20-byte Buffer. */
  digest(length: number): Buffer {
    // One cached view for the usual case of packets of one size.
    if (this.view.length !== SHA1_BLOCK + length || this.view.buffer !== this.message.buffer)
      this.view = this.message.subarray(0, SHA1_BLOCK + length);
    this.outer.set(sha1(this.view), SHA1_BLOCK);
    return sha1(this.outer);
  }

  /** The `length` message bytes at {@link HmacSha1.AT}, a view (cached for a repeated length). */
  messageView(length: number): Uint8Array {
    if (this.body.length !== length || this.body.buffer !== this.message.buffer)
      this.body = this.message.subarray(SHA1_BLOCK, SHA1_BLOCK + length);
    return this.body;
  }
}

export type GcmAlgorithm = Extract<CipherGCMTypes, 'aes-128-gcm' | 'aes-256-gcm'>;

const GCM_OPTIONS = { authTagLength: 16 } as const;

/** A GCM encryption context for one packet (RFC 7714 §7: 12-byte IV, 16-byte tag). */
export function gcmEncryptor(algorithm: GcmAlgorithm, key: KeyObject, iv: Uint8Array): CipherGCM {
  return createCipheriv(algorithm, key, iv, GCM_OPTIONS);
}

/** A GCM decryption context for one packet; `final()` throws when the tag does not verify. */
export function gcmDecryptor(algorithm: GcmAlgorithm, key: KeyObject, iv: Uint8Array): DecipherGCM {
  return createDecipheriv(algorithm, key, iv, GCM_OPTIONS);
}

/** `a[ai, ai + n)` equals `b[bi, bi + n)`, in time that does not depend on where they differ. */
export function constantTimeEqual(a: Uint8Array, ai: number, b: Uint8Array, bi: number, n: number): boolean {
  let diff = 0;
  for (let i = 0; i < n; i++) diff |= (a[ai + i] as number) ^ (b[bi + i] as number);
  return diff === 0;
}
