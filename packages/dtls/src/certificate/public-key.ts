/**
 * The public key of a peer's certificate (the first of its Certificate message), for verifying
 * its ServerKeyExchange or CertificateVerify signature. WebRTC authenticates the certificate by
 * its fingerprint (fingerprint.ts), not by a chain, so the key is all that is needed here.
 */
import { importVerificationKey, type VerificationKey } from '../crypto/keys.js';
import { parseCertificateFields } from './der.js';

/**
 * Extracts an EC P-256 or RSA verification key from a DER certificate. Throws
 * `DtlsError('BAD_CERTIFICATE')` for a certificate that does not parse and
 * `DtlsError('UNSUPPORTED_CERTIFICATE')` for another key type.
 */
export function certificatePublicKey(der: Uint8Array): VerificationKey {
  return importVerificationKey(parseCertificateFields(der).subjectPublicKeyInfo);
}
