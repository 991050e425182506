/**
 * Handshake message codecs: a real OpenSSL 3.0 DTLS 1.2 ClientHello, a DTLS 1.3 ClientHello, every
 * message round trip, the handshake header and fragment splitting, alerts and ChangeCipherSpec,
 * and the typed errors (field and offset) for malformed input.
 */
import { describe, expect, it } from 'vitest';
import {
  AlertDescription,
  AlertLevel,
  alertClosesConnection,
  alertName,
  type ClientHello,
  ContentType,
  DtlsParseError,
  decodeAlert,
  decodeCertificate,
  decodeCertificateRequest,
  decodeCertificateVerify,
  decodeChangeCipherSpec,
  decodeClientHello,
  decodeClientKeyExchange,
  decodeFinished,
  decodeHandshakeHeader,
  decodeHandshakeMessage,
  decodeHelloVerifyRequest,
  decodeServerHello,
  decodeServerHelloDone,
  decodeServerKeyExchange,
  ExtensionType,
  encodeAlert,
  encodeCertificate,
  encodeCertificateRequest,
  encodeCertificateVerify,
  encodeChangeCipherSpec,
  encodeClientHello,
  encodeClientKeyExchange,
  encodeFinished,
  encodeHandshakeMessage,
  encodeHelloVerifyRequest,
  encodeServerHello,
  encodeServerHelloDone,
  encodeServerKeyExchange,
  HANDSHAKE_HEADER_LENGTH,
  HandshakeType,
  offersDtls12,
  offersDtls13,
  ProtocolVersion,
  type ServerHello,
  serverKeyExchangeSignedData,
  splitHandshakeFragments,
  splitRecords,
  writeHandshakeFragment,
} from '../src/index.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The first datagram of `openssl s_client -dtls1_2 -use_srtp SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80` (OpenSSL 3.0). */
const OPENSSL_CLIENT_HELLO_DATAGRAM = hex(
  '16feff000000000000000000cb010000bf00000000000000bffefd3d8b13eb4c533d26983eb1382389221a6aeb494583' +
    'b48086d20a36a09935189f00000038c02cc030009fcca9cca8ccaac02bc02f009ec024c028006bc023c0270067c00ac0' +
    '140039c009c0130033009d009c003d003c0035002f00ff0100005d000b000403000102000a000c000a001d0017001e00' +
    '19001800230000000e0007000400070001000016000000170000000d002a0028040305030603080708080809080a080b' +
    '080408050806040105010601030303010302040205020602',
);

function parseError(fn: () => unknown): DtlsParseError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DtlsParseError);
    return error as DtlsParseError;
  }
  throw new Error('expected a DtlsParseError');
}

describe('a real OpenSSL DTLS 1.2 ClientHello', () => {
  const { records } = splitRecords(OPENSSL_CLIENT_HELLO_DATAGRAM);
  const record = records[0]!;
  const [fragment] = splitHandshakeFragments(record.fragment);

  it('frames as one unfragmented handshake message in a DTLS 1.0 record', () => {
    expect(records).toHaveLength(1);
    expect(record).toMatchObject({
      contentType: ContentType.handshake,
      version: ProtocolVersion.DTLS1_0,
      epoch: 0,
    });
    expect(fragment).toMatchObject({
      msgType: HandshakeType.client_hello,
      length: 0xbf,
      messageSeq: 0,
      fragmentOffset: 0,
      fragmentLength: 0xbf,
    });
  });

  it('decodes every field and extension', () => {
    const hello = decodeClientHello(fragment!.fragment);
    expect(hello.clientVersion).toBe(ProtocolVersion.DTLS1_2);
    expect(hello.sessionId).toHaveLength(0);
    expect(hello.cookie).toHaveLength(0);
    expect(hello.cipherSuites).toHaveLength(28);
    expect(hello.cipherSuites.slice(0, 4)).toEqual([0xc02c, 0xc030, 0x009f, 0xcca9]);
    expect(hello.cipherSuites).toContain(0x00ff);
    expect(hello.compressionMethods).toEqual([0]);
    const e = hello.extensions;
    expect(e.ecPointFormats).toEqual([0, 1, 2]);
    expect(e.supportedGroups).toEqual([0x001d, 0x0017, 0x001e, 0x0019, 0x0018]);
    expect(e.useSrtp).toEqual({ profiles: [0x0007, 0x0001], mki: new Uint8Array(0) });
    expect(e.extendedMasterSecret).toBe(true);
    expect(e.signatureAlgorithms?.slice(0, 3)).toEqual([0x0403, 0x0503, 0x0603]);
    expect(e.signatureAlgorithms).toContain(0x0804);
    expect(e.other?.map((x) => x.type)).toEqual([
      ExtensionType.session_ticket,
      ExtensionType.encrypt_then_mac,
    ]);
    expect(offersDtls12(hello)).toBe(true);
    expect(offersDtls13(hello)).toBe(false);
  });

  it('re-encodes to a hello that decodes the same', () => {
    const hello = decodeClientHello(fragment!.fragment);
    const again = decodeClientHello(encodeClientHello(hello));
    expect(again).toEqual(hello);
  });
});

