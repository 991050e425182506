/**
 * Our signing key and a peer's verification key, in the forms the signature code needs:
 *  - ECDSA P-256: the 32-byte scalar / the 65-byte uncompressed point, for @noble/curves;
 *  - RSA: a node:crypto KeyObject (RSA signing and verification go through node:crypto).
 * A signing key also keeps its PKCS#8 DER so that it can be stored and imported again
 * (RTCCertificate persistence).
 */
import { createPrivateKey, createPublicKey, type KeyObject, webcrypto } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { AlertDescription } from '../alert.js';
import { DtlsError } from '../errors.js';

export interface EcdsaP256SigningKey {
  readonly type: 'ecdsa-p256';
  /** The private scalar, 32 bytes big-endian. */
  readonly scalar: Uint8Array;
  /** The public point, 65 bytes uncompressed. */
  readonly publicKey: Uint8Array;
  /** PKCS#8 DER (RFC 5208) of the private key. */
  readonly pkcs8: Uint8Array;
}

export interface RsaSigningKey {
  readonly type: 'rsa';
  readonly keyObject: KeyObject;
  readonly modulusBits: number;
  readonly pkcs8: Uint8Array;
}

export type SigningKey = EcdsaP256SigningKey | RsaSigningKey;

export interface EcdsaP256VerificationKey {
  readonly type: 'ecdsa-p256';
  /** The public point, 65 bytes uncompressed. */
  readonly point: Uint8Array;
}

export interface RsaVerificationKey {
  readonly type: 'rsa';
  readonly keyObject: KeyObject;
  readonly modulusBits: number;
}

export type VerificationKey = EcdsaP256VerificationKey | RsaVerificationKey;

/** RSA keys shorter than this are refused (OpenSSL security level 2; NIST SP 800-131A). */
export const MIN_RSA_MODULUS_BITS = 2048;
/** Longer RSA keys are refused too: verification cost grows with the square of the size. */
export const MAX_RSA_MODULUS_BITS = 8192;

function fromBase64Url(value: unknown): Uint8Array {
  if (typeof value !== 'string') throw new Error('missing JWK member');
  return new Uint8Array(Buffer.from(value, 'base64url'));
}

function leftPad(bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.length === length) return bytes;
  if (bytes.length > length) throw new Error('JWK member too long');
  const out = new Uint8Array(length);
  out.set(bytes, length - bytes.length);
  return out;
}

function checkRsaBits(bits: number | undefined, code: 'BAD_KEY' | 'UNSUPPORTED_CERTIFICATE'): number {
  if (bits === undefined || bits < MIN_RSA_MODULUS_BITS || bits > MAX_RSA_MODULUS_BITS) {
    throw new DtlsError(
      code,
      code === 'BAD_KEY' ? AlertDescription.internal_error : AlertDescription.unsupported_certificate,
      `RSA modulus of ${bits} bits is outside ${MIN_RSA_MODULUS_BITS}..${MAX_RSA_MODULUS_BITS}`,
    );
  }
  return bits;
}

/**
 * Imports a PKCS#8 DER private key (EC P-256 or RSA). Throws `DtlsError('BAD_KEY')` otherwise.
 * `fresh`: the key was generated in this process just now (its public point needs no check).
 */
export function importSigningKey(pkcs8: Uint8Array, fresh = false): SigningKey {
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  } catch (cause) {
    throw new DtlsError(
      'BAD_KEY',
      AlertDescription.internal_error,
      `not a PKCS#8 private key: ${String(cause)}`,
    );
  }
  const copy = pkcs8.slice();
  if (keyObject.asymmetricKeyType === 'ec') {
    if (keyObject.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new DtlsError('BAD_KEY', AlertDescription.internal_error, 'EC keys must be on P-256');
    }
    try {
      const jwk = keyObject.export({ format: 'jwk' });
      const scalar = leftPad(fromBase64Url(jwk.d), 32);
      let publicKey: Uint8Array;
      if (fresh) {
        // A key node:crypto just generated: its point is d·G, and computing that again in
        // JavaScript cost a millisecond or more on the path of every RTCPeerConnection that
        // makes its own certificate.
        publicKey = new Uint8Array(65);
        publicKey[0] = 0x04;
        publicKey.set(leftPad(fromBase64Url(jwk.x), 32), 1);
        publicKey.set(leftPad(fromBase64Url(jwk.y), 32), 33);
      } else {
        // A stored key may carry any point beside its scalar: derive the one that signs.
        publicKey = p256.getPublicKey(scalar, false);
      }
      return { type: 'ecdsa-p256', scalar, publicKey, pkcs8: copy };
    } catch (cause) {
      throw new DtlsError('BAD_KEY', AlertDescription.internal_error, `unusable EC key: ${String(cause)}`);
    }
  }
  if (keyObject.asymmetricKeyType === 'rsa') {
    const modulusBits = checkRsaBits(keyObject.asymmetricKeyDetails?.modulusLength, 'BAD_KEY');
    return { type: 'rsa', keyObject, modulusBits, pkcs8: copy };
  }
  throw new DtlsError(
    'BAD_KEY',
    AlertDescription.internal_error,
    `unsupported private key type ${String(keyObject.asymmetricKeyType)}`,
  );
}

