/**
 * A small side-by-side benchmark harness. Machines are shared and noisy, so one absolute time
 * means little; what holds up is a ratio measured in the same process, in the same minute:
 *
 * - Each case has variants: `ours`, `theirs` (the same work done by the peer we compare
 *   against), optionally further named `peers` (other libraries doing the same work, each with
 *   its own ratio column) and `ceiling` (the unavoidable core of the work, e.g. the bare HMAC).
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
 * A long scenario (64 MiB through a data channel) may run a fraction of the run's rounds
 * (`roundsScale`) and fewer warmup trials (`warmupTrials`).
 */

/** One operation: build one message, parse one message... Its result goes to a sink. */
export type Op = () => unknown;

export interface BenchCase {
  /** What one op is, e.g. "build ICE Binding request". */
  readonly name: string;
  readonly ours: Op;
  /** The same work done by the library we compare against. */
  readonly theirs?: Op;
  /** The same work done by further libraries, after `theirs`: one ratio column each. */
  readonly peers?: readonly Peer<Op>[];
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

/** Another library doing a case's work: its own column, its own ratio against ours. */
export interface Peer<T extends Op | Trial> {
  /** Who it is, with its version, e.g. "node-datachannel 0.33.4"; unique within a case. */
  readonly name: string;
  readonly run: T;
}

/** What a trial (and a scenario's `check()`) may know of the run. */
export interface TrialContext {
  /**
   * `--quick`: a smoke run, not a measurement. A scenario whose one trial moves a lot (64 MiB
   * through a data channel) may then move less, as its note says.
   */
  readonly quick: boolean;
}

/** One trial of a scenario: runs it once, cleans up after itself, returns the measured quantity. */
export type Trial = (context: TrialContext) => Promise<number>;

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
  /** The same scenario run by further libraries, after `theirs`: one ratio column each. */
  readonly peers?: readonly Peer<Trial>[];
  /** The irreducible core of the scenario (bare sockets...): a bound for any implementation. */
  readonly ceiling?: Trial;
  /**
   * A long scenario runs this fraction of the run's rounds, rounded up (default 1): with 0.25,
   * 21 rounds become 6 and `--quick`'s 5 become 2.
   */
  readonly roundsScale?: number;
  /** At most this many warmup trials per variant, whatever the run's count (default: no cap). */
  readonly warmupTrials?: number;
  /** A trial that has not settled after this many ms fails the run (default: the run's limit). */
  readonly trialTimeoutMs?: number;
  /** Runs once before any trial; throws (or rejects) if the variants do not do equivalent work. */
  readonly check?: (context: TrialContext) => void | Promise<void>;
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
  /** Scenarios: `--quick`, passed on to trials as `TrialContext.quick` (default false). */
  readonly quick?: boolean;
  /**
   * Scenarios: fail when the first trial of a variant leaves sockets or timers behind (compared
   * through `process.getActiveResourcesInfo()`; default true).
   */
  readonly leakCheck?: boolean;
}

/** A variant to run: what reports call it and what it runs. */
interface Runnable<T> {
  /** 'ours', 'theirs', a peer's name or 'ceiling': error messages use it. */
  readonly label: string;
  readonly run: T;
}

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

/** One library we compare against: its figures and ours against them, paired per round. */
export interface PeerResult {
  readonly name: string;
  readonly result: VariantResult;
  /** Ours against this peer: the median of per-round ratios (oriented for scenarios). */
  readonly ratio: Spread;
  /** The per-round ratios behind `ratio`. */
  readonly ratios: readonly number[];
}

export interface CaseResult {
  readonly suite: string;
  readonly name: string;
  /** Who `theirs` is: the first of `peers`, or the suite's `theirs` when the case has none. */
  readonly theirsName: string;
  readonly note: string | undefined;
  readonly ours: VariantResult;
  /** The first of `peers` (the case's `theirs` when it has one). */
  readonly theirs: VariantResult | undefined;
  readonly ceiling: VariantResult | undefined;
  /** ours / theirs, paired per round. Above 1: we are faster. */
  readonly ratio: Spread | undefined;
  /** Every library compared: `theirs` (named after the suite's `theirs`) first, then `peers`. */
  readonly peers: readonly PeerResult[];
  /** ours / ceiling, paired per round: how close we are to the bare core of the work. */
  readonly ofCeiling: Spread | undefined;
}

