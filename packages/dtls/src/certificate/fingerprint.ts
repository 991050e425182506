/**
 * Certificate fingerprints as SDP carries them (RFC 8122 §5, `a=fingerprint:sha-256 AB:CD:...`):
 * a hash function name from the IANA "Hash Function Textual Names" registry and the hash of the
 * DER certificate as uppercase hex pairs joined by colons. We produce sha-256 and accept sha-1,
 * sha-256, sha-384 and sha-512 (the others in the registry, md2/md5/sha-224, are refused).
 */
import { AlertDescription } from '../alert.js';
import { constantTimeEqual, digest, HASH_LENGTH, type HashAlgorithm } from '../crypto/hash.js';
import { DtlsError } from '../errors.js';

export type FingerprintAlgorithm = 'sha-1' | 'sha-256' | 'sha-384' | 'sha-512';

export interface Fingerprint {
  readonly algorithm: FingerprintAlgorithm;
  readonly value: Uint8Array;
}

const HASH: Readonly<Record<FingerprintAlgorithm, HashAlgorithm>> = {
  'sha-1': 'sha1',
  'sha-256': 'sha256',
  'sha-384': 'sha384',
  'sha-512': 'sha512',
};

function isFingerprintAlgorithm(name: string): name is FingerprintAlgorithm {
  return Object.hasOwn(HASH, name);
}

/** The fingerprint of a DER certificate. */
export function computeFingerprint(
  der: Uint8Array,
  algorithm: FingerprintAlgorithm = 'sha-256',
): Fingerprint {
  if (!isFingerprintAlgorithm(algorithm))
    throw new RangeError(`unsupported fingerprint algorithm ${algorithm}`);
  return { algorithm, value: digest(HASH[algorithm], der) };
}

/** `sha-256 AB:CD:...` (RFC 8122 §5: uppercase hex). */
export function formatFingerprint(fingerprint: Fingerprint): string {
  const hex: string[] = [];
  for (const byte of fingerprint.value) hex.push(byte.toString(16).toUpperCase().padStart(2, '0'));
  return `${fingerprint.algorithm} ${hex.join(':')}`;
}

/** The formatted fingerprint of a DER certificate, e.g. for SDP `a=fingerprint:`. */
export function certificateFingerprint(der: Uint8Array, algorithm: FingerprintAlgorithm = 'sha-256'): string {
  return formatFingerprint(computeFingerprint(der, algorithm));
}

const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;

/** The hash-func token of a fingerprint string, lowercased. */
function hashFuncOf(text: string): string {
  return (text.trim().split(/\s+/)[0] ?? '').toLowerCase();
}

/**
 * Parses `sha-256 AB:CD:...` (the value of `a=fingerprint:`). The algorithm name is
 * case-insensitive (RFC 8122 §5 hash-func is a token compared case-insensitively in practice),
 * hex may be either case, and the length must match the hash. Throws `DtlsError('BAD_FINGERPRINT')`.
 */
export function parseFingerprint(text: string): Fingerprint {
  const fail = (detail: string): DtlsError =>
    new DtlsError(
      'BAD_FINGERPRINT',
      AlertDescription.internal_error,
      `${detail}: ${JSON.stringify(text.slice(0, 200))}`,
    );
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 2) throw fail('expected "<hash-func> <hex pairs>"');
  const algorithm = (parts[0] as string).toLowerCase();
  if (!isFingerprintAlgorithm(algorithm)) throw fail(`unsupported hash function ${parts[0]}`);
  const pairs = (parts[1] as string).split(':');
  if (pairs.length !== HASH_LENGTH[HASH[algorithm]]) {
    throw fail(`${algorithm} needs ${HASH_LENGTH[HASH[algorithm]]} bytes, got ${pairs.length}`);
  }
  const value = new Uint8Array(pairs.length);
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i] as string;
    if (!HEX_PAIR.test(pair)) throw fail(`bad hex pair ${JSON.stringify(pair)}`);
    value[i] = Number.parseInt(pair, 16);
  }
  return { algorithm, value };
}

/**
 * Whether a DER certificate matches any of the given fingerprints. RFC 8122 §5 lets an offer
 * carry several, with different hash functions; one match suffices. Strings are parsed: one
 * whose hash function we do not implement (md5, sha-224) is skipped, so it can neither match nor
 * spoil the others; one that is malformed throws `BAD_FINGERPRINT`.
 */
export function verifyFingerprint(
  der: Uint8Array,
  fingerprints: Fingerprint | string | readonly (Fingerprint | string)[],
): boolean {
  const list = Array.isArray(fingerprints) ? fingerprints : [fingerprints];
  let match = false;
  for (const entry of list as readonly (Fingerprint | string)[]) {
    if (typeof entry === 'string' && !isFingerprintAlgorithm(hashFuncOf(entry))) continue;
    const expected = typeof entry === 'string' ? parseFingerprint(entry) : entry;
    const actual = computeFingerprint(der, expected.algorithm);
    if (constantTimeEqual(actual.value, expected.value)) match = true;
  }
  return match;
}

/** Like {@link verifyFingerprint}, but throws `DtlsError('FINGERPRINT_MISMATCH')` (alert bad_certificate). */
export function assertFingerprint(
  der: Uint8Array,
  fingerprints: Fingerprint | string | readonly (Fingerprint | string)[],
): void {
  if (!verifyFingerprint(der, fingerprints)) {
    throw new DtlsError(
      'FINGERPRINT_MISMATCH',
      AlertDescription.bad_certificate,
      'the certificate does not match the signalled fingerprint',
    );
  }
}