/**
 * Imports a SubjectPublicKeyInfo DER (RFC 5280 §4.1.2.7) as a verification key: EC P-256
 * (id-ecPublicKey with prime256v1) or RSA (rsaEncryption). Other keys (RSA-PSS-only keys, Ed25519,
 * other curves) throw `DtlsError('UNSUPPORTED_CERTIFICATE')`; unparseable ones `BAD_CERTIFICATE`.
 */
export function importVerificationKey(spki: Uint8Array): VerificationKey {
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch (cause) {
    throw new DtlsError(
      'BAD_CERTIFICATE',
      AlertDescription.bad_certificate,
      `unparseable public key: ${String(cause)}`,
    );
  }
  if (keyObject.asymmetricKeyType === 'ec') {
    if (keyObject.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new DtlsError(
        'UNSUPPORTED_CERTIFICATE',
        AlertDescription.unsupported_certificate,
        `EC curve ${String(keyObject.asymmetricKeyDetails?.namedCurve)} is not P-256`,
      );
    }
    try {
      const jwk = keyObject.export({ format: 'jwk' });
      const point = new Uint8Array(65);
      point[0] = 0x04;
      point.set(leftPad(fromBase64Url(jwk.x), 32), 1);
      point.set(leftPad(fromBase64Url(jwk.y), 32), 33);
      p256.Point.fromBytes(point).assertValidity();
      return { type: 'ecdsa-p256', point };
    } catch (cause) {
      throw new DtlsError(
        'BAD_CERTIFICATE',
        AlertDescription.bad_certificate,
        `invalid P-256 public key: ${String(cause)}`,
      );
    }
  }
  if (keyObject.asymmetricKeyType === 'rsa') {
    const modulusBits = checkRsaBits(
      keyObject.asymmetricKeyDetails?.modulusLength,
      'UNSUPPORTED_CERTIFICATE',
    );
    return { type: 'rsa', keyObject, modulusBits };
  }
  throw new DtlsError(
    'UNSUPPORTED_CERTIFICATE',
    AlertDescription.unsupported_certificate,
    `public key type ${String(keyObject.asymmetricKeyType)} is not supported`,
  );
}

/** The verification key that matches a signing key (to check our own signatures, or for tests). */
export function verificationKeyOf(key: SigningKey): VerificationKey {
  if (key.type === 'ecdsa-p256') return { type: 'ecdsa-p256', point: key.publicKey };
  return { type: 'rsa', keyObject: createPublicKey(key.keyObject), modulusBits: key.modulusBits };
}

/** Key types for our own certificate. */
export type CertificateKeyType = 'ecdsa-p256' | 'rsa-2048' | 'rsa-3072' | 'rsa-4096';

/**
 * A fresh WebCrypto key pair for a self-signed certificate (@peculiar/x509 signs with WebCrypto
 * keys) and the same private key as a {@link SigningKey} for the handshake. ECDSA keys use the
 * P-256 curve; RSA keys e = 65537, signing the certificate with RSASSA-PKCS1-v1_5 SHA-256.
 */
export async function generateCertificateKeyPair(
  type: CertificateKeyType,
): Promise<{ keys: webcrypto.CryptoKeyPair; signingKey: SigningKey; algorithm: webcrypto.Algorithm }> {
  const algorithm: webcrypto.EcKeyGenParams | webcrypto.RsaHashedKeyGenParams =
    type === 'ecdsa-p256'
      ? { name: 'ECDSA', namedCurve: 'P-256' }
      : {
          name: 'RSASSA-PKCS1-v1_5',
          modulusLength: Number(type.slice(4)),
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: 'SHA-256',
        };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const signingAlgorithm =
    type === 'ecdsa-p256'
      ? ({ name: 'ECDSA', hash: 'SHA-256' } as webcrypto.EcdsaParams)
      : ({ name: 'RSASSA-PKCS1-v1_5' } as webcrypto.Algorithm);
  return { keys, signingKey: importSigningKey(pkcs8, true), algorithm: signingAlgorithm };
}

/** The WebCrypto implementation @peculiar/x509 should use (node's, rather than a global it may not find). */
export const webCryptoProvider: webcrypto.Crypto = webcrypto;