const random = Uint8Array.from({ length: 32 }, (_, i) => i);

describe('ClientHello', () => {
  const ours: ClientHello = {
    clientVersion: ProtocolVersion.DTLS1_2,
    random,
    sessionId: new Uint8Array(0),
    cookie: hex('c00c1e'),
    cipherSuites: [0xc02b, 0xc02f, 0xc02c, 0xcca9],
    compressionMethods: [0],
    extensions: {
      extendedMasterSecret: true,
      renegotiationInfo: new Uint8Array(0),
      supportedGroups: [0x001d, 0x0017],
      ecPointFormats: [0],
      signatureAlgorithms: [0x0403, 0x0804, 0x0401],
      useSrtp: { profiles: [7, 8, 1, 2], mki: new Uint8Array(0) },
    },
  };

  it('encodes the exact wire format and round trips', () => {
    const body = encodeClientHello(ours);
    expect(toHex(body.subarray(0, 2 + 32 + 1 + 4))).toBe(`fefd${toHex(random)}0003c00c1e`);
    expect(toHex(body.subarray(39, 39 + 2 + 8 + 2))).toBe('0008c02bc02fc02ccca90100');
    expect(decodeClientHello(body)).toEqual(ours);
  });

  it('accepts a hello without any extensions block', () => {
    const bare = { ...ours, extensions: {} };
    const body = encodeClientHello(bare);
    expect(body.length).toBe(2 + 32 + 1 + 4 + 10 + 2);
    expect(decodeClientHello(body)).toEqual(bare);
  });

  it('tolerates a DTLS 1.3 ClientHello and says DTLS 1.2 may answer it', () => {
    const keyShare = hex(`0024001d0020${'ab'.repeat(32)}`);
    const dtls13: ClientHello = {
      clientVersion: ProtocolVersion.DTLS1_2,
      random,
      sessionId: new Uint8Array(0),
      cookie: new Uint8Array(0),
      cipherSuites: [0x1301, 0x1303, 0xc02b, 0xcca9],
      compressionMethods: [0],
      extensions: {
        supportedGroups: [0x001d, 0x0017],
        signatureAlgorithms: [0x0403, 0x0804],
        supportedVersions: [ProtocolVersion.DTLS1_3, ProtocolVersion.DTLS1_2],
        useSrtp: { profiles: [7], mki: new Uint8Array(0) },
        other: [
          { type: 0x0a0a, data: new Uint8Array(0) }, // GREASE
          { type: ExtensionType.key_share, data: keyShare },
          { type: ExtensionType.psk_key_exchange_modes, data: hex('0101') },
          { type: ExtensionType.cookie, data: hex('0002abcd') },
          { type: ExtensionType.pre_shared_key, data: hex('000e0008aabbccddeeff001100000001002120') },
        ],
      },
    };
    const decoded = decodeClientHello(encodeClientHello(dtls13));
    expect(decoded).toEqual(dtls13);
    expect(offersDtls13(decoded)).toBe(true);
    expect(offersDtls12(decoded)).toBe(true);
    const only13 = decodeClientHello(
      encodeClientHello({
        ...dtls13,
        extensions: { ...dtls13.extensions, supportedVersions: [ProtocolVersion.DTLS1_3] },
      }),
    );
    expect(offersDtls12(only13)).toBe(false);
    // With supported_versions, legacy_version does not count (RFC 8446 §4.2.1).
    expect(offersDtls12({ ...only13, clientVersion: 0xfefd })).toBe(false);
    expect(offersDtls12({ ...ours, clientVersion: ProtocolVersion.DTLS1_0 })).toBe(false);
    expect(offersDtls12({ ...ours, clientVersion: 0x0303 })).toBe(false);
  });

  it('names the field and offset of what is wrong', () => {
    const body = encodeClientHello(ours);
    const truncated = parseError(() => decodeClientHello(body.subarray(0, 30)));
    expect(truncated).toMatchObject({ code: 'TRUNCATED', field: 'client_hello.random', offset: 2 });
    const longSession = body.slice();
    longSession[34] = 33;
    expect(parseError(() => decodeClientHello(longSession))).toMatchObject({
      code: 'TOO_LARGE',
      field: 'client_hello.session_id',
      offset: 34,
    });
    const oddSuites = body.slice();
    oddSuites[40] = 7;
    expect(parseError(() => decodeClientHello(oddSuites))).toMatchObject({ code: 'BAD_LENGTH', offset: 39 });
    const noCompression = encodeClientHello({ ...ours, compressionMethods: [], extensions: {} });
    expect(parseError(() => decodeClientHello(noCompression))).toMatchObject({
      code: 'BAD_LENGTH',
      field: 'client_hello.compression_methods',
    });
    const trailing = new Uint8Array([...body, 0]);
    expect(parseError(() => decodeClientHello(trailing)).code).toMatch(/TRUNCATED|TRAILING_BYTES|BAD_LENGTH/);
  });

  it('rejects duplicate extensions, bad extension bodies and too many entries', () => {
    const dup = encodeClientHello({
      ...ours,
      extensions: { other: [{ type: 0x1234, data: new Uint8Array(0) }] },
    });
    // Append a second 0x1234 by hand: extensions block length is at dup.length - 6.
    const withDup = new Uint8Array([
      ...dup.subarray(0, dup.length - 6),
      0x00,
      0x08,
      0x12,
      0x34,
      0,
      0,
      0x12,
      0x34,
      0,
      0,
    ]);
    expect(parseError(() => decodeClientHello(withDup))).toMatchObject({ code: 'DUPLICATE_EXTENSION' });
    const emsData = encodeClientHello({ ...ours, extensions: { other: [{ type: 23, data: hex('00') }] } });
    const ems = parseError(() => decodeClientHello(emsData));
    expect(ems).toMatchObject({
      code: 'BAD_VALUE',
      field: 'extended_master_secret',
      alert: AlertDescription.illegal_parameter,
    });
    expect(ems.offset).toBe(emsData.length - 1);
    const many = encodeClientHello({ ...ours, cipherSuites: Array.from({ length: 300 }, (_, i) => i) });
    expect(parseError(() => decodeClientHello(many))).toMatchObject({ code: 'TOO_MANY' });
    expect(decodeClientHello(many, { maxCipherSuites: 300 }).cipherSuites).toHaveLength(300);
    const manyExtensions = encodeClientHello({
      ...ours,
      extensions: {
        other: Array.from({ length: 65 }, (_, i) => ({ type: 0x7000 + i, data: new Uint8Array(0) })),
      },
    });
    expect(parseError(() => decodeClientHello(manyExtensions))).toMatchObject({
      code: 'TOO_MANY',
      field: 'extensions',
    });
    const oddSrtp = encodeClientHello({
      ...ours,
      extensions: { other: [{ type: 14, data: hex('0003000100 00') }] },
    });
    expect(parseError(() => decodeClientHello(oddSrtp))).toMatchObject({
      code: 'BAD_LENGTH',
      field: 'use_srtp.profiles',
    });
    expect(
      parseError(() =>
        decodeClientHello(
          encodeClientHello({ ...ours, extensions: { other: [{ type: 10, data: hex('0000') }] } }),
        ),
      ),
    ).toMatchObject({ code: 'BAD_LENGTH', field: 'supported_groups' });
  });

  it('refuses to encode what cannot be represented', () => {
    expect(() => encodeClientHello({ ...ours, random: new Uint8Array(31) })).toThrow(RangeError);
    expect(() => encodeClientHello({ ...ours, sessionId: new Uint8Array(33) })).toThrow(RangeError);
    expect(() => encodeClientHello({ ...ours, cookie: new Uint8Array(256) })).toThrow(RangeError);
    expect(() =>
      encodeClientHello({
        ...ours,
        extensions: { extendedMasterSecret: true, other: [{ type: 23, data: new Uint8Array(0) }] },
      }),
    ).toThrow(RangeError);
  });
});

