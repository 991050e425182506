/**
 * Certificate (RFC 5246 §7.4.2):
 *
 *   opaque ASN.1Cert<1..2^24-1>;
 *   struct { ASN.1Cert certificate_list<0..2^24-1>; } Certificate;
 *
 * The sender's certificate first. WebRTC peers send one self-signed certificate; the caps below
 * bound what a hostile peer can make us hold. A client with no certificate sends an empty list
 * (§7.4.6). The certificates are not parsed here (certificate/ does that).
 */
import { DtlsParseError } from '../errors.js';
import { ByteReader } from '../reader.js';
import { ByteWriter } from '../writer.js';

export interface Certificate {
  /** DER certificates, the sender's own first (views when decoded). */
  readonly certificates: readonly Uint8Array[];
}

export interface CertificateLimits {
  /** Default 8. */
  readonly maxCertificates?: number;
  /** Bytes of certificate_list; default 64 KiB. */
  readonly maxListLength?: number;
}

export const MAX_CERTIFICATES = 8;
export const MAX_CERTIFICATE_LIST_LENGTH = 65536;

export function encodeCertificate(message: Certificate): Uint8Array {
  const w = new ByteWriter(16 + message.certificates.reduce((n, c) => n + 3 + c.length, 0));
  const list = w.beginVector(3);
  for (const der of message.certificates) {
    if (der.length === 0) throw new RangeError('empty certificate');
    w.vector(3, der);
  }
  w.endVector(list);
  return w.finish();
}

export function decodeCertificate(body: Uint8Array, limits: CertificateLimits = {}): Certificate {
  const maxCertificates = limits.maxCertificates ?? MAX_CERTIFICATES;
  const r = new ByteReader(body);
  const list = r.subReader(
    3,
    'certificate.certificate_list',
    0,
    limits.maxListLength ?? MAX_CERTIFICATE_LIST_LENGTH,
  );
  r.end('certificate');
  const certificates: Uint8Array[] = [];
  while (list.remaining > 0) {
    if (certificates.length >= maxCertificates) {
      throw new DtlsParseError(
        'TOO_MANY',
        'certificate.certificate_list',
        list.offset,
        `more than ${maxCertificates}`,
      );
    }
    certificates.push(list.vector(3, 'certificate.asn1_cert', 1, 0xffffff));
  }
  return { certificates };
}
