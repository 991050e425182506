/**
 * Property tests (fast-check) for every parser of this package: random and mutated input is
 * either decoded or rejected with DtlsParseError (DtlsError for certificates and fingerprints),
 * never a stray TypeError/RangeError; encoded structures decode back to what was written; the
 * record layer never throws on what arrives and opens exactly what was sealed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CertificateRequest,
  CipherSuite,
  type ClientHello,
  cipherSuiteInfo,
  Dtls12AeadProtection,
  DtlsError,
  DtlsParseError,
  decodeAlert,
  decodeCertificate,
  decodeCertificateRequest,
  decodeCertificateVerify,
  decodeChangeCipherSpec,
  decodeClientHello,
  decodeClientKeyExchange,
  decodeEcPointFormats,
  decodeExtendedMasterSecret,
  decodeFinished,
  decodeHandshakeHeader,
  decodeHandshakeMessage,
  decodeHelloVerifyRequest,
  decodeRecordHeader,
  decodeRenegotiationInfo,
  decodeSelectedVersion,
  decodeServerHello,
  decodeServerHelloDone,
  decodeServerKeyExchange,
  decodeSignatureAlgorithms,
  decodeSupportedGroups,
  decodeSupportedVersions,
  decodeUseSrtp,
  dtls12Protections,
  encodeAlert,
  encodeCertificate,
  encodeCertificateRequest,
  encodeCertificateVerify,
  encodeClientHello,
  encodeClientKeyExchange,
  encodeHandshakeMessage,
  encodeHelloVerifyRequest,
  encodePlaintextRecord,
  encodeRecordHeader,
  encodeServerHello,
  encodeServerKeyExchange,
  type HelloExtensions,
  type HelloKind,
  parseCertificateFields,
  parseFingerprint,
  RecordLayer,
  type ServerHello,
  splitHandshakeFragments,
  splitRecords,
} from '../src/index.js';

const RUNS = { numRuns: 1000 };

/** Runs `fn`; any throw other than `kind` fails the property. */
function onlyThrows(kind: abstract new (...args: never[]) => Error, fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof kind)) throw error;
  }
}

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const bytes = (maxLength: number, minLength = 0) => fc.uint8Array({ minLength, maxLength });
const random32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

const TYPED_EXTENSIONS = new Set([10, 11, 13, 14, 23, 43, 0xff01]);

function extensionsArb(kind: HelloKind): fc.Arbitrary<HelloExtensions> {
  return fc.record(
    {
      extendedMasterSecret: fc.constant(true),
      renegotiationInfo: bytes(255),
      supportedGroups: fc.array(u16, { minLength: 1, maxLength: 40 }),
      ecPointFormats: fc.array(u8, { minLength: 1, maxLength: 20 }),
      signatureAlgorithms: fc.array(u16, { minLength: 1, maxLength: 40 }),
      useSrtp: fc.record({ profiles: fc.array(u16, { minLength: 1, maxLength: 20 }), mki: bytes(255) }),
      supportedVersions:
        kind === 'client_hello' ? fc.array(u16, { minLength: 1, maxLength: 20 }) : u16.map((v) => [v]),
      other: fc.uniqueArray(
        fc.record({ type: u16.filter((t) => !TYPED_EXTENSIONS.has(t)), data: bytes(64) }),
        { minLength: 1, maxLength: 10, selector: (e) => e.type },
      ),
    },
    { requiredKeys: [] },
  );
}

const clientHelloArb: fc.Arbitrary<ClientHello> = fc.record({
  clientVersion: u16,
  random: random32,
  sessionId: bytes(32),
  cookie: bytes(255),
  cipherSuites: fc.array(u16, { minLength: 1, maxLength: 100 }),
  compressionMethods: fc.array(u8, { minLength: 1, maxLength: 5 }),
  extensions: extensionsArb('client_hello'),
});

