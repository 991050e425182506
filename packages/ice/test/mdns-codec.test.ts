/**
 * The DNS message codec used by mDNS (RFC 1035 §4.1, RFC 6762 §18): packets shaped like the ones
 * browsers exchange for `<uuid>.local` ICE candidates, built byte by byte; compression pointers;
 * every way a name or message can be malformed; and round trips.
 */
import { describe, expect, it } from 'vitest';
import {
  addressRecord,
  DnsClass,
  DnsFlag,
  type DnsMessage,
  DnsType,
  decodeDnsMessage,
  encodeDnsMessage,
  encodeName,
  isLocalName,
  isResponse,
  MdnsParseError,
  nameKey,
  nsecRecord,
  opcodeOf,
  rcodeOf,
  readName,
} from '../src/index.js';
import { bytes, header, hex, labels, labelsThenPointer, pointer16, rr, u16 } from './support/mdns-bytes.js';

const UUID = 'ac3f6f0e-3b4c-4d84-a3d4-5d2b8e3f2a11';
const NAME = `${UUID}.local`;
const NAME_WIRE = labels(UUID, 'local');

function parseError(fn: () => unknown): MdnsParseError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MdnsParseError);
    return err as MdnsParseError;
  }
  throw new Error('expected an MdnsParseError');
}

describe('browser-style packets, built by hand', () => {
  it('decodes a multicast query for A (QM) and re-encodes it to the same bytes', () => {
    // ID 0 and flags 0 (RFC 6762 §18.1, §18.2); one question: <uuid>.local A IN.
    const packet = bytes(header(0, 0, 1, 0, 0, 0), NAME_WIRE, u16(DnsType.A), u16(DnsClass.IN));
    const m = decodeDnsMessage(packet);
    expect(m.id).toBe(0);
    expect(isResponse(m)).toBe(false);
    expect(m.questions).toEqual([
      { name: NAME, type: DnsType.A, class: DnsClass.IN, unicastResponse: false },
    ]);
    expect(m.answers).toEqual([]);
    expect(encodeDnsMessage(m)).toEqual(packet);
  });

  it('reads the QU bit of a question asking for A and AAAA', () => {
    const packet = bytes(
      header(0, 0, 2, 0, 0, 0),
      NAME_WIRE,
      u16(DnsType.A),
      u16(0x8001), // QU + IN (RFC 6762 §5.4)
      // The second question names the same host by a pointer to offset 12.
      pointer16(12),
      u16(DnsType.AAAA),
      u16(0x8001),
    );
    const m = decodeDnsMessage(packet);
    expect(m.questions.map((q) => [q.name, q.type, q.class, q.unicastResponse])).toEqual([
      [NAME, DnsType.A, DnsClass.IN, true],
      [NAME, DnsType.AAAA, DnsClass.IN, true],
    ]);
  });

  it('decodes a responder answer: A with cache-flush and TTL 120, NSEC in Additional by pointer', () => {
    const nsecRdata = bytes(NAME_WIRE, [0x00, 0x01, 0x40]); // window 0, 1 octet, bit 1 = A
    const packet = bytes(
      header(0, 0x8400, 0, 1, 0, 1), // QR + AA (RFC 6762 §18.2, §18.4)
      NAME_WIRE,
      rr(DnsType.A, 0x8001, 120, [192, 168, 0, 196]),
      pointer16(12),
      rr(DnsType.NSEC, 0x8001, 120, nsecRdata),
    );
    const m = decodeDnsMessage(packet);
    expect(isResponse(m)).toBe(true);
    expect(m.flags & DnsFlag.AA).toBe(DnsFlag.AA);
    expect(opcodeOf(m.flags)).toBe(0);
    expect(rcodeOf(m.flags)).toBe(0);
    const [a] = m.answers;
    expect(a).toMatchObject({ name: NAME, type: DnsType.A, class: DnsClass.IN, cacheFlush: true, ttl: 120 });
    expect(a?.address).toBe('192.168.0.196');
    const [nsec] = m.additionals;
    expect(nsec).toMatchObject({ name: NAME, type: DnsType.NSEC, cacheFlush: true, ttl: 120 });
    expect(nsec?.data).toEqual(nsecRdata);
    // Our NSEC builder writes the same RDATA for "only A exists".
    expect(nsecRecord(NAME, [DnsType.A], 120).data).toEqual(nsecRdata);
    expect(nsecRecord(NAME, [DnsType.AAAA], 120).data).toEqual(bytes(NAME_WIRE, [0, 4, 0, 0, 0, 0x08]));
  });

  it('decodes an AAAA answer in a conventional reply that repeats the question (legacy unicast, RFC 6762 §6.7)', () => {
    const packet = bytes(
      header(0x1234, 0x8400, 1, 1, 0, 0),
      NAME_WIRE,
      u16(DnsType.AAAA),
      u16(DnsClass.IN),
      pointer16(12),
      rr(DnsType.AAAA, DnsClass.IN, 10, hex('fe80 0000 0000 0000 0000 0000 0000 0001')),
    );
    const m = decodeDnsMessage(packet);
    expect(m.id).toBe(0x1234);
    expect(m.answers[0]).toMatchObject({ name: NAME, address: 'fe80::1', cacheFlush: false, ttl: 10 });
  });

  it('follows pointers to suffixes and chains of pointers', () => {
    // "host.sub.local" at 12; "other" + pointer to "sub.local" (offset 17); then a pointer to that name.
    const first = labels('host', 'sub', 'local'); // 12..27
    const second = labelsThenPointer(12 + 5, 'other'); // 32..39
    const packet = bytes(
      header(0, 0x8400, 0, 3, 0, 0),
      first,
      rr(DnsType.A, DnsClass.IN, 1, [10, 0, 0, 1]),
      second,
      rr(DnsType.A, DnsClass.IN, 1, [10, 0, 0, 2]),
      pointer16(12 + first.length + 14),
      rr(DnsType.A, DnsClass.IN, 1, [10, 0, 0, 3]),
    );
    const m = decodeDnsMessage(packet);
    expect(m.answers.map((r) => [r.name, r.address])).toEqual([
      ['host.sub.local', '10.0.0.1'],
      ['other.sub.local', '10.0.0.2'],
      ['other.sub.local', '10.0.0.3'],
    ]);
  });

  it('keeps other record types raw, with where their RDATA starts', () => {
    const srv = bytes(u16(0), u16(0), u16(8009), pointer16(12));
    const packet = bytes(
      header(0, 0x8400, 0, 2, 0, 0),
      labels('_x', '_udp', 'local'),
      rr(DnsType.PTR, DnsClass.IN, 4500, pointer16(12)),
      pointer16(12),
      rr(DnsType.SRV, 0x8001, 120, srv),
    );
    const m = decodeDnsMessage(packet);
    const ptr = m.answers[0];
    expect(ptr?.address).toBeUndefined();
    expect(ptr?.data).toEqual(new Uint8Array(pointer16(12)));
    // A name inside RDATA is read from the whole message.
    expect(readName(packet, ptr?.dataOffset as number).name).toBe('_x._udp.local');
    expect(m.answers[1]?.data).toEqual(srv);
  });
});

