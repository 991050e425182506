/**
 * Hostile input (fast-check): every decoder returns or throws SctpParseError, never anything
 * else; encoders and decoders round-trip; and a live association fed random packets (with a
 * valid checksum and verification tag, so that they reach the chunk handlers) never throws and
 * keeps working.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AssociationState,
  ChunkType,
  crc32c,
  decodeAbort,
  decodeCookieEcho,
  decodeData,
  decodeDcep,
  decodeError,
  decodeForwardTsn,
  decodeHeartbeat,
  decodeIncomingResetRequest,
  decodeInit,
  decodeInitAck,
  decodeOutgoingResetRequest,
  decodePacket,
  decodeReconfig,
  decodeReconfigResponse,
  decodeSack,
  decodeShutdown,
  encodeData,
  encodeForwardTsn,
  encodeSack,
  PacketBuilder,
  readInitParams,
  SctpParseError,
} from '../src/index.js';
import { bulkTransfer } from './support/bulk.js';
import { connect, eventsOf, makePair } from './support/pair.js';

const RUNS = { numRuns: 2000 };

function onlyTypedErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof SctpParseError)) throw e;
  }
}

/** A chunk with a consistent header around random content. */
const chunkArb = fc
  .record({
    type: fc.oneof(fc.constantFrom(...Object.values(ChunkType)), fc.integer({ min: 0, max: 255 })),
    flags: fc.integer({ min: 0, max: 255 }),
    body: fc.uint8Array({ maxLength: 120 }),
    lie: fc.option(fc.integer({ min: 0, max: 0xffff }), { freq: 5 }),
  })
  .map(({ type, flags, body, lie }) => {
    const b = new Uint8Array(4 + body.length + 3);
    b[0] = type;
    b[1] = flags;
    const len = lie ?? 4 + body.length;
    b[2] = len >>> 8;
    b[3] = len & 0xff;
    b.set(body, 4);
    return b.subarray(0, (4 + body.length + 3) & ~3);
  });

const decoders: [string, (b: Uint8Array, o: number, l: number) => unknown][] = [
  ['DATA', decodeData],
  ['INIT', (b, o, l) => readInitParams(decodeInit(b, o, l).params)],
  ['INIT ACK', (b, o, l) => readInitParams(decodeInitAck(b, o, l).params)],
  ['SACK', decodeSack],
  ['HEARTBEAT', decodeHeartbeat],
  ['ABORT', decodeAbort],
  ['ERROR', decodeError],
  ['SHUTDOWN', decodeShutdown],
  ['COOKIE ECHO', decodeCookieEcho],
  ['FORWARD TSN', decodeForwardTsn],
  [
    'RE-CONFIG',
    (b, o, l) =>
      decodeReconfig(b, o, l).params.map((p) => [
        decodeOutgoingResetRequest(p.value, 0),
        decodeIncomingResetRequest(p.value, 0),
        decodeReconfigResponse(p.value, 0),
      ]),
  ],
];

describe('decoders reject garbage with SctpParseError only', () => {
  it('packets', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, verify) => {
        onlyTypedErrors(() => decodePacket(bytes, verify));
      }),
      RUNS,
    );
  });

  for (const [name, decode] of decoders) {
    it(name, () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 4, maxLength: 200 }), (bytes) => {
          const len = Math.min(bytes.length, ((bytes[2] as number) << 8) | (bytes[3] as number));
          onlyTypedErrors(() => decode(bytes, 0, len));
          onlyTypedErrors(() => decode(bytes, 0, bytes.length));
        }),
        RUNS,
      );
    });
  }

  it('DCEP', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => onlyTypedErrors(() => decodeDcep(bytes))),
      RUNS,
    );
  });
});