export interface ScenarioResult {
  readonly suite: string;
  readonly name: string;
  /** Who `theirs` is: the first of `peers`, or the suite's `theirs` when the case has none. */
  readonly theirsName: string;
  readonly note: string | undefined;
  readonly unit: string;
  readonly better: Better;
  /** Median and per-round values of the measured quantity (ms, bytes...). */
  readonly ours: VariantResult;
  /** The first of `peers` (the case's `theirs` when it has one). */
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
  /** Every library compared: `theirs` (named after the suite's `theirs`) first, then `peers`. */
  readonly peers: readonly PeerResult[];
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

/**
 * The variants of a case in their running order: ours, theirs, the further peers, the ceiling.
 * Names must be unique: a peer called like `theirs` or like another peer would share its column.
 */
function variantsOf<T extends Op | Trial>(
  suite: Suite,
  c: {
    readonly name: string;
    readonly ours: T;
    readonly theirs?: T;
    readonly peers?: readonly Peer<T>[];
    readonly ceiling?: T;
  },
): { all: Runnable<T>[]; peerNames: string[] } {
  const all: Runnable<T>[] = [{ label: 'ours', run: c.ours }];
  const peerNames: string[] = [];
  if (c.theirs !== undefined) {
    all.push({ label: 'theirs', run: c.theirs });
    peerNames.push(suite.theirs);
  }
  for (const p of c.peers ?? []) {
    if (peerNames.includes(p.name) || ['ours', 'theirs', 'ceiling'].includes(p.name)) {
      throw new RangeError(`${suite.name} / ${c.name}: two variants named ${JSON.stringify(p.name)}`);
    }
    all.push({ label: p.name, run: p.run });
    peerNames.push(p.name);
  }
  if (c.ceiling !== undefined) all.push({ label: 'ceiling', run: c.ceiling });
  return { all, peerNames };
}

function variantResult(samples: readonly number[]): VariantResult {
  return { median: median(samples), samples };
}

/**
 * Results per peer: `samples[0]` is ours, `samples[1..peerNames.length]` the peers in order.
 * `ratiosOf(ours, peer)` pairs them round by round.
 */
function peerResults(
  peerNames: readonly string[],
  samples: readonly (readonly number[])[],
  ratiosOf: (ours: readonly number[], peer: readonly number[]) => number[],
): PeerResult[] {
  const ours = samples[0] as readonly number[];
  return peerNames.map((name, i) => {
    const list = samples[i + 1] as readonly number[];
    const ratios = ratiosOf(ours, list);
    return { name, result: variantResult(list), ratio: spread(ratios), ratios };
  });
}

/** Measures one case: warmup, then interleaved rounds of all its variants. */
export function measureCase(suite: Suite, c: BenchCase, options: HarnessOptions = {}): CaseResult {
  const rounds = options.rounds ?? 15;
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be a positive integer`);
  const now = options.now ?? (() => performance.now());
  const { all, peerNames } = variantsOf(suite, c);
  c.check?.();

  const indexed = all.map((v, i) => ({ ...v, i }));
  const batches: number[] = [];
  for (const { run: op } of indexed) {
    if (options.warmupOps !== undefined) runOps(op, options.warmupOps, now);
    else runFor(op, options.warmupMs ?? 250, 1, now);
    batches.push(options.sampleOps === undefined ? calibrate(op, now) : 1);
  }

  const samples: number[][] = all.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const { run: op, i } of rotate(indexed, r)) {
      const list = samples[i] as number[];
      if (options.sampleOps !== undefined) {
        list.push(opsPerSecond(options.sampleOps, runOps(op, options.sampleOps, now)));
      } else {
        const [ops, ms] = runFor(op, options.sampleMs ?? 100, batches[i] ?? 1, now);
        list.push(opsPerSecond(ops, ms));
      }
    }
  }

  const ours = variantResult(samples[0] as number[]);
  const ceilingSamples = c.ceiling === undefined ? undefined : samples[all.length - 1];
  const ceiling = ceilingSamples && variantResult(ceilingSamples);
  const peers = peerResults(peerNames, samples, pairedRatios);
  const first = peers[0];
  return {
    suite: suite.name,
    name: c.name,
    theirsName: first?.name ?? suite.theirs,
    note: c.note,
    ours,
    theirs: first?.result,
    ceiling,
    ratio: first?.ratio,
    ofCeiling: ceiling && spread(pairedRatios(ours.samples, ceiling.samples)),
    peers,
  };
}

/** Rounds a case runs: the run's `rounds` scaled by the case's `roundsScale`, rounded up. */
export function roundsFor(rounds: number, roundsScale: number | undefined): number {
  if (roundsScale === undefined) return rounds;
  if (!(roundsScale > 0 && roundsScale <= 1)) throw new RangeError('roundsScale must be in (0, 1]');
  return Math.max(1, Math.ceil(rounds * roundsScale - 1e-9));
}

/**
 * Per-round ratios oriented so that above 1 `a` is better: a_r / b_r when higher is better,
 * b_r / a_r when lower is.
 */
export function orientedRatios(a: readonly number[], b: readonly number[], better: Better): number[] {
  return better === 'higher' ? pairedRatios(a, b) : pairedRatios(b, a);
}

/**
 * Counts of the live handles that a trial must not leave behind: sockets, servers, pipes,
 * timers, under the names `process.getActiveResourcesInfo()` gives them (not async_hooks'
 * upper-case provider names, which it never reports).
 */
const TRACKED_RESOURCES = new Set([
  'UDPWrap',
  'TCPSocketWrap',
  'TCPServerWrap',
  'TLSWrap',
  'PipeWrap',
  'Timeout',
]);

export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) {
    if (TRACKED_RESOURCES.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

/** What `after` holds beyond `before`, e.g. ["UDPWrap +2"]; empty when nothing grew. */
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

async function runTrial(
  trial: Trial,
  context: TrialContext,
  label: string,
  timeoutMs: number,
): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: no result after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const value = await Promise.race([trial(context), timeout]);
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
  const runRounds = options.rounds ?? 15;
  if (!Number.isInteger(runRounds) || runRounds < 1)
    throw new RangeError(`rounds must be a positive integer`);
  const rounds = roundsFor(runRounds, c.roundsScale);
  const runWarmup = options.warmupTrials ?? 2;
  if (!Number.isInteger(runWarmup) || runWarmup < 0)
    throw new RangeError(`warmupTrials must be a whole number`);
  const warmup = Math.min(runWarmup, c.warmupTrials ?? runWarmup);
  const timeoutMs = c.trialTimeoutMs ?? options.trialTimeoutMs ?? 30_000;
  const leakCheck = options.leakCheck ?? true;
  const context: TrialContext = { quick: options.quick ?? false };
  const { all, peerNames } = variantsOf(suite, c);
  await c.check?.(context);

  const checked = new Set<number>();
  const run = async (i: number): Promise<number> => {
    const { label, run: trial } = all[i] as Runnable<Trial>;
    const where = `${suite.name} / ${c.name} / ${label}`;
    if (!leakCheck || checked.has(i)) return runTrial(trial, context, where, timeoutMs);
    checked.add(i);
    await settle();
    const before = activeResources();
    const value = await runTrial(trial, context, where, timeoutMs);
    await settle();
    const grown = resourceGrowth(before, activeResources());
    if (grown.length > 0) throw new Error(`${where}: a trial left ${grown.join(', ')} behind`);
    return value;
  };

  const order = all.map((_, i) => i);
  for (const i of order) {
    for (let k = 0; k < warmup; k++) await run(i);
  }
  const samples: number[][] = all.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const i of rotate(order, r)) (samples[i] as number[]).push(await run(i));
  }

  const ours = variantResult(samples[0] as number[]);
  const ceilingSamples = c.ceiling === undefined ? undefined : samples[all.length - 1];
  const ceiling = ceilingSamples && variantResult(ceilingSamples);
  const peers = peerResults(peerNames, samples, (a, b) => orientedRatios(a, b, c.better));
  const first = peers[0];
  return {
    suite: suite.name,
    name: c.name,
    theirsName: first?.name ?? suite.theirs,
    note: c.note,
    unit: c.unit,
    better: c.better,
    ours,
    theirs: first?.result,
    ceiling,
    ratio: first?.ratio,
    ratios: first?.ratios,
    ofCeiling: ceiling && spread(orientedRatios(ours.samples, ceiling.samples, c.better)),
    peers,
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

/**
 * How a scenario ratio reads: ["faster", "slower"] for time and for rates (a unit per second,
 * "MiB/s"), ["smaller", "larger"] for the rest.
 */
export function ratioWords(unit: string, better: Better): readonly [string, string] {
  const time = TIME_UNITS.has(unit);
  if (time || unit.endsWith('/s')) {
    const lowerIsFaster = time;
    return (better === 'lower') === lowerIsFaster ? ['faster', 'slower'] : ['slower', 'faster'];
  }
  return better === 'lower' ? ['smaller', 'larger'] : ['larger', 'smaller'];
}

/**
 * "3.10× faster (2.90–3.30)" when ours is better; when it is worse, the inverse ratio with the
 * other word, "1.25× larger (1.20–1.31)", so the cell reads as a sentence about ours either way.
 */
export function formatAdvantage(r: ScenarioResult): string {
  if (r.ratio === undefined || r.ratios === undefined) return '–';
  return formatOriented(r.ratio, r.ratios, r.unit, r.better);
}

function formatOriented(ratio: Spread, ratios: readonly number[], unit: string, better: Better): string {
  const [good, bad] = ratioWords(unit, better);
  if (ratio.median >= 1)
    return `${ratio.median.toFixed(2)}× ${good} (${ratio.q1.toFixed(2)}–${ratio.q3.toFixed(2)})`;
  const inverse = spread(ratios.map((x) => 1 / x));
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

/** Rows of the one-peer scenario table (`SCENARIO_HEADER`): theirs is the first peer. */
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

/** Rows of the one-peer table (`TABLE_HEADER`): theirs is the first peer. */
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

export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/**
 * Results split by layout: those with at most one peer share the one-peer table (a "vs"
 * column names the peer); those with several get a table per list of peers, a value and a
 * ratio column for each peer, in the cases' order.
 */
function byPeers<R extends { readonly peers: readonly PeerResult[] }>(
  results: readonly R[],
): { single: R[]; several: Map<string, { names: string[]; rows: R[] }> } {
  const single: R[] = [];
  const several = new Map<string, { names: string[]; rows: R[] }>();
  for (const r of results) {
    if (r.peers.length <= 1) {
      single.push(r);
      continue;
    }
    const names = r.peers.map((p) => p.name);
    const key = JSON.stringify(names);
    const group = several.get(key) ?? { names, rows: [] };
    group.rows.push(r);
    several.set(key, group);
  }
  return { single, several };
}

/** The cells of one peer in a several-peer row, looked up by name ('–' when a row lacks it). */
function peerCells(
  r: { readonly peers: readonly PeerResult[] },
  name: string,
  cells: (p: PeerResult) => string[],
) {
  const p = r.peers.find((x) => x.name === name);
  return p === undefined ? ['–', '–'] : cells(p);
}

/**
 * The tables of synchronous cases: the one-peer table (also when there is nothing at all to
 * show, as a header), then one per list of peers.
 */
export function caseTables(results: readonly CaseResult[]): Table[] {
  const { single, several } = byPeers(results);
  const tables: Table[] = [];
  if (single.length > 0 || several.size === 0) tables.push({ header: TABLE_HEADER, rows: tableRows(single) });
  for (const { names, rows } of several.values()) {
    tables.push({
      header: [
        'suite',
        'case',
        'ours ops/s',
        ...names.flatMap((n) => [`${n} ops/s`, `ours / ${n}`]),
        'ceiling ops/s',
        'ours / ceiling',
      ],
      rows: rows.map((r) => [
        r.suite,
        r.name,
        formatRate(r.ours.median),
        ...names.flatMap((n) => peerCells(r, n, (p) => [formatRate(p.result.median), formatRatio(p.ratio)])),
        r.ceiling === undefined ? '–' : formatRate(r.ceiling.median),
        formatRatio(r.ofCeiling),
      ]),
    });
  }
  return tables;
}

/** The tables of scenarios: the one-peer table if any row has at most one peer, then one per list of peers. */
export function scenarioTables(results: readonly ScenarioResult[]): Table[] {
  const { single, several } = byPeers(results);
  const tables: Table[] = [];
  if (single.length > 0) tables.push({ header: SCENARIO_HEADER, rows: scenarioRows(single) });
  for (const { names, rows } of several.values()) {
    tables.push({
      header: [
        'suite',
        'scenario',
        'unit',
        'ours',
        ...names.flatMap((n) => [n, `ours vs ${n}`]),
        'ceiling',
        'ours / ceiling',
      ],
      rows: rows.map((r) => [
        r.suite,
        r.name,
        `${r.unit}, ${r.better} is better`,
        formatQuantity(r.ours.median, r.unit),
        ...names.flatMap((n) =>
          peerCells(r, n, (p) => [
            formatQuantity(p.result.median, r.unit),
            formatOriented(p.ratio, p.ratios, r.unit, r.better),
          ]),
        ),
        r.ceiling === undefined ? '–' : formatQuantity(r.ceiling.median, r.unit),
        formatRatio(r.ofCeiling),
      ]),
    });
  }
  return tables;
}

/**
 * One line for the terminal while a run goes on: the cells after the name (and the unit), each
 * after its column name when the row has several peers.
 */
export function progressLine(r: CaseResult | ScenarioResult): string {
  const scenario = 'unit' in r;
  const table = scenario ? scenarioTables([r])[0] : caseTables([r])[0];
  const row = table?.rows[0] ?? [];
  const skip = scenario ? 3 : 2;
  if (r.peers.length <= 1) return row.slice(skip).join('  ');
  return row
    .slice(skip)
    .map((cell, i) => `${table?.header[i + skip]}: ${cell}`)
    .join('; ');
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
  if (results.length > 0 || scenarios.length === 0) {
    for (const t of caseTables(results)) out.push(markdownTable(t.header, t.rows), '');
  }
  if (scenarios.length > 0) {
    out.push('## Scenarios', '');
    out.push(
      'One trial runs a whole scenario once and yields one quantity (ms, bytes); trials of ours and',
      'of each library compared alternate, the order rotating. Values are medians over the trials;',
      '"ours vs theirs" (or "ours vs" a named library) is the median of per-trial ratios (interquartile',
      'range in parentheses), worded as what ours is. `ours / ceiling`: above 1 ours would beat the',
      'bare core, so expect at most about 1×. Scenarios compared with several libraries have a table',
      'of their own, a column pair per library.',
      '',
    );
    for (const t of scenarioTables(scenarios)) out.push(markdownTable(t.header, t.rows), '');
  }
  const notes = [...results, ...scenarios].filter((r) => r.note !== undefined);
  // A filtered run lists the ceilings of the suites it measured, not of every suite loaded.
  const measured = new Set([...results, ...scenarios].map((r) => r.suite));
  const ceilings = suites.filter((s) => s.ceiling !== undefined && measured.has(s.name));
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