describe('ServerHello', () => {
  const hello: ServerHello = {
    serverVersion: ProtocolVersion.DTLS1_2,
    random,
    sessionId: hex('0102'),
    cipherSuite: 0xc02b,
    compressionMethod: 0,
    extensions: {
      extendedMasterSecret: true,
      renegotiationInfo: new Uint8Array(0),
      ecPointFormats: [0],
      useSrtp: { profiles: [7], mki: new Uint8Array(0) },
    },
  };

  it('round trips and writes the extensions in a fixed order', () => {
    const body = encodeServerHello(hello);
    expect(toHex(body.subarray(0, 2))).toBe('fefd');
    expect(toHex(body.subarray(34, 40))).toBe('020102c02b00');
    // extended_master_secret, renegotiation_info, ec_point_formats, use_srtp
    expect(toHex(body.subarray(40))).toBe(
      '0018' + '00170000' + 'ff01000100' + '000b00020100' + '000e00050002000700',
    );
    expect(decodeServerHello(body)).toEqual(hello);
  });

  it('parses the one-version supported_versions form', () => {
    const with13 = { ...hello, extensions: { supportedVersions: [0xfefc] } };
    const body = encodeServerHello(with13);
    expect(toHex(body.subarray(body.length - 6))).toBe('002b0002fefc');
    expect(decodeServerHello(body).extensions.supportedVersions).toEqual([0xfefc]);
    expect(() => encodeServerHello({ ...hello, extensions: { supportedVersions: [1, 2] } })).toThrow(
      RangeError,
    );
  });
});

