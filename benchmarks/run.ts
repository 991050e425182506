/**
 * `pnpm bench [filter...] [--rounds N] [--ms N] [--warmup N] [--warmup-trials N] [--quick] [--out FILE] [--no-write]`
 *
 * Runs every suite in benchmarks/suites/ (each file exports `suite: Suite`): its synchronous
 * cases, then its scenarios (one trial per variant per round). Prints tables of medians and
 * ratios, and writes benchmarks/RESULTS.md. A filter keeps the cases whose
 * "suite/case" contains it (case-insensitive); a filtered run prints only, unless --out is given,
 * so a partial run never replaces the full table.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  type CaseResult,
  caseTables,
  type HarnessOptions,
  type MachineInfo,
  matches,
  measureCase,
  measureScenario,
  progressLine,
  renderResults,
  type ScenarioResult,
  scenarioTables,
  textTable,
} from './harness.js';
import { loadSuites } from './load.js';
import { packageVersion } from './versions.js';

interface Args {
  filters: string[];
  options: HarnessOptions;
  out: string | undefined;
  write: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const filters: string[] = [];
  let rounds = 21;
  let sampleMs = 100;
  let warmupMs = 250;
  let warmupTrials = 2;
  let quick = false;
  let out: string | undefined;
  let write = true;
  const number = (flag: string, value: string | undefined): number => {
    const n = Number(value);
    if (value === undefined || !Number.isFinite(n) || n <= 0)
      throw new Error(`${flag} needs a positive number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--')
      continue; // pnpm passes it through
    else if (a === '--rounds') rounds = Math.round(number(a, argv[++i]));
    else if (a === '--ms') sampleMs = number(a, argv[++i]);
    else if (a === '--warmup') warmupMs = number(a, argv[++i]);
    else if (a === '--warmup-trials') warmupTrials = Math.round(number(a, argv[++i]));
    else if (a === '--quick') {
      rounds = 5;
      sampleMs = 40;
      warmupMs = 100;
      warmupTrials = 1;
      quick = true;
    } else if (a === '--out') out = argv[++i];
    else if (a === '--no-write') write = false;
    else if (a === '--help' || a === '-h') {
      console.log(
        'usage: pnpm bench [filter...] [--rounds N] [--ms N] [--warmup N] [--warmup-trials N] [--quick] [--out FILE] [--no-write]',
      );
      process.exit(0);
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else filters.push(a);
  }
  return { filters, options: { rounds, sampleMs, warmupMs, warmupTrials, quick }, out, write };
}

function gitCommit(): string | undefined {
  try {
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages', 'benchmarks'], {
      cwd,
      encoding: 'utf8',
    }).trim();
    return dirty === '' ? head : `${head} (with uncommitted changes)`;
  } catch {
    return undefined;
  }
}

function machineInfo(options: HarnessOptions, load: number[]): MachineInfo {
  const list = cpus();
  return {
    date: new Date().toISOString(),
    runtime: `node ${process.version} (V8 ${process.versions.v8})`,
    platform: `${platform()} ${release()} ${process.arch}, ${Math.round(totalmem() / 2 ** 30)} GiB, load average at start ${load.map((l) => l.toFixed(2)).join(' ')}`,
    cpu: `${list[0]?.model.trim() ?? 'unknown'} × ${list.length}`,
    commit: gitCommit(),
    versions: {
      '@purertc/stun': packageVersion('@purertc/stun'),
      '@purertc/ice': packageVersion('@purertc/ice'),
      '@purertc/peerconnection': packageVersion('@purertc/peerconnection'),
      werift: packageVersion('werift'),
      'node-datachannel': packageVersion('node-datachannel'),
      '@roamhq/wrtc': packageVersion('@roamhq/wrtc'),
    },
    options: `${options.rounds} interleaved rounds of ${options.sampleMs} ms per variant after ${options.warmupMs} ms of warmup; scenarios: ${options.rounds} interleaved trials per variant after ${options.warmupTrials} warmup trials each (long scenarios: a fraction of the rounds and fewer warmup trials, as their notes say)`,
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const load = loadavg();
  const suites = await loadSuites();
  const results: CaseResult[] = [];
  const scenarios: ScenarioResult[] = [];
  const started = performance.now();
  for (const suite of suites) {
    for (const c of suite.cases) {
      if (!matches(suite.name, c.name, args.filters)) continue;
      process.stdout.write(`${suite.name} / ${c.name} ... `);
      const r = measureCase(suite, c, args.options);
      results.push(r);
      console.log(progressLine(r));
    }
    for (const c of suite.scenarios ?? []) {
      if (!matches(suite.name, c.name, args.filters)) continue;
      process.stdout.write(`${suite.name} / ${c.name} ... `);
      const r = await measureScenario(suite, c, args.options);
      scenarios.push(r);
      console.log(progressLine(r));
    }
  }
  if (results.length === 0 && scenarios.length === 0) {
    console.error(`no case matches ${args.filters.join(' ')}`);
    process.exit(1);
  }
  if (results.length > 0)
    for (const t of caseTables(results)) console.log(`\n${textTable(t.header, t.rows)}`);
  for (const t of scenarioTables(scenarios)) console.log(`\n${textTable(t.header, t.rows)}`);
  console.log(`\n${((performance.now() - started) / 1000).toFixed(1)} s`);

  const out =
    args.out ??
    (args.filters.length === 0 ? fileURLToPath(new URL('./RESULTS.md', import.meta.url)) : undefined);
  if (args.write && out !== undefined) {
    writeFileSync(out, renderResults(results, machineInfo(args.options, load), suites, scenarios));
    console.log(`wrote ${out}`);
  }
}

await main();
