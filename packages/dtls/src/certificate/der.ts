/**
 * Just enough DER (X.690) to pull the SubjectPublicKeyInfo, serial number and validity out of a
 * peer's X.509 certificate (RFC 5280 §4.1) without a general ASN.1 parser on hostile input.
 * Only the outer structure is walked; names and extensions are skipped by their lengths.
 * Anything that does not fit throws `DtlsError('BAD_CERTIFICATE')` (alert bad_certificate).
 *
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
 *   TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber INTEGER, signature,
 *                                 issuer, validity SEQUENCE { notBefore, notAfter }, subject,
 *                                 subjectPublicKeyInfo SEQUENCE, ... }
 */
import { AlertDescription } from '../alert.js';
import { DtlsError } from '../errors.js';

/** Larger certificates are refused (WebRTC certificates are well under 2 KB; RSA-8192 ones ~2.5 KB). */
export const MAX_CERTIFICATE_LENGTH = 32768;

const TAG_INTEGER = 0x02;
const TAG_SEQUENCE = 0x30;
const TAG_UTC_TIME = 0x17;
const TAG_GENERALIZED_TIME = 0x18;
const TAG_VERSION = 0xa0;

interface Tlv {
  readonly tag: number;
  /** Offset of the tag byte. */
  readonly start: number;
  /** Offset of the first content byte. */
  readonly contentStart: number;
  /** Offset just past the content. */
  readonly end: number;
}

function bad(offset: number, detail: string): DtlsError {
  return new DtlsError(
    'BAD_CERTIFICATE',
    AlertDescription.bad_certificate,
    `certificate DER at ${offset}: ${detail}`,
  );
}

function readTlv(buf: Uint8Array, offset: number, limit: number): Tlv {
  if (limit - offset < 2) throw bad(offset, 'truncated');
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw bad(offset, 'high tag numbers are not expected here');
  let length = buf[offset + 1] as number;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    // DER: no indefinite length (0x80), minimal long form, and nothing a certificate needs above 2^24.
    if (count === 0 || count > 3) throw bad(offset, 'unsupported length form');
    if (limit - contentStart < count) throw bad(offset, 'truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (buf[contentStart + i] as number);
    if (length < 0x80 || (buf[contentStart] as number) === 0) throw bad(offset, 'non-minimal length');
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw bad(offset, 'content runs past its container');
  return { tag, start: offset, contentStart, end };
}

function expect(buf: Uint8Array, offset: number, limit: number, tag: number, what: string): Tlv {
  const tlv = readTlv(buf, offset, limit);
  if (tlv.tag !== tag)
    throw bad(offset, `${what}: tag 0x${tlv.tag.toString(16)}, expected 0x${tag.toString(16)}`);
  return tlv;
}

const DIGITS = /^[0-9]+$/;

function parseTime(buf: Uint8Array, tlv: Tlv): Date {
  const text = String.fromCharCode(...buf.subarray(tlv.contentStart, tlv.end));
  // RFC 5280 §4.1.2.5: UTCTime YYMMDDHHMMSSZ (YY < 50 is 20YY), GeneralizedTime YYYYMMDDHHMMSSZ.
  const utc = tlv.tag === TAG_UTC_TIME;
  const expected = utc ? 13 : 15;
  const digits = text.slice(0, -1);
  if (text.length !== expected || !text.endsWith('Z') || !DIGITS.test(digits)) {
    throw bad(tlv.start, `bad time ${JSON.stringify(text)}`);
  }
  let year: number;
  let rest: string;
  if (utc) {
    const yy = Number(digits.slice(0, 2));
    year = yy < 50 ? 2000 + yy : 1900 + yy;
    rest = digits.slice(2);
  } else {
    year = Number(digits.slice(0, 4));
    rest = digits.slice(4);
  }
  const [month, day, hour, minute, second] = [0, 2, 4, 6, 8].map((i) => Number(rest.slice(i, i + 2))) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    throw bad(tlv.start, `bad time ${JSON.stringify(text)}`);
  }
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

export interface CertificateFields {
  /** The SubjectPublicKeyInfo, tag and length included (a view). */
  readonly subjectPublicKeyInfo: Uint8Array;
  /** The serial number's content bytes (a view). */
  readonly serialNumber: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Walks the outer structure of an X.509 certificate. Throws `BAD_CERTIFICATE`. */
export function parseCertificateFields(der: Uint8Array): CertificateFields {
  if (der.length > MAX_CERTIFICATE_LENGTH)
    throw bad(0, `${der.length} bytes is over the ${MAX_CERTIFICATE_LENGTH}-byte cap`);
  const cert = expect(der, 0, der.length, TAG_SEQUENCE, 'Certificate');
  if (cert.end !== der.length) throw bad(cert.end, 'bytes after the certificate');
  const tbs = expect(der, cert.contentStart, cert.end, TAG_SEQUENCE, 'TBSCertificate');
  let offset = tbs.contentStart;
  let tlv = readTlv(der, offset, tbs.end);
  if (tlv.tag === TAG_VERSION) {
    offset = tlv.end;
    tlv = readTlv(der, offset, tbs.end);
  }
  if (tlv.tag !== TAG_INTEGER) throw bad(offset, 'serialNumber is not an INTEGER');
  const serialNumber = der.subarray(tlv.contentStart, tlv.end);
  offset = expect(der, tlv.end, tbs.end, TAG_SEQUENCE, 'signature').end;
  offset = expect(der, offset, tbs.end, TAG_SEQUENCE, 'issuer').end;
  const validity = expect(der, offset, tbs.end, TAG_SEQUENCE, 'validity');
  const readTime = (at: number): Tlv => {
    const t = readTlv(der, at, validity.end);
    if (t.tag !== TAG_UTC_TIME && t.tag !== TAG_GENERALIZED_TIME)
      throw bad(at, 'validity time is not a Time');
    return t;
  };
  const before = readTime(validity.contentStart);
  const after = readTime(before.end);
  if (after.end !== validity.end) throw bad(after.end, 'bytes after notAfter');
  offset = expect(der, validity.end, tbs.end, TAG_SEQUENCE, 'subject').end;
  const spki = expect(der, offset, tbs.end, TAG_SEQUENCE, 'subjectPublicKeyInfo');
  return {
    subjectPublicKeyInfo: der.subarray(spki.start, spki.end),
    serialNumber,
    notBefore: parseTime(der, before),
    notAfter: parseTime(der, after),
  };
}