describe('the other messages', () => {
  it('HelloVerifyRequest', () => {
    const body = encodeHelloVerifyRequest({
      serverVersion: ProtocolVersion.DTLS1_0,
      cookie: hex('00112233'),
    });
    expect(toHex(body)).toBe('feff0400112233');
    expect(decodeHelloVerifyRequest(body)).toEqual({ serverVersion: 0xfeff, cookie: hex('00112233') });
    expect(parseError(() => decodeHelloVerifyRequest(hex('feff05001122')))).toMatchObject({
      code: 'TRUNCATED',
    });
    expect(parseError(() => decodeHelloVerifyRequest(hex('feff000000')))).toMatchObject({
      code: 'TRAILING_BYTES',
    });
  });

  it('Certificate, including an empty list and the caps', () => {
    const certs = [hex('30820001aa'), hex('3003020101')];
    const body = encodeCertificate({ certificates: certs });
    expect(toHex(body)).toBe('000010' + '00000530820001aa' + '0000053003020101');
    expect(decodeCertificate(body)).toEqual({ certificates: certs });
    expect(decodeCertificate(encodeCertificate({ certificates: [] }))).toEqual({ certificates: [] });
    expect(parseError(() => decodeCertificate(hex('000003000000')))).toMatchObject({
      code: 'BAD_LENGTH',
      field: 'certificate.asn1_cert',
    });
    const nine = encodeCertificate({ certificates: Array.from({ length: 9 }, () => hex('30')) });
    expect(parseError(() => decodeCertificate(nine))).toMatchObject({ code: 'TOO_MANY' });
    expect(decodeCertificate(nine, { maxCertificates: 9 }).certificates).toHaveLength(9);
    expect(parseError(() => decodeCertificate(body, { maxListLength: 10 }))).toMatchObject({
      code: 'TOO_LARGE',
    });
  });

  it('ServerKeyExchange and the bytes its signature covers', () => {
    const publicKey = new Uint8Array(32).fill(9);
    const ske = {
      namedGroup: 0x001d,
      publicKey,
      signatureScheme: 0x0403,
      signature: hex('3006020101020101'),
    };
    const body = encodeServerKeyExchange(ske);
    expect(toHex(body.subarray(0, 4))).toBe('03001d20');
    expect(toHex(body.subarray(36))).toBe('040300083006020101020101');
    expect(decodeServerKeyExchange(body)).toEqual(ske);
    const signed = serverKeyExchangeSignedData(
      random,
      random.map((b) => b + 100),
      0x001d,
      publicKey,
    );
    expect(signed).toHaveLength(64 + 4 + 32);
    expect(toHex(signed.subarray(64))).toBe(toHex(body.subarray(0, 36)));
    const explicit = body.slice();
    explicit[0] = 1;
    expect(parseError(() => decodeServerKeyExchange(explicit))).toMatchObject({
      code: 'BAD_VALUE',
      offset: 0,
    });
    expect(parseError(() => decodeServerKeyExchange(hex('03001d00')))).toMatchObject({ code: 'BAD_LENGTH' });
  });

  it('CertificateRequest', () => {
    const request = {
      certificateTypes: [64, 1],
      signatureAlgorithms: [0x0403, 0x0804],
      certificateAuthorities: [],
    };
    const body = encodeCertificateRequest(request);
    expect(toHex(body)).toBe('024001' + '000404030804' + '0000');
    expect(decodeCertificateRequest(body)).toEqual(request);
    const withCa = { ...request, certificateAuthorities: [hex('3000')] };
    expect(decodeCertificateRequest(encodeCertificateRequest(withCa))).toEqual(withCa);
    expect(parseError(() => decodeCertificateRequest(hex('0040000404030804 0000')))).toMatchObject({
      code: 'BAD_LENGTH',
    });
    expect(parseError(() => decodeCertificateRequest(hex('014000020403 00020000')))).toMatchObject({
      code: 'BAD_LENGTH',
      field: 'certificate_request.distinguished_name',
    });
  });

  it('ServerHelloDone, CertificateVerify, ClientKeyExchange, Finished', () => {
    expect(encodeServerHelloDone()).toHaveLength(0);
    expect(() => decodeServerHelloDone(new Uint8Array(0))).not.toThrow();
    expect(parseError(() => decodeServerHelloDone(hex('00')))).toMatchObject({ code: 'TRAILING_BYTES' });
    const cv = { signatureScheme: 0x0804, signature: new Uint8Array(256).fill(1) };
    expect(decodeCertificateVerify(encodeCertificateVerify(cv))).toEqual(cv);
    expect(toHex(encodeCertificateVerify(cv).subarray(0, 4))).toBe('08040100');
    const cke = { publicKey: new Uint8Array(65).fill(4) };
    expect(toHex(encodeClientKeyExchange(cke).subarray(0, 2))).toBe('4104');
    expect(decodeClientKeyExchange(encodeClientKeyExchange(cke))).toEqual(cke);
    expect(parseError(() => decodeClientKeyExchange(hex('00')))).toMatchObject({ code: 'BAD_LENGTH' });
    const fin = { verifyData: hex('0102030405060708090a0b0c') };
    expect(decodeFinished(encodeFinished(fin))).toEqual(fin);
    expect(parseError(() => decodeFinished(hex('0102')))).toMatchObject({ code: 'TRUNCATED' });
    expect(parseError(() => decodeFinished(new Uint8Array(13)))).toMatchObject({ code: 'TRAILING_BYTES' });
  });

  it('dispatches by msg_type', () => {
    expect(decodeHandshakeMessage(HandshakeType.server_hello_done, new Uint8Array(0))).toEqual({
      type: 'server_hello_done',
    });
    expect(decodeHandshakeMessage(HandshakeType.finished, new Uint8Array(12))).toMatchObject({
      type: 'finished',
    });
    expect(decodeHandshakeMessage(HandshakeType.hello_request, hex('aa'))).toEqual({
      type: 'unknown',
      msgType: 0,
      body: hex('aa'),
    });
    expect(() => decodeHandshakeMessage(HandshakeType.client_key_exchange, new Uint8Array(0))).toThrow(
      DtlsParseError,
    );
  });
});

