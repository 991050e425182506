/**
 * Handshake signatures (ServerKeyExchange, RFC 8422 §5.4; CertificateVerify, RFC 5246 §7.4.8)
 * for the schemes this package offers (RFC 8446 §4.2.3 code points, valid in TLS 1.2):
 *  - ecdsa_secp256r1_sha256 (0x0403): ECDSA over SHA-256 with @noble/curves, DER-encoded
 *    `Ecdsa-Sig-Value` (RFC 8422 §5.4). Verification accepts high-S signatures: OpenSSL and
 *    BoringSSL produce them half the time.
 *  - rsa_pkcs1_sha256 (0x0401): RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) via node:crypto.
 *  - rsa_pss_rsae_sha256 (0x0804): RSASSA-PSS with MGF1-SHA-256 and a 32-byte salt (RFC 8446
 *    §4.2.3) with an rsaEncryption key, via node:crypto.
 * `data` is the message that is signed (not its hash); the scheme fixes the hash.
 */
import { constants, createHash, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { AlertDescription } from '../alert.js';
import { SignatureScheme } from '../constants.js';
import { DtlsError } from '../errors.js';
import { plain } from './hash.js';
import type { SigningKey, VerificationKey } from './keys.js';

const ECDSA_SCHEMES: readonly number[] = [SignatureScheme.ecdsa_secp256r1_sha256];
const RSA_SCHEMES: readonly number[] = [
  SignatureScheme.rsa_pss_rsae_sha256,
  SignatureScheme.rsa_pkcs1_sha256,
];

/** Every scheme this package can verify, in the order we advertise them (signature_algorithms). */
export const SUPPORTED_SIGNATURE_SCHEMES: readonly number[] = [...ECDSA_SCHEMES, ...RSA_SCHEMES];

/** The schemes a key can sign or verify with, in our order of preference. */
export function signatureSchemesFor(key: SigningKey | VerificationKey): readonly number[] {
  return key.type === 'ecdsa-p256' ? ECDSA_SCHEMES : RSA_SCHEMES;
}

/**
 * The scheme to sign with: the first of ours (for this key) that the peer listed, or `undefined`.
 * A peer that sent no signature_algorithms gets the RFC 5246 §7.4.1.4.1 default, SHA-1, which
 * we do not implement, so `undefined` as well (browsers always send the extension).
 */
export function chooseSignatureScheme(key: SigningKey, peerSchemes: readonly number[]): number | undefined {
  return signatureSchemesFor(key).find((scheme) => peerSchemes.includes(scheme));
}

function mismatch(scheme: number, keyType: string): DtlsError {
  return new DtlsError(
    'UNSUPPORTED_SIGNATURE_SCHEME',
    AlertDescription.illegal_parameter,
    `signature scheme 0x${scheme.toString(16).padStart(4, '0')} cannot be used with a ${keyType} key`,
  );
}

/** Signs `data` with `scheme`. Throws `UNSUPPORTED_SIGNATURE_SCHEME` if the scheme does not fit the key. */
export function signData(key: SigningKey, scheme: number, data: Uint8Array): Uint8Array {
  if (key.type === 'ecdsa-p256') {
    if (scheme !== SignatureScheme.ecdsa_secp256r1_sha256) throw mismatch(scheme, key.type);
    const hash = createHash('sha256').update(data).digest();
    // Hedged signing (RFC 6979 + fresh randomness) guards against fault attacks.
    return p256.sign(hash, key.scalar, { prehash: false, format: 'der', extraEntropy: true });
  }
  if (scheme === SignatureScheme.rsa_pkcs1_sha256) {
    return plain(nodeSign('sha256', data, { key: key.keyObject, padding: constants.RSA_PKCS1_PADDING }));
  }
  if (scheme === SignatureScheme.rsa_pss_rsae_sha256) {
    return plain(
      nodeSign('sha256', data, {
        key: key.keyObject,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
      }),
    );
  }
  throw mismatch(scheme, key.type);
}

/**
 * Verifies a handshake signature. Returns false for a signature that does not verify or does
 * not parse (the engine answers decrypt_error, RFC 5246 §7.2.2); throws
 * `UNSUPPORTED_SIGNATURE_SCHEME` if the scheme does not fit the key (illegal_parameter).
 */
export function verifySignature(
  key: VerificationKey,
  scheme: number,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (key.type === 'ecdsa-p256') {
    if (scheme !== SignatureScheme.ecdsa_secp256r1_sha256) throw mismatch(scheme, key.type);
    const hash = createHash('sha256').update(data).digest();
    try {
      return p256.verify(signature, hash, key.point, { prehash: false, format: 'der', lowS: false });
    } catch {
      return false;
    }
  }
  if (scheme !== SignatureScheme.rsa_pkcs1_sha256 && scheme !== SignatureScheme.rsa_pss_rsae_sha256) {
    throw mismatch(scheme, key.type);
  }
  try {
    return nodeVerify(
      'sha256',
      data,
      scheme === SignatureScheme.rsa_pkcs1_sha256
        ? { key: key.keyObject, padding: constants.RSA_PKCS1_PADDING }
        : {
            key: key.keyObject,
            padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
          },
      signature,
    );
  } catch {
    return false;
  }
}
