/**
 * examples/runtime-smoke.ts under Node (tsx), Bun and Deno: a STUN Binding round trip over real
 * sockets against the built package, as users get it. Builds first (`tsc -b`, incremental).
 *
 * The binaries come from the npm packages `bun` and `deno` (node_modules/.bin). Outside CI a
 * runtime whose binary does not answer `--version` is skipped; in CI (process.env.CI) every
 * runtime runs, and a missing one fails.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { answers, buildPackages, report, run, runtimes } from './support/processes.js';

const SCRIPT = 'examples/runtime-smoke.ts';
const TIMEOUT_MS = 60_000;

describe('runtime smoke: STUN binding round trip on real sockets', () => {
  beforeAll(() => buildPackages(), 190_000);

  for (const runtime of runtimes()) {
    const runs = process.env.CI !== undefined || answers(runtime.command);
    it.runIf(runs)(
      runtime.name,
      async () => {
        const out = await run(runtime.command, [...runtime.args, SCRIPT], TIMEOUT_MS);
        expect(out.timedOut, report(out)).toBe(false);
        expect(out.code, report(out)).toBe(0);
        expect(out.stdout, report(out)).toMatch(
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
