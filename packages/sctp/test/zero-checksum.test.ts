/**
 * Zero checksums (RFC 9653): the Zero Checksum Acceptable parameter's codec (§4), and on the
 * wire between two associations: who announces, who may send a zero checksum (§5.2), what a
 * receiver takes (§5.3).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AssociationState,
  ChunkType,
  decodeInit,
  decodeZeroChecksumAcceptable,
  Edmid,
  encodeData,
  encodeErrorCause,
  encodeForwardTsnSupported,
  encodeInit,
  encodeZeroChecksumAcceptable,
  PacketBuilder,
  ParamType,
  readChecksum,
  readInitParams,
  SctpAssociation,
  type SctpAssociationOptions,
  SctpParseError,
  UnknownParamAction,
  unknownParamAction,
  verifyChecksum,
  writeChecksum,
} from '../src/index.js';
import { chunkTypes } from './support/inspect.js';
import { connect, eventsOf, makePair, text } from './support/pair.js';
import type { Side, VirtualLink } from './support/virtual-link.js';

const ON: SctpAssociationOptions = { zeroChecksum: true };
const FIXED = { initiateTag: 7, arwnd: 65536, outboundStreams: 4, inboundStreams: 4, initialTsn: 1 };

/** What readInitParams makes of an INIT carrying `params`. */
function initParamsOf(params: Uint8Array[]) {
  const chunk = encodeInit(FIXED, params);
  return readInitParams(decodeInit(chunk, 0, (chunk[2] as number) * 256 + (chunk[3] as number)).params);
}

describe('Zero Checksum Acceptable parameter (RFC 9653 §4)', () => {
  it('is type 0x8001, length 8, then the EDMID', () => {
    expect(Array.from(encodeZeroChecksumAcceptable(Edmid.SctpOverDtls))).toEqual([
      0x80, 0x01, 0x00, 0x08, 0, 0, 0, 1,
    ]);
    expect(ParamType.ZeroChecksumAcceptable).toBe(0x8001);
    // An older peer skips it and goes on (RFC 9260 §3.2.1, upper bits 10).
    expect(unknownParamAction(0x8001)).toBe(UnknownParamAction.Skip);
  });

  it('round-trips any EDMID, and rejects any other length with SctpParseError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (edmid) => {
        const p = encodeZeroChecksumAcceptable(edmid);
        expect(decodeZeroChecksumAcceptable(p.subarray(4), 4)).toBe(edmid);
        expect(initParamsOf([p]).zeroChecksumEdmid).toBe(edmid);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (value) => {
        try {
          const edmid = decodeZeroChecksumAcceptable(value, 0);
          expect(value.length).toBe(4);
          expect(edmid).toBe(Buffer.from(value).readUInt32BE(0));
        } catch (e) {
          expect(e).toBeInstanceOf(SctpParseError);
          expect(value.length).not.toBe(4);
        }
      }),
    );
  });

  it('is read from INIT parameters; a malformed one is ignored and the rest still read', () => {
    expect(initParamsOf([encodeForwardTsnSupported()]).zeroChecksumEdmid).toBeUndefined();
    const wrongLength = encodeErrorCause(
      ParamType.ZeroChecksumAcceptable,
      Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 0),
    );
    const p = initParamsOf([wrongLength, encodeForwardTsnSupported()]);
    expect(p.zeroChecksumEdmid).toBeUndefined();
    expect(p.forwardTsnSupported).toBe(true);
    expect(p.unrecognized).toEqual([]);
    // Repeated: the first well-formed one counts.
    expect(
      initParamsOf([wrongLength, encodeZeroChecksumAcceptable(1), encodeZeroChecksumAcceptable(2)])
        .zeroChecksumEdmid,
    ).toBe(1);
  });
});

interface Wire {
  from: Side;
  types: number[];
  checksum: number;
  crcOk: boolean;
  established: boolean;
}

/** Records every packet on the link with its checksum, and whether the sender was established. */
function record(link: VirtualLink<SctpAssociation>): Wire[] {
  const wire: Wire[] = [];
  link.tap = (from, p) => {
    wire.push({
      from,
      types: chunkTypes(p),
      checksum: readChecksum(p),
      crcOk: verifyChecksum(p),
      established: link.endpoint(from).state === AssociationState.Established,
    });
    return p;
  };
  return wire;
}

