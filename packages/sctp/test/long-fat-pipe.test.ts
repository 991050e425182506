/**
 * Throughput must not collapse with latency (virtual time, so these are protocol properties,
 * not machine speed): on a 100 Mbit/s path with a drop-tail queue of one BDP, slow start's
 * overshoot is repaired without a T3-rtx timeout or a spurious retransmission, and random loss
 * is repaired without halving the window.
 */
import { describe, expect, it } from 'vitest';
import { bulkTransfer } from './support/bulk.js';
import { connect, makePair } from './support/pair.js';

const MiB = 1024 * 1024;

function path(rtt: number, loss: number) {
  const bandwidth = 100e6;
  return {
    bandwidth,
    delay: rtt / 2,
    queueBytes: Math.max((bandwidth / 8) * (rtt / 1000), 64 * 1500),
    loss,
    seed: 5,
  };
}

describe('long fat pipes (100 Mbit/s)', () => {
  for (const rtt of [20, 50, 100]) {
    it(`keeps the link busy at ${rtt} ms RTT without loss`, () => {
      const link = makePair(path(rtt, 0));
      connect(link);
      const bytes = 16 * MiB;
      const r = bulkTransfer(link, { bytes, messageSize: 16 * 1024, senders: ['a'], queued: 4 * MiB });
      expect(r.mismatches).toBe(0);
      const goodput = (bytes * 8) / (r.elapsed / 1000) / 1e6;
      // 16 MiB includes slow start: at 100 ms that alone is ~0.8 s of the ~2 s.
      expect(goodput).toBeGreaterThan(rtt === 100 ? 55 : 75);
      const s = link.a.stats;
      expect(s.t3Expirations).toBe(0);
      // Every retransmission replaced a packet the queue dropped: none was spurious.
      expect(s.retransmissions).toBeLessThanOrEqual(link.ab.stats.queueDropped + link.ab.stats.lost);
      expect(link.b.stats.duplicateChunks).toBe(0);
    });

    it(`repairs 1 % random loss at ${rtt} ms RTT without collapsing`, () => {
      const link = makePair(path(rtt, 0.01));
      connect(link);
      const bytes = 16 * MiB;
      const r = bulkTransfer(link, { bytes, messageSize: 16 * 1024, senders: ['a'], queued: 4 * MiB });
      expect(r.mismatches).toBe(0);
      const goodput = (bytes * 8) / (r.elapsed / 1000) / 1e6;
      // Reno would be held to ~1.2/2.3/5.7 Mbit/s here (Mathis et al.).
      expect(goodput).toBeGreaterThan(25);
      expect(link.a.stats.t3Expirations).toBe(0);
    });
  }

  it("with congestionControl 'reno', every loss halves the window (RFC 9260 §7.2)", () => {
    const link = makePair({ ...path(50, 0.01), options: { congestionControl: 'reno' } });
    connect(link);
    const r = bulkTransfer(link, { bytes: 2 * MiB, messageSize: 16 * 1024, senders: ['a'] });
    expect(r.mismatches).toBe(0);
    expect(link.a.stats.randomLosses).toBe(0);
    expect(link.a.stats.fastRecoveries).toBeGreaterThan(5);
    const goodput = (2 * MiB * 8) / (r.elapsed / 1000) / 1e6;
    expect(goodput).toBeLessThan(10);
  });

  it('falls back to halving when loss is heavy (5 %): congestion-like loss is treated as congestion', () => {
    const link = makePair(path(50, 0.05));
    connect(link);
    const r = bulkTransfer(link, { bytes: 4 * MiB, messageSize: 16 * 1024, senders: ['a'] });
    expect(r.mismatches).toBe(0);
    expect(link.a.stats.fastRecoveries).toBeGreaterThanOrEqual(3);
    // Held far below the path's BDP (625 kB) once the loss rate says congestion.
    expect(link.a.stats.cwnd).toBeLessThan(150_000);
  });
});
