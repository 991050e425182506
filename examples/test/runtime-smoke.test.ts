/**
 * examples/runtime-smoke.ts under Node (tsx), Bun and Deno: a STUN Binding round trip over real
 * sockets against the built package, as users get it. Builds first (`tsc -b`, incremental).
 *
 * The binaries come from the npm packages `bun` and `deno` (node_modules/.bin). Outside CI a
 * runtime whose binary does not answer `--version` is skipped; in CI (process.env.CI) every
 * runtime runs, and a missing one fails.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const SCRIPT = 'examples/runtime-smoke.ts';
const TIMEOUT_MS = 60_000;
const env = { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' };

interface Runtime {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
}

const runtimes: readonly Runtime[] = [
  { name: 'node', command: bin('tsx'), args: [SCRIPT] },
  { name: 'bun', command: bin('bun'), args: [SCRIPT] },
  // --no-lock: do not write a deno.lock next to the package.json Deno finds.
  { name: 'deno', command: bin('deno'), args: ['run', '-A', '--no-lock', SCRIPT] },
];

function answers(command: string): boolean {
  if (!existsSync(command)) return false;
  const r = spawnSync(command, ['--version'], { cwd: root, env, timeout: 30_000, stdio: 'ignore' });
  return r.status === 0;
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs a command in its own process group and kills the whole group on timeout: the `deno` and
 * `tsx` entries in node_modules/.bin are wrappers that start the real process as a child.
 */
function run(command: string, args: readonly string[], timeoutMs: number): Promise<Outcome> {
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

describe('runtime smoke: STUN binding round trip on real sockets', () => {
  beforeAll(() => {
    const r = spawnSync(bin('tsc'), ['-b'], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`tsc -b failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  }, 130_000);

  for (const runtime of runtimes) {
    const runs = process.env.CI !== undefined || answers(runtime.command);
    it.runIf(runs)(
      runtime.name,
      async () => {
        const out = await run(runtime.command, runtime.args, TIMEOUT_MS);
        const report = `exit ${out.code ?? out.signal}${out.timedOut ? ' (timed out)' : ''}\n--- stdout\n${out.stdout}--- stderr\n${out.stderr}`;
        expect(out.timedOut, report).toBe(false);
        expect(out.code, report).toBe(0);
        expect(out.stdout, report).toMatch(
          new RegExp(
            `^smoke ok: ${runtime.name} \\S+ mapped 127\\.0\\.0\\.1:\\d+ .*packages/stun/dist/index\\.js`,
            'm',
          ),
        );
      },
      TIMEOUT_MS + 10_000,
    );
  }
});