const serverHelloArb: fc.Arbitrary<ServerHello> = fc.record({
  serverVersion: u16,
  random: random32,
  sessionId: bytes(32),
  cipherSuite: u16,
  compressionMethod: u8,
  extensions: extensionsArb('server_hello'),
});

const certificateRequestArb: fc.Arbitrary<CertificateRequest> = fc.record({
  certificateTypes: fc.array(u8, { minLength: 1, maxLength: 10 }),
  signatureAlgorithms: fc.array(u16, { minLength: 1, maxLength: 30 }),
  certificateAuthorities: fc.array(bytes(40, 1), { maxLength: 5 }),
});

/** Valid encodings of every message, for mutation. */
const validBodies = fc.oneof(
  clientHelloArb.map((m) => [1, encodeClientHello(m)] as const),
  serverHelloArb.map((m) => [2, encodeServerHello(m)] as const),
  fc.record({ serverVersion: u16, cookie: bytes(255) }).map((m) => [3, encodeHelloVerifyRequest(m)] as const),
  fc.array(bytes(60, 1), { maxLength: 4 }).map((c) => [11, encodeCertificate({ certificates: c })] as const),
  fc
    .record({ namedGroup: u16, publicKey: bytes(255, 1), signatureScheme: u16, signature: bytes(100) })
    .map((m) => [12, encodeServerKeyExchange(m)] as const),
  certificateRequestArb.map((m) => [13, encodeCertificateRequest(m)] as const),
  fc.constant([14, new Uint8Array(0)] as const),
  fc
    .record({ signatureScheme: u16, signature: bytes(300) })
    .map((m) => [15, encodeCertificateVerify(m)] as const),
  bytes(255, 1).map((k) => [16, encodeClientKeyExchange({ publicKey: k })] as const),
  bytes(12, 12).map((v) => [20, v] as const),
);

/** Flips, truncates, extends or splices a valid encoding. */
const mutated = fc
  .tuple(
    validBodies,
    fc.array(fc.tuple(fc.nat(), u8), { maxLength: 4 }),
    fc.nat(),
    fc.integer({ min: 0, max: 3 }),
    bytes(8),
  )
  .map(([[type, body], flips, cut, mode, extra]) => {
    let out: Uint8Array = body.slice();
    for (const [at, value] of flips) if (out.length > 0) out[at % out.length] = value;
    if (mode === 1) out = out.subarray(0, cut % (out.length + 1));
    if (mode === 2) out = new Uint8Array([...out, ...extra]);
    return [type, out] as const;
  });

