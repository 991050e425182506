/**
 * Handshake signatures, each checked against node:crypto (OpenSSL) in both directions:
 * ECDSA P-256/SHA-256 with DER signatures (including OpenSSL's high-S ones), RSASSA-PKCS1-v1_5
 * and RSASSA-PSS (rsae, salt = 32) with SHA-256; and key import from PKCS#8 / SPKI.
 */
import { constants, generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  chooseSignatureScheme,
  DtlsError,
  importSigningKey,
  importVerificationKey,
  SignatureScheme,
  SUPPORTED_SIGNATURE_SCHEMES,
  signatureSchemesFor,
  signData,
  verificationKeyOf,
  verifySignature,
} from '../src/index.js';

const data = new TextEncoder().encode('client_random + server_random + ServerECDHParams');

const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const ecPkcs8 = new Uint8Array(ec.privateKey.export({ format: 'der', type: 'pkcs8' }));
const ecSpki = new Uint8Array(ec.publicKey.export({ format: 'der', type: 'spki' }));
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPkcs8 = new Uint8Array(rsa.privateKey.export({ format: 'der', type: 'pkcs8' }));
const rsaSpki = new Uint8Array(rsa.publicKey.export({ format: 'der', type: 'spki' }));

describe('ECDSA P-256 SHA-256 (0x0403)', () => {
  const key = importSigningKey(ecPkcs8);
  const pub = importVerificationKey(ecSpki);

  it('imports the key pair', () => {
    expect(key.type).toBe('ecdsa-p256');
    expect(pub.type).toBe('ecdsa-p256');
    if (key.type === 'ecdsa-p256' && pub.type === 'ecdsa-p256') {
      expect(key.scalar).toHaveLength(32);
      expect(Buffer.from(key.publicKey).equals(Buffer.from(pub.point))).toBe(true);
    }
    expect(signatureSchemesFor(key)).toEqual([0x0403]);
  });

  it('our DER signatures verify with OpenSSL, and OpenSSL signatures (high S too) verify with ours', () => {
    for (let i = 0; i < 20; i++) {
      const sig = signData(key, SignatureScheme.ecdsa_secp256r1_sha256, data);
      expect(sig[0]).toBe(0x30);
      expect(verify('sha256', data, { key: ec.publicKey, dsaEncoding: 'der' }, sig)).toBe(true);
      const theirs = sign('sha256', data, { key: ec.privateKey, dsaEncoding: 'der' });
      expect(verifySignature(pub, SignatureScheme.ecdsa_secp256r1_sha256, data, theirs)).toBe(true);
    }
  });

  it('rejects tampered data, tampered or malformed signatures without throwing', () => {
    const sig = signData(key, 0x0403, data);
    expect(verifySignature(pub, 0x0403, data.subarray(1), sig)).toBe(false);
    const bad = sig.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
    expect(verifySignature(pub, 0x0403, data, bad)).toBe(false);
    expect(verifySignature(pub, 0x0403, data, new Uint8Array(0))).toBe(false);
    expect(verifySignature(pub, 0x0403, data, new Uint8Array([0x30, 0x02, 0x02, 0x00]))).toBe(false);
    expect(verifySignature(pub, 0x0403, data, sig.subarray(0, 64))).toBe(false);
  });

  it('refuses RSA schemes for an EC key', () => {
    expect(() => signData(key, SignatureScheme.rsa_pkcs1_sha256, data)).toThrow(DtlsError);
    expect(() => verifySignature(pub, SignatureScheme.rsa_pss_rsae_sha256, data, new Uint8Array(64))).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_SIGNATURE_SCHEME', alert: 47 }),
    );
  });
});

