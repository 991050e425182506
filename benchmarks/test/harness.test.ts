/** The harness's logic on a fake clock: medians, paired ratios, interleaving, the tables. No timing. */
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import {
  activeResources,
  type BenchCase,
  type CaseResult,
  caseTables,
  formatAdvantage,
  formatQuantity,
  formatRate,
  formatRatio,
  markdownTable,
  matches,
  measureCase,
  measureScenario,
  median,
  orientedRatios,
  pairedRatios,
  progressLine,
  quantile,
  ratioWords,
  renderResults,
  resourceGrowth,
  rotate,
  roundsFor,
  SCENARIO_HEADER,
  type ScenarioCase,
  type ScenarioResult,
  type Suite,
  scenarioRows,
  scenarioTables,
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
    peers: [
      {
        name: 'werift 0.25.2',
        result: { median: 45_678, samples: [45_678] },
        ratio: { median: 2.7027, q1: 2.5, q3: 2.91 },
        ratios: [2.7027],
      },
    ],
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
    // The ceiling of a suite with nothing in this run (a filtered run) is left out.
    const other: Suite = { name: 'sdp', theirs: 'werift 0.25.2', ceiling: 'bare split', cases: [] };
    const filtered = renderResults([result()], { date: 'd', runtime: 'r', platform: 'p', cpu: 'c' }, [
      suite,
      other,
    ]);
    expect(filtered).toContain('- stun, ceiling: bare HMAC');
    expect(filtered).not.toContain('bare split');
  });
});

