/**
 * Record layer: header codec, datagram splitting, the replay window, DTLS 1.2 AEAD record
 * protection (nonce and additional data rebuilt independently here from RFC 5288 / RFC 7905) and
 * the RecordLayer's epochs, counters and MTU arithmetic.
 */
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CipherSuite,
  ContentType,
  cipherSuiteInfo,
  Dtls12AeadProtection,
  DtlsError,
  DtlsParseError,
  decodeRecordHeader,
  dtls12Protections,
  encodePlaintextRecord,
  encodeRecordHeader,
  isCipherSuiteSupported,
  MAX_SEQUENCE_NUMBER,
  ProtocolVersion,
  RECORD_HEADER_LENGTH,
  RecordLayer,
  ReplayWindow,
  splitRecords,
} from '../src/index.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (n: number, fill = 0): Uint8Array => new Uint8Array(n).fill(fill);

function suite(id: number) {
  const info = cipherSuiteInfo(id);
  if (info === undefined) throw new Error('missing suite');
  return info;
}

describe('record header', () => {
  it('encodes and decodes all fields, including a 48-bit sequence number', () => {
    const header = {
      contentType: ContentType.handshake,
      version: ProtocolVersion.DTLS1_2,
      epoch: 0x1234,
      sequenceNumber: MAX_SEQUENCE_NUMBER,
      length: 0xabcd,
    };
    const encoded = encodeRecordHeader(header);
    expect(toHex(encoded)).toBe('16fefd1234ffffffffffffabcd');
    expect(decodeRecordHeader(encoded)).toEqual(header);
    const mid = { ...header, sequenceNumber: 0x0102_0304_0506 };
    expect(toHex(encodeRecordHeader(mid)).slice(10, 22)).toBe('010203040506');
    expect(decodeRecordHeader(encodeRecordHeader(mid))).toEqual(mid);
  });

  it('rejects a truncated header with a typed error', () => {
    expect(() => decodeRecordHeader(bytes(12))).toThrow(DtlsParseError);
  });
});

describe('splitRecords', () => {
  const a = encodePlaintextRecord(ContentType.handshake, ProtocolVersion.DTLS1_2, 0, 1, hex('0102'));
  const b = encodePlaintextRecord(ContentType.change_cipher_spec, ProtocolVersion.DTLS1_0, 0, 2, hex('01'));
  const c = encodePlaintextRecord(ContentType.application_data, ProtocolVersion.DTLS1_2, 1, 7, bytes(40, 9));

  it('splits several records and keeps views with offsets', () => {
    const datagram = Buffer.concat([a, b, c]);
    const { records, discarded } = splitRecords(datagram);
    expect(discarded).toBe(0);
    expect(
      records.map((r) => [r.contentType, r.version, r.epoch, r.sequenceNumber, r.length, r.offset]),
    ).toEqual([
      [22, 0xfefd, 0, 1, 2, 0],
      [20, 0xfeff, 0, 2, 1, 15],
      [23, 0xfefd, 1, 7, 40, 29],
    ]);
    expect(toHex(records[0]!.fragment)).toBe('0102');
    expect(records[2]!.fragment.buffer).toBe(datagram.buffer);
    expect(toHex(records[1]!.header)).toBe(toHex(b.subarray(0, 13)));
  });

  it('skips an unknown content type but keeps reading', () => {
    const odd = encodePlaintextRecord(99, ProtocolVersion.DTLS1_2, 0, 3, hex('aa'));
    const { records, discarded } = splitRecords(Buffer.concat([a, odd, b]));
    expect(records.map((r) => r.sequenceNumber)).toEqual([1, 2]);
    expect(discarded).toBe(1);
  });

  it('stops at garbage: truncated fragment, foreign version, short header, DTLS 1.3 header', () => {
    expect(splitRecords(Buffer.concat([a, a.subarray(0, a.length - 1)]))).toMatchObject({ discarded: 1 });
    expect(splitRecords(Buffer.concat([a, a.subarray(0, a.length - 1)])).records).toHaveLength(1);
    const tls = a.slice();
    tls[1] = 0x03;
    expect(splitRecords(Buffer.concat([a, tls, b])).records).toHaveLength(1);
    expect(splitRecords(Buffer.concat([a, hex('16fefd00')])).records).toHaveLength(1);
    expect(splitRecords(Buffer.concat([a, hex('2f 0001 0005 aabbccddee')])).records).toHaveLength(1);
    expect(splitRecords(new Uint8Array(0))).toEqual({ records: [], discarded: 0 });
  });

  it('caps the number of records per datagram', () => {
    const empty = encodePlaintextRecord(
      ContentType.handshake,
      ProtocolVersion.DTLS1_2,
      0,
      0,
      new Uint8Array(0),
    );
    const many = Buffer.concat(Array.from({ length: 40 }, () => empty));
    const { records, discarded } = splitRecords(many, 32);
    expect(records).toHaveLength(32);
    expect(discarded).toBe(1);
  });
});