describe('malformed input is an MdnsParseError naming field and offset', () => {
  const q = (name: Uint8Array) => bytes(header(0, 0, 1, 0, 0, 0), name, u16(1), u16(1));

  it('rejects a pointer to itself, forwards, and into the header', () => {
    let e = parseError(() => decodeDnsMessage(q(new Uint8Array(pointer16(12)))));
    expect([e.code, e.field, e.offset]).toEqual(['BAD_POINTER', 'question[0].name', 12]);
    e = parseError(() => decodeDnsMessage(bytes(q(new Uint8Array(pointer16(40))), new Uint8Array(40))));
    expect(e.code).toBe('BAD_POINTER');
    e = parseError(() => decodeDnsMessage(q(new Uint8Array(pointer16(4)))));
    expect(e.code).toBe('BAD_POINTER');
  });

  it('rejects a pointer back into the labels that led to it (a loop)', () => {
    // "a" then a pointer to the "a" label itself: a -> a -> a ... if pointers were only checked
    // against their own position.
    const e = parseError(() => decodeDnsMessage(q(labelsThenPointer(12, 'a'))));
    expect([e.code, e.offset]).toEqual(['BAD_POINTER', 14]);
  });

  it('caps chains of pointers at 32', () => {
    // Question i's name is a pointer to question i-1's name, itself a pointer: question i follows
    // a chain of i pointers, each strictly backwards, so only the cap stops a long one.
    const chain = (count: number) => {
      const parts: (Uint8Array | number[])[] = [
        header(0, 0, count + 1, 0, 0, 0),
        labels('a', 'local'),
        u16(1),
        u16(1),
      ];
      let previous = 12;
      let at = 12 + 9 + 4;
      for (let i = 1; i <= count; i++) {
        parts.push(pointer16(previous), u16(1), u16(1));
        previous = at;
        at += 6;
      }
      return bytes(...parts);
    };
    const ok = decodeDnsMessage(chain(32), { maxQuestions: 64 });
    expect(ok.questions.every((q) => q.name === 'a.local')).toBe(true);
    const e = parseError(() => decodeDnsMessage(chain(40), { maxQuestions: 64 }));
    expect([e.code, e.field]).toEqual(['BAD_POINTER', 'question[33].name']);
  });

  it('rejects reserved label types 0x40 and 0x80', () => {
    for (const prefix of [0x41, 0x81]) {
      const e = parseError(() => decodeDnsMessage(q(new Uint8Array([prefix, 0x61, 0]))));
      expect([e.code, e.offset]).toEqual(['BAD_LABEL', 12]);
    }
  });

  it('rejects names over 255 octets, also when assembled through pointers', () => {
    const l63 = 'x'.repeat(63);
    let e = parseError(() => decodeDnsMessage(q(labels(l63, l63, l63, l63))));
    expect(e.code).toBe('NAME_TOO_LONG');
    // 3 x 64 octets at 12, then a question whose name is two more labels + a pointer to it.
    const base = labels(l63, l63, l63);
    const packet = bytes(
      header(0, 0, 2, 0, 0, 0),
      base,
      u16(1),
      u16(1),
      labelsThenPointer(12, 'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk'),
      u16(1),
      u16(1),
    );
    e = parseError(() => decodeDnsMessage(packet));
    expect([e.code, e.field]).toEqual(['NAME_TOO_LONG', 'question[1].name']);
    // 255 octets exactly is fine: 3 x 64 + 62 + 1.
    expect(decodeDnsMessage(q(labels(l63, l63, l63, 'y'.repeat(61)))).questions[0]?.name.length).toBe(253);
  });

  it('rejects truncation in every part', () => {
    const packet = bytes(
      header(0, 0x8400, 0, 1, 0, 0),
      NAME_WIRE,
      rr(DnsType.A, DnsClass.IN, 1, [1, 2, 3, 4]),
    );
    const cases: [number, string, string][] = [
      [5, 'TRUNCATED', 'header'],
      [12, 'TRUNCATED', 'answer[0].name'],
      [20, 'TRUNCATED', 'answer[0].name'],
      [12 + NAME_WIRE.length + 3, 'TRUNCATED', 'answer[0]'],
      [packet.length - 1, 'TRUNCATED', 'answer[0].rdata'],
    ];
    for (const [length, code, field] of cases) {
      const e = parseError(() => decodeDnsMessage(packet.subarray(0, length)));
      expect([e.code, e.field]).toEqual([code, field]);
    }
    // A pointer cut after its first octet.
    const e = parseError(() => decodeDnsMessage(bytes(header(0, 0, 1, 0, 0, 0), [0xc0])));
    expect([e.code, e.offset]).toEqual(['TRUNCATED', 12]);
  });

  it('caps counts before reading, and the message size', () => {
    let e = parseError(() => decodeDnsMessage(header(0, 0, 33, 0, 0, 0)));
    expect([e.code, e.field, e.offset]).toEqual(['TOO_MANY_RECORDS', 'qdcount', 4]);
    e = parseError(() => decodeDnsMessage(header(0, 0, 0, 0xffff, 0xffff, 0xffff)));
    expect([e.code, e.offset]).toEqual(['TOO_MANY_RECORDS', 6]);
    e = parseError(() => decodeDnsMessage(header(0, 0, 2, 0, 0, 0), { maxQuestions: 1 }));
    expect(e.code).toBe('TOO_MANY_RECORDS');
    e = parseError(() => decodeDnsMessage(new Uint8Array(9001)));
    expect(e.code).toBe('TOO_LARGE');
  });

  it('rejects A and AAAA RDATA of the wrong length', () => {
    for (const [type, length] of [
      [DnsType.A, 5],
      [DnsType.AAAA, 4],
    ] as const) {
      const packet = bytes(header(0, 0x8400, 0, 1, 0, 0), NAME_WIRE, rr(type, 1, 1, new Uint8Array(length)));
      const e = parseError(() => decodeDnsMessage(packet));
      expect([e.code, e.field, e.offset]).toEqual([
        'BAD_RDATA',
        'answer[0].rdata',
        12 + NAME_WIRE.length + 10,
      ]);
    }
  });

  it('reads a TTL with the top bit set as 0 (RFC 2181 §8)', () => {
    const packet = bytes(
      header(0, 0x8400, 0, 1, 0, 0),
      NAME_WIRE,
      rr(DnsType.A, 1, 0x80000001, [1, 2, 3, 4]),
    );
    expect(decodeDnsMessage(packet).answers[0]?.ttl).toBe(0);
  });
});

