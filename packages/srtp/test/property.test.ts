/**
 * Property tests (fast-check) for every parser and for unprotect: random and mutated input is
 * decoded or rejected with the package's typed error (parsers) or a typed failure (sessions),
 * never a stray TypeError/RangeError; what we encode decodes back to what was written; the replay
 * window and the index estimate agree with simple models.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeRtcp,
  decodeRtpPacket,
  encodeRtcp,
  encodeRtpPacket,
  estimateIndex,
  isSrtpFailure,
  ReplayWindow,
  type RtcpPacket,
  RtcpParseError,
  RtpParseError,
  RtpView,
  rtpHeaderLength,
  SequenceUnwrapper,
  SrtpSession,
  seqDiff,
} from '../src/index.js';
import { ALL_PROFILES, masterKeys, rtcpPacket, rtpPacket } from './support/packets.js';

const RUNS = { numRuns: 1000 };
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u8 = fc.integer({ min: 0, max: 0xff });
const bytes = (max: number) => fc.uint8Array({ maxLength: max });
const words = (max: number) =>
  fc.integer({ min: 0, max }).chain((n) => fc.uint8Array({ minLength: 4 * n, maxLength: 4 * n }));

function onlyTyped<E extends Error>(cls: new (...args: never[]) => E, f: () => void): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof cls)) throw e;
  }
}

/** An RTP packet with random header fields, mostly version 2, sometimes mutated. */
const rtpLike = fc.oneof(
  bytes(200),
  fc.tuple(bytes(200), u8).map(([b, first]) => {
    const out = Uint8Array.from([0x80 | (first & 0x3f), ...b]);
    return out;
  }),
);

describe('RTP parser', () => {
  it('decodes or throws RtpParseError on any bytes; rtpHeaderLength agrees', () => {
    fc.assert(
      fc.property(rtpLike, (b) => {
        let decoded = false;
        onlyTyped(RtpParseError, () => {
          const p = decodeRtpPacket(b);
          decoded = true;
          expect(p.header.headerLength + p.payload.length + p.header.paddingLength).toBe(b.length);
        });
        onlyTyped(RtpParseError, () => new RtpView(b).extension(1));
        if (decoded) expect(rtpHeaderLength(b)).toBeGreaterThanOrEqual(12);
      }),
      RUNS,
    );
  });

  const extension = fc.record({ id: fc.integer({ min: 1, max: 255 }), data: bytes(40) });
  const rtpInit = fc.record({
    marker: fc.boolean(),
    payloadType: fc.integer({ min: 0, max: 127 }),
    sequenceNumber: u16,
    timestamp: u32,
    ssrc: u32,
    csrcs: fc.array(u32, { maxLength: 15 }),
    extensions: fc.array(extension, { maxLength: 6 }),
    payload: bytes(300),
    paddingLength: fc.integer({ min: 0, max: 255 }),
  });

  it('round-trips what it encodes', () => {
    fc.assert(
      fc.property(rtpInit, (init) => {
        const p = decodeRtpPacket(encodeRtpPacket(init));
        expect(p.header).toMatchObject({
          marker: init.marker,
          payloadType: init.payloadType,
          sequenceNumber: init.sequenceNumber,
          timestamp: init.timestamp,
          ssrc: init.ssrc,
          csrcs: init.csrcs,
          paddingLength: init.paddingLength,
        });
        expect(p.header.extensions.map((e) => [e.id, [...e.data]])).toEqual(
          init.extensions.map((e) => [e.id, [...e.data]]),
        );
        expect([...p.payload]).toEqual([...init.payload]);
      }),
      RUNS,
    );
  });
});