describe('measureScenario', () => {
  const suite = (scenarios: ScenarioCase[]): Suite => ({
    name: 'demo',
    theirs: 'them 1.0',
    cases: [],
    scenarios,
  });

  /** A trial that records its call and returns the next scripted value. */
  const scripted = (calls: string[], tag: string, values: number[]) => {
    let i = 0;
    return async () => {
      calls.push(tag);
      await Promise.resolve();
      const v = values[i++ % values.length] as number;
      return v;
    };
  };

  it('runs check, warmup trials, then interleaved rounds with rotating order', async () => {
    const calls: string[] = [];
    let checked = 0;
    const c: ScenarioCase = {
      name: 'connect',
      unit: 'ms',
      better: 'lower',
      // warmup values come first in each script, then one value per round.
      ours: scripted(calls, 'o', [99, 10, 20, 10]),
      theirs: scripted(calls, 't', [99, 30, 40, 40]),
      ceiling: scripted(calls, 'c', [99, 1, 2, 1]),
      check: async () => {
        checked++;
      },
      note: 'a note',
    };
    const r = await measureScenario(suite([c]), c, { rounds: 3, warmupTrials: 1 });
    expect(checked).toBe(1);
    // Warmup: one of each in order; then rounds o t c, t c o, c o t.
    expect(calls.join('')).toBe('otc' + 'otc' + 'tco' + 'cot');
    expect(r.suite).toBe('demo');
    expect(r.name).toBe('connect');
    expect(r.theirsName).toBe('them 1.0');
    expect(r.note).toBe('a note');
    expect(r.unit).toBe('ms');
    expect(r.better).toBe('lower');
    expect(r.ours).toEqual({ median: 10, samples: [10, 20, 10] });
    expect(r.theirs).toEqual({ median: 40, samples: [30, 40, 40] });
    expect(r.ceiling?.median).toBe(1);
    // Lower is better: theirs_r / ours_r, so above 1 ours is faster. Rounds: 3, 2, 4.
    expect(r.ratios).toEqual([3, 2, 4]);
    expect(r.ratio).toEqual({ median: 3, q1: 2.5, q3: 3.5 });
    // ceiling_r / ours_r: 0.1, 0.1, 0.1.
    expect(r.ofCeiling?.median).toBeCloseTo(0.1);
  });

  it('orients ratios by which way is better', async () => {
    expect(orientedRatios([10, 20], [5, 40], 'higher')).toEqual([2, 0.5]);
    expect(orientedRatios([10, 20], [5, 40], 'lower')).toEqual([0.5, 2]);
    const c: ScenarioCase = {
      name: 'throughput',
      unit: 'MB/s',
      better: 'higher',
      ours: async () => 300,
      theirs: async () => 100,
    };
    const r = await measureScenario(suite([c]), c, { rounds: 2, warmupTrials: 0 });
    expect(r.ratio).toEqual({ median: 3, q1: 3, q3: 3 });
    expect(r.ceiling).toBeUndefined();
    expect(r.ofCeiling).toBeUndefined();
  });

  it('a scenario without theirs reports ours alone', async () => {
    const c: ScenarioCase = { name: 'solo', unit: 'B', better: 'lower', ours: async () => 512 };
    const r = await measureScenario(suite([c]), c, { rounds: 1, warmupTrials: 0 });
    expect(r.ours.samples).toEqual([512]);
    expect(r.theirs).toBeUndefined();
    expect(r.ratio).toBeUndefined();
    expect(r.ratios).toBeUndefined();
  });

  it('a failing check stops before any trial; bad values, bad options and hung trials fail the run', async () => {
    let ran = 0;
    const trial = async () => {
      ran++;
      return 1;
    };
    const bad: ScenarioCase = {
      name: 'bad',
      unit: 'ms',
      better: 'lower',
      ours: trial,
      check: async () => {
        throw new Error('not equivalent');
      },
    };
    await expect(measureScenario(suite([bad]), bad, { rounds: 1 })).rejects.toThrow('not equivalent');
    expect(ran).toBe(0);

    const nan: ScenarioCase = { name: 'nan', unit: 'ms', better: 'lower', ours: async () => Number.NaN };
    await expect(measureScenario(suite([nan]), nan, { rounds: 1, warmupTrials: 0 })).rejects.toThrow(
      'not a finite number',
    );

    const ok: ScenarioCase = { name: 'ok', unit: 'ms', better: 'lower', ours: trial };
    await expect(measureScenario(suite([ok]), ok, { rounds: 0 })).rejects.toThrow(RangeError);
    await expect(measureScenario(suite([ok]), ok, { rounds: 1, warmupTrials: -1 })).rejects.toThrow(
      RangeError,
    );

    const hung: ScenarioCase = {
      name: 'hung',
      unit: 'ms',
      better: 'lower',
      ours: () => new Promise<number>(() => {}),
    };
    await expect(
      measureScenario(suite([hung]), hung, { rounds: 1, warmupTrials: 0, trialTimeoutMs: 5 }),
    ).rejects.toThrow('demo / hung / ours: no result after 5 ms');
  });

  it('a trial that leaves a timer behind fails the leak check, unless it is off', async () => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const leaky: ScenarioCase = {
      name: 'leaky',
      unit: 'ms',
      better: 'lower',
      ours: async () => {
        timer ??= setInterval(() => {}, 60_000);
        return 1;
      },
    };
    try {
      await expect(measureScenario(suite([leaky]), leaky, { rounds: 1, warmupTrials: 0 })).rejects.toThrow(
        'demo / leaky / ours: a trial left Timeout +1 behind',
      );
      // Only the first trial of each variant is bracketed; off, the same trial passes.
      const r = await measureScenario(suite([leaky]), leaky, {
        rounds: 1,
        warmupTrials: 0,
        leakCheck: false,
      });
      expect(r.ours.samples).toEqual([1]);
    } finally {
      clearInterval(timer);
    }
  });

  it('sees a bound UDP socket under the name Node reports', async () => {
    const before = activeResources();
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    try {
      expect(resourceGrowth(before, activeResources())).toEqual(['UDPWrap +1']);
    } finally {
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    }
  });

  it('counts live resources and reports what grew', () => {
    expect(activeResources()).toBeInstanceOf(Map);
    const before = new Map([
      ['UDPWrap', 1],
      ['Timeout', 2],
    ]);
    const after = new Map([
      ['UDPWrap', 3],
      ['Timeout', 2],
      ['TCPSocketWrap', 1],
    ]);
    expect(resourceGrowth(before, after)).toEqual(['TCPSocketWrap +1', 'UDPWrap +2']);
    expect(resourceGrowth(after, before)).toEqual([]);
  });
});

