/**
 * PR-SCTP (RFC 3758) through data channels: a tap drops chosen transmissions of chosen
 * messages, and exactly the messages whose allowance ran out are missing; the rest arrive in
 * order, and FORWARD TSN keeps the receiver from waiting for the missing ones.
 */
import { describe, expect, it } from 'vitest';
import type { SctpAssociation } from '../src/index.js';
import { dataChunks, messageSeq } from './support/inspect.js';
import { connect, eventsOf, makePair } from './support/pair.js';
import type { VirtualLink } from './support/virtual-link.js';

const SIZE = 1000; // one message per packet

function message(seq: number): Uint8Array {
  const m = new Uint8Array(SIZE).fill(seq & 0xff);
  new DataView(m.buffer).setUint32(0, seq);
  return m;
}

/** Drops the first `times` transmissions of each listed message on a→b. Returns the link. */
function dropping(link: VirtualLink<SctpAssociation>, plan: Map<number, number>): void {
  const seen = new Map<number, number>();
  // Transmissions are recognised by TSN: the first one of a message carries its sequence number.
  const tsnToSeq = new Map<number, number>();
  link.tap = (from, packet) => {
    if (from !== 'a') return packet;
    for (const d of dataChunks(packet)) {
      const seq = messageSeq(d) ?? tsnToSeq.get(d.tsn);
      if (seq === undefined) continue;
      tsnToSeq.set(d.tsn, seq);
      const n = (seen.get(seq) ?? 0) + 1;
      seen.set(seq, n);
      if (n <= (plan.get(seq) ?? 0)) return undefined;
    }
    return packet;
  };
}

function received(link: VirtualLink<SctpAssociation>): number[] {
  return eventsOf(link, 'b', 'message').map((e) =>
    new DataView(e.data.buffer, e.data.byteOffset).getUint32(0),
  );
}

function runChannel(
  init: { maxRetransmits?: number; maxPacketLifeTime?: number; ordered?: boolean },
  plan: Map<number, number>,
  count = 100,
  linkOptions = {},
): { got: number[]; link: VirtualLink<SctpAssociation> } {
  const link = makePair({ delay: 10, seed: 3, ...linkOptions });
  connect(link);
  const ch = link.a.createChannel({ negotiated: true, id: 0, ...init }, link.now);
  link.b.createChannel({ negotiated: true, id: 0, ...init }, link.now);
  dropping(link, plan);
  for (let i = 0; i < count; i++) link.a.send(ch.id, message(i), true, link.now);
  link.advance(30_000);
  return { got: received(link), link };
}

describe('partial reliability', () => {
  it('maxRetransmits 0: a message whose only transmission is lost is gone, the rest arrive in order', () => {
    const lost = [3, 4, 17, 50, 99];
    const { got, link } = runChannel({ maxRetransmits: 0 }, new Map(lost.map((s) => [s, 1])));
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i).filter((i) => !lost.includes(i)));
    expect(link.a.stats.abandonedMessages).toBe(lost.length);
    expect(link.a.stats.flightSize).toBe(0);
  });

  it('maxRetransmits 2: three lost transmissions lose the message, two do not', () => {
    const plan = new Map([
      [5, 3],
      [6, 2],
      [40, 1],
      [41, 3],
      [70, 2],
    ]);
    const { got, link } = runChannel({ maxRetransmits: 2 }, plan);
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i).filter((i) => i !== 5 && i !== 41));
    expect(link.a.stats.abandonedMessages).toBe(2);
  });

  it('unordered, maxRetransmits 1: exactly the twice-lost messages are missing', () => {
    const plan = new Map([
      [10, 2],
      [11, 1],
      [12, 2],
    ]);
    const { got } = runChannel({ maxRetransmits: 1, ordered: false }, plan);
    expect([...got].sort((x, y) => x - y)).toEqual(
      Array.from({ length: 100 }, (_, i) => i).filter((i) => i !== 10 && i !== 12),
    );
  });

  it('maxPacketLifeTime: a message that cannot get through in time is abandoned, others are not held up', () => {
    // Message 20 is dropped on every transmission; with a 300 ms lifetime it must be given up.
    const { got, link } = runChannel({ maxPacketLifeTime: 300 }, new Map([[20, 1000]]));
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i).filter((i) => i !== 20));
    expect(link.a.stats.abandonedMessages).toBe(1);
  });

  it('maxPacketLifeTime: messages that wait longer than their lifetime are never sent', () => {
    const link = makePair({ delay: 10, seed: 4 });
    connect(link);
    const ch = link.a.createChannel({ negotiated: true, id: 2, maxPacketLifeTime: 500 }, link.now);
    link.b.createChannel({ negotiated: true, id: 2, maxPacketLifeTime: 500 }, link.now);
    // The path is down: the first messages go out and are lost; the rest wait in the queue
    // longer than their lifetime and must never be sent.
    link.down.a = true;
    for (let i = 0; i < 200; i++) link.a.send(ch.id, message(i), true, link.now);
    link.advance(2000);
    const sentBefore = link.a.stats.dataChunksSent;
    link.down.a = false;
    for (let i = 200; i < 210; i++) link.a.send(ch.id, message(i), true, link.now);
    link.advance(30_000);
    expect(received(link)).toEqual(Array.from({ length: 10 }, (_, i) => 200 + i));
    expect(link.a.bufferedAmount(ch.id)).toBe(0);
    // Only the ten new messages went out after the outage (no expired one).
    expect(link.a.stats.dataChunksSent - sentBefore).toBe(10);
  });

  it('reliable channels lose nothing under the same drops', () => {
    const plan = new Map([
      [5, 3],
      [6, 2],
      [41, 4],
    ]);
    const { got } = runChannel({}, plan);
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('mixes reliable and partially reliable channels on one association', () => {
    const link = makePair({ delay: 10, seed: 5, loss: 0.1 });
    connect(link);
    const r = link.a.createChannel({ negotiated: true, id: 0 }, link.now);
    const u = link.a.createChannel({ negotiated: true, id: 2, maxRetransmits: 0, ordered: false }, link.now);
    link.b.createChannel({ negotiated: true, id: 0 }, link.now);
    link.b.createChannel({ negotiated: true, id: 2, maxRetransmits: 0, ordered: false }, link.now);
    for (let i = 0; i < 300; i++) {
      link.a.send(r.id, message(i), true, link.now);
      link.a.send(u.id, message(1000 + i), true, link.now);
    }
    link.advance(60_000);
    const byChannel = (id: number) =>
      eventsOf(link, 'b', 'message')
        .filter((e) => e.channelId === id)
        .map((e) => new DataView(e.data.buffer, e.data.byteOffset).getUint32(0));
    expect(byChannel(0)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    const unreliable = byChannel(2);
    expect(unreliable.length).toBeLessThan(300);
    expect(unreliable.length).toBeGreaterThan(200);
    expect(new Set(unreliable).size).toBe(unreliable.length);
  });
});
