/**
 * Property tests (fast-check) for every parser of this package: random and mutated input is
 * either decoded or rejected with StunParseError, never a stray TypeError/RangeError; encoded
 * messages decode back to what was written; integrity and fingerprint catch every change.
 */
import { isIPv4, isIPv6 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AttributeType,
  decodeChannelData,
  decodeStunMessage,
  encodeChannelData,
  formatIp,
  parseIp,
  StunClass,
  type StunMessage,
  StunParseError,
  StunWriter,
  streamFrameLength,
  verifyFingerprint,
  verifyMessageIntegrity,
  verifyMessageIntegritySha256,
} from '../src/index.js';

const RUNS = { numRuns: 2000 };

/** Reads every typed getter: each must return or throw StunParseError. */
function touchAll(m: StunMessage): void {
  const getters = [
    () => m.mappedAddress,
    () => m.xorMappedAddress,
    () => m.alternateServer,
    () => m.responseOrigin,
    () => m.otherAddress,
    () => m.xorRelayedAddress,
    () => m.xorPeerAddresses,
    () => m.username,
    () => m.userhash,
    () => m.realm,
    () => m.nonce,
    () => m.software,
    () => m.errorCode,
    () => m.unknownAttributes,
    () => m.passwordAlgorithms,
    () => m.passwordAlgorithm,
    () => m.priority,
    () => m.iceControlling,
    () => m.iceControlled,
    () => m.channelNumber,
    () => m.lifetime,
    () => m.data,
    () => m.requestedTransport,
    () => m.requestedAddressFamily,
    () => m.evenPort,
    () => m.reservationToken,
    () => m.unknownComprehensionRequired(),
    () => verifyMessageIntegrity(m, new Uint8Array([1, 2, 3])),
    () => verifyMessageIntegritySha256(m, new Uint8Array([1, 2, 3])),
    () => verifyFingerprint(m),
  ];
  for (const g of getters) {
    try {
      g();
    } catch (e) {
      if (!(e instanceof StunParseError)) throw e;
    }
  }
}

function decodeOrTypedError(bytes: Uint8Array): StunMessage | undefined {
  try {
    const m = decodeStunMessage(bytes, { maxSize: 65_555 });
    touchAll(m);
    return m;
  } catch (e) {
    if (e instanceof StunParseError) return undefined;
    throw e;
  }
}

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIp(b));
const transportAddress = fc.oneof(
  fc.record({ family: fc.constant('IPv4' as const), address: ipv4, port: fc.nat(65535) }),
  fc.record({ family: fc.constant('IPv6' as const), address: ipv6, port: fc.nat(65535) }),
);

/** One attribute to write, and what decoding must give back. */
type Op =
  | { kind: 'xor'; type: number; address: { family: 'IPv4' | 'IPv6'; address: string; port: number } }
  | { kind: 'addr'; type: number; address: { family: 'IPv4' | 'IPv6'; address: string; port: number } }
  | { kind: 'text'; type: number; text: string }
  | { kind: 'u32'; type: number; value: number }
  | { kind: 'raw'; type: number; value: Uint8Array };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('xor' as const),
    type: fc.constantFrom(
      AttributeType.XorMappedAddress,
      AttributeType.XorPeerAddress,
      AttributeType.XorRelayedAddress,
    ),
    address: transportAddress,
  }),
  fc.record({
    kind: fc.constant('addr' as const),
    type: fc.constantFrom(AttributeType.MappedAddress, AttributeType.AlternateServer),
    address: transportAddress,
  }),
  fc.record({
    kind: fc.constant('text' as const),
    type: fc.constantFrom(
      AttributeType.Username,
      AttributeType.Realm,
      AttributeType.Nonce,
      AttributeType.Software,
    ),
    text: fc.string({ maxLength: 40 }),
  }),
  fc.record({
    kind: fc.constant('u32' as const),
    type: fc.constantFrom(AttributeType.Priority, AttributeType.Lifetime),
    value: fc.nat(0xffffffff),
  }),
  fc.record({
    kind: fc.constant('raw' as const),
    // Unknown types, comprehension-required and optional: they must be kept as they are.
    type: fc.constantFrom(0x7f01, 0xc0de, AttributeType.Data),
    value: fc.uint8Array({ maxLength: 64 }),
  }),
);

