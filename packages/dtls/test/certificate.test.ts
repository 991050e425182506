/**
 * Certificates: generation (ECDSA P-256, RSA 2048) checked with node:crypto's X509Certificate
 * and, when present, the openssl CLI; random serials; import of stored certificates; public key
 * extraction; SDP fingerprints (RFC 8122 §5) in every accepted hash; the DER walker on junk.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import {
  assertFingerprint,
  certificateFingerprint,
  certificatePublicKey,
  computeFingerprint,
  type DtlsCertificate,
  DtlsError,
  formatFingerprint,
  generateCertificate,
  importCertificate,
  parseCertificateFields,
  parseFingerprint,
  signData,
  verifyFingerprint,
  verifySignature,
} from '../src/index.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const OPENSSL = hasOpenssl();
if (!OPENSSL && process.env['CI'] === 'true') throw new Error('openssl is required under CI');

const toPem = (der: Uint8Array): string =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;

const DAY = 24 * 3600 * 1000;

describe('generateCertificate', () => {
  let ecdsa: DtlsCertificate;
  let rsa: DtlsCertificate;

  it('makes a self-signed ECDSA P-256 certificate valid from yesterday for 30 days', async () => {
    const before = Date.now();
    ecdsa = await generateCertificate();
    const x = new X509Certificate(ecdsa.der);
    expect(x.subject).toBe('CN=purertc');
    expect(x.issuer).toBe('CN=purertc');
    expect(x.publicKey.asymmetricKeyType).toBe('ec');
    expect(x.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(x.verify(x.publicKey)).toBe(true);
    expect(ecdsa.notBefore.getTime()).toBeLessThanOrEqual(before - DAY + 1000);
    expect(ecdsa.notBefore.getTime()).toBeGreaterThan(before - DAY - 60_000);
    expect(ecdsa.notAfter.getTime() - ecdsa.notBefore.getTime()).toBeGreaterThan(30 * DAY);
    expect(new Date(x.validTo).getTime()).toBe(ecdsa.notAfter.getTime());
    expect(ecdsa.privateKey.type).toBe('ecdsa-p256');
    expect(ecdsa.fingerprint).toMatch(/^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(ecdsa.fingerprint.slice(8).replaceAll(':', '')).toBe(x.fingerprint256.replaceAll(':', ''));
  });

  it('makes an RSA 2048 certificate on request', async () => {
    rsa = await generateCertificate({ keyType: 'rsa-2048', commonName: 'WebRTC' });
    const x = new X509Certificate(rsa.der);
    expect(x.subject).toBe('CN=WebRTC');
    expect(x.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(rsa.privateKey).toMatchObject({ type: 'rsa', modulusBits: 2048 });
  });

  it('gives every certificate a fresh positive 16-byte serial number', async () => {
    const serials = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const cert = await generateCertificate();
      const serial = parseCertificateFields(cert.der).serialNumber;
      expect(serial).toHaveLength(16);
      expect((serial[0] as number) & 0x80).toBe(0);
      expect(serial[0]).not.toBe(0);
      serials.add(Buffer.from(serial).toString('hex'));
    }
    serials.add(Buffer.from(parseCertificateFields(ecdsa.der).serialNumber).toString('hex'));
    expect(serials.size).toBe(6);
  });

  it('signs with the private key that matches the certificate', () => {
    const data = new TextEncoder().encode('handshake_messages');
    expect(
      verifySignature(
        certificatePublicKey(ecdsa.der),
        0x0403,
        data,
        signData(ecdsa.privateKey, 0x0403, data),
      ),
    ).toBe(true);
    expect(
      verifySignature(certificatePublicKey(rsa.der), 0x0804, data, signData(rsa.privateKey, 0x0804, data)),
    ).toBe(true);
    expect(
      verifySignature(certificatePublicKey(rsa.der), 0x0401, data, signData(rsa.privateKey, 0x0401, data)),
    ).toBe(true);
  });

  it('keeps the public point of a generated key, d·G, as the certificate carries it', () => {
    const key = ecdsa.privateKey;
    if (key.type !== 'ecdsa-p256') throw new Error('expected an ECDSA key');
    expect([...key.publicKey]).toEqual([...p256.getPublicKey(key.scalar, false)]);
    const spki = certificatePublicKey(ecdsa.der);
    expect(spki.type === 'ecdsa-p256' && [...spki.point]).toEqual([...key.publicKey]);
  });

  it('honours validity options and refuses nonsense', async () => {
    const notBefore = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
    const notAfter = new Date(Date.UTC(2060, 0, 2, 3, 4, 5)); // past 2049: GeneralizedTime
    const cert = await generateCertificate({ notBefore, notAfter });
    expect(cert.notBefore.toISOString()).toBe(notBefore.toISOString());
    expect(cert.notAfter.toISOString()).toBe(notAfter.toISOString());
    await expect(generateCertificate({ commonName: 'has space' })).rejects.toThrow(RangeError);
    await expect(generateCertificate({ notBefore: notAfter, notAfter: notBefore })).rejects.toThrow(
      RangeError,
    );
  });

  it.skipIf(!OPENSSL)('openssl reads it and agrees on the fingerprint', () => {
    for (const cert of [ecdsa, rsa]) {
      const text = execFileSync('openssl', ['x509', '-noout', '-text', '-fingerprint', '-sha256'], {
        input: toPem(cert.der),
      }).toString();
      expect(text).toContain('Signature Algorithm: ');
      const fp = /sha256 Fingerprint=([0-9A-F:]+)/i.exec(text)?.[1];
      expect(`sha-256 ${fp}`).toBe(cert.fingerprint);
    }
  });

  it('imports a stored certificate and key, and refuses a mismatched pair', async () => {
    const again = importCertificate(ecdsa.der, ecdsa.privateKey.pkcs8);
    expect(again.fingerprint).toBe(ecdsa.fingerprint);
    expect(again.notAfter.getTime()).toBe(ecdsa.notAfter.getTime());
    expect(again.privateKey.type).toBe('ecdsa-p256');
    const rsaAgain = importCertificate(rsa.der, rsa.privateKey.pkcs8);
    expect(rsaAgain.privateKey.type).toBe('rsa');
    expect(() => importCertificate(ecdsa.der, rsa.privateKey.pkcs8)).toThrow(
      expect.objectContaining({ code: 'BAD_KEY' }),
    );
    const other = await generateCertificate();
    expect(() => importCertificate(ecdsa.der, other.privateKey.pkcs8)).toThrow(
      expect.objectContaining({ code: 'BAD_KEY' }),
    );
    expect(() => importCertificate(new Uint8Array(10), ecdsa.privateKey.pkcs8)).toThrow(
      expect.objectContaining({ code: 'BAD_CERTIFICATE' }),
    );
  });
});

describe('fingerprints (RFC 8122 §5)', () => {
  const der = new TextEncoder().encode('not really a certificate, but fingerprints do not care');

  it('formats uppercase colon-separated hex and parses it back in every hash', () => {
    for (const algorithm of ['sha-1', 'sha-256', 'sha-384', 'sha-512'] as const) {
      const fp = computeFingerprint(der, algorithm);
      const text = formatFingerprint(fp);
      expect(text.startsWith(`${algorithm} `)).toBe(true);
      expect(parseFingerprint(text)).toEqual(fp);
      expect(parseFingerprint(text.toLowerCase().replace(algorithm, algorithm.toUpperCase()))).toEqual(fp);
      expect(verifyFingerprint(der, text)).toBe(true);
    }
    expect(certificateFingerprint(der)).toBe(formatFingerprint(computeFingerprint(der)));
  });

  it('matches any of several fingerprints and rejects a wrong one', () => {
    const right = certificateFingerprint(der, 'sha-384');
    const wrong = certificateFingerprint(new Uint8Array([1]), 'sha-256');
    expect(verifyFingerprint(der, [wrong, right])).toBe(true);
    expect(verifyFingerprint(der, wrong)).toBe(false);
    expect(verifyFingerprint(der, [])).toBe(false);
    // An unsupported hash function is skipped, not fatal; a malformed supported one throws.
    expect(verifyFingerprint(der, [`sha-224 ${'AB:'.repeat(27)}AB`, right])).toBe(true);
    expect(verifyFingerprint(der, [`md5 ${'AB:'.repeat(15)}AB`])).toBe(false);
    expect(() => verifyFingerprint(der, ['sha-256 AB:CD', right])).toThrow(
      expect.objectContaining({ code: 'BAD_FINGERPRINT' }),
    );
    expect(() => assertFingerprint(der, wrong)).toThrow(
      expect.objectContaining({ code: 'FINGERPRINT_MISMATCH', alert: 42 }),
    );
    expect(() => assertFingerprint(der, [parseFingerprint(right)])).not.toThrow();
  });

  it('rejects malformed fingerprint strings with BAD_FINGERPRINT', () => {
    const good = certificateFingerprint(der);
    for (const bad of [
      '',
      'sha-256',
      good.replace('sha-256', 'md5'),
      good.replace('sha-256', 'sha-224'),
      good.slice(0, -3),
      `${good}:00`,
      good.replace(/:/, '::'),
      good.replace(/[0-9A-F]{2}$/, 'GG'),
      good.replace(/[0-9A-F]{2}$/, 'ABC'),
      `${good} extra`,
    ]) {
      expect(() => parseFingerprint(bad), bad).toThrow(DtlsError);
    }
    expect(parseFingerprint(`  ${good}  `).algorithm).toBe('sha-256');
  });
});

describe('certificate DER walker', () => {
  it('rejects junk with BAD_CERTIFICATE', () => {
    for (const junk of [
      [],
      [0x30],
      [0x30, 0x80, 0, 0],
      [0x30, 0x81, 0x05, 0, 0, 0, 0, 0],
      [0x30, 0x03, 0x02, 0x01, 0x00],
      [0x30, 0x02, 0x30, 0x00],
      [0x31, 0x00],
      [0x30, 0x00, 0x00],
      [0x30, 0x84, 0, 0, 0, 1, 0],
      [0x3f, 0x00],
    ]) {
      expect(() => parseCertificateFields(Uint8Array.from(junk)), JSON.stringify(junk)).toThrow(
        expect.objectContaining({ code: 'BAD_CERTIFICATE' }),
      );
    }
    expect(() => certificatePublicKey(new Uint8Array(40000))).toThrow(
      expect.objectContaining({ code: 'BAD_CERTIFICATE' }),
    );
  });
});