describe('ReplayWindow', () => {
  it('accepts new numbers, rejects duplicates and anything older than the window', () => {
    const w = new ReplayWindow(64);
    expect(w.isAcceptable(0)).toBe(true);
    w.accept(0);
    expect(w.isAcceptable(0)).toBe(false);
    w.accept(100);
    expect(w.highest).toBe(100);
    expect(w.isAcceptable(36)).toBe(false); // 100 - 36 = 64: outside a 64-entry window
    expect(w.isAcceptable(37)).toBe(true);
    w.accept(37);
    expect(w.isAcceptable(37)).toBe(false);
    expect(w.isAcceptable(99)).toBe(true);
    expect(w.isAcceptable(101)).toBe(true);
  });

  it('clears bits that the window slid over', () => {
    const w = new ReplayWindow(32);
    for (let s = 0; s < 32; s++) w.accept(s);
    w.accept(40);
    for (let s = 33; s < 40; s++) expect(w.isAcceptable(s)).toBe(true);
    expect(w.isAcceptable(31)).toBe(false);
    expect(w.isAcceptable(8)).toBe(false); // too old
    w.accept(40 + 1000);
    expect(w.isAcceptable(1040 - 5)).toBe(true);
  });

  it('matches a reference model for random sequences and window sizes', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (const size of [1, 32, 50, 64, 100, 1024]) {
      const w = new ReplayWindow(size);
      const seen = new Set<number>();
      let top = -1;
      for (let i = 0; i < 3000; i++) {
        const seq = Math.max(0, top + rand(20) - 15 + (rand(50) === 0 ? rand(3000) : 0));
        const expected = seq > top || (top - seq < size && !seen.has(seq));
        expect(w.isAcceptable(seq)).toBe(expected);
        if (expected) {
          w.accept(seq);
          seen.add(seq);
          top = Math.max(top, seq);
        }
      }
    }
  });

  it('handles sequence numbers near 2^48 and rejects silly sizes', () => {
    const w = new ReplayWindow();
    w.accept(MAX_SEQUENCE_NUMBER - 1);
    expect(w.isAcceptable(MAX_SEQUENCE_NUMBER)).toBe(true);
    expect(w.isAcceptable(MAX_SEQUENCE_NUMBER - 1)).toBe(false);
    expect(w.isAcceptable(MAX_SEQUENCE_NUMBER - 2)).toBe(true);
    expect(() => new ReplayWindow(0)).toThrow(RangeError);
    expect(() => new ReplayWindow(1.5)).toThrow(RangeError);
  });
});

/** Seals with an independent implementation of the RFC 5288 / RFC 7905 record formats. */
function referenceSeal(
  id: number,
  key: Uint8Array,
  iv: Uint8Array,
  type: number,
  epoch: number,
  seq: number,
  plaintext: Uint8Array,
): Uint8Array {
  const seqNum = Buffer.alloc(8);
  seqNum.writeUInt16BE(epoch, 0);
  seqNum.writeUIntBE(seq, 2, 6);
  const aad = Buffer.concat([
    seqNum,
    Buffer.from([type, 0xfe, 0xfd]),
    Buffer.from([plaintext.length >> 8, plaintext.length & 0xff]),
  ]);
  const info = suite(id);
  if (info.aead === 'chacha20-poly1305') {
    const nonce = Buffer.from(iv);
    for (let i = 0; i < 8; i++) nonce[4 + i]! ^= seqNum[i]!;
    const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
    c.setAAD(aad, { plaintextLength: plaintext.length });
    return Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
  }
  const nonce = Buffer.concat([iv, seqNum]);
  const c = createCipheriv(info.aead as 'aes-128-gcm', key, nonce);
  c.setAAD(aad);
  return Buffer.concat([seqNum, c.update(plaintext), c.final(), c.getAuthTag()]);
}