describe('handshake header and fragments (RFC 6347 §4.2.2)', () => {
  it('encodes an unfragmented message', () => {
    const msg = encodeHandshakeMessage(HandshakeType.finished, 5, hex('aabb'));
    expect(toHex(msg)).toBe('14' + '000002' + '0005' + '000000' + '000002' + 'aabb');
    expect(decodeHandshakeHeader(msg)).toEqual({
      msgType: 20,
      length: 2,
      messageSeq: 5,
      fragmentOffset: 0,
      fragmentLength: 2,
    });
  });

  it('writes fragments and splits several from one record', () => {
    const body = Uint8Array.from({ length: 100 }, (_, i) => i);
    const out = new Uint8Array(200);
    let n = writeHandshakeFragment(out, 0, HandshakeType.certificate, 2, body, 0, 40);
    n += writeHandshakeFragment(out, n, HandshakeType.certificate, 2, body, 40, 60);
    expect(n).toBe(2 * HANDSHAKE_HEADER_LENGTH + 100);
    const frags = splitHandshakeFragments(out.subarray(0, n));
    expect(frags.map((f) => [f.msgType, f.length, f.messageSeq, f.fragmentOffset, f.fragmentLength])).toEqual(
      [
        [11, 100, 2, 0, 40],
        [11, 100, 2, 40, 60],
      ],
    );
    expect(toHex(frags[1]!.fragment)).toBe(toHex(body.subarray(40)));
    expect(() => writeHandshakeFragment(out, 0, 11, 2, body, 90, 11)).toThrow(RangeError);
  });

  it('rejects fragments outside their message or record', () => {
    expect(parseError(() => decodeHandshakeHeader(hex('0b000010000000000c000005')))).toMatchObject({
      code: 'BAD_LENGTH',
      field: 'handshake.fragment_length',
      offset: 9,
    });
    expect(parseError(() => splitHandshakeFragments(hex('0b000010000000000000000501')))).toMatchObject({
      code: 'TRUNCATED',
      offset: 12,
    });
    expect(parseError(() => splitHandshakeFragments(hex('0b0000')))).toMatchObject({ code: 'TRUNCATED' });
    const empties = new Uint8Array(12 * 33);
    expect(parseError(() => splitHandshakeFragments(empties))).toMatchObject({ code: 'TOO_MANY' });
    expect(splitHandshakeFragments(empties, 33)).toHaveLength(33);
  });
});

