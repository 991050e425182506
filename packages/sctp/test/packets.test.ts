/** What goes on the wire: unknown chunk types (RFC 9260 §3.2), delayed SACK (§6.2), bundling within the MTU (§6.10). */
import { describe, expect, it } from 'vitest';
import { ChunkType, encodeHeartbeat, PacketBuilder } from '../src/index.js';
import { bulkTransfer } from './support/bulk.js';
import { chunkTypes } from './support/inspect.js';
import { connect, makePair } from './support/pair.js';

function established() {
  const link = makePair({ delay: 10 });
  let tagForB = 0;
  link.tap = (from, p) => {
    if (from === 'a') tagForB = new DataView(p.buffer, p.byteOffset).getUint32(4);
    return p;
  };
  connect(link);
  link.tap = undefined;
  const toB = (...chunks: Uint8Array[]): number[][] => {
    const pb = new PacketBuilder(1200);
    pb.begin(5000, 5000, tagForB);
    for (const c of chunks) pb.append(c);
    link.b.handleInput(pb.finish(), link.now);
    const out: number[][] = [];
    for (let p = link.b.pollTransmit(); p !== undefined; p = link.b.pollTransmit()) out.push(chunkTypes(p));
    return out;
  };
  return { link, toB };
}

function unknown(type: number): Uint8Array {
  return Uint8Array.of(type, 0, 0, 8, 1, 2, 3, 4);
}

describe('unknown chunk types (RFC 9260 §3.2)', () => {
  const hb = encodeHeartbeat(Uint8Array.of(9, 9, 9, 9));
  const cases: [number, string, number[][]][] = [
    [0x3f, '00: stop, discard', []],
    [0x40, '01: stop, discard, report', [[ChunkType.Error]]],
    [0x80, '10: skip, continue', [[ChunkType.HeartbeatAck]]],
    [0xc1, '11: skip, continue, report', [[ChunkType.Error, ChunkType.HeartbeatAck]]],
  ];
  for (const [type, what, expected] of cases) {
    it(`0x${type.toString(16)} (${what})`, () => {
      const { toB } = established();
      expect(toB(unknown(type), hb)).toEqual(expected);
    });
  }
});

describe('delayed SACK (RFC 9260 §6.2)', () => {
  it('acknowledges a lone packet after the delay, every second packet at once', () => {
    const link = makePair({ delay: 10 });
    connect(link);
    const ch = link.a.createChannel({ negotiated: true, id: 0 }, link.now);
    link.b.createChannel({ negotiated: true, id: 0 }, link.now);
    link.advance(1000);
    const sacks: number[] = [];
    link.tap = (from, p) => {
      if (from === 'b' && chunkTypes(p).includes(ChunkType.Sack)) sacks.push(link.now);
      return p;
    };
    const t0 = link.now;
    link.a.send(ch.id, 'one', undefined, link.now);
    link.advance(1000);
    expect(sacks.map((t) => Math.round(t - t0))).toEqual([10 + 200]);
    sacks.length = 0;
    const t1 = link.now;
    link.a.send(ch.id, new Uint8Array(1100), true, link.now);
    link.a.send(ch.id, new Uint8Array(1100), true, link.now);
    link.advance(1000);
    expect(sacks.map((t) => Math.round(t - t1))).toEqual([10]);
  });
});

describe('bundling (RFC 9260 §6.10)', () => {
  it('never sends a packet larger than the MTU, and fills packets with small messages', () => {
    for (const mtu of [1200, 576]) {
      const link = makePair({ delay: 5, loss: 0.02, seed: 8, options: { mtu } });
      connect(link);
      let largest = 0;
      let dataPackets = 0;
      let dataChunks = 0;
      link.tap = (_from, p) => {
        largest = Math.max(largest, p.length);
        const types = chunkTypes(p).filter((t) => t === ChunkType.Data);
        if (types.length > 0) {
          dataPackets++;
          dataChunks += types.length;
        }
        return p;
      };
      bulkTransfer(link, { bytes: 200_000, messageSize: 100 });
      expect(largest).toBeLessThanOrEqual(mtu);
      // 100-byte messages: several per packet.
      expect(dataChunks / dataPackets).toBeGreaterThan(mtu === 1200 ? 5 : 2);
    }
  });
});
