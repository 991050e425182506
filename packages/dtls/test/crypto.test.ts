/**
 * Key schedule: the TLS 1.2 PRF against the published IETF vectors (P_SHA256 100 bytes, P_SHA384
 * 148 bytes, https://www.ietf.org/mail-archive/web/tls/current/msg03416.html), and master
 * secret, extended master secret, key block, verify_data and exporter against values computed
 * with the OpenSSL CLI (`openssl kdf -kdfopt digest:SHA256 -kdfopt hexsecret:<secret>
 * -kdfopt hexseed:<hex(label)><seed> TLS1-PRF`), with
 *   pre_master_secret = 00 01 .. 1f, client_random = 20 .. 3f, server_random = 40 .. 5f,
 *   session/handshake hash = SHA-256("abc") (SHA-384("abc") for the SHA-384 suite).
 * Then the SRTP split, the transcript and AEAD availability.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AeadCipher,
  CipherSuite,
  cipherSuiteInfo,
  computeExtendedMasterSecret,
  computeMasterSecret,
  computeVerifyData12,
  constantTimeEqual,
  DTLS_SRTP_EXPORTER_LABEL,
  DtlsError,
  deriveSrtpKeyingMaterial12,
  digest,
  encodeHandshakeMessage,
  expandKeyBlock12,
  exportKeyingMaterial12,
  HandshakeTranscript,
  HandshakeType,
  hmac,
  isAeadSupported,
  isCipherSuiteSupported,
  prf12,
  SrtpProtectionProfile,
  splitSrtpKeyingMaterial,
  srtpKeysForRole,
  srtpProfileInfo,
  supportedCipherSuites,
} from '../src/index.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const range = (from: number, to: number): Uint8Array =>
  Uint8Array.from({ length: to - from }, (_, i) => from + i);

const PMS = range(0, 32);
const CR = range(32, 64);
const SR = range(64, 96);
const SH256 = new Uint8Array(createHash('sha256').update('abc').digest());
const SH384 = new Uint8Array(createHash('sha384').update('abc').digest());
const MS256 =
  '518bc65fd30dabe86349152f98435c94d907b50c92a931c5a2f9e3a4d90f3439f2726c763fb1a40aec90b8bc60173f7c';
const EMS384 =
  '0160e0291e0d0316b6b5e4e7695180b311677851a29681b035f6f78b3f38132ab209f017f44daaabb1354a77199bfd25';

function suite(id: number) {
  const info = cipherSuiteInfo(id);
  if (info === undefined) throw new Error('missing suite');
  return info;
}

describe('TLS 1.2 PRF (RFC 5246 §5)', () => {
  it('matches the IETF P_SHA256 vector', () => {
    const out = prf12(
      'sha256',
      hex('9bbe436ba940f017b17652849a71db35'),
      'test label',
      hex('a0ba9f936cda311827a6f796ffd5198c'),
      100,
    );
    expect(toHex(out)).toBe(
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af' +
        '0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
    );
  });

  it('matches the IETF P_SHA384 vector', () => {
    const out = prf12(
      'sha384',
      hex('b80b733d6ceefcdc71566ea48e5567df'),
      'test label',
      hex('cd665cf6a8447dd6ff8b27555edb7465'),
      148,
    );
    expect(toHex(out)).toBe(
      '7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0' +
        'e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425' +
        '9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d73e56f',
    );
  });

  it('is a stream: a shorter output is a prefix of a longer one', () => {
    const long = prf12('sha256', PMS, 'x', CR, 97);
    for (const n of [0, 1, 31, 32, 33, 64, 96])
      expect(toHex(prf12('sha256', PMS, 'x', CR, n))).toBe(toHex(long.subarray(0, n)));
  });
});

describe('DTLS 1.2 key schedule (OpenSSL TLS1-PRF as oracle)', () => {
  it('master secret (RFC 5246 §8.1)', () => {
    expect(toHex(computeMasterSecret('sha256', PMS, CR, SR))).toBe(MS256);
  });

  it('extended master secret (RFC 7627 §4), SHA-256 and SHA-384', () => {
    expect(toHex(computeExtendedMasterSecret('sha256', PMS, SH256))).toBe(
      '7b8fafd38291017c3a474ca80df21bd2c3bc0ad3c84475f80da6078e5a76d5f5467ae06ae374fa2a9dfdb021dc94911e',
    );
    expect(toHex(computeExtendedMasterSecret('sha384', PMS, SH384))).toBe(EMS384);
  });

  it('key block for AES-128-GCM: 16-byte keys, 4-byte salts, server_random first in the seed', () => {
    const kb = expandKeyBlock12(
      suite(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
      hex(MS256),
      CR,
      SR,
    );
    const all = '9052d2e0e4485b2e323effcbc8a47e0839454ba1588ffbc35dccffd8fe8f67f36aee3d733b5a6abc';
    expect(toHex(kb.clientWriteKey)).toBe(all.slice(0, 32));
    expect(toHex(kb.serverWriteKey)).toBe(all.slice(32, 64));
    expect(toHex(kb.clientWriteIv)).toBe(all.slice(64, 72));
    expect(toHex(kb.serverWriteIv)).toBe(all.slice(72, 80));
  });

  it('key block for ChaCha20-Poly1305: 32-byte keys, 12-byte IVs', () => {
    const kb = expandKeyBlock12(
      suite(CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256),
      hex(MS256),
      CR,
      SR,
    );
    const all =
      '9052d2e0e4485b2e323effcbc8a47e0839454ba1588ffbc35dccffd8fe8f67f36aee3d733b5a6abc5818a826fab3fea5' +
      '82291c5ae2097fcbbcb6038cd5d6a970f236e9b87b13063de4518cc80660e7a4003c02ee214c1c93';
    expect(
      toHex(Buffer.concat([kb.clientWriteKey, kb.serverWriteKey, kb.clientWriteIv, kb.serverWriteIv])),
    ).toBe(all);
    expect(kb.clientWriteIv.length).toBe(12);
  });

  it('key block for AES-256-GCM with the SHA-384 PRF', () => {
    const kb = expandKeyBlock12(
      suite(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384),
      hex(EMS384),
      CR,
      SR,
    );
    expect(
      toHex(Buffer.concat([kb.clientWriteKey, kb.serverWriteKey, kb.clientWriteIv, kb.serverWriteIv])),
    ).toBe(
      '750ebb2207952580457cc9fa18099e2c1158827a962d4ab37298e1a22349df724e92d7c5a480d78d16e322af8fab4e2c' +
        'faebc64d77f9567ec47a29d3a6dc3d0c77dfec8568c180fa',
    );
  });

  it('Finished verify_data (RFC 5246 §7.4.9)', () => {
    expect(toHex(computeVerifyData12('sha256', hex(MS256), 'client', SH256))).toBe(
      'd9c807746ecf4241201e6844',
    );
    expect(toHex(computeVerifyData12('sha384', hex(EMS384), 'server', SH384))).toBe(
      'fc6c7fdf20ed4a8fa80adcea',
    );
  });

  it('exporter (RFC 5705 §4): no context, a context, and an empty context differ', () => {
    const srtp = exportKeyingMaterial12('sha256', hex(MS256), CR, SR, 'EXTRACTOR-dtls_srtp', 60);
    expect(toHex(srtp)).toBe(
      '33b70d6f21c49d3dd1b573fa210e48a0f8800b3d0407960c223d9fd23f3008edea3360b45a198187fae49bae00c5b1698fd9b933013f269f7be4aa94',
    );
    expect(
      toHex(exportKeyingMaterial12('sha256', hex(MS256), CR, SR, 'EXPERIMENTAL-test', 20, hex('616263'))),
    ).toBe('4523faf8e5c70f38efad2ead2b77f622eaf82e3d');
    expect(
      toHex(exportKeyingMaterial12('sha256', hex(MS256), CR, SR, 'EXPERIMENTAL-test', 20, new Uint8Array(0))),
    ).toBe('93dfcfd73e927654bc4f49382791da0f9c3440ae');
  });

  it('refuses reserved exporter labels and malformed randoms', () => {
    expect(() => exportKeyingMaterial12('sha256', hex(MS256), CR, SR, 'key expansion', 16)).toThrow(
      RangeError,
    );
    expect(() => exportKeyingMaterial12('sha256', hex(MS256), CR, SR, 'master secret', 16)).toThrow(
      RangeError,
    );
    expect(() => computeMasterSecret('sha256', PMS, CR.subarray(1), SR)).toThrow(RangeError);
  });
});

describe('DTLS-SRTP keying (RFC 5764 §4.2)', () => {
  it('knows the key and salt lengths of each profile', () => {
    expect(srtpProfileInfo(SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80)).toMatchObject({
      masterKeyLength: 16,
      masterSaltLength: 14,
    });
    expect(srtpProfileInfo(SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32)).toMatchObject({
      masterKeyLength: 16,
      masterSaltLength: 14,
    });
    expect(srtpProfileInfo(SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM)).toMatchObject({
      masterKeyLength: 16,
      masterSaltLength: 12,
    });
    expect(srtpProfileInfo(SrtpProtectionProfile.SRTP_AEAD_AES_256_GCM)).toMatchObject({
      masterKeyLength: 32,
      masterSaltLength: 12,
    });
    expect(srtpProfileInfo(0x0003)).toBeUndefined();
  });

  it('splits client key | server key | client salt | server salt', () => {
    const material = range(0, 60);
    const keys = splitSrtpKeyingMaterial(SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80, material);
    expect(toHex(keys.clientMasterKey)).toBe(toHex(range(0, 16)));
    expect(toHex(keys.serverMasterKey)).toBe(toHex(range(16, 32)));
    expect(toHex(keys.clientMasterSalt)).toBe(toHex(range(32, 46)));
    expect(toHex(keys.serverMasterSalt)).toBe(toHex(range(46, 60)));
    const gcm = splitSrtpKeyingMaterial(SrtpProtectionProfile.SRTP_AEAD_AES_256_GCM, range(0, 88));
    expect(toHex(gcm.serverMasterKey)).toBe(toHex(range(32, 64)));
    expect(toHex(gcm.serverMasterSalt)).toBe(toHex(range(76, 88)));
    expect(() => splitSrtpKeyingMaterial(SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM, range(0, 60))).toThrow(
      RangeError,
    );
    const server = srtpKeysForRole(keys, 'server');
    expect(server.localMasterKey).toBe(keys.serverMasterKey);
    expect(server.remoteMasterSalt).toBe(keys.clientMasterSalt);
  });

  it('derives from the exporter with the EXTRACTOR-dtls_srtp label and no context', () => {
    const keys = deriveSrtpKeyingMaterial12(
      'sha256',
      hex(MS256),
      CR,
      SR,
      SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
    );
    const material = exportKeyingMaterial12('sha256', hex(MS256), CR, SR, DTLS_SRTP_EXPORTER_LABEL, 60);
    expect(toHex(keys.clientMasterKey)).toBe('33b70d6f21c49d3dd1b573fa210e48a0');
    expect(keys).toEqual(
      splitSrtpKeyingMaterial(SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80, material),
    );
  });
});

describe('HandshakeTranscript (RFC 6347 §4.2.6)', () => {
  it('hashes each message with an unfragmented 12-byte header', () => {
    const t = new HandshakeTranscript();
    t.addMessage(HandshakeType.client_hello, 1, hex('aabbcc'));
    t.addRaw(encodeHandshakeMessage(HandshakeType.server_hello, 1, hex('dd')));
    const expected = hex('01 000003 0001 000000 000003 aabbcc 02 000001 0001 000000 000001 dd');
    expect(toHex(t.bytes())).toBe(toHex(expected));
    expect(t.length).toBe(expected.length);
    expect(t.count).toBe(2);
    expect(toHex(t.hash('sha256'))).toBe(toHex(digest('sha256', expected)));
    expect(t.hash('sha384')).toHaveLength(48);
    t.reset();
    expect(t.length).toBe(0);
    expect(toHex(t.hash('sha256'))).toBe(toHex(digest('sha256')));
  });
});

describe('hash helpers and AEAD availability', () => {
  it('returns plain Uint8Arrays and compares in constant time', () => {
    const h = hmac(
      'sha256',
      hex('0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b'),
      new TextEncoder().encode('Hi There'),
    );
    // RFC 4231 test case 1.
    expect(toHex(h)).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
    expect(h.constructor).toBe(Uint8Array);
    expect(constantTimeEqual(h, h.slice())).toBe(true);
    expect(constantTimeEqual(h, h.subarray(1))).toBe(false);
  });

  it('runs all AEADs on Node and lists the suites', () => {
    expect(isAeadSupported('aes-128-gcm')).toBe(true);
    expect(isAeadSupported('aes-256-gcm')).toBe(true);
    expect(isAeadSupported('chacha20-poly1305')).toBe(true);
    expect(isCipherSuiteSupported(0xcca9)).toBe(true);
    expect(isCipherSuiteSupported(0x1301)).toBe(false);
    expect(supportedCipherSuites()).toEqual([0xc02b, 0xc02f, 0xc02c, 0xcca9]);
    expect(supportedCipherSuites('rsa')).toEqual([0xc02f]);
  });

  it('ChaCha20-Poly1305 matches RFC 8439 §2.8.2', () => {
    const key = hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
    const nonce = hex('070000004041424344454647');
    const aad = hex('50515253c0c1c2c3c4c5c6c7');
    const plaintext = new TextEncoder().encode(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
    );
    const out = new Uint8Array(plaintext.length + 16);
    new AeadCipher('chacha20-poly1305', key).seal(nonce, aad, plaintext, out, 0);
    expect(toHex(out.subarray(0, 16))).toBe('d31a8d34648e60db7b86afbc53ef7ec2');
    expect(toHex(out.subarray(plaintext.length))).toBe('1ae10b594f09e26a7e902ecbd0600691');
    expect(new TextDecoder().decode(new AeadCipher('chacha20-poly1305', key).open(nonce, aad, out))).toMatch(
      /^Ladies/,
    );
  });

  it('reports an AEAD the runtime lacks as a typed error', async () => {
    // Simulate Bun: a fresh module instance whose node:crypto has no chacha20-poly1305.
    const { vi } = await import('vitest');
    vi.resetModules();
    vi.doMock('node:crypto', async () => {
      const real = await vi.importActual<typeof import('node:crypto')>('node:crypto');
      return {
        ...real,
        getCiphers: () => real.getCiphers().filter((c) => c !== 'chacha20-poly1305'),
        createCipheriv: ((name: string, ...rest: unknown[]) => {
          if (name === 'chacha20-poly1305') throw new Error('Unknown cipher');
          return (real.createCipheriv as (...a: unknown[]) => unknown)(name, ...rest);
        }) as typeof real.createCipheriv,
      };
    });
    const aead = await import('../src/crypto/aead.js');
    const suites = await import('../src/cipher-suites.js');
    expect(aead.isAeadSupported('chacha20-poly1305')).toBe(false);
    expect(suites.isCipherSuiteSupported(0xcca9)).toBe(false);
    expect(suites.supportedCipherSuites()).toEqual([0xc02b, 0xc02f, 0xc02c]);
    expect(() => new aead.AeadCipher('chacha20-poly1305', new Uint8Array(32))).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_CIPHER_SUITE' }),
    );
    vi.doUnmock('node:crypto');
    vi.resetModules();
    expect(DtlsError).toBeDefined();
  });
});
