/**
 * 64 MiB each way at once over a simulated path (1 Gbit/s, 10 ms RTT, 2 % reordering, 1 %
 * duplication) at 0 %, 1 % and 5 % random loss: every message arrives, in order, byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { bulkTransfer } from './support/bulk.js';
import { connect, makePair } from './support/pair.js';

const MiB = 1024 * 1024;

describe('bulk transfer on a lossy, reordering, duplicating link', () => {
  for (const loss of [0, 0.01, 0.05]) {
    it(`moves 64 MiB both ways byte-exact at ${loss * 100} % loss`, () => {
      const link = makePair({
        loss,
        reorder: 0.02,
        duplicate: 0.01,
        delay: 5,
        bandwidth: 1e9,
        queueBytes: 4 * MiB,
        seed: 1000 + loss * 1000,
      });
      connect(link, 'both');
      const r = bulkTransfer(link, { bytes: 64 * MiB, messageSize: 16 * 1024 });
      expect(r.mismatches).toBe(0);
      expect(r.outOfOrder).toBe(0);
      expect(r.received).toEqual({ a: 64 * MiB, b: 64 * MiB });
      if (loss > 0) expect(link.a.stats.retransmissions).toBeGreaterThan(0);
      expect(link.ab.stats.duplicated).toBeGreaterThan(0);
      expect(link.ab.stats.reordered).toBeGreaterThan(0);
    }, 120_000);
  }

  it('delivers unordered messages exactly once', () => {
    const link = makePair({ loss: 0.03, reorder: 0.05, duplicate: 0.02, delay: 5, seed: 42 });
    connect(link);
    const r = bulkTransfer(link, { bytes: 4 * MiB, messageSize: 5000, ordered: false, senders: ['a'] });
    expect(r.mismatches).toBe(0);
    expect(r.outOfOrder).toBe(0);
    expect(r.received.b).toBe(4 * MiB);
  });

  it('fragments and reassembles messages up to the maximum size', () => {
    const link = makePair({
      loss: 0.02,
      reorder: 0.05,
      delay: 10,
      seed: 9,
      options: { maxMessageSize: 256 * 1024, remoteMaxMessageSize: 256 * 1024 },
    });
    connect(link);
    const r = bulkTransfer(link, { bytes: 8 * MiB, messageSize: 256 * 1024 });
    expect(r.mismatches).toBe(0);
    expect(r.received).toEqual({ a: 8 * MiB, b: 8 * MiB });
  });
});