const SUITES = [
  CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
  CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
  CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
  CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
].filter(isCipherSuiteSupported);

describe('DTLS 1.2 AEAD record protection', () => {
  it('has the RFC overheads', () => {
    expect(suite(0xc02b).recordOverhead).toBe(24);
    expect(suite(0xc02c).recordOverhead).toBe(24);
    expect(suite(0xcca9).recordOverhead).toBe(16);
    expect(suite(0xc02b).keyBlockLength).toBe(40);
    expect(suite(0xc02c).keyBlockLength).toBe(72);
    expect(suite(0xcca9).keyBlockLength).toBe(88);
    expect(suite(0xc02c).prfHash).toBe('sha384');
  });

  for (const id of SUITES) {
    const info = suite(id);
    const key = bytes(info.keyLength, 0x42);
    const iv = hex('a0a1a2a3a4a5a6a7a8a9aaab').subarray(0, info.fixedIvLength);

    it(`${info.name}: seals like the reference and opens its own records`, () => {
      const p = new Dtls12AeadProtection(info, key, iv);
      const plaintext = new TextEncoder().encode('hello, DTLS record layer');
      for (const [epoch, seq] of [
        [1, 0],
        [1, 5],
        [2, 0x0000_0102_0304],
        [0xffff, MAX_SEQUENCE_NUMBER],
      ] as const) {
        const out = new Uint8Array(plaintext.length + p.overhead + 3);
        const n = p.sealFragment(ContentType.application_data, 0xfefd, epoch, seq, plaintext, out, 3);
        expect(n).toBe(plaintext.length + info.recordOverhead);
        const fragment = out.subarray(3, 3 + n);
        expect(toHex(fragment)).toBe(toHex(referenceSeal(id, key, iv, 23, epoch, seq, plaintext)));
        expect(toHex(p.openFragment(23, 0xfefd, epoch, seq, fragment)!)).toBe(toHex(plaintext));
        // Anything in the additional data or the fragment changed: no plaintext.
        expect(p.openFragment(22, 0xfefd, epoch, seq, fragment)).toBeUndefined();
        expect(p.openFragment(23, 0xfeff, epoch, seq, fragment)).toBeUndefined();
        expect(p.openFragment(23, 0xfefd, epoch ^ 1, seq, fragment)).toBeUndefined();
        if (info.recordIvLength === 0)
          expect(p.openFragment(23, 0xfefd, epoch, seq ^ 1, fragment)).toBeUndefined();
        for (const i of [0, 8, n - 1]) {
          const bad = fragment.slice();
          bad[i]! ^= 0x80;
          expect(p.openFragment(23, 0xfefd, epoch, seq, bad)).toBeUndefined();
        }
      }
      expect(p.openFragment(23, 0xfefd, 1, 0, bytes(info.recordOverhead - 1))).toBeUndefined();
    });

    it(`${info.name}: empty plaintext`, () => {
      const p = new Dtls12AeadProtection(info, key, iv);
      const out = new Uint8Array(p.overhead);
      expect(p.sealFragment(21, 0xfefd, 1, 1, new Uint8Array(0), out, 0)).toBe(p.overhead);
      expect(p.openFragment(21, 0xfefd, 1, 1, out)).toEqual(new Uint8Array(0));
    });
  }

  it('GCM uses the sender-chosen explicit nonce on receipt (RFC 5288 §3)', () => {
    const info = suite(0xc02b);
    const key = bytes(16, 1);
    const iv = hex('01020304');
    // A sender that uses a counter unrelated to the sequence number as nonce_explicit.
    const explicit = hex('0000000000000abc');
    const aad = Buffer.concat([hex('0001000000000005'), hex('17fefd0003')]);
    const c = createCipheriv('aes-128-gcm', key, Buffer.concat([iv, explicit]));
    c.setAAD(aad);
    const fragment = Buffer.concat([explicit, c.update(hex('616263')), c.final(), c.getAuthTag()]);
    const p = new Dtls12AeadProtection(info, key, iv);
    expect(new TextDecoder().decode(p.openFragment(23, 0xfefd, 1, 5, fragment))).toBe('abc');
  });

  it('rejects wrong key or IV sizes', () => {
    expect(() => new Dtls12AeadProtection(suite(0xc02b), bytes(15), bytes(4))).toThrow(RangeError);
    expect(() => new Dtls12AeadProtection(suite(0xc02b), bytes(16), bytes(12))).toThrow(RangeError);
  });
});

