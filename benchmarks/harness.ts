/**
 * A small side-by-side benchmark harness. Machines are shared and noisy, so one absolute time
 * means little; what holds up is a ratio measured in the same process, in the same minute:
 *
 * - Each case has up to three variants: `ours`, `theirs` (the same work done by the peer we
 *   compare against) and `ceiling` (the unavoidable core of the work, e.g. the bare HMAC).
 * - After a warmup, the variants run in interleaved rounds: one sample of each per round, the
 *   order rotating from round to round so no variant always runs first (or always after another
 *   one's garbage).
 * - A sample runs one variant for a fixed time (or a fixed op count) and yields ops/s.
 * - We report the median ops/s of each variant and the median of the per-round ratios
 *   (ours_r / theirs_r), with its interquartile range as a noise indicator: a slow minute slows
 *   both sides of a round, so the paired ratio is steadier than a ratio of medians.
 *
 * A second kind of case, `ScenarioCase`, measures asynchronous scenarios (two ICE agents
 * connecting on loopback, the memory of N idle agents): one trial of a variant returns one
 * measured quantity in a stated unit (ms, bytes), lower or higher being better. Trials of the
 * variants are interleaved the same way (ours, theirs, ours, theirs..., the order rotating), and
 * the ratio is again the median of per-round ratios, oriented so that above 1× ours is better.
 */

/** One operation: build one message, parse one message... Its result goes to a sink. */
export type Op = () => unknown;

export interface BenchCase {
  /** What one op is, e.g. "build ICE Binding request". */
  readonly name: string;
  readonly ours: Op;
  /** The same work done by the library we compare against. */
  readonly theirs?: Op;
  /** The irreducible core of the work (an upper bound for any implementation built on it). */
  readonly ceiling?: Op;
  /** Runs once before timing; throws if the variants do not do equivalent, correct work. */
  readonly check?: () => void;
  /** One line for RESULTS.md: what exactly is measured. */
  readonly note?: string;
}

export interface Suite {
  /** Short name, used as the first column and by the `run.ts` filter. */
  readonly name: string;
  /** Who `theirs` is, e.g. "werift 0.25.2". */
  readonly theirs: string;
  /** What `ceiling` is, for the notes under the table. */
  readonly ceiling?: string;
  readonly cases: readonly BenchCase[];
  /** Asynchronous scenarios, reported in their own table. */
  readonly scenarios?: readonly ScenarioCase[];
}

/** One trial of a scenario: runs it once, cleans up after itself, returns the measured quantity. */
export type Trial = () => Promise<number>;

/** Whether a smaller or a larger measured quantity is the better one. */
export type Better = 'lower' | 'higher';

export interface ScenarioCase {
  /** What one trial is, e.g. "connect two agents on loopback". */
  readonly name: string;
  /** Unit of what a trial returns: 'ms', 'B'... (see `formatQuantity`). */
  readonly unit: string;
  /** Time and memory: 'lower'. The reported ratio is oriented so that above 1× ours is better. */
  readonly better: Better;
  readonly ours: Trial;
  /** The same scenario run by the library we compare against. */
  readonly theirs?: Trial;
  /** The irreducible core of the scenario (bare sockets...): a bound for any implementation. */
  readonly ceiling?: Trial;
  /** Runs once before any trial; throws (or rejects) if the variants do not do equivalent work. */
  readonly check?: () => void | Promise<void>;
  /** One line for RESULTS.md: what exactly is measured, on each side. */
  readonly note?: string;
}

export interface HarnessOptions {
  /** Samples per variant; the median is reported (default 15). */
  readonly rounds?: number;
  /** A sample runs for at least this many ms (default 100)... */
  readonly sampleMs?: number;
  /** ...or exactly this many ops when set (deterministic; for tests). */
  readonly sampleOps?: number;
  /** Warmup per variant before the first round, in ms (default 250)... */
  readonly warmupMs?: number;
  /** ...or in ops when set. */
  readonly warmupOps?: number;
  /** Clock in ms (default performance.now); injectable for tests. */
  readonly now?: () => number;
  /** Scenarios: unmeasured trials of each variant before the rounds (default 2). */
  readonly warmupTrials?: number;
  /** Scenarios: a trial that has not settled after this many ms fails the run (default 30000). */
  readonly trialTimeoutMs?: number;
  /**
   * Scenarios: fail when the first trial of a variant leaves sockets or timers behind (compared
   * through `process.getActiveResourcesInfo()`; default true).
   */
  readonly leakCheck?: boolean;
}

