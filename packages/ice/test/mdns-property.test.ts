/**
 * Property tests (fast-check) for the mDNS codec and engines: random and mutated bytes either
 * decode or throw MdnsParseError, never a stray TypeError/RangeError; engines never throw on
 * network input; arbitrary messages survive encode then decode.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addressRecord,
  type DnsMessage,
  type DnsRecord,
  DnsType,
  decodeDnsMessage,
  encodeDnsMessage,
  encodeName,
  MdnsParseError,
  MdnsResolver,
  MdnsResponder,
  nsecRecord,
  readName,
} from '../src/index.js';
import { bytes, header, labels, pointer16, rr, u16 } from './support/mdns-bytes.js';

const RUNS = { numRuns: 2000 };

function decodesOrParseError(data: Uint8Array): void {
  try {
    decodeDnsMessage(data, { maxQuestions: 64, maxRecords: 256 });
  } catch (err) {
    if (!(err instanceof MdnsParseError)) throw err;
    expect(typeof err.code).toBe('string');
    expect(err.offset).toBeGreaterThanOrEqual(0);
  }
}

const NAME = 'ac3f6f0e-3b4c-4d84-a3d4-5d2b8e3f2a11.local';
/** Real-shaped packets to mutate: a query, an answer with NSEC, one with pointers. */
const SEEDS = [
  bytes(
    header(0, 0, 2, 0, 0, 0),
    labels('ac3f6f0e-3b4c-4d84-a3d4-5d2b8e3f2a11', 'local'),
    u16(1),
    u16(0x8001),
    pointer16(12),
    u16(28),
    u16(0x8001),
  ),
  encodeDnsMessage({
    flags: 0x8400,
    answers: [addressRecord(NAME, '192.168.1.20', 120)],
    additionals: [nsecRecord(NAME, [DnsType.A], 120)],
  }),
  bytes(
    header(0, 0x8400, 0, 2, 0, 0),
    labels('host', 'local'),
    rr(1, 0x8001, 120, [10, 0, 0, 1]),
    pointer16(12),
    rr(28, 0x8001, 120, new Uint8Array(16)),
  ),
];

describe('decodeDnsMessage on hostile input', () => {
  it('random bytes: a message or an MdnsParseError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (data) => decodesOrParseError(data)),
      RUNS,
    );
  });

  it('a plausible header with small counts over random bytes (reaches names and records)', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.nat(4), fc.nat(4), fc.nat(4), fc.nat(4)),
        fc.uint8Array({ maxLength: 400 }),
        ([qd, an, ns, ar], body) => decodesOrParseError(bytes(header(0, 0x8400, qd, an, ns, ar), body)),
      ),
      RUNS,
    );
  });

  it('real packets with bytes changed, cut or grown', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SEEDS),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(),
        fc.uint8Array({ maxLength: 16 }),
        (seed, flips, cut, tail) => {
          const data = seed.slice();
          for (const [at, value] of flips) data[at % data.length] = value;
          decodesOrParseError(data);
          decodesOrParseError(data.subarray(0, cut % (data.length + 1)));
          decodesOrParseError(bytes(data, tail));
        },
      ),
      RUNS,
    );
  });

  it('readName at any offset of random bytes terminates with a name or an MdnsParseError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(), (data, offset) => {
        try {
          const { name, end } = readName(data, offset % data.length);
          expect(end).toBeLessThanOrEqual(data.length);
          expect(typeof name).toBe('string');
        } catch (err) {
          if (!(err instanceof MdnsParseError)) throw err;
        }
      }),
      RUNS,
    );
  });

  it('encodeName of any string: wire bytes or an MdnsParseError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'grapheme-ascii' }), (text) => {
        try {
          const wire = encodeName(text);
          expect(wire.length).toBeLessThanOrEqual(255);
        } catch (err) {
          if (!(err instanceof MdnsParseError)) throw err;
        }
      }),
      RUNS,
    );
  });
});

describe('engines never throw on network input', () => {
  it('resolver and responder drop or count any datagram', () => {
    const resolver = new MdnsResolver();
    const responder = new MdnsResponder({ generateName: () => NAME });
    responder.register('192.168.1.20', 0);
    resolver.resolve(NAME, 0);
    const from = { family: 'IPv4' as const, address: '192.168.1.9', port: 5353 };
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...SEEDS)),
        fc.nat(10_000),
        (data, t) => {
          resolver.handleInput(data, from, t);
          responder.handleInput(data, from, t);
          responder.handleInput(data, { ...from, port: 40000 }, t);
          while (responder.pollTransmit() !== undefined);
          while (resolver.pollTransmit() !== undefined);
          while (resolver.pollEvent() !== undefined);
        },
      ),
      RUNS,
    );
    expect(resolver.stats.malformed + responder.stats.malformed).toBeGreaterThan(0);
  });
});

// Names of 1..4 labels drawn from what appears in practice plus the characters that need escaping.
const label = fc.stringMatching(/^[a-zA-Z0-9_.\\-]{1,20}$/);
const escapeLabel = (l: string) => l.replace(/[.\\]/g, '\\$&');
const name = fc.array(label, { minLength: 1, maxLength: 4 }).map((ls) => ls.map(escapeLabel).join('.'));
const rawRecord: fc.Arbitrary<DnsRecord> = fc.record({
  name,
  type: fc.integer({ min: 0, max: 0xffff }).filter((t) => t !== DnsType.A && t !== DnsType.AAAA),
  class: fc.integer({ min: 0, max: 0x7fff }),
  cacheFlush: fc.boolean(),
  ttl: fc.integer({ min: 0, max: 0x7fffffff }),
  data: fc.uint8Array({ maxLength: 40 }),
});
const address = fc.oneof(fc.ipV4(), fc.ipV6());
const ipRecord: fc.Arbitrary<DnsRecord> = fc
  .tuple(name, address, fc.integer({ min: 0, max: 0x7fffffff }), fc.boolean())
  .map(([n, a, ttl, flush]) => addressRecord(n, a, ttl, flush));
const record = fc.oneof(rawRecord, ipRecord);

describe('encode then decode', () => {
  it('gives back every field of arbitrary messages', () => {
    const message = fc.record({
      id: fc.integer({ min: 0, max: 0xffff }),
      flags: fc.integer({ min: 0, max: 0xffff }),
      questions: fc.array(
        fc.record({
          name,
          type: fc.integer({ min: 0, max: 0xffff }),
          class: fc.integer({ min: 0, max: 0x7fff }),
          unicastResponse: fc.boolean(),
        }),
        { maxLength: 4 },
      ),
      answers: fc.array(record, { maxLength: 4 }),
      authorities: fc.array(record, { maxLength: 2 }),
      additionals: fc.array(record, { maxLength: 4 }),
    });
    // Addresses come back in canonical text form (RFC 5952), so compare the bytes they encode to.
    const comparable = (m: DnsMessage) => ({
      ...m,
      answers: m.answers.map(({ address: _, dataOffset: __, ...r }) => r),
      authorities: m.authorities.map(({ address: _, dataOffset: __, ...r }) => r),
      additionals: m.additionals.map(({ address: _, dataOffset: __, ...r }) => r),
    });
    fc.assert(
      fc.property(message, (m) => {
        const wire = encodeDnsMessage(m);
        const decoded = decodeDnsMessage(wire);
        expect(comparable(decoded)).toEqual(comparable(m));
        expect(encodeDnsMessage(decoded)).toEqual(wire);
      }),
      { numRuns: 1000 },
    );
  });
});