describe('parsers reject garbage only with DtlsParseError', () => {
  const decoders: [string, (b: Uint8Array) => unknown][] = [
    ['record header', (b) => decodeRecordHeader(b)],
    ['handshake header', (b) => decodeHandshakeHeader(b)],
    ['handshake fragments', (b) => splitHandshakeFragments(b)],
    ['ClientHello', (b) => decodeClientHello(b)],
    ['ServerHello', (b) => decodeServerHello(b)],
    ['HelloVerifyRequest', (b) => decodeHelloVerifyRequest(b)],
    ['Certificate', (b) => decodeCertificate(b)],
    ['ServerKeyExchange', (b) => decodeServerKeyExchange(b)],
    ['CertificateRequest', (b) => decodeCertificateRequest(b)],
    ['ServerHelloDone', (b) => decodeServerHelloDone(b)],
    ['CertificateVerify', (b) => decodeCertificateVerify(b)],
    ['ClientKeyExchange', (b) => decodeClientKeyExchange(b)],
    ['Finished', (b) => decodeFinished(b)],
    ['ChangeCipherSpec', (b) => decodeChangeCipherSpec(b)],
    ['Alert', (b) => decodeAlert(b)],
    ['use_srtp', (b) => decodeUseSrtp(b)],
    ['supported_groups', (b) => decodeSupportedGroups(b)],
    ['signature_algorithms', (b) => decodeSignatureAlgorithms(b)],
    ['ec_point_formats', (b) => decodeEcPointFormats(b)],
    ['supported_versions (client)', (b) => decodeSupportedVersions(b)],
    ['supported_versions (server)', (b) => decodeSelectedVersion(b)],
    ['renegotiation_info', (b) => decodeRenegotiationInfo(b)],
    ['extended_master_secret', (b) => decodeExtendedMasterSecret(b)],
  ];
  for (const [name, decode] of decoders) {
    it(`${name}: random bytes`, () => {
      fc.assert(
        fc.property(bytes(300), (b) => onlyThrows(DtlsParseError, () => decode(b))),
        RUNS,
      );
    });
  }

  it('every message type: mutated valid encodings', () => {
    fc.assert(
      fc.property(mutated, ([type, body]) => {
        onlyThrows(DtlsParseError, () => decodeHandshakeMessage(type, body));
      }),
      { numRuns: 3000 },
    );
  });

  it('parse errors carry a field and an offset inside the input', () => {
    fc.assert(
      fc.property(mutated, ([type, body]) => {
        try {
          decodeHandshakeMessage(type, body);
        } catch (error) {
          const e = error as DtlsParseError;
          expect(e.field.length).toBeGreaterThan(0);
          expect(e.offset).toBeGreaterThanOrEqual(0);
          expect(e.offset).toBeLessThanOrEqual(body.length);
          expect([47, 50]).toContain(e.alert);
        }
      }),
      RUNS,
    );
  });

  it('certificates and fingerprints throw only DtlsError', () => {
    fc.assert(
      fc.property(bytes(400), (b) => {
        onlyThrows(DtlsError, () => parseCertificateFields(b));
        // A DER-looking prefix gets the walker further.
        onlyThrows(DtlsError, () =>
          parseCertificateFields(new Uint8Array([0x30, 0x82, b.length >> 8, b.length & 0xff, ...b])),
        );
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        onlyThrows(DtlsError, () => parseFingerprint(s));
        onlyThrows(DtlsError, () => parseFingerprint(`sha-256 ${s}`));
      }),
      RUNS,
    );
  });
});