describe('RecordLayer', () => {
  const info = suite(0xc02b);
  const keys = {
    clientWriteKey: bytes(16, 1),
    serverWriteKey: bytes(16, 2),
    clientWriteIv: bytes(4, 3),
    serverWriteIv: bytes(4, 4),
  };

  function pair(): { client: RecordLayer; server: RecordLayer } {
    return { client: new RecordLayer(), server: new RecordLayer() };
  }

  function switchEpoch(client: RecordLayer, server: RecordLayer): void {
    const c = dtls12Protections(info, keys, 'client');
    const s = dtls12Protections(info, keys, 'server');
    client.installWriteEpoch(1, c.write);
    client.installReadEpoch(1, c.read);
    server.installWriteEpoch(1, s.write);
    server.installReadEpoch(1, s.read);
  }

  it('sends epoch 0 in the clear with increasing sequence numbers', () => {
    const { client, server } = pair();
    const r1 = client.seal(ContentType.handshake, hex('aabb'));
    const r2 = client.seal(ContentType.handshake, hex('cc'));
    expect(toHex(r1)).toBe('16fefd00000000000000000002aabb');
    expect(decodeRecordHeader(r2).sequenceNumber).toBe(1);
    const [rec] = server.split(r1);
    expect(server.open(rec!)).toMatchObject({ ok: true, contentType: 22, epoch: 0, sequenceNumber: 0 });
    expect(server.open(rec!)).toMatchObject({ ok: false, reason: 'REPLAYED' });
    expect(server.stats).toMatchObject({
      datagramsReceived: 1,
      recordsReceived: 1,
      recordsAccepted: 1,
      replayed: 1,
    });
  });

  it('refuses application data in epoch 0', () => {
    const { client, server } = pair();
    const [rec] = server.split(client.seal(ContentType.application_data, hex('00')));
    expect(server.open(rec!)).toMatchObject({ ok: false, reason: 'UNPROTECTED_APPLICATION_DATA' });
  });

  it('protects epoch 1, keeps epoch 0 readable and writable, and handles CCS + Finished in one datagram', () => {
    const { client, server } = pair();
    // Client flight: ClientKeyExchange (epoch 0), ChangeCipherSpec (epoch 0), Finished (epoch 1), one datagram.
    const buf = new Uint8Array(200);
    let n = client.sealInto(buf, 0, ContentType.handshake, hex('10'));
    n += client.sealInto(buf, n, ContentType.change_cipher_spec, hex('01'));
    const c = dtls12Protections(info, keys, 'client');
    client.installWriteEpoch(1, c.write);
    n += client.sealInto(buf, n, ContentType.handshake, hex('1400000c'));
    expect(n).toBe(13 + 1 + 13 + 1 + 13 + 4 + 24);
    const records = server.split(buf.subarray(0, n));
    expect(records.map((r) => r.epoch)).toEqual([0, 0, 1]);
    expect(server.open(records[0]!).ok).toBe(true);
    expect(server.open(records[1]!).ok).toBe(true);
    // The engine sees the CCS and installs epoch 1 before the next record.
    const s = dtls12Protections(info, keys, 'server');
    server.installReadEpoch(1, s.read);
    expect(server.open(records[2]!)).toMatchObject({ ok: true, epoch: 1, sequenceNumber: 0 });
    // A retransmitted epoch-0 record still opens after the switch.
    const again = client.seal(ContentType.handshake, hex('10'), 0);
    expect(decodeRecordHeader(again)).toMatchObject({ epoch: 0, sequenceNumber: 2 });
    expect(server.open(server.split(again)[0]!)).toMatchObject({ ok: true, epoch: 0 });
  });

  it('reports a record of the next epoch before its keys, and unknown epochs', () => {
    const { client, server } = pair();
    const c = dtls12Protections(info, keys, 'client');
    client.installWriteEpoch(1, c.write);
    const early = client.seal(ContentType.handshake, hex('14'));
    expect(server.open(server.split(early)[0]!)).toMatchObject({ ok: false, reason: 'FUTURE_EPOCH' });
    const bogus = encodePlaintextRecord(22, 0xfefd, 7, 0, hex('00'));
    expect(server.open(server.split(bogus)[0]!)).toMatchObject({ ok: false, reason: 'UNKNOWN_EPOCH' });
    expect(server.stats.futureEpoch).toBe(1);
    expect(server.stats.unknownEpoch).toBe(1);
  });

  it('counts forged records and does not let them move the replay window', () => {
    const { client, server } = pair();
    switchEpoch(client, server);
    const good = client.seal(ContentType.application_data, hex('01020304'));
    const forged = good.slice();
    forged[forged.length - 1]! ^= 1;
    // A forgery with a far-ahead sequence number must not slide the window.
    forged[10] = 0xff;
    expect(server.open(server.split(forged)[0]!)).toMatchObject({ ok: false, reason: 'DECRYPT_FAILED' });
    const opened = server.open(server.split(good)[0]!);
    expect(opened.ok && toHex(opened.payload)).toBe('01020304');
    expect(server.stats.decryptFailed).toBe(1);
  });

  it('delivers reordered records within the window once each', () => {
    const { client, server } = pair();
    switchEpoch(client, server);
    const recs = Array.from({ length: 10 }, (_, i) =>
      client.seal(ContentType.application_data, Uint8Array.of(i)),
    );
    const order = [3, 1, 0, 9, 2, 2, 8, 4, 5, 6, 7, 7, 0];
    const got: number[] = [];
    for (const i of order) {
      const r = server.open(server.split(recs[i]!)[0]!);
      if (r.ok) got.push(r.payload[0]!);
    }
    expect(got).toEqual([3, 1, 0, 9, 2, 8, 4, 5, 6, 7]);
    expect(server.stats.replayed).toBe(3);
  });

  it('sizes records for the MTU', () => {
    const { client, server } = pair();
    expect(client.overhead()).toBe(0);
    expect(client.maxPayloadLength(1200)).toBe(1187);
    switchEpoch(client, server);
    expect(client.overhead()).toBe(24);
    expect(client.maxPayloadLength(1200)).toBe(1200 - 13 - 24);
    expect(client.maxPayloadLength(20)).toBe(0);
    expect(client.maxPayloadLength(100_000)).toBe(16384);
    expect(client.recordLength(100)).toBe(137);
    expect(client.seal(23, bytes(1163)).length).toBe(1200);
    expect(client.overhead(0)).toBe(0);
  });

  it('rejects misuse with typed errors', () => {
    const { client } = pair();
    expect(() => client.installWriteEpoch(2, dtls12Protections(info, keys, 'client').write)).toThrow(
      DtlsError,
    );
    expect(() => client.seal(23, hex('00'), 1)).toThrow(DtlsError);
    expect(() => client.sealInto(new Uint8Array(10), 0, 22, hex('00'))).toThrow(RangeError);
    expect(() => client.seal(23, bytes(16385))).toThrow(RangeError);
    client.skipToSequenceNumber(MAX_SEQUENCE_NUMBER);
    client.seal(22, hex('00'));
    expect(() => client.seal(22, hex('00'))).toThrow(expect.objectContaining({ code: 'SEQUENCE_EXHAUSTED' }));
  });

  it('skipToSequenceNumber never goes backwards', () => {
    const { client } = pair();
    client.skipToSequenceNumber(9);
    client.skipToSequenceNumber(3);
    expect(client.nextSequenceNumber()).toBe(9);
    expect(RECORD_HEADER_LENGTH).toBe(13);
  });
});
