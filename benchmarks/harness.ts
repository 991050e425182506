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
): string {
  const out: string[] = [];
  out.push('# purertc benchmark results', '');
  out.push(
    'Written by `pnpm bench` (see `benchmarks/README.md`). Machines are shared and noisy: read the',
    'ratios, not the absolute rates. Rates are medians of interleaved rounds; a ratio is the median',
    'of per-round ratios, with its interquartile range in parentheses. Above 1× we are faster.',
    '',
  );
  out.push(markdownTable(TABLE_HEADER, tableRows(results)), '');
  const notes = results.filter((r) => r.note !== undefined);
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
