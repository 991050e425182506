/**
 * CertificateRequest (RFC 5246 §7.4.4; RFC 8422 §5.5 for ecdsa_sign):
 *
 *   struct {
 *     ClientCertificateType certificate_types<1..2^8-1>;     // rsa_sign 1, ecdsa_sign 64
 *     SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>;
 *     DistinguishedName certificate_authorities<0..2^16-1>; // opaque DistinguishedName<1..2^16-1>
 *   } CertificateRequest;
 *
 * WebRTC servers always request a certificate (mutual authentication by fingerprints) and send no
 * certificate_authorities.
 */
import { DtlsParseError } from '../errors.js';
import { MAX_SIGNATURE_ALGORITHMS } from '../extensions/signature-algorithms.js';
import { ByteReader } from '../reader.js';
import { ByteWriter } from '../writer.js';

export interface CertificateRequest {
  readonly certificateTypes: readonly number[];
  readonly signatureAlgorithms: readonly number[];
  /** DER DistinguishedNames (views when decoded); usually empty. */
  readonly certificateAuthorities: readonly Uint8Array[];
}

export const MAX_CERTIFICATE_AUTHORITIES = 64;

export function encodeCertificateRequest(message: CertificateRequest): Uint8Array {
  const w = new ByteWriter(64);
  const types = w.beginVector(1);
  for (const type of message.certificateTypes) w.u8(type);
  w.endVector(types);
  const schemes = w.beginVector(2);
  for (const scheme of message.signatureAlgorithms) w.u16(scheme);
  w.endVector(schemes);
  const cas = w.beginVector(2);
  for (const name of message.certificateAuthorities) w.vector(2, name);
  w.endVector(cas);
  return w.finish();
}

export function decodeCertificateRequest(body: Uint8Array): CertificateRequest {
  const r = new ByteReader(body);
  const certificateTypes = Array.from(r.vector(1, 'certificate_request.certificate_types', 1, 255));
  const schemesAt = r.offset;
  const schemes = r.subReader(
    2,
    'certificate_request.supported_signature_algorithms',
    2,
    2 * MAX_SIGNATURE_ALGORITHMS,
  );
  if (schemes.remaining % 2 !== 0) {
    throw new DtlsParseError(
      'BAD_LENGTH',
      'certificate_request.supported_signature_algorithms',
      schemesAt,
      'odd length',
    );
  }
  const signatureAlgorithms: number[] = [];
  while (schemes.remaining > 0)
    signatureAlgorithms.push(schemes.u16('certificate_request.signature_algorithm'));
  const cas = r.subReader(2, 'certificate_request.certificate_authorities', 0, 0xffff);
  r.end('certificate_request');
  const certificateAuthorities: Uint8Array[] = [];
  while (cas.remaining > 0) {
    if (certificateAuthorities.length >= MAX_CERTIFICATE_AUTHORITIES) {
      throw new DtlsParseError(
        'TOO_MANY',
        'certificate_request.certificate_authorities',
        cas.offset,
        `more than ${MAX_CERTIFICATE_AUTHORITIES}`,
      );
    }
    certificateAuthorities.push(cas.vector(2, 'certificate_request.distinguished_name', 1, 0xffff));
  }
  return { certificateTypes, signatureAlgorithms, certificateAuthorities };
}
