/**
 * The cipher suites this package implements: ECDHE key exchange with AEAD record protection
 * (RFC 5289 for AES-GCM with ECDHE, RFC 5288 for the GCM record format, RFC 7905 for
 * ChaCha20-Poly1305). For each: the AEAD, its key and IV sizes for the key block (RFC 5246 §6.3),
 * the PRF hash and the bytes a protected record adds, so the engine can fit records to the MTU.
 */
import { AEAD_TAG_LENGTH, type AeadAlgorithm, isAeadSupported } from './crypto/aead.js';
import type { HashAlgorithm } from './crypto/hash.js';

export const CipherSuite = {
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 0xc02b,
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 0xc02c,
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 0xc02f,
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 0xcca9,
} as const;
export type CipherSuite = (typeof CipherSuite)[keyof typeof CipherSuite];

export interface CipherSuiteInfo {
  readonly id: CipherSuite;
  readonly name: string;
  /** The certificate key type the suite requires (RFC 8422 §2: ECDHE_ECDSA; RFC 5289: ECDHE_RSA). */
  readonly authentication: 'ecdsa' | 'rsa';
  readonly aead: AeadAlgorithm;
  /** client/server_write_key length (RFC 5246 §6.3). */
  readonly keyLength: number;
  /** client/server_write_IV length: the implicit salt (4 for GCM, RFC 5288 §3) or the whole IV (12 for ChaCha, RFC 7905 §2). */
  readonly fixedIvLength: number;
  /** Explicit nonce carried in each record: 8 for GCM (RFC 5288 §3), 0 for ChaCha (RFC 7905 §2). */
  readonly recordIvLength: number;
  readonly tagLength: number;
  /** The PRF hash (RFC 5246 §5) and the Finished/session hash. */
  readonly prfHash: HashAlgorithm;
  /** verify_data length of Finished (RFC 5246 §7.4.9: 12 unless the suite says otherwise). */
  readonly verifyDataLength: number;
  /** Bytes a protected record's fragment has beyond its plaintext (explicit nonce + tag). */
  readonly recordOverhead: number;
  /** Key block length: 2 * (keyLength + fixedIvLength); AEAD suites have no MAC keys. */
  readonly keyBlockLength: number;
}

function suite(
  id: CipherSuite,
  name: string,
  authentication: 'ecdsa' | 'rsa',
  aead: AeadAlgorithm,
  prfHash: HashAlgorithm,
): CipherSuiteInfo {
  const gcm = aead !== 'chacha20-poly1305';
  const keyLength = aead === 'aes-128-gcm' ? 16 : 32;
  const fixedIvLength = gcm ? 4 : 12;
  const recordIvLength = gcm ? 8 : 0;
  return Object.freeze({
    id,
    name,
    authentication,
    aead,
    keyLength,
    fixedIvLength,
    recordIvLength,
    tagLength: AEAD_TAG_LENGTH,
    prfHash,
    verifyDataLength: 12,
    recordOverhead: recordIvLength + AEAD_TAG_LENGTH,
    keyBlockLength: 2 * (keyLength + fixedIvLength),
  });
}

const TABLE: ReadonlyMap<number, CipherSuiteInfo> = new Map(
  [
    suite(
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
      'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
      'ecdsa',
      'aes-128-gcm',
      'sha256',
    ),
    suite(
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
      'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
      'ecdsa',
      'aes-256-gcm',
      'sha384',
    ),
    suite(
      CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
      'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      'rsa',
      'aes-128-gcm',
      'sha256',
    ),
    suite(
      CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
      'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
      'ecdsa',
      'chacha20-poly1305',
      'sha256',
    ),
  ].map((info) => [info.id, info]),
);

/** Our order of preference (AES-128-GCM first: cheapest with AES-NI, and what browsers pick). */
export const CIPHER_SUITE_PREFERENCE: readonly CipherSuite[] = [
  CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
  CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
  CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
  CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
];

/** The table entry for a suite id, or `undefined` for a suite this package does not implement. */
export function cipherSuiteInfo(id: number): CipherSuiteInfo | undefined {
  return TABLE.get(id);
}

/** Whether the suite is implemented and its AEAD runs on this runtime (ChaCha20 is missing on Bun). */
export function isCipherSuiteSupported(id: number): boolean {
  const info = TABLE.get(id);
  return info !== undefined && isAeadSupported(info.aead);
}

/** The suites usable on this runtime, in preference order, optionally only those for a key type. */
export function supportedCipherSuites(authentication?: 'ecdsa' | 'rsa'): CipherSuite[] {
  return CIPHER_SUITE_PREFERENCE.filter(
    (id) =>
      isCipherSuiteSupported(id) &&
      (authentication === undefined || TABLE.get(id)?.authentication === authentication),
  );
}