describe('alerts and ChangeCipherSpec', () => {
  it('codes alerts', () => {
    const fatal = { level: AlertLevel.fatal, description: AlertDescription.bad_record_mac };
    expect(toHex(encodeAlert(fatal))).toBe('0214');
    expect(decodeAlert(hex('0214'))).toEqual(fatal);
    expect(alertName(20)).toBe('bad_record_mac');
    expect(alertName(250)).toBe('unknown(250)');
    expect(alertClosesConnection(fatal)).toBe(true);
    expect(alertClosesConnection({ level: 1, description: 0 })).toBe(true);
    expect(alertClosesConnection({ level: 1, description: AlertDescription.no_renegotiation })).toBe(false);
    expect(alertClosesConnection({ level: 7, description: 100 })).toBe(true);
    expect(parseError(() => decodeAlert(hex('02')))).toMatchObject({ code: 'TRUNCATED' });
    expect(parseError(() => decodeAlert(hex('020000')))).toMatchObject({ code: 'TRAILING_BYTES' });
  });

  it('codes ChangeCipherSpec', () => {
    expect(toHex(encodeChangeCipherSpec())).toBe('01');
    expect(() => decodeChangeCipherSpec(hex('01'))).not.toThrow();
    expect(parseError(() => decodeChangeCipherSpec(hex('02')))).toMatchObject({ code: 'BAD_VALUE' });
    expect(parseError(() => decodeChangeCipherSpec(hex('0101')))).toMatchObject({ code: 'BAD_LENGTH' });
  });
});