describe('text names', () => {
  it('encodes labels, accepts the root dot, and checks lengths', () => {
    expect(encodeName(NAME)).toEqual(NAME_WIRE);
    expect(encodeName(`${NAME}.`)).toEqual(NAME_WIRE);
    expect(encodeName('')).toEqual(new Uint8Array([0]));
    let e = parseError(() => encodeName(`${'x'.repeat(64)}.local`));
    expect([e.code, e.offset]).toEqual(['BAD_LABEL', 0]);
    e = parseError(() => encodeName(`a.${'x'.repeat(64)}.local`));
    expect([e.code, e.offset]).toEqual(['BAD_LABEL', 2]);
    e = parseError(() => encodeName('a..local'));
    expect([e.code, e.offset]).toEqual(['BAD_LABEL', 2]);
    e = parseError(() => encodeName(Array(5).fill('x'.repeat(63)).join('.')));
    expect(e.code).toBe('NAME_TOO_LONG');
    e = parseError(() => encodeName('a\\'));
    expect(e.code).toBe('BAD_LABEL');
  });

  it('escapes dots and backslashes inside labels, so one label never reads as two', () => {
    const wire = bytes(
      [3],
      Array.from('a.b', (c) => c.charCodeAt(0)),
      [5],
      Array.from('local', (c) => c.charCodeAt(0)),
      [0],
    );
    expect(encodeName('a\\.b.local')).toEqual(wire);
    const packet = bytes(header(0, 0, 1, 0, 0, 0), wire, u16(1), u16(1));
    const name = decodeDnsMessage(packet).questions[0]?.name as string;
    expect(name).toBe('a\\.b.local');
    expect(isLocalName('x\\.local')).toBe(false);
    expect(isLocalName('x\\\\.local')).toBe(true); // the label `x\` (escaped), then `local`
    expect(encodeName('x\\\\.local')).toEqual(bytes([2, 0x78, 0x5c], labels('local')));
    expect(encodeName('back\\\\slash.local')[5]).toBe(0x5c);
  });

  it('decodes UTF-8 labels (RFC 6762 §16)', () => {
    const utf8 = new TextEncoder().encode('café');
    const packet = bytes(header(0, 0, 1, 0, 0, 0), [utf8.length], utf8, labels('local'), u16(1), u16(1));
    expect(decodeDnsMessage(packet).questions[0]?.name).toBe('café.local');
    expect(encodeName('café.local')).toEqual(bytes([utf8.length], utf8, labels('local')));
  });

  it('compares case-insensitively for ASCII only', () => {
    expect(nameKey(`${UUID.toUpperCase()}.LOCAL.`)).toBe(NAME);
    expect(nameKey('CAFÉ.local')).toBe('cafÉ.local');
    expect(nameKey('a\\.')).toBe('a\\.');
    expect(isLocalName(`${UUID}.Local`)).toBe(true);
    expect(isLocalName('local')).toBe(false);
    expect(isLocalName('.local')).toBe(false);
    expect(isLocalName('example.com')).toBe(false);
  });
});