describe('RTCP parser', () => {
  const report = fc.record({
    ssrc: u32,
    fractionLost: u8,
    cumulativeLost: fc.integer({ min: -0x800000, max: 0x7fffff }),
    highestSequence: u32,
    jitter: u32,
    lastSenderReport: u32,
    delaySinceLastSenderReport: u32,
  });
  const text = fc.string({ maxLength: 60 });
  const packet: fc.Arbitrary<RtcpPacket> = fc.oneof(
    fc.record({
      type: fc.constant('sr' as const),
      ssrc: u32,
      ntpTimestamp: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      rtpTimestamp: u32,
      packetCount: u32,
      octetCount: u32,
      reports: fc.array(report, { maxLength: 4 }),
      extension: words(3),
    }),
    fc.record({
      type: fc.constant('rr' as const),
      ssrc: u32,
      reports: fc.array(report, { maxLength: 4 }),
      extension: words(3),
    }),
    fc.record({
      type: fc.constant('sdes' as const),
      chunks: fc.array(
        fc.record({
          source: u32,
          items: fc.array(fc.record({ type: fc.integer({ min: 1, max: 255 }), text }), { maxLength: 4 }),
        }),
        { maxLength: 4 },
      ),
    }),
    fc.record({ type: fc.constant('bye' as const), sources: fc.array(u32, { maxLength: 5 }), reason: text }),
    fc.record({
      type: fc.constant('app' as const),
      subtype: fc.integer({ min: 0, max: 31 }),
      ssrc: u32,
      name: fc
        .string({ unit: 'binary-ascii', minLength: 4, maxLength: 4 })
        .filter((s) => /^[\x20-\x7e]{4}$/.test(s)),
      data: words(4),
    }),
    fc.record({
      type: fc.constant('nack' as const),
      senderSsrc: u32,
      mediaSsrc: u32,
      entries: fc.array(fc.record({ pid: u16, blp: u16 }), { maxLength: 6 }),
    }),
    fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 300 }).chain((statuses) =>
      fc.record({
        type: fc.constant('twcc' as const),
        senderSsrc: u32,
        mediaSsrc: u32,
        baseSequenceNumber: u16,
        referenceTime: fc.integer({ min: -0x800000, max: 0x7fffff }),
        feedbackPacketCount: u8,
        statuses: fc.constant(Uint8Array.from(statuses)),
        deltas: fc
          .tuple(
            ...statuses
              .filter((s) => s !== 0)
              .map((s) => (s === 1 ? u8 : fc.integer({ min: -32768, max: 32767 }))),
          )
          .map((d) => Int16Array.from(d)),
      }),
    ),
    fc.record({ type: fc.constant('pli' as const), senderSsrc: u32, mediaSsrc: u32 }),
    fc.record({
      type: fc.constant('fir' as const),
      senderSsrc: u32,
      mediaSsrc: u32,
      entries: fc.array(fc.record({ ssrc: u32, sequenceNumber: u8 }), { maxLength: 4 }),
    }),
    fc.record({
      type: fc.constant('remb' as const),
      senderSsrc: u32,
      mediaSsrc: u32,
      bitrate: fc
        .tuple(fc.integer({ min: 0, max: 0x3ffff }), fc.integer({ min: 0, max: 40 }))
        .map(([m, e]) => m * 2 ** e),
      ssrcs: fc.array(u32, { maxLength: 5 }),
    }),
    fc.record({
      type: fc.constant('raw' as const),
      packetType: fc.constantFrom(195, 207, 210),
      count: fc.integer({ min: 0, max: 31 }),
      body: words(5),
    }),
  );

  it('round-trips compound packets of every type', () => {
    fc.assert(
      fc.property(fc.array(packet, { minLength: 1, maxLength: 5 }), (packets) => {
        expect(decodeRtcp(encodeRtcp(packets))).toEqual(packets);
      }),
      RUNS,
    );
  });

  it('decodes or throws RtcpParseError on random and mutated bytes', () => {
    const mutated = fc
      .tuple(
        fc.array(packet, { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), u8), { minLength: 1, maxLength: 4 }),
      )
      .map(([packets, flips]) => {
        const b = encodeRtcp(packets);
        for (const [at, v] of flips) b[at % b.length] = v;
        return b;
      });
    const random = fc
      .tuple(u8, u8, bytes(120))
      .map(([c, pt, b]) => Uint8Array.from([0x80 | (c & 0x3f), 192 + (pt % 32), 0, b.length >> 2, ...b]));
    fc.assert(
      fc.property(fc.oneof(mutated, bytes(200), random), (b) => {
        onlyTyped(RtcpParseError, () => decodeRtcp(b));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('SRTP sessions on hostile input', () => {
  const sessions = ALL_PROFILES.map((profile) => {
    const a = masterKeys(profile, 1);
    const b = masterKeys(profile, 2);
    return {
      tx: new SrtpSession({ profile, keys: { local: a, remote: b } }),
      rx: new SrtpSession({ profile, keys: { local: b, remote: a } }),
    };
  });

  it('unprotect and unprotectRtcp never throw on random bytes and never accept them', () => {
    fc.assert(
      fc.property(fc.constantFrom(...sessions), fc.oneof(bytes(300), rtpLike), (s, b) => {
        expect(isSrtpFailure(s.rx.unprotect(b))).toBe(true);
        expect(isSrtpFailure(s.rx.unprotectRtcp(b))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('reject every mutation of a valid packet, with a typed failure', () => {
    let seq = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...sessions),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (s, flips, rtcp) => {
          seq++;
          const packet = (
            rtcp ? s.tx.protectRtcp(rtcpPacket(0x77)) : s.tx.protect(rtpPacket(seq, 0x77, seq % 200))
          ).slice();
          // Two flips of one byte can cancel (x ^ x = 0): then the packet is the valid one again
          // and is rightly accepted. Count only the positions left changed.
          const original = packet.slice();
          for (const [i, x] of flips) packet[i % packet.length] = (packet[i % packet.length] as number) ^ x;
          fc.pre(packet.some((b, i) => b !== original[i]));
          const r = rtcp ? s.rx.unprotectRtcp(packet) : s.rx.unprotect(packet);
          expect(isSrtpFailure(r)).toBe(true);
          if (isSrtpFailure(r)) expect(['MALFORMED', 'AUTH_FAILED', 'REPLAYED']).toContain(r.code);
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe('models', () => {
  it('the replay window agrees with a set of seen indices and a size limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 64, max: 300 }),
        fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 400 }),
        (size, indices) => {
          const w = new ReplayWindow(size);
          const seen = new Set<number>();
          let top = -1;
          for (const i of indices) {
            const expected = seen.has(i) ? 'duplicate' : top >= 0 && top - i >= size ? 'too-old' : 'fresh';
            const got = w.check(i);
            if (expected === 'duplicate' && top - i >= size) expect(got).toBe('too-old');
            else expect(got).toBe(expected);
            if (got === 'fresh') {
              w.accept(i);
              seen.add(i);
              top = Math.max(top, i);
            }
          }
        },
      ),
      RUNS,
    );
  });

  it('the index estimate recovers any index within 2^15 of the highest seen', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: -32767, max: 32767 }),
        (top, delta) => {
          const index = top + delta;
          fc.pre(index >= 0);
          expect(estimateIndex(top, index % 65536)).toBe(index);
        },
      ),
      RUNS,
    );
  });

  it('the unwrapper agrees with the true extended sequence under bounded reordering', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200_000 }),
        fc.array(fc.integer({ min: -1000, max: 3000 }), { maxLength: 200 }),
        (start, steps) => {
          const u = new SequenceUnwrapper();
          u.unwrap(start & 0xffff);
          let highest = start;
          for (const step of steps) {
            const truth = highest + step;
            const got = u.unwrap(truth & 0xffff);
            expect(got - (start & 0xffff)).toBe(truth - start);
            expect(seqDiff(truth & 0xffff, highest & 0xffff)).toBe(step);
            highest = Math.max(highest, truth);
          }
        },
      ),
      RUNS,
    );
  });
});