/** Opens a negotiated channel on both sides and sends `n` messages each way. */
function exchange(link: VirtualLink<SctpAssociation>, n: number): void {
  link.a.createChannel({ negotiated: true, id: 1 }, link.now);
  link.b.createChannel({ negotiated: true, id: 1 }, link.now);
  for (let i = 0; i < n; i++) {
    link.a.send(1, `a${i}`, undefined, link.now);
    link.b.send(1, new Uint8Array(3000).fill(i), true, link.now);
  }
  link.run(
    () => eventsOf(link, 'a', 'message').length === n && eventsOf(link, 'b', 'message').length === n,
    link.now + 60_000,
  );
  expect(eventsOf(link, 'b', 'message').map((m) => text(m.data))).toEqual(
    Array.from({ length: n }, (_, i) => `a${i}`),
  );
  expect(eventsOf(link, 'a', 'message')).toHaveLength(n);
}

describe('zero checksums on the wire (RFC 9653 §5)', () => {
  for (const initiator of ['a', 'both'] as const) {
    it(`both announce (${initiator === 'a' ? 'a initiates' : 'INIT collision'}): zero checksums after the handshake, CRC32c on INIT and COOKIE ECHO`, () => {
      const link = makePair({ delay: 5, options: ON });
      const wire = record(link);
      connect(link, initiator);
      expect([link.a.zeroChecksum, link.b.zeroChecksum]).toEqual([true, true]);
      exchange(link, 20);
      const inits = wire.filter((w) => w.types[0] === ChunkType.Init);
      const echoes = wire.filter((w) => w.types[0] === ChunkType.CookieEcho);
      expect(inits.length).toBe(initiator === 'both' ? 2 : 1);
      expect(echoes.length).toBeGreaterThan(0);
      for (const w of [...inits, ...echoes]) expect([w.checksum !== 0, w.crcOk]).toEqual([true, true]);
      // The INIT ACK answers an INIT that announced: it may go with zero already.
      for (const w of wire.filter((x) => x.types[0] === ChunkType.InitAck)) expect(w.checksum).toBe(0);
      const after = wire.filter((w) => w.established);
      expect(after.filter((w) => w.types.includes(ChunkType.Data)).length).toBeGreaterThan(20);
      expect(after.filter((w) => w.types.includes(ChunkType.Sack)).length).toBeGreaterThan(0);
      for (const w of after) expect(w.checksum).toBe(0);
      expect([link.a.stats.packetsDropped, link.b.stats.packetsDropped]).toEqual([0, 0]);
    });
  }

  for (const off of ['a', 'b'] as const) {
    it(`one side off (${off}): real checksums both ways`, () => {
      const link = makePair({ delay: 5, options: ON, [off]: { zeroChecksum: false } });
      const wire = record(link);
      connect(link, 'both');
      expect([link.a.zeroChecksum, link.b.zeroChecksum]).toEqual([false, false]);
      exchange(link, 20);
      expect(wire.length).toBeGreaterThan(40);
      for (const w of wire) expect([w.checksum !== 0, w.crcOk]).toEqual([true, true]);
      expect([link.a.stats.packetsDropped, link.b.stats.packetsDropped]).toEqual([0, 0]);
    });
  }

  it('an announcing receiver still accepts packets with a correct CRC32c', () => {
    const link = makePair({ delay: 5, options: ON });
    connect(link);
    // b's zero-checksum packets get a real CRC32c on the way: a must take both kinds.
    let n = 0;
    let withCrc = 0;
    link.tap = (from, p) => {
      if (from === 'b' && readChecksum(p) === 0 && n++ % 2 === 0) {
        writeChecksum(p);
        withCrc++;
      }
      return p;
    };
    exchange(link, 20);
    expect(withCrc).toBeGreaterThan(5);
    expect(link.a.stats.packetsDropped).toBe(0);
  });

  it('a receiver that did not announce drops zero-checksum packets, and counts them', () => {
    const link = makePair({ delay: 5, a: ON });
    connect(link);
    const ch = link.a.createChannel({ negotiated: true, id: 1 }, link.now);
    link.b.createChannel({ negotiated: true, id: 1 }, link.now);
    // As if a had sent zero checksums without b's consent.
    let zeroed = 0;
    link.tap = (from, p) => {
      if (from === 'a') {
        p.fill(0, 8, 12);
        zeroed++;
      }
      return p;
    };
    const dropped = link.b.stats.packetsDropped;
    link.a.send(ch.id, 'lost', undefined, link.now);
    link.advance(500);
    expect(zeroed).toBeGreaterThan(0);
    expect(link.b.stats.packetsDropped - dropped).toBeGreaterThan(0);
    expect(eventsOf(link, 'b', 'message')).toEqual([]);
    // Real checksums again: the retransmission gets through.
    link.tap = undefined;
    link.run(() => eventsOf(link, 'b', 'message').length === 1, link.now + 10_000);
    expect(text(eventsOf(link, 'b', 'message')[0]?.data as Uint8Array)).toBe('lost');
    expect(link.b.stats.packetsDropped - dropped).toBe(zeroed);
  });

  it('drops a wrong non-zero checksum while zero checksums are in effect', () => {
    const link = makePair({ delay: 5, options: ON });
    connect(link);
    const ch = link.a.createChannel({ negotiated: true, id: 1 }, link.now);
    link.b.createChannel({ negotiated: true, id: 1 }, link.now);
    let corrupted = 0;
    link.tap = (from, p) => {
      if (from === 'a' && chunkTypes(p).includes(ChunkType.Data) && corrupted === 0) {
        expect(readChecksum(p)).toBe(0);
        p[8] = 0xde;
        corrupted++;
      }
      return p;
    };
    const dropped = link.b.stats.packetsDropped;
    link.a.send(ch.id, 'again', undefined, link.now);
    link.run(() => eventsOf(link, 'b', 'message').length === 1, link.now + 10_000);
    expect(corrupted).toBe(1);
    expect(link.b.stats.packetsDropped - dropped).toBe(1);
    expect(link.a.stats.retransmissions).toBeGreaterThan(0);
    expect(text(eventsOf(link, 'b', 'message')[0]?.data as Uint8Array)).toBe('again');
  });

  it('a receiver that announced still requires a CRC32c on INIT', () => {
    const b = new SctpAssociation({ ...ON, role: 'server' });
    const init = new PacketBuilder(200);
    init.begin(5000, 5000, 0);
    init.append(encodeInit(FIXED, [encodeZeroChecksumAcceptable(Edmid.SctpOverDtls)]));
    init.zeroChecksum = true; // ignored for INIT: the builder writes the CRC32c anyway
    const good = init.finish();
    expect(verifyChecksum(good)).toBe(true);
    const zeroed = good.slice();
    zeroed.fill(0, 8, 12);
    b.handleInput(zeroed, 0);
    expect(b.pollTransmit()).toBeUndefined();
    expect(b.stats.packetsDropped).toBe(1);
    b.handleInput(good, 0);
    const ack = b.pollTransmit() as Uint8Array;
    expect(chunkTypes(ack)).toEqual([ChunkType.InitAck]);
    expect(readChecksum(ack)).toBe(0); // the INIT announced EDMID 1
  });

  it('answers an out-of-the-blue packet with a real CRC32c, even one with a zero checksum', () => {
    const b = new SctpAssociation({ ...ON, role: 'server' });
    const data = new PacketBuilder(200);
    data.zeroChecksum = true;
    data.begin(5000, 5000, 1234);
    data.append(encodeData({ flags: 3, tsn: 1, streamId: 0, ssn: 0, ppid: 51, userData: Uint8Array.of(1) }));
    const p = data.finish();
    expect(readChecksum(p)).toBe(0);
    b.handleInput(p, 0);
    const abort = b.pollTransmit() as Uint8Array;
    expect(chunkTypes(abort)).toEqual([ChunkType.Abort]);
    expect([readChecksum(abort) !== 0, verifyChecksum(abort)]).toEqual([true, true]);
  });

  it('keeps zero checksums through data loss, reordering and an abort', () => {
    const link = makePair({ delay: 10, loss: 0.02, reorder: 0.02, seed: 3, options: ON });
    const wire = record(link);
    connect(link, 'both');
    exchange(link, 200);
    link.a.abort(link.now, 'done');
    link.advance(100);
    expect(eventsOf(link, 'b', 'closed')[0]?.reason).toBe('peer-abort');
    const aborts = wire.filter((w) => w.types[0] === ChunkType.Abort);
    expect(aborts.map((w) => w.checksum)).toEqual([0]);
    for (const w of wire.filter((x) => x.established)) expect(w.checksum).toBe(0);
  });

  it('leaves zero checksums off when the peer announces another method', () => {
    const b = new SctpAssociation({ ...ON, role: 'server' });
    const init = new PacketBuilder(200);
    init.begin(5000, 5000, 0);
    init.append(encodeInit(FIXED, [encodeZeroChecksumAcceptable(2)]));
    b.handleInput(init.finish(), 0);
    const ack = b.pollTransmit() as Uint8Array;
    expect(chunkTypes(ack)).toEqual([ChunkType.InitAck]);
    expect(verifyChecksum(ack)).toBe(true);
    expect(readChecksum(ack)).not.toBe(0);
  });
});