export type Variant = 'ours' | 'theirs' | 'ceiling';

export interface VariantResult {
  /** Median ops/s over the rounds. */
  readonly median: number;
  /** Ops/s of each round, in round order. */
  readonly samples: readonly number[];
}

/** A ratio's median with its interquartile range. */
export interface Spread {
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
}

export interface CaseResult {
  readonly suite: string;
  readonly name: string;
  readonly theirsName: string;
  readonly note: string | undefined;
  readonly ours: VariantResult;
  readonly theirs: VariantResult | undefined;
  readonly ceiling: VariantResult | undefined;
  /** ours / theirs, paired per round. Above 1: we are faster. */
  readonly ratio: Spread | undefined;
  /** ours / ceiling, paired per round: how close we are to the bare core of the work. */
  readonly ofCeiling: Spread | undefined;
}

export interface ScenarioResult {
  readonly suite: string;
  readonly name: string;
  readonly theirsName: string;
  readonly note: string | undefined;
  readonly unit: string;
  readonly better: Better;
  /** Median and per-round values of the measured quantity (ms, bytes...). */
  readonly ours: VariantResult;
  readonly theirs: VariantResult | undefined;
  readonly ceiling: VariantResult | undefined;
  /**
   * Ours against theirs, paired per round and oriented: theirs_r / ours_r when lower is better,
   * ours_r / theirs_r when higher is. Above 1: ours is better (faster, smaller...).
   */
  readonly ratio: Spread | undefined;
  /** The per-round oriented ratios behind `ratio`. */
  readonly ratios: readonly number[] | undefined;
  /** Ours against the ceiling, oriented the same way (at most about 1). */
  readonly ofCeiling: Spread | undefined;
}

/** Written by every op so that no result is dead code. */
export let sink: unknown;

/** Quantile with linear interpolation between order statistics (R type 7); `q` in [0, 1]. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError('quantile of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), q1: quantile(values, 0.25), q3: quantile(values, 0.75) };
}

/** Per-round ratios a_r / b_r of two equally long sample lists. */
export function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new RangeError(`paired lists differ in length: ${a.length}, ${b.length}`);
  return a.map((x, i) => x / (b[i] as number));
}

function opsPerSecond(ops: number, ms: number): number {
  return ms > 0 ? (ops * 1000) / ms : Number.POSITIVE_INFINITY;
}

/** Runs `op` `count` times; returns the elapsed ms. */
function runOps(op: Op, count: number, now: () => number): number {
  const start = now();
  for (let i = 0; i < count; i++) sink = op();
  return now() - start;
}

/**
 * Runs `op` in batches of `batch` until `ms` have passed; returns [ops, elapsed ms]. The clock is
 * read once per batch so that reading it costs little next to the ops.
 */
function runFor(op: Op, ms: number, batch: number, now: () => number): [number, number] {
  const start = now();
  let ops = 0;
  let elapsed = 0;
  do {
    for (let i = 0; i < batch; i++) sink = op();
    ops += batch;
    elapsed = now() - start;
  } while (elapsed < ms);
  return [ops, elapsed];
}

/** Batch size so that one batch takes about `targetMs`. */
function calibrate(op: Op, now: () => number, targetMs = 0.5): number {
  let batch = 1;
  for (;;) {
    const ms = runOps(op, batch, now);
    if (ms >= targetMs || batch >= 1 << 20) {
      return Math.max(1, Math.round((batch * targetMs) / Math.max(ms, 1e-6)));
    }
    batch *= 2;
  }
}

