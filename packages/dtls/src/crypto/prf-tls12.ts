/**
 * The TLS 1.2 pseudorandom function (RFC 5246 §5), which DTLS 1.2 uses unchanged:
 *
 *   P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) + HMAC_hash(secret, A(2) + seed) + ...
 *   A(0) = seed, A(i) = HMAC_hash(secret, A(i-1))
 *   PRF(secret, label, seed) = P_<hash>(secret, label + seed)
 *
 * The hash is the cipher suite's PRF hash: SHA-256 for every suite here except
 * TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 (RFC 5289 §3.2). DTLS 1.3 uses HKDF instead; this file
 * is 1.2-only.
 */
import { createHmac } from 'node:crypto';
import { HASH_LENGTH, type HashAlgorithm } from './hash.js';

const encoder = new TextEncoder();

/** P_hash(secret, seed) truncated to `length` bytes (RFC 5246 §5). */
export function pHash(
  algorithm: HashAlgorithm,
  secret: Uint8Array,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  const out = new Uint8Array(length);
  const size = HASH_LENGTH[algorithm];
  let a: Uint8Array = seed;
  for (let offset = 0; offset < length; offset += size) {
    a = createHmac(algorithm, secret).update(a).digest();
    const block = createHmac(algorithm, secret).update(a).update(seed).digest();
    out.set(length - offset >= size ? block : block.subarray(0, length - offset), offset);
  }
  return out;
}

/** PRF(secret, label, seed) = P_hash(secret, label + seed), `length` bytes (RFC 5246 §5). */
export function prf12(
  algorithm: HashAlgorithm,
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  const labelBytes = encoder.encode(label);
  const labelSeed = new Uint8Array(labelBytes.length + seed.length);
  labelSeed.set(labelBytes);
  labelSeed.set(seed, labelBytes.length);
  return pHash(algorithm, secret, labelSeed, length);
}
