/** Serial number arithmetic in practice: TSN and SSN wrap-around, and no dependence on the (random) initial TSN. */
import { describe, expect, it } from 'vitest';
import { bulkTransfer } from './support/bulk.js';
import { rng } from './support/link-core.mjs';
import { connect, eventsOf, makePair } from './support/pair.js';

const seeded = (seed: number) => {
  const r = rng(seed);
  return (out: Uint8Array) => {
    for (let i = 0; i < out.length; i++) out[i] = Math.floor(r() * 256);
  };
};

describe('serial numbers', () => {
  it('wraps TSNs (initial TSN 0xFFFFFFFF) and SSNs (70 000 messages on one stream) under loss', () => {
    const ones = (out: Uint8Array) => out.fill(0xff);
    const link = makePair({
      loss: 0.01,
      reorder: 0.02,
      duplicate: 0.01,
      delay: 5,
      seed: 3,
      options: { random: ones },
    });
    connect(link);
    const ch = link.a.createChannel({ negotiated: true, id: 0 }, link.now);
    link.b.createChannel({ negotiated: true, id: 0 }, link.now);
    const total = 70_000;
    let sent = 0;
    let next = 0;
    let bad = 0;
    link.onEvent = (side, e) => {
      if (side === 'b' && e.type === 'message') {
        if (new DataView(e.data.buffer, e.data.byteOffset).getUint32(0) !== next) bad++;
        next++;
      }
    };
    const feed = () => {
      while (sent < total && link.a.bufferedAmount(ch.id) < 100_000) {
        const m = new Uint8Array(40);
        new DataView(m.buffer).setUint32(0, sent++);
        link.a.send(ch.id, m, true, link.now);
      }
    };
    link.run(() => {
      feed();
      return next === total;
    }, link.now + 600_000);
    expect([next, bad]).toEqual([total, 0]);
    expect(link.a.stats.retransmissions).toBeGreaterThan(0);
    expect(eventsOf(link, 'b', 'closed')).toHaveLength(0);
  });

  it('behaves the same whatever the initial TSNs and tags are', () => {
    const runs = [1, 2, 3].map((seed) => {
      const link = makePair({
        loss: 0.01,
        reorder: 0.02,
        duplicate: 0.01,
        delay: 5,
        seed: 9,
        options: { random: seeded(seed) },
      });
      connect(link, 'both');
      const r = bulkTransfer(link, { bytes: 2 * 1024 * 1024, messageSize: 16 * 1024 });
      return [r.elapsed, link.a.stats.retransmissions, link.b.stats.retransmissions, link.a.stats.cwnd];
    });
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });
});
