/**
 * Running examples as child processes under Node (tsx), Bun and Deno, for the tests in
 * examples/test. The binaries come from the npm packages `tsx`, `bun` and `deno`
 * (node_modules/.bin).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../..', import.meta.url));
export const bin = (name: string) => join(root, 'node_modules', '.bin', name);
export const env = { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' };

export interface Runtime {
  readonly name: 'node' | 'bun' | 'deno';
  readonly command: string;
  /** Arguments before the script's path. */
  readonly args: readonly string[];
}

/**
 * The three runtimes, each resolving workspace packages to their built dist/ (what users get)
 * unless `nodeSource` is set: then Node runs with the `@purertc/source` condition, as the root
 * package.json scripts do.
 */
export function runtimes(options: { nodeSource?: boolean } = {}): readonly Runtime[] {
  return [
    { name: 'node', command: bin('tsx'), args: options.nodeSource ? ['--conditions=@purertc/source'] : [] },
    { name: 'bun', command: bin('bun'), args: [] },
    // --no-lock: do not write a deno.lock next to the package.json Deno finds.
    { name: 'deno', command: bin('deno'), args: ['run', '-A', '--no-lock'] },
  ];
}

/** Whether a runtime's binary is there and answers `--version`. */
export function answers(command: string): boolean {
  if (!existsSync(command)) return false;
  const r = spawnSync(command, ['--version'], { cwd: root, env, timeout: 30_000, stdio: 'ignore' });
  return r.status === 0;
}

export interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** The whole outcome, for assertion messages. */
export function report(out: Outcome): string {
  return `exit ${out.code ?? out.signal}${out.timedOut ? ' (timed out)' : ''}\n--- stdout\n${out.stdout}--- stderr\n${out.stderr}`;
}

/**
 * Runs a command in its own process group and kills the whole group on timeout: the `deno` and
 * `tsx` entries in node_modules/.bin are wrappers that start the real process as a child.
 */
export function run(command: string, args: readonly string[], timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

const LOCK = join(root, 'node_modules', '.cache', 'purertc-examples-build.lock');
/** A lock file this old whose holder cannot be identified is left over from a killed run. */
const STALE_LOCK_MS = 5 * 60_000;

function lockHolderGone(): boolean {
  let text: string;
  let age: number;
  try {
    text = readFileSync(LOCK, 'utf8');
    age = Date.now() - statSync(LOCK).mtimeMs;
  } catch {
    return false; // released meanwhile: just try again
  }
  const pid = Number(text);
  if (!Number.isInteger(pid) || pid <= 0) return age > STALE_LOCK_MS; // being written, or garbage
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * `tsc -b` (incremental: a no-op when dist/ is current), one build at a time: vitest runs test
 * files in parallel processes, and two builds writing the same dist/ files while a third process
 * runs them would race.
 */
export async function buildPackages(timeoutMs = 180_000): Promise<void> {
  mkdirSync(dirname(LOCK), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (lockHolderGone()) {
      rmSync(LOCK, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another build still holds ${LOCK}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    const r = spawnSync(bin('tsc'), ['-b'], { cwd: root, env, encoding: 'utf8', timeout: timeoutMs });
    if (r.status !== 0) throw new Error(`tsc -b failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  } finally {
    rmSync(LOCK, { force: true });
  }
}