describe('scenario reporting', () => {
  const scenario = (over: Partial<ScenarioResult> = {}): ScenarioResult => ({
    suite: 'ice',
    name: 'connect',
    theirsName: 'werift 0.25.2',
    note: 'what a trial does',
    unit: 'ms',
    better: 'lower',
    ours: { median: 8.6, samples: [8.6] },
    theirs: { median: 24.4, samples: [24.4] },
    ceiling: { median: 0.907, samples: [0.907] },
    ratio: { median: 2.5, q1: 2, q3: 4 },
    ratios: [2, 2.5, 4],
    ofCeiling: { median: 0.1, q1: 0.08, q3: 0.12 },
    peers: [
      {
        name: 'werift 0.25.2',
        result: { median: 24.4, samples: [24.4] },
        ratio: { median: 2.5, q1: 2, q3: 4 },
        ratios: [2, 2.5, 4],
      },
    ],
    ...over,
  });

  it('formats quantities with their unit', () => {
    expect(formatQuantity(8.6, 'ms')).toBe('8.60 ms');
    expect(formatQuantity(123.4, 'ms')).toBe('123 ms');
    expect(formatQuantity(765, 'B')).toBe('765 B');
    expect(formatQuantity(12_390, 'B')).toBe('12.1 KiB');
    expect(formatQuantity(3 * 2 ** 20, 'B')).toBe('3.00 MiB');
    expect(formatQuantity(1500, 'msg')).toBe('1.50k msg');
    expect(formatQuantity(Number.POSITIVE_INFINITY, 'ms')).toBe('Infinity ms');
  });

  it('words the ratio as what ours is', () => {
    expect(ratioWords('ms', 'lower')).toEqual(['faster', 'slower']);
    expect(ratioWords('B', 'lower')).toEqual(['smaller', 'larger']);
    // A rate (a unit per second) is faster when higher.
    expect(ratioWords('MiB/s', 'higher')).toEqual(['faster', 'slower']);
    expect(ratioWords('msg/s', 'lower')).toEqual(['slower', 'faster']);
    expect(ratioWords('msg', 'higher')).toEqual(['larger', 'smaller']);
    expect(formatAdvantage(scenario())).toBe('2.50× faster (2.00–4.00)');
    // Below 1: the inverse, computed from the per-round ratios, with the other word.
    const worse = scenario({ unit: 'B', ratio: spread([0.5, 0.8, 0.25]), ratios: [0.5, 0.8, 0.25] });
    expect(formatAdvantage(worse)).toBe('2.00× larger (1.63–3.00)');
    expect(formatAdvantage(scenario({ theirs: undefined, ratio: undefined, ratios: undefined }))).toBe('–');
  });

  it('scenario rows, with dashes where a variant is missing', () => {
    expect(scenarioRows([scenario()])).toEqual([
      [
        'ice',
        'connect',
        'ms, lower is better',
        '8.60 ms',
        'werift 0.25.2',
        '24.4 ms',
        '2.50× faster (2.00–4.00)',
        '0.907 ms',
        '0.10× (0.08–0.12)',
      ],
    ]);
    const solo = scenario({
      theirs: undefined,
      ratio: undefined,
      ratios: undefined,
      ceiling: undefined,
      ofCeiling: undefined,
    });
    expect(scenarioRows([solo])[0]).toEqual([
      'ice',
      'connect',
      'ms, lower is better',
      '8.60 ms',
      '–',
      '–',
      '–',
      '–',
      '–',
    ]);
  });

  it('RESULTS.md carries a second table for scenarios, and their notes', () => {
    const machine = { date: '2030-01-01T00:00:00.000Z', runtime: 'node', platform: 'linux', cpu: 'cpu' };
    const md = renderResults([], machine, [], [scenario()]);
    expect(md).not.toContain(`| ${TABLE_HEADER.join(' | ')} |`);
    expect(md).toContain('## Scenarios');
    expect(md).toContain(`| ${SCENARIO_HEADER.join(' | ')} |`);
    expect(md).toContain(
      '| ice | connect | ms, lower is better | 8.60 ms | werift 0.25.2 | 24.4 ms | 2.50× faster (2.00–4.00) | 0.907 ms | 0.10× (0.08–0.12) |',
    );
    expect(md).toContain('- ice / connect: what a trial does');
    // Without scenarios, no second table.
    expect(renderResults([], machine)).not.toContain('## Scenarios');
  });
});