describe('RSA (0x0401 PKCS#1 v1.5, 0x0804 PSS rsae)', () => {
  const key = importSigningKey(rsaPkcs8);
  const pub = importVerificationKey(rsaSpki);

  it('imports with the modulus size', () => {
    expect(key).toMatchObject({ type: 'rsa', modulusBits: 2048 });
    expect(pub).toMatchObject({ type: 'rsa', modulusBits: 2048 });
    expect(signatureSchemesFor(pub)).toEqual([0x0804, 0x0401]);
  });

  it('PKCS#1 v1.5 interoperates with OpenSSL', () => {
    const sig = signData(key, SignatureScheme.rsa_pkcs1_sha256, data);
    expect(sig).toHaveLength(256);
    expect(verify('sha256', data, { key: rsa.publicKey, padding: constants.RSA_PKCS1_PADDING }, sig)).toBe(
      true,
    );
    const theirs = sign('sha256', data, rsa.privateKey);
    expect(verifySignature(pub, 0x0401, data, theirs)).toBe(true);
    expect(verifySignature(pub, 0x0804, data, theirs)).toBe(false);
  });

  it('PSS with a 32-byte salt interoperates with OpenSSL', () => {
    const sig = signData(key, SignatureScheme.rsa_pss_rsae_sha256, data);
    const pss = { key: rsa.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    expect(verify('sha256', data, pss, sig)).toBe(true);
    const theirs = sign('sha256', data, {
      key: rsa.privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    });
    expect(verifySignature(pub, 0x0804, data, theirs)).toBe(true);
    expect(verifySignature(pub, 0x0401, data, theirs)).toBe(false);
    expect(verifySignature(pub, 0x0804, data.subarray(2), theirs)).toBe(false);
    expect(verifySignature(pub, 0x0804, data, new Uint8Array(3))).toBe(false);
  });

  it('refuses ECDSA for an RSA key and short RSA keys', () => {
    expect(() => signData(key, 0x0403, data)).toThrow(DtlsError);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() =>
      importVerificationKey(new Uint8Array(small.publicKey.export({ format: 'der', type: 'spki' }))),
    ).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_CERTIFICATE' }));
    expect(() =>
      importSigningKey(new Uint8Array(small.privateKey.export({ format: 'der', type: 'pkcs8' }))),
    ).toThrow(expect.objectContaining({ code: 'BAD_KEY' }));
  });

  it('verificationKeyOf pairs with signData', () => {
    expect(verifySignature(verificationKeyOf(key), 0x0804, data, signData(key, 0x0804, data))).toBe(true);
    const ecKey = importSigningKey(ecPkcs8);
    expect(verifySignature(verificationKeyOf(ecKey), 0x0403, data, signData(ecKey, 0x0403, data))).toBe(true);
  });
});

describe('scheme negotiation and key import errors', () => {
  it('chooses the first of our schemes that the peer offers', () => {
    const ecKey = importSigningKey(ecPkcs8);
    const rsaKey = importSigningKey(rsaPkcs8);
    expect(SUPPORTED_SIGNATURE_SCHEMES).toEqual([0x0403, 0x0804, 0x0401]);
    expect(chooseSignatureScheme(ecKey, [0x0401, 0x0403])).toBe(0x0403);
    expect(chooseSignatureScheme(ecKey, [0x0401])).toBeUndefined();
    expect(chooseSignatureScheme(rsaKey, [0x0401, 0x0804])).toBe(0x0804);
    expect(chooseSignatureScheme(rsaKey, [0x0401])).toBe(0x0401);
    expect(chooseSignatureScheme(rsaKey, [])).toBeUndefined();
  });

  it('throws typed errors for unusable keys', () => {
    expect(() => importSigningKey(new Uint8Array([1, 2, 3]))).toThrow(
      expect.objectContaining({ code: 'BAD_KEY' }),
    );
    expect(() => importVerificationKey(new Uint8Array([0x30, 0]))).toThrow(
      expect.objectContaining({ code: 'BAD_CERTIFICATE' }),
    );
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    expect(() =>
      importVerificationKey(new Uint8Array(p384.publicKey.export({ format: 'der', type: 'spki' }))),
    ).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_CERTIFICATE' }));
    expect(() =>
      importSigningKey(new Uint8Array(p384.privateKey.export({ format: 'der', type: 'pkcs8' }))),
    ).toThrow(expect.objectContaining({ code: 'BAD_KEY' }));
    const ed = generateKeyPairSync('ed25519');
    expect(() =>
      importVerificationKey(new Uint8Array(ed.publicKey.export({ format: 'der', type: 'spki' }))),
    ).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_CERTIFICATE' }));
  });
});