describe('round trips', () => {
  it('ClientHello', () => {
    fc.assert(
      fc.property(clientHelloArb, (m) => {
        expect(decodeClientHello(encodeClientHello(m))).toEqual(m);
      }),
      RUNS,
    );
  });

  it('ServerHello', () => {
    fc.assert(
      fc.property(serverHelloArb, (m) => {
        expect(decodeServerHello(encodeServerHello(m))).toEqual(m);
      }),
      RUNS,
    );
  });

  it('the other messages', () => {
    fc.assert(
      fc.property(certificateRequestArb, (m) => {
        expect(decodeCertificateRequest(encodeCertificateRequest(m))).toEqual(m);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.array(bytes(100, 1), { maxLength: 8 }), (certificates) => {
        expect(decodeCertificate(encodeCertificate({ certificates }))).toEqual({ certificates });
      }),
      RUNS,
    );
    fc.assert(
      fc.property(
        fc.record({ namedGroup: u16, publicKey: bytes(255, 1), signatureScheme: u16, signature: bytes(600) }),
        (m) => {
          expect(decodeServerKeyExchange(encodeServerKeyExchange(m))).toEqual(m);
        },
      ),
      RUNS,
    );
    fc.assert(
      fc.property(fc.record({ serverVersion: u16, cookie: bytes(255) }), (m) => {
        expect(decodeHelloVerifyRequest(encodeHelloVerifyRequest(m))).toEqual(m);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.record({ level: u8, description: u8 }), (a) => {
        expect(decodeAlert(encodeAlert(a))).toEqual(a);
      }),
      RUNS,
    );
  });

  it('record and handshake headers', () => {
    fc.assert(
      fc.property(
        fc.record({
          contentType: u8,
          version: u16,
          epoch: u16,
          sequenceNumber: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
          length: u16,
        }),
        (h) => {
          expect(decodeRecordHeader(encodeRecordHeader(h))).toEqual(h);
        },
      ),
      RUNS,
    );
    fc.assert(
      fc.property(u8, u16, bytes(100), (msgType, messageSeq, body) => {
        const [fragment] = splitHandshakeFragments(encodeHandshakeMessage(msgType, messageSeq, body));
        expect(fragment).toEqual({
          msgType,
          messageSeq,
          length: body.length,
          fragmentOffset: 0,
          fragmentLength: body.length,
          fragment: body,
        });
      }),
      RUNS,
    );
  });
});

describe('record layer on hostile input', () => {
  it('splitRecords never throws and returns records that lie inside the datagram', () => {
    const recordish = fc
      .tuple(fc.integer({ min: 18, max: 26 }), fc.constantFrom(0xfefd, 0xfeff, 0x0303), u16, bytes(30))
      .map(([type, version, epoch, payload]) => encodePlaintextRecord(type, version, epoch % 3, 0, payload));
    const datagram = fc.oneof(
      bytes(200),
      fc.array(recordish, { maxLength: 6 }).map((rs) => new Uint8Array(rs.flatMap((r) => [...r]))),
      fc
        .tuple(fc.array(recordish, { maxLength: 4 }), bytes(20))
        .map(([rs, junk]) => new Uint8Array([...rs.flatMap((r) => [...r]), ...junk])),
    );
    fc.assert(
      fc.property(datagram, (d) => {
        const { records, discarded } = splitRecords(d);
        expect(discarded).toBeGreaterThanOrEqual(0);
        for (const r of records) {
          expect(r.offset + 13 + r.length).toBeLessThanOrEqual(d.length);
          expect(r.fragment.length).toBe(r.length);
        }
      }),
      RUNS,
    );
  });

  it('RecordLayer.open never throws, whatever arrives, in either epoch', () => {
    const info = cipherSuiteInfo(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)!;
    const keys = {
      clientWriteKey: new Uint8Array(16).fill(1),
      serverWriteKey: new Uint8Array(16).fill(2),
      clientWriteIv: new Uint8Array(4).fill(3),
      serverWriteIv: new Uint8Array(4).fill(4),
    };
    fc.assert(
      fc.property(fc.array(bytes(120), { maxLength: 5 }), fc.boolean(), (datagrams, encrypted) => {
        const layer = new RecordLayer();
        if (encrypted) layer.installReadEpoch(1, dtls12Protections(info, keys, 'server').read);
        for (const d of datagrams) {
          const withHeader = new Uint8Array([
            0x17,
            0xfe,
            0xfd,
            0,
            encrypted ? 1 : 0,
            ...d.subarray(0, 6),
            0,
            Math.max(0, d.length - 6),
            ...d.subarray(6),
          ]);
          for (const input of [d, withHeader]) for (const record of layer.split(input)) layer.open(record);
        }
        const s = layer.stats;
        expect(
          s.recordsAccepted +
            s.replayed +
            s.decryptFailed +
            s.futureEpoch +
            s.unknownEpoch +
            s.unprotectedApplicationData,
        ).toBe(s.recordsReceived);
      }),
      RUNS,
    );
  });

  it('sealed records open to the same bytes, for every suite, any sequence and size', () => {
    const suites = [0xc02b, 0xc02c, 0xcca9].map((id) => cipherSuiteInfo(id)!);
    fc.assert(
      fc.property(
        fc.constantFrom(...suites),
        u8,
        u16,
        fc.integer({ min: 0, max: 2 ** 48 - 1 }),
        bytes(300),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (info, type, epoch, seq, plaintext, keyMaterial) => {
          const p = new Dtls12AeadProtection(
            info,
            keyMaterial.subarray(0, info.keyLength),
            keyMaterial.subarray(0, info.fixedIvLength),
          );
          const out = new Uint8Array(plaintext.length + p.overhead);
          p.sealFragment(type, 0xfefd, epoch, seq, plaintext, out, 0);
          expect(p.openFragment(type, 0xfefd, epoch, seq, out)).toEqual(plaintext);
        },
      ),
      { numRuns: 300 },
    );
  });
});
