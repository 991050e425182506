/**
 * Every suite loads, its variants do equivalent work (check) and run: a few ops per case, one
 * trial per variant per scenario (which must leave no socket or timer behind). No timing.
 */
import { describe, expect, it } from 'vitest';
import { measureCase, measureScenario } from '../harness.js';
import { loadSuites } from '../load.js';

describe('benchmark suites', async () => {
  const suites = await loadSuites();

  it('finds the suites, with unique names', () => {
    expect(suites.map((s) => s.name)).toContain('stun');
    expect(suites.map((s) => s.name)).toContain('ice');
    expect(suites.map((s) => s.name)).toContain('peerconnection');
    expect(new Set(suites.map((s) => s.name)).size).toBe(suites.length);
  });

  for (const suite of suites) {
    for (const c of suite.cases) {
      it(`${suite.name} / ${c.name}`, () => {
        const r = measureCase(suite, c, { rounds: 2, warmupOps: 1, sampleOps: 3 });
        expect(r.ours.samples).toHaveLength(2);
        if (c.theirs !== undefined) expect(r.ratio?.median).toBeGreaterThan(0);
      });
    }
    for (const c of suite.scenarios ?? []) {
      // A scenario may run several libraries (peerconnection: four, and memory in child processes).
      it(`${suite.name} / ${c.name}`, { timeout: 180_000 }, async () => {
        const r = await measureScenario(suite, c, { rounds: 1, warmupTrials: 0 });
        expect(r.ours.samples).toHaveLength(1);
        expect(r.peers).toHaveLength((c.theirs === undefined ? 0 : 1) + (c.peers?.length ?? 0));
        // Memory of two pairs is within the process's own noise (RSS can even shrink between
        // the two readings), so a ratio of it may be 0, negative, infinite or 0/0: here only the
        // plumbing counts. Times and rates are positive whatever the machine.
        const sane = (x: number | undefined) =>
          c.unit === 'B' ? expect(typeof x).toBe('number') : expect(x).toBeGreaterThan(0);
        if (c.theirs !== undefined) sane(r.ratio?.median);
        for (const p of r.peers) sane(p.ratio.median);
        if (c.ceiling !== undefined) sane(r.ofCeiling?.median);
      });
    }
  }
});