describe('round trips', () => {
  it('CRC32c matches a bitwise reference at any offset', () => {
    const reference = (d: Uint8Array) => {
      let c = 0xffffffff;
      for (const x of d) {
        c ^= x;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      }
      return ~c >>> 0;
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(7), (d, shift) => {
        const buf = new Uint8Array(d.length + shift);
        buf.set(d, shift);
        expect(crc32c(buf.subarray(shift))).toBe(reference(d));
      }),
      { numRuns: 500 },
    );
  });

  it('DATA, SACK and FORWARD TSN', () => {
    fc.assert(
      fc.property(
        fc.record({
          flags: fc.integer({ min: 0, max: 15 }),
          tsn: fc.nat({ max: 0xffffffff }),
          streamId: fc.nat({ max: 0xffff }),
          ssn: fc.nat({ max: 0xffff }),
          ppid: fc.nat({ max: 0xffffffff }),
          userData: fc.uint8Array({ minLength: 1, maxLength: 64 }),
        }),
        fc.array(fc.record({ start: fc.integer({ min: 1, max: 100 }), len: fc.nat(50) }), { maxLength: 10 }),
        fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 5 }),
        (data, gaps, dups) => {
          const c = encodeData(data);
          expect(decodeData(c, 0, 16 + data.userData.length)).toEqual(data);
          const sack = {
            cumulativeTsnAck: data.tsn,
            arwnd: data.ppid,
            gapBlocks: gaps.map((g) => ({ start: g.start, end: g.start + g.len })),
            duplicates: dups,
          };
          const s = encodeSack(sack);
          expect(decodeSack(s, 0, s.length)).toEqual(sack);
          const f = {
            newCumulativeTsn: data.tsn,
            streams: dups.map((d) => ({ streamId: d & 0xffff, ssn: d >>> 16 })),
          };
          const e = encodeForwardTsn(f);
          expect(decodeForwardTsn(e, 0, e.length)).toEqual(f);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('a live association under fuzzed packets', () => {
  it('never throws, whatever reaches its chunk handlers', () => {
    const link = makePair({ delay: 5, seed: 77 });
    // Capture real packets on the wire to mutate, and the verification tag b expects.
    const captured: Uint8Array[] = [];
    let tagForB = 0;
    link.tap = (from, p) => {
      if (from === 'a') {
        tagForB = new DataView(p.buffer, p.byteOffset).getUint32(4);
        if (captured.length < 200) captured.push(p.slice());
      }
      return p;
    };
    connect(link);
    bulkTransfer(link, { bytes: 200_000, messageSize: 3000, senders: ['a'] });
    link.tap = undefined;
    const b = link.b;

    const packetArb = fc.oneof(
      // Random chunk soup with a valid header.
      fc.tuple(fc.array(chunkArb, { minLength: 1, maxLength: 6 }), fc.boolean()).map(([chunks, zeroTag]) => {
        const size = 12 + chunks.reduce((n, c) => n + c.length, 0);
        const pb = new PacketBuilder(size);
        pb.begin(5000, 5000, zeroTag ? 0 : tagForB);
        for (const c of chunks) pb.append(c);
        return pb.finish();
      }),
      // A captured packet with a few bytes changed, checksum fixed up.
      fc
        .tuple(
          fc.nat(captured.length - 1),
          fc.array(fc.tuple(fc.nat(2000), fc.nat(255)), { minLength: 1, maxLength: 4 }),
        )
        .map(([i, edits]) => {
          const p = (captured[i] as Uint8Array).slice();
          for (const [at, v] of edits) if (p.length > 12) p[12 + (at % (p.length - 12))] = v;
          p.fill(0, 8, 12);
          const c = crc32c(p);
          p[8] = c;
          p[9] = c >>> 8;
          p[10] = c >>> 16;
          p[11] = c >>> 24;
          return p;
        }),
      // Pure noise.
      fc.uint8Array({ maxLength: 200 }),
    );

    let now = link.now;
    fc.assert(
      fc.property(packetArb, (p) => {
        now += 1;
        b.handleInput(p, now);
        for (let i = 0; i < 50 && b.pollTransmit() !== undefined; i++) {}
        while (b.pollEvent() !== undefined) {}
        const t = b.pollTimeout();
        if (t !== undefined && t <= now) b.handleTimeout(now);
      }),
      { numRuns: 5000 },
    );
    expect(b.stats.packetsDropped + b.stats.chunksDropped).toBeGreaterThan(0);
    // Whatever the fuzz did (it may well have aborted the association), nothing was thrown.
    if (b.state === AssociationState.Established) {
      expect(eventsOf(link, 'b', 'closed')).toHaveLength(0);
    }
  });

  it('survives a far-away TSN and a huge FORWARD TSN without growing', () => {
    const link = makePair();
    const packets: Uint8Array[] = [];
    let tag = 0;
    link.tap = (from, p) => {
      if (from === 'a') tag = new DataView(p.buffer, p.byteOffset).getUint32(4);
      return p;
    };
    connect(link);
    const send = (chunk: Uint8Array) => {
      const pb = new PacketBuilder(12 + chunk.length);
      pb.begin(5000, 5000, tag);
      pb.append(chunk);
      const p = pb.finish();
      packets.push(p);
      link.b.handleInput(p, link.now);
    };
    const before = link.b.stats.receiveBufferUsed;
    for (let i = 0; i < 1000; i++) {
      send(
        encodeData({
          flags: 2,
          tsn: (0x80000000 + i * 7919) >>> 0,
          streamId: 1,
          ssn: i,
          ppid: 53,
          userData: new Uint8Array(1000),
        }),
      );
    }
    expect(link.b.stats.receiveBufferUsed).toBe(before);
    send(encodeForwardTsn({ newCumulativeTsn: 0x7fffffff, streams: [{ streamId: 0, ssn: 60000 }] }));
    link.advance(1000);
    expect(link.b.state).toBe(AssociationState.Established);
  });
});