describe('several peers', () => {
  const suite = (over: Partial<Suite> = {}): Suite => ({
    name: 'pc',
    theirs: 'werift 1',
    cases: [],
    ...over,
  });

  it('a case runs theirs and every peer in the rotation, one ratio each, theirs first', () => {
    const clock = fakeClock();
    const calls: string[] = [];
    const op = (tag: string, ms: number) => () => {
      calls.push(tag);
      clock.spend(ms);
    };
    // ours 1 ms (1000 ops/s), werift 4 ms, ndc 0.5 ms, wrtc 2 ms, ceiling 0.25 ms.
    const c: BenchCase = {
      name: 'op',
      ours: op('o', 1),
      theirs: op('t', 4),
      peers: [
        { name: 'ndc 2', run: op('n', 0.5) },
        { name: 'wrtc 3', run: op('w', 2) },
      ],
      ceiling: op('c', 0.25),
    };
    const r = measureCase(suite(), c, { rounds: 2, warmupOps: 1, sampleOps: 1, now: clock.now });
    expect(calls.join('')).toBe('otnwc' + 'otnwc' + 'tnwco');
    expect(r.peers.map((p) => [p.name, p.result.median, p.ratio.median])).toEqual([
      ['werift 1', 250, 4],
      ['ndc 2', 2000, 0.5],
      ['wrtc 3', 500, 2],
    ]);
    // The one-peer fields describe the first peer, as before.
    expect(r.theirsName).toBe('werift 1');
    expect(r.theirs?.median).toBe(250);
    expect(r.ratio?.median).toBe(4);
    expect(r.ofCeiling?.median).toBe(0.25);
  });

  it('a case with peers and no theirs: the first peer stands for theirs', () => {
    const clock = fakeClock();
    const c: BenchCase = {
      name: 'op',
      ours: () => clock.spend(1),
      peers: [{ name: 'ndc 2', run: () => clock.spend(2) }],
    };
    const r = measureCase(suite(), c, { rounds: 1, warmupOps: 0, sampleOps: 1, now: clock.now });
    expect(r.theirsName).toBe('ndc 2');
    expect(r.ratio?.median).toBe(2);
    expect(tableRows([r])[0]?.slice(3, 6)).toEqual(['ndc 2', '500', '2.00× (2.00–2.00)']);
  });

  it('two variants with one name are refused', () => {
    const c: BenchCase = {
      name: 'op',
      ours: () => 0,
      theirs: () => 0,
      peers: [{ name: 'werift 1', run: () => 0 }],
    };
    expect(() => measureCase(suite(), c, { rounds: 1, sampleOps: 1 })).toThrow(
      'two variants named "werift 1"',
    );
    const d: BenchCase = { name: 'op', ours: () => 0, peers: [{ name: 'ceiling', run: () => 0 }] };
    expect(() => measureCase(suite(), d, { rounds: 1, sampleOps: 1 })).toThrow(RangeError);
  });

  it('a scenario orients every peer ratio, runs its own share of rounds, caps warmup, passes the context', async () => {
    const calls: string[] = [];
    const contexts: boolean[] = [];
    const trial = (tag: string, value: number) => async (context: { quick: boolean }) => {
      calls.push(tag);
      contexts.push(context.quick);
      return value;
    };
    let checkedQuick: boolean | undefined;
    const c: ScenarioCase = {
      name: 'throughput',
      unit: 'MiB/s',
      better: 'higher',
      roundsScale: 1 / 7,
      warmupTrials: 0,
      ours: trial('o', 20),
      theirs: trial('t', 2),
      peers: [
        { name: 'ndc 2', run: trial('n', 40) },
        { name: 'wrtc 3', run: trial('w', 10) },
      ],
      check: (context) => {
        checkedQuick = context.quick;
      },
    };
    const r = await measureScenario(suite(), c, { rounds: 21, warmupTrials: 2, quick: true });
    // 21 / 7 = 3 rounds, no warmup: o t n w, t n w o, n w o t.
    expect(calls.join('')).toBe('otnw' + 'tnwo' + 'nwot');
    expect(checkedQuick).toBe(true);
    expect(contexts.every((q) => q)).toBe(true);
    expect(r.peers.map((p) => [p.name, p.ratio.median])).toEqual([
      ['werift 1', 10],
      ['ndc 2', 0.5],
      ['wrtc 3', 2],
    ]);
    expect(r.ratios).toEqual([10, 10, 10]);
  });

  it('roundsFor scales and rounds up, at least 1', () => {
    expect(roundsFor(21, undefined)).toBe(21);
    expect(roundsFor(21, 1 / 7)).toBe(3);
    expect(roundsFor(21, 1 / 3)).toBe(7);
    expect(roundsFor(5, 1 / 7)).toBe(1);
    expect(roundsFor(1, 0.01)).toBe(1);
    expect(() => roundsFor(21, 0)).toThrow(RangeError);
    expect(() => roundsFor(21, 2)).toThrow(RangeError);
  });

  it('a case may have a longer trial limit than the run', async () => {
    const slow: ScenarioCase = {
      name: 'slow',
      unit: 'ms',
      better: 'lower',
      trialTimeoutMs: 200,
      ours: () => new Promise((resolve) => setTimeout(() => resolve(1), 20)),
    };
    const r = await measureScenario(suite(), slow, { rounds: 1, warmupTrials: 0, trialTimeoutMs: 5 });
    expect(r.ours.samples).toEqual([1]);
  });

  const peerResult = (name: string, median: number, ratio: number) => ({
    name,
    result: { median, samples: [median] },
    ratio: { median: ratio, q1: ratio, q3: ratio },
    ratios: [ratio],
  });

  const pcScenario = (over: Partial<ScenarioResult> = {}): ScenarioResult => ({
    suite: 'pc',
    name: 'setup',
    theirsName: 'werift 1',
    note: undefined,
    unit: 'ms',
    better: 'lower',
    ours: { median: 40, samples: [40] },
    theirs: { median: 160, samples: [160] },
    ceiling: { median: 0.5, samples: [0.5] },
    ratio: { median: 4, q1: 4, q3: 4 },
    ratios: [4],
    ofCeiling: { median: 0.0125, q1: 0.0125, q3: 0.0125 },
    peers: [peerResult('werift 1', 160, 4), peerResult('ndc 2', 20, 0.5), peerResult('wrtc 3', 40, 1)],
    ...over,
  });

  it('rows with several peers get their own table: a value and a ratio column per peer', () => {
    const one: ScenarioResult = pcScenario({ suite: 'ice', peers: [peerResult('werift 1', 160, 4)] });
    const tables = scenarioTables([one, pcScenario(), pcScenario({ name: 'again' })]);
    expect(tables).toHaveLength(2);
    expect(tables[0]?.header).toEqual(SCENARIO_HEADER);
    expect(tables[0]?.rows).toHaveLength(1);
    expect(tables[1]?.header).toEqual([
      'suite',
      'scenario',
      'unit',
      'ours',
      'werift 1',
      'ours vs werift 1',
      'ndc 2',
      'ours vs ndc 2',
      'wrtc 3',
      'ours vs wrtc 3',
      'ceiling',
      'ours / ceiling',
    ]);
    expect(tables[1]?.rows[0]).toEqual([
      'pc',
      'setup',
      'ms, lower is better',
      '40.0 ms',
      '160 ms',
      '4.00× faster (4.00–4.00)',
      '20.0 ms',
      '2.00× slower (2.00–2.00)',
      '40.0 ms',
      '1.00× faster (1.00–1.00)',
      '0.500 ms',
      '0.01× (0.01–0.01)',
    ]);
    expect(tables[1]?.rows).toHaveLength(2);
    expect(progressLine(pcScenario())).toContain('ours vs ndc 2: 2.00× slower (2.00–2.00)');
    expect(progressLine(one)).toBe(scenarioRows([one])[0]?.slice(3).join('  '));
  });

  it('synchronous cases with several peers too; RESULTS.md carries every table', () => {
    const c: CaseResult = {
      suite: 'pc',
      name: 'op',
      theirsName: 'werift 1',
      note: 'a note',
      ours: { median: 1000, samples: [1000] },
      theirs: { median: 250, samples: [250] },
      ceiling: undefined,
      ratio: { median: 4, q1: 4, q3: 4 },
      ofCeiling: undefined,
      peers: [peerResult('werift 1', 250, 4), peerResult('ndc 2', 2000, 0.5)],
    };
    const [table] = caseTables([c]);
    expect(table?.header).toEqual([
      'suite',
      'case',
      'ours ops/s',
      'werift 1 ops/s',
      'ours / werift 1',
      'ndc 2 ops/s',
      'ours / ndc 2',
      'ceiling ops/s',
      'ours / ceiling',
    ]);
    expect(table?.rows[0]).toEqual([
      'pc',
      'op',
      '1.00k',
      '250',
      '4.00× (4.00–4.00)',
      '2.00k',
      '0.50× (0.50–0.50)',
      '–',
      '–',
    ]);
    const machine = { date: 'd', runtime: 'node', platform: 'linux', cpu: 'cpu' };
    const md = renderResults([c], machine, [], [pcScenario()]);
    expect(md).not.toContain(`| ${TABLE_HEADER.join(' | ')} |`);
    expect(md).toContain('| pc | op | 1.00k | 250 | 4.00× (4.00–4.00) | 2.00k | 0.50× (0.50–0.50) | – | – |');
    expect(md).toContain('| suite | scenario | unit | ours | werift 1 | ours vs werift 1 | ndc 2 |');
    expect(md).not.toContain(`| ${SCENARIO_HEADER.join(' | ')} |`);
    expect(textTable(table?.header ?? [], table?.rows ?? [])).toContain('ours / ndc 2');
  });
});