describe('round trips', () => {
  it('encode then decode gives back every field', () => {
    const message: DnsMessage = {
      id: 0xbeef,
      flags: DnsFlag.QR | DnsFlag.AA | 3, // with an RCODE, to show flags are kept raw
      questions: [{ name: NAME, type: DnsType.ANY, class: DnsClass.IN, unicastResponse: true }],
      answers: [addressRecord(NAME, '192.0.2.7', 120), addressRecord(NAME, '2001:db8::7', 120, false)],
      authorities: [{ name: 'x.local', type: 99, class: 3, cacheFlush: false, ttl: 7, data: hex('0102') }],
      additionals: [nsecRecord(NAME, [DnsType.A, DnsType.AAAA], 120)],
    };
    const decoded = decodeDnsMessage(encodeDnsMessage(message));
    const strip = (m: DnsMessage) => ({
      ...m,
      answers: m.answers.map(({ dataOffset: _, ...r }) => r),
      authorities: m.authorities.map(({ dataOffset: _, ...r }) => r),
      additionals: m.additionals.map(({ dataOffset: _, address: __, ...r }) => r),
    });
    expect(strip(decoded)).toEqual(strip(message));
    expect(encodeDnsMessage(decoded)).toEqual(encodeDnsMessage(message));
  });

  it('decode then encode gives back uncompressed packets byte for byte', () => {
    const packet = bytes(
      header(7, 0x8400, 1, 1, 0, 0),
      NAME_WIRE,
      u16(DnsType.A),
      u16(DnsClass.IN),
      NAME_WIRE,
      rr(DnsType.A, 0x8001, 120, [10, 1, 2, 3]),
    );
    expect(encodeDnsMessage(decodeDnsMessage(packet))).toEqual(packet);
  });

  it('refuses to encode a message over 9000 bytes', () => {
    const big = {
      name: 'a.local',
      type: 16,
      class: 1,
      cacheFlush: false,
      ttl: 1,
      data: new Uint8Array(9000),
    };
    expect(parseError(() => encodeDnsMessage({ answers: [big] })).code).toBe('TOO_LARGE');
  });
});
