/**
 * Our own certificate: a self-signed X.509 v3 certificate made with @peculiar/x509 (RFC 5280),
 * as WebRTC uses them (RFC 8827 §6.5: the certificate is authenticated by its fingerprint in
 * the signalling, not by a CA).
 *
 *  - ECDSA P-256 by default (what browsers generate); RSA 2048 (or larger) on request.
 *  - A random 128-bit positive serial number: Firefox refuses a certificate whose issuer and
 *    serial it has already seen with a different key (NSS's duplicate-serial check).
 *  - A short common name and validity now - 1 day .. now + 30 days by default (the day of slack
 *    absorbs peers with slow clocks).
 *
 * `importCertificate` loads a stored certificate and its PKCS#8 key back (RTCCertificate
 * persistence) and checks that the two belong together.
 */
import { AlertDescription } from '../alert.js';
import {
  type CertificateKeyType,
  generateCertificateKeyPair,
  importSigningKey,
  type SigningKey,
  type VerificationKey,
  verificationKeyOf,
  webCryptoProvider,
} from '../crypto/keys.js';
import { randomBytes } from '../crypto/random.js';
import { DtlsError } from '../errors.js';
import { parseCertificateFields } from './der.js';
import { certificateFingerprint } from './fingerprint.js';
import { certificatePublicKey } from './public-key.js';
import { installReflectMetadata } from './reflect-shim.js';

export interface DtlsCertificate {
  /** The certificate, DER. This is what goes into the Certificate message. */
  readonly der: Uint8Array;
  /** The private key, for ServerKeyExchange / CertificateVerify signatures; `privateKey.pkcs8` stores it. */
  readonly privateKey: SigningKey;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** `sha-256 AB:CD:...`, for SDP `a=fingerprint:` (RFC 8122 §5). */
  readonly fingerprint: string;
}

export interface GenerateCertificateOptions {
  /** Default 'ecdsa-p256'. */
  readonly keyType?: CertificateKeyType;
  /** Subject and issuer common name; default 'purertc'. */
  readonly commonName?: string;
  /** Default: one day before now. */
  readonly notBefore?: Date;
  /** Default: 30 days after now. */
  readonly notAfter?: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const SERIAL_LENGTH = 16;

type X509 = typeof import('@peculiar/x509');
// x509's typings name DOM globals (CryptoKeyPair, Crypto) that a Node-only lib setting lacks;
// node:crypto's webcrypto objects are those at run time.
type SelfSignedArgs = Parameters<X509['X509CertificateGenerator']['createSelfSigned']>;

let x509Module: Promise<X509> | undefined;

function loadX509(): Promise<X509> {
  if (x509Module === undefined) {
    installReflectMetadata();
    x509Module = import('@peculiar/x509');
  }
  return x509Module;
}

/** A random positive serial number (RFC 5280 §4.1.2.2: at most 20 octets), as hex. */
function randomSerialNumber(): string {
  const serial = randomBytes(SERIAL_LENGTH);
  // Top bit clear (positive INTEGER) and top byte non-zero (DER keeps all 16 bytes).
  serial[0] = ((serial[0] as number) & 0x7f) | 0x01;
  return Array.from(serial, (b) => b.toString(16).padStart(2, '0')).join('');
}

const CN_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** Generates a self-signed certificate and its private key. */
export async function generateCertificate(
  options: GenerateCertificateOptions = {},
): Promise<DtlsCertificate> {
  const keyType = options.keyType ?? 'ecdsa-p256';
  const commonName = options.commonName ?? 'purertc';
  if (!CN_PATTERN.test(commonName)) {
    throw new RangeError('commonName must be 1-64 characters of letters, digits, dot, dash or underscore');
  }
  const now = Date.now();
  const notBefore = options.notBefore ?? new Date(now - DAY_MS);
  const notAfter = options.notAfter ?? new Date(now + 30 * DAY_MS);
  if (!(notAfter.getTime() > notBefore.getTime())) throw new RangeError('notAfter must be after notBefore');
  const [x509, { keys, signingKey, algorithm }] = await Promise.all([
    loadX509(),
    generateCertificateKeyPair(keyType),
  ]);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerialNumber(),
      name: `CN=${commonName}`,
      notBefore,
      notAfter,
      keys,
      signingAlgorithm: algorithm,
    } as unknown as SelfSignedArgs[0],
    webCryptoProvider as unknown as SelfSignedArgs[1],
  );
  const der = new Uint8Array(certificate.rawData);
  const fields = parseCertificateFields(der);
  return {
    der,
    privateKey: signingKey,
    notBefore: fields.notBefore,
    notAfter: fields.notAfter,
    fingerprint: certificateFingerprint(der),
  };
}

function sameKey(a: VerificationKey, b: VerificationKey): boolean {
  if (a.type === 'ecdsa-p256' && b.type === 'ecdsa-p256') {
    return a.point.length === b.point.length && a.point.every((byte, i) => byte === b.point[i]);
  }
  if (a.type === 'rsa' && b.type === 'rsa') return a.keyObject.equals(b.keyObject);
  return false;
}

/**
 * Loads a certificate (DER) and its private key (PKCS#8 DER), e.g. ones stored from an earlier
 * `generateCertificate`. Throws `DtlsError('BAD_CERTIFICATE' | 'UNSUPPORTED_CERTIFICATE' | 'BAD_KEY')`.
 */
export function importCertificate(der: Uint8Array, pkcs8: Uint8Array): DtlsCertificate {
  const copy = der.slice();
  const fields = parseCertificateFields(copy);
  const privateKey = importSigningKey(pkcs8);
  if (!sameKey(certificatePublicKey(copy), verificationKeyOf(privateKey))) {
    throw new DtlsError(
      'BAD_KEY',
      AlertDescription.internal_error,
      'the private key does not match the certificate',
    );
  }
  return {
    der: copy,
    privateKey,
    notBefore: fields.notBefore,
    notAfter: fields.notAfter,
    fingerprint: certificateFingerprint(copy),
  };
}