/** Rotation `r` of `items`: round 0 is A,B,C; round 1 is B,C,A; round 2 is C,A,B... */
export function rotate<T>(items: readonly T[], r: number): T[] {
  const k = items.length === 0 ? 0 : r % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** Measures one case: warmup, then interleaved rounds of all its variants. */
export function measureCase(suite: Suite, c: BenchCase, options: HarnessOptions = {}): CaseResult {
  const rounds = options.rounds ?? 15;
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be a positive integer`);
  const now = options.now ?? (() => performance.now());
  c.check?.();

  const variants: [Variant, Op][] = [['ours', c.ours]];
  if (c.theirs !== undefined) variants.push(['theirs', c.theirs]);
  if (c.ceiling !== undefined) variants.push(['ceiling', c.ceiling]);

  const batches = new Map<Variant, number>();
  for (const [v, op] of variants) {
    if (options.warmupOps !== undefined) runOps(op, options.warmupOps, now);
    else runFor(op, options.warmupMs ?? 250, 1, now);
    if (options.sampleOps === undefined) batches.set(v, calibrate(op, now));
  }

  const samples = new Map<Variant, number[]>(variants.map(([v]) => [v, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [v, op] of rotate(variants, r)) {
      const list = samples.get(v) as number[];
      if (options.sampleOps !== undefined) {
        list.push(opsPerSecond(options.sampleOps, runOps(op, options.sampleOps, now)));
      } else {
        const [ops, ms] = runFor(op, options.sampleMs ?? 100, batches.get(v) ?? 1, now);
        list.push(opsPerSecond(ops, ms));
      }
    }
  }

  const result = (v: Variant): VariantResult | undefined => {
    const list = samples.get(v);
    return list === undefined ? undefined : { median: median(list), samples: list };
  };
  const ours = result('ours') as VariantResult;
  const theirs = result('theirs');
  const ceiling = result('ceiling');
  return {
    suite: suite.name,
    name: c.name,
    theirsName: suite.theirs,
    note: c.note,
    ours,
    theirs,
    ceiling,
    ratio: theirs && spread(pairedRatios(ours.samples, theirs.samples)),
    ofCeiling: ceiling && spread(pairedRatios(ours.samples, ceiling.samples)),
  };
}

/**
 * Per-round ratios oriented so that above 1 `a` is better: a_r / b_r when higher is better,
 * b_r / a_r when lower is.
 */
export function orientedRatios(a: readonly number[], b: readonly number[], better: Better): number[] {
  return better === 'higher' ? pairedRatios(a, b) : pairedRatios(b, a);
}

/** Counts of the live handles that a trial must not leave behind: sockets, servers, timers. */
const TRACKED_RESOURCES = new Set(['UDPWRAP', 'TCPWRAP', 'TCPSERVERWRAP', 'TLSWRAP', 'PIPEWRAP', 'Timeout']);

export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) {
    if (TRACKED_RESOURCES.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

/** What `after` holds beyond `before`, e.g. ["UDPWRAP +2"]; empty when nothing grew. */
export function resourceGrowth(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): string[] {
  const grown: string[] = [];
  for (const [type, n] of after) {
    const extra = n - (before.get(type) ?? 0);
    if (extra > 0) grown.push(`${type} +${extra}`);
  }
  return grown.sort();
}

/** Lets closed handles finish closing (their callbacks run on the next turns of the loop). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

async function runTrial(trial: Trial, label: string, timeoutMs: number): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: no result after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const value = await Promise.race([trial(), timeout]);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`${label}: a trial returned ${String(value)}, not a finite number`);
    }
    return value;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Measures one scenario: `check()`, warmup trials, then `rounds` interleaved rounds of one trial
 * per variant, the order rotating from round to round. Trials run one at a time.
 */
export async function measureScenario(
  suite: Suite,
  c: ScenarioCase,
  options: HarnessOptions = {},
): Promise<ScenarioResult> {
  const rounds = options.rounds ?? 15;
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be a positive integer`);
  const warmup = options.warmupTrials ?? 2;
  if (!Number.isInteger(warmup) || warmup < 0) throw new RangeError(`warmupTrials must be a whole number`);
  const timeoutMs = options.trialTimeoutMs ?? 30_000;
  const leakCheck = options.leakCheck ?? true;
  await c.check?.();

  const variants: [Variant, Trial][] = [['ours', c.ours]];
  if (c.theirs !== undefined) variants.push(['theirs', c.theirs]);
  if (c.ceiling !== undefined) variants.push(['ceiling', c.ceiling]);

  const checked = new Set<Variant>();
  const run = async (v: Variant, trial: Trial): Promise<number> => {
    const label = `${suite.name} / ${c.name} / ${v}`;
    if (!leakCheck || checked.has(v)) return runTrial(trial, label, timeoutMs);
    checked.add(v);
    await settle();
    const before = activeResources();
    const value = await runTrial(trial, label, timeoutMs);
    await settle();
    const grown = resourceGrowth(before, activeResources());
    if (grown.length > 0) throw new Error(`${label}: a trial left ${grown.join(', ')} behind`);
    return value;
  };

  for (const [v, trial] of variants) {
    for (let i = 0; i < warmup; i++) await run(v, trial);
  }
  const samples = new Map<Variant, number[]>(variants.map(([v]) => [v, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [v, trial] of rotate(variants, r)) (samples.get(v) as number[]).push(await run(v, trial));
  }

  const result = (v: Variant): VariantResult | undefined => {
    const list = samples.get(v);
    return list === undefined ? undefined : { median: median(list), samples: list };
  };
  const ours = result('ours') as VariantResult;
  const theirs = result('theirs');
  const ceiling = result('ceiling');
  const ratios = theirs && orientedRatios(ours.samples, theirs.samples, c.better);
  return {
    suite: suite.name,
    name: c.name,
    theirsName: suite.theirs,
    note: c.note,
    unit: c.unit,
    better: c.better,
    ours,
    theirs,
    ceiling,
    ratio: ratios && spread(ratios),
    ratios,
    ofCeiling: ceiling && spread(orientedRatios(ours.samples, ceiling.samples, c.better)),
  };
}

/** Case selection: no filter runs all; otherwise a case runs if "suite/case" contains any filter. */
export function matches(suite: string, name: string, filters: readonly string[]): boolean {
  if (filters.length === 0) return true;
  const id = `${suite}/${name}`.toLowerCase();
  return filters.some((f) => id.includes(f.toLowerCase()));
}

// ---------------------------------------------------------------------------------------------
// Reporting

/** 3 significant digits with a k/M/G suffix: 1234567 -> "1.23M". */
export function formatRate(opsPerSec: number): string {
  if (!Number.isFinite(opsPerSec)) return String(opsPerSec);
  const units: [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [scale, suffix] of units) {
    if (Math.abs(opsPerSec) >= scale) return `${trim3(opsPerSec / scale)}${suffix}`;
  }
  return trim3(opsPerSec);
}

function trim3(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

/** "2.31× (2.20–2.40)": the median ratio and its interquartile range. */
export function formatRatio(s: Spread | undefined): string {
  if (s === undefined) return '–';
  return `${s.median.toFixed(2)}× (${s.q1.toFixed(2)}–${s.q3.toFixed(2)})`;
}

const TIME_UNITS = new Set(['ns', 'µs', 'us', 'ms', 's']);

/** A measured quantity with its unit: bytes in binary multiples ("11.5 KiB"), others 3 digits ("54.2 ms"). */
export function formatQuantity(value: number, unit: string): string {
  if (!Number.isFinite(value)) return `${value} ${unit}`;
  if (unit === 'B') {
    const units: [number, string][] = [
      [2 ** 30, 'GiB'],
      [2 ** 20, 'MiB'],
      [2 ** 10, 'KiB'],
    ];
    for (const [scale, name] of units) {
      if (Math.abs(value) >= scale) return `${trim3(value / scale)} ${name}`;
    }
    return `${Math.round(value)} B`;
  }
  return `${TIME_UNITS.has(unit) ? trim3(value) : formatRate(value)} ${unit}`;
}

/** How a scenario ratio reads: ["faster", "slower"] for time, ["smaller", "larger"] for the rest. */
export function ratioWords(unit: string, better: Better): readonly [string, string] {
  if (TIME_UNITS.has(unit)) return better === 'lower' ? ['faster', 'slower'] : ['slower', 'faster'];
  return better === 'lower' ? ['smaller', 'larger'] : ['larger', 'smaller'];
}

/**
 * "3.10× faster (2.90–3.30)" when ours is better; when it is worse, the inverse ratio with the
 * other word, "1.25× larger (1.20–1.31)", so the cell reads as a sentence about ours either way.
 */
export function formatAdvantage(r: ScenarioResult): string {
  if (r.ratio === undefined || r.ratios === undefined) return '–';
  const [good, bad] = ratioWords(r.unit, r.better);
  if (r.ratio.median >= 1)
    return `${r.ratio.median.toFixed(2)}× ${good} (${r.ratio.q1.toFixed(2)}–${r.ratio.q3.toFixed(2)})`;
  const inverse = spread(r.ratios.map((x) => 1 / x));
  return `${inverse.median.toFixed(2)}× ${bad} (${inverse.q1.toFixed(2)}–${inverse.q3.toFixed(2)})`;
}

export const SCENARIO_HEADER = [
  'suite',
  'scenario',
  'unit',
  'ours',
  'vs',
  'theirs',
  'ours vs theirs',
  'ceiling',
  'ours / ceiling',
] as const;

export function scenarioRows(results: readonly ScenarioResult[]): string[][] {
  return results.map((r) => [
    r.suite,
    r.name,
    `${r.unit}, ${r.better} is better`,
    formatQuantity(r.ours.median, r.unit),
    r.theirs === undefined ? '–' : r.theirsName,
    r.theirs === undefined ? '–' : formatQuantity(r.theirs.median, r.unit),
    formatAdvantage(r),
    r.ceiling === undefined ? '–' : formatQuantity(r.ceiling.median, r.unit),
    formatRatio(r.ofCeiling),
  ]);
}

export interface MachineInfo {
  readonly date: string;
  readonly runtime: string;
  readonly platform: string;
  readonly cpu: string;
  readonly commit?: string;
  readonly versions?: Readonly<Record<string, string>>;
  readonly options?: string;
}

export const TABLE_HEADER = [
  'suite',
  'case',
  'ours ops/s',
  'vs',
  'theirs ops/s',
  'ours / theirs',
  'ceiling ops/s',
  'ours / ceiling',
] as const;

export function tableRows(results: readonly CaseResult[]): string[][] {
  return results.map((r) => [
    r.suite,
    r.name,
    formatRate(r.ours.median),
    r.theirs === undefined ? '–' : r.theirsName,
    r.theirs === undefined ? '–' : formatRate(r.theirs.median),
    formatRatio(r.ratio),
    r.ceiling === undefined ? '–' : formatRate(r.ceiling.median),
    formatRatio(r.ofCeiling),
  ]);
}

function escapeCell(s: string): string {
  return s.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Plain-text table with aligned columns, for the terminal. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The whole of RESULTS.md. */
export function renderResults(
  results: readonly CaseResult[],
  machine: MachineInfo,
  suites: readonly Suite[] = [],
  scenarios: readonly ScenarioResult[] = [],
): string {
  const out: string[] = [];
  out.push('# purertc benchmark results', '');
  out.push(
    'Written by `pnpm bench` (see `benchmarks/README.md`). Machines are shared and noisy: read the',
    'ratios, not the absolute rates. Rates are medians of interleaved rounds; a ratio is the median',
    'of per-round ratios, with its interquartile range in parentheses. Above 1× we are faster.',
    '',
  );
  if (results.length > 0 || scenarios.length === 0)
    out.push(markdownTable(TABLE_HEADER, tableRows(results)), '');
  if (scenarios.length > 0) {
    out.push('## Scenarios', '');
    out.push(
      'One trial runs a whole scenario once and yields one quantity (ms, bytes); trials of ours and',
      'theirs alternate, the order rotating. Values are medians over the trials; "ours vs theirs" is',
      'the median of per-trial ratios (interquartile range in parentheses), worded as what ours is.',
      '`ours / ceiling`: above 1 ours would beat the bare core, so expect at most about 1×.',
      '',
    );
    out.push(markdownTable(SCENARIO_HEADER, scenarioRows(scenarios)), '');
  }
  const notes = [...results, ...scenarios].filter((r) => r.note !== undefined);
  const ceilings = suites.filter((s) => s.ceiling !== undefined);
  if (notes.length > 0 || ceilings.length > 0) {
    out.push('## What is measured', '');
    for (const s of ceilings) out.push(`- ${s.name}, ceiling: ${s.ceiling}`);
    for (const r of notes) out.push(`- ${r.suite} / ${r.name}: ${r.note}`);
    out.push('');
  }
  out.push('## Machine', '');
  out.push(`- date: ${machine.date}`);
  out.push(`- runtime: ${machine.runtime}`);
  out.push(`- platform: ${machine.platform}`);
  out.push(`- cpu: ${machine.cpu}`);
  if (machine.commit !== undefined) out.push(`- commit: ${machine.commit}`);
  for (const [name, version] of Object.entries(machine.versions ?? {})) out.push(`- ${name}: ${version}`);
  if (machine.options !== undefined) out.push(`- options: ${machine.options}`);
  out.push('');
  return out.join('\n');
}