const message = fc.record({
  method: fc.nat(0xfff),
  cls: fc.constantFrom(
    StunClass.Request,
    StunClass.Indication,
    StunClass.SuccessResponse,
    StunClass.ErrorResponse,
  ),
  tid: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  ops: fc.array(op, { maxLength: 12 }),
  key: fc.uint8Array({ minLength: 1, maxLength: 32 }),
  sha256: fc.boolean(),
});

type GeneratedMessage = typeof message extends fc.Arbitrary<infer T> ? T : never;

function build(m: GeneratedMessage): Uint8Array {
  const w = new StunWriter(64).reset(m.method, m.cls, m.tid);
  for (const o of m.ops) {
    if (o.kind === 'xor') w.addXorAddress(o.type, o.address);
    else if (o.kind === 'addr') w.addAddress(o.type, o.address);
    else if (o.kind === 'text') w.addText(o.type, o.text);
    else if (o.kind === 'u32') w.addUint32(o.type, o.value);
    else w.add(o.type, o.value);
  }
  w.addMessageIntegrity(m.key);
  if (m.sha256) w.addMessageIntegritySha256(m.key);
  w.addFingerprint();
  return w.finishCopy();
}

describe('STUN parser properties', () => {
  it('random bytes: decoded or StunParseError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        decodeOrTypedError(bytes);
      }),
      RUNS,
    );
  });

  it('random attribute soup behind a valid header: decoded or StunParseError', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ maxLength: 160 }),
        (tid, body) => {
          const len = body.length & ~3;
          const bytes = new Uint8Array(20 + len);
          bytes.set([0x00, 0x01, len >> 8, len & 0xff, 0x21, 0x12, 0xa4, 0x42]);
          bytes.set(tid, 8);
          bytes.set(body.subarray(0, len), 20);
          decodeOrTypedError(bytes);
        },
      ),
      RUNS,
    );
  });

  it('round trip: what was written decodes back, integrity and fingerprint verify', () => {
    fc.assert(
      fc.property(message, (m) => {
        const bytes = build(m);
        const d = decodeStunMessage(bytes);
        expect(d.method).toBe(m.method);
        expect(d.messageClass).toBe(m.cls);
        expect(d.transactionId).toEqual(m.tid);
        const body = d.attributes.filter(
          (a) =>
            a.type !== AttributeType.MessageIntegrity &&
            a.type !== AttributeType.MessageIntegritySha256 &&
            a.type !== AttributeType.Fingerprint,
        );
        expect(body).toHaveLength(m.ops.length);
        m.ops.forEach((o, i) => {
          const a = body[i]!;
          expect(a.type).toBe(o.type);
          if (o.kind === 'raw') expect(a.value).toEqual(o.value);
          if (o.kind === 'text') expect(new TextDecoder().decode(a.value)).toBe(o.text);
        });
        const firstXor = m.ops.find((o) => o.kind === 'xor' && o.type === AttributeType.XorMappedAddress);
        if (firstXor?.kind === 'xor') expect(d.xorMappedAddress).toEqual(firstXor.address);
        const firstPlain = m.ops.find((o) => o.kind === 'addr' && o.type === AttributeType.MappedAddress);
        if (firstPlain?.kind === 'addr') expect(d.mappedAddress).toEqual(firstPlain.address);
        expect(d.unknownComprehensionRequired()).toEqual(
          m.ops.some((o) => o.type === 0x7f01) ? [0x7f01] : [],
        );
        expect(verifyMessageIntegrity(d, m.key)).toBe(true);
        expect(verifyMessageIntegritySha256(d, m.key)).toBe(m.sha256);
        expect(verifyFingerprint(d)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('any single-bit change is caught: parse error, or integrity/fingerprint fails', () => {
    fc.assert(
      fc.property(message, fc.nat(), fc.nat(7), (m, at, bit) => {
        const bytes = build(m);
        const i = at % bytes.length;
        bytes[i] = (bytes[i] as number) ^ (1 << bit);
        const d = decodeOrTypedError(bytes);
        if (d === undefined) return;
        // A flipped bit may also move where integrity sits; either way something must fail.
        expect(verifyMessageIntegrity(d, m.key) && verifyFingerprint(d)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('truncated and length-mangled messages are rejected with StunParseError only', () => {
    fc.assert(
      fc.property(message, fc.nat(), fc.nat(0xffff), (m, cut, len) => {
        const bytes = build(m);
        decodeOrTypedError(bytes.subarray(0, cut % bytes.length));
        const mangled = bytes.slice();
        mangled[2] = len >> 8;
        mangled[3] = len & 0xff;
        decodeOrTypedError(mangled);
      }),
      { numRuns: 1000 },
    );
  });

  it('size and attribute-count caps hold', () => {
    const w = new StunWriter().reset(1, StunClass.Request);
    for (let i = 0; i < 200; i++) w.addFlag(0x8100 + i);
    const many = w.finishCopy();
    expect(() => decodeStunMessage(many)).toThrow(expect.objectContaining({ code: 'TOO_MANY_ATTRIBUTES' }));
    const big = new StunWriter()
      .reset(1, StunClass.Request)
      .add(AttributeType.Data, new Uint8Array(9000))
      .finishCopy();
    expect(() => decodeStunMessage(big)).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
    expect(decodeStunMessage(big, { maxSize: 10_000 }).data).toHaveLength(9000);
  });
});

describe('address properties', () => {
  it('IPv4 and IPv6 bytes survive format and parse; the text is what node:net accepts', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ minLength: 4, maxLength: 4 }),
          fc.uint8Array({ minLength: 16, maxLength: 16 }),
        ),
        (b) => {
          const text = formatIp(b);
          expect(b.length === 4 ? isIPv4(text) : isIPv6(text)).toBe(true);
          expect(parseIp(text)).toEqual(b);
        },
      ),
      RUNS,
    );
  });

  it('formats IPv6 per RFC 5952', () => {
    expect(formatIp(parseIp('2001:0DB8:0000:0000:0001:0000:0000:0001'))).toBe('2001:db8::1:0:0:1');
    expect(formatIp(parseIp('1:0:2:0:3:0:4:0'))).toBe('1:0:2:0:3:0:4:0');
    expect(formatIp(parseIp('fe80::1%eth0'))).toBe('fe80::1');
    expect(formatIp(parseIp('::ffff:7f00:1'))).toBe('::ffff:127.0.0.1');
    expect(formatIp(parseIp('::'))).toBe('::');
    expect(formatIp(parseIp('::1'))).toBe('::1');
    expect(formatIp(parseIp('1::'))).toBe('1::');
    expect(formatIp(parseIp('1:0:0:2:0:0:0:3'))).toBe('1:0:0:2::3');
    expect(() => parseIp('not-an-ip')).toThrow(expect.objectContaining({ name: 'AddressParseError' }));
    expect(() => parseIp('1.2.3.256')).toThrow(expect.objectContaining({ code: 'BAD_ADDRESS' }));
  });
});

describe('ChannelData properties', () => {
  it('random bytes: decoded or StunParseError; stream framing likewise', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        for (const f of [() => decodeChannelData(bytes), () => streamFrameLength(bytes)]) {
          try {
            f();
          } catch (e) {
            if (!(e instanceof StunParseError)) throw e;
          }
        }
      }),
      RUNS,
    );
  });

  it('round trip, padded and not', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0x4000, max: 0x4fff }),
        fc.uint8Array({ maxLength: 300 }),
        fc.boolean(),
        (ch, data, padded) => {
          const bytes = encodeChannelData(ch, data, padded);
          expect(bytes.length % 4 === 0 || !padded).toBe(true);
          expect(streamFrameLength(bytes)).toBe((4 + data.length + 3) & ~3);
          const d = decodeChannelData(bytes);
          expect(d.channel).toBe(ch);
          expect(d.data).toEqual(data);
        },
      ),
      RUNS,
    );
  });
});
