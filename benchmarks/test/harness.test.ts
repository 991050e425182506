/** The harness's logic on a fake clock: medians, paired ratios, interleaving, the tables. No timing. */
import { describe, expect, it } from 'vitest';
import {
  type BenchCase,
  type CaseResult,
  formatRate,
  formatRatio,
  markdownTable,
  matches,
  measureCase,
  median,
  pairedRatios,
  quantile,
  renderResults,
  rotate,
  type Suite,
  spread,
  TABLE_HEADER,
  tableRows,
  textTable,
} from '../harness.js';

/** A clock that only moves when an op says so: op costs are exact, so rates are too. */
function fakeClock() {
  let t = 0;
  return {
    now: () => t,
    spend: (ms: number) => {
      t += ms;
    },
  };
}

describe('statistics', () => {
  it('median of odd and even lists, unsorted input left alone', () => {
    const list = [5, 1, 3];
    expect(median(list)).toBe(3);
    expect(list).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow(RangeError);
  });

  it('quantiles interpolate between order statistics', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([10, 0], 0)).toBe(0);
    expect(quantile([10, 0], 1)).toBe(10);
    expect(spread([1, 2, 3, 4, 5])).toEqual({ median: 3, q1: 2, q3: 4 });
  });

  it('paired ratios divide round by round', () => {
    expect(pairedRatios([10, 20, 30], [5, 10, 10])).toEqual([2, 2, 3]);
    expect(() => pairedRatios([1], [1, 2])).toThrow(RangeError);
  });

  it('rotate gives each variant every position', () => {
    expect(rotate(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(rotate(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(rotate(['a', 'b', 'c'], 5)).toEqual(['c', 'a', 'b']);
    expect(rotate([], 3)).toEqual([]);
  });
});

describe('measureCase', () => {
  const suite = (cases: BenchCase[]): Suite => ({ name: 'demo', theirs: 'them 1.0', cases });

  it('runs warmup and rounds with exact op counts, interleaved, and pairs the ratios', () => {
    const clock = fakeClock();
    const calls: string[] = [];
    let checked = 0;
    // ours: 1 ms per op (1000 ops/s); theirs: 4 ms (250 ops/s); ceiling: 0.5 ms (2000 ops/s).
    const c: BenchCase = {
      name: 'op',
      ours: () => {
        calls.push('o');
        clock.spend(1);
      },
      theirs: () => {
        calls.push('t');
        clock.spend(4);
      },
      ceiling: () => {
        calls.push('c');
        clock.spend(0.5);
      },
      check: () => {
        checked++;
      },
      note: 'a note',
    };
    const r = measureCase(suite([c]), c, { rounds: 3, warmupOps: 2, sampleOps: 5, now: clock.now });

    expect(checked).toBe(1);
    // Warmup: 2 of each in order; then round 0: o t c, round 1: t c o, round 2: c o t (5 ops each).
    const five = (s: string) => s.repeat(5);
    expect(calls.join('')).toBe(
      `oottcc${five('o')}${five('t')}${five('c')}${five('t')}${five('c')}${five('o')}${five('c')}${five('o')}${five('t')}`,
    );
    expect(r.suite).toBe('demo');
    expect(r.name).toBe('op');
    expect(r.theirsName).toBe('them 1.0');
    expect(r.note).toBe('a note');
    expect(r.ours).toEqual({ median: 1000, samples: [1000, 1000, 1000] });
    expect(r.theirs?.median).toBe(250);
    expect(r.ceiling?.median).toBe(2000);
    expect(r.ratio).toEqual({ median: 4, q1: 4, q3: 4 });
    expect(r.ofCeiling).toEqual({ median: 0.5, q1: 0.5, q3: 0.5 });
  });

  it('the ratio is the median of per-round ratios: a slow round slows both sides and cancels out', () => {
    const clock = fakeClock();
    let calls = 0;
    // Rounds run ours,theirs / theirs,ours / ours,theirs: calls 3 and 4 are round 1, made 10x slower.
    const cost = (ms: number) => () => {
      calls++;
      clock.spend(calls === 3 || calls === 4 ? ms * 10 : ms);
    };
    const c: BenchCase = { name: 'noisy', ours: cost(1), theirs: cost(2) };
    const r = measureCase(suite([c]), c, { rounds: 3, warmupOps: 0, sampleOps: 1, now: clock.now });
    expect(r.ours.samples).toEqual([1000, 100, 1000]);
    expect(r.theirs?.samples).toEqual([500, 50, 500]);
    expect(r.ratio).toEqual({ median: 2, q1: 2, q3: 2 });
    expect(r.ceiling).toBeUndefined();
    expect(r.ofCeiling).toBeUndefined();
  });

  it('a case without theirs reports ours alone; a failing check stops before timing', () => {
    const clock = fakeClock();
    const solo: BenchCase = { name: 'solo', ours: () => clock.spend(2) };
    const r = measureCase(suite([solo]), solo, { rounds: 1, warmupOps: 1, sampleOps: 4, now: clock.now });
    expect(r.ours.median).toBe(500);
    expect(r.theirs).toBeUndefined();
    expect(r.ratio).toBeUndefined();

    let ran = 0;
    const bad: BenchCase = {
      name: 'bad',
      ours: () => ran++,
      check: () => {
        throw new Error('not equivalent');
      },
    };
    expect(() => measureCase(suite([bad]), bad, { rounds: 1, sampleOps: 1 })).toThrow('not equivalent');
    expect(ran).toBe(0);
  });

  it('time-based sampling runs whole batches until the sample time has passed', () => {
    const clock = fakeClock();
    const c: BenchCase = { name: 'timed', ours: () => clock.spend(0.25) };
    const r = measureCase(suite([c]), c, { rounds: 2, warmupMs: 1, sampleMs: 10, now: clock.now });
    expect(r.ours.samples).toEqual([4000, 4000]);
  });

  it('rejects a bad round count', () => {
    const c: BenchCase = { name: 'x', ours: () => 0 };
    expect(() => measureCase(suite([c]), c, { rounds: 0, sampleOps: 1 })).toThrow(RangeError);
  });
});

describe('reporting', () => {
  const result = (over: Partial<CaseResult> = {}): CaseResult => ({
    suite: 'stun',
    name: 'build',
    theirsName: 'werift 0.25.2',
    note: 'what it does',
    ours: { median: 123_456, samples: [123_456] },
    theirs: { median: 45_678, samples: [45_678] },
    ceiling: { median: 1_234_567, samples: [1_234_567] },
    ratio: { median: 2.7027, q1: 2.5, q3: 2.91 },
    ofCeiling: { median: 0.1, q1: 0.09, q3: 0.11 },
    ...over,
  });

  it('formats rates and ratios', () => {
    expect(formatRate(999)).toBe('999');
    expect(formatRate(12.345)).toBe('12.3');
    expect(formatRate(1000)).toBe('1.00k');
    expect(formatRate(45_678)).toBe('45.7k');
    expect(formatRate(123_456)).toBe('123k');
    expect(formatRate(1_234_567)).toBe('1.23M');
    expect(formatRate(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(formatRatio({ median: 2.7027, q1: 2.5, q3: 2.91 })).toBe('2.70× (2.50–2.91)');
    expect(formatRatio(undefined)).toBe('–');
  });

  it('matches filters against suite/case, case-insensitively', () => {
    expect(matches('stun', 'build ICE', [])).toBe(true);
    expect(matches('stun', 'build ICE', ['STUN'])).toBe(true);
    expect(matches('stun', 'build ICE', ['stun/build'])).toBe(true);
    expect(matches('stun', 'build ICE', ['parse', 'ice'])).toBe(true);
    expect(matches('stun', 'build ICE', ['sctp'])).toBe(false);
  });

  it('table rows, with dashes where a variant is missing', () => {
    expect(tableRows([result()])).toEqual([
      ['stun', 'build', '123k', 'werift 0.25.2', '45.7k', '2.70× (2.50–2.91)', '1.23M', '0.10× (0.09–0.11)'],
    ]);
    const solo = result({ theirs: undefined, ratio: undefined, ceiling: undefined, ofCeiling: undefined });
    expect(tableRows([solo])[0]).toEqual(['stun', 'build', '123k', '–', '–', '–', '–', '–']);
  });

  it('markdown and text tables', () => {
    expect(markdownTable(['a', 'b'], [['1', 'x|y']])).toBe('| a | b |\n| --- | --- |\n| 1 | x\\|y |');
    expect(textTable(['a', 'long'], [['wide cell', '1']])).toBe(
      'a          long\n---------  ----\nwide cell  1',
    );
  });

  it('RESULTS.md carries the table, the notes and the machine', () => {
    const suite: Suite = { name: 'stun', theirs: 'werift 0.25.2', ceiling: 'bare HMAC', cases: [] };
    const md = renderResults(
      [result()],
      {
        date: '2030-01-01T00:00:00.000Z',
        runtime: 'node v20.0.0',
        platform: 'linux',
        cpu: 'Some CPU × 2',
        commit: 'abc1234',
        versions: { werift: '0.25.2' },
        options: '3 rounds',
      },
      [suite],
    );
    expect(md).toContain(`| ${TABLE_HEADER.join(' | ')} |`);
    expect(md).toContain(
      '| stun | build | 123k | werift 0.25.2 | 45.7k | 2.70× (2.50–2.91) | 1.23M | 0.10× (0.09–0.11) |',
    );
    expect(md).toContain('- stun, ceiling: bare HMAC');
    expect(md).toContain('- stun / build: what it does');
    expect(md).toContain('- date: 2030-01-01T00:00:00.000Z');
    expect(md).toContain('- cpu: Some CPU × 2');
    expect(md).toContain('- runtime: node v20.0.0');
    expect(md).toContain('- commit: abc1234');
    expect(md).toContain('- werift: 0.25.2');
    expect(md.endsWith('\n')).toBe(true);
  });
});
