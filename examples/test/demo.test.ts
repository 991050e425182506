/**
 * The main demo (examples/demo.ts, `pnpm demo`, the README's first command) under Node, Bun and
 * Deno with a small transfer: two of our RTCPeerConnections, a data channel, every byte hashed.
 * Node runs it as `pnpm demo` does (tsx, TypeScript sources); Bun and Deno run the same file
 * against the built packages (`tsc -b` first, incremental). Checks what it prints, never how fast.
 *
 * Outside CI a runtime whose binary does not answer `--version` is skipped; in CI every runtime
 * runs, and a missing one fails.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { answers, buildPackages, report, run, runtimes } from './support/processes.js';

const SCRIPT = 'examples/demo.ts';
/** Deno's node:dgram is several times slower than Node's; a loaded CI machine slower still. */
const TIMEOUT_MS = 120_000;

describe('pnpm demo: 4 MiB through a data channel between two of our peers', () => {
  beforeAll(() => buildPackages(), 190_000);

  for (const runtime of runtimes({ nodeSource: true })) {
    const runs = process.env.CI !== undefined || answers(runtime.command);
    it.runIf(runs)(
      runtime.name,
      async () => {
        const out = await run(runtime.command, [...runtime.args, SCRIPT, '--mib', '4'], TIMEOUT_MS);
        expect(out.timedOut, report(out)).toBe(false);
        expect(out.code, report(out)).toBe(0);
        const lines = out.stdout.split('\n');
        expect(lines[0], report(out)).toMatch(
          new RegExp(
            `^purertc demo: 4 MiB through an RTCDataChannel .* on 127\\.0\\.0\\.1 \\(${runtime.name} \\S+\\)$`,
          ),
        );
        expect(out.stdout, report(out)).toMatch(/^ {2}256 messages of up to 16 KiB; /m);
        expect(out.stdout, report(out)).toMatch(/^channel open after \d+ ms /m);
        expect(out.stdout, report(out)).toMatch(
          /^ {2}path {2}127\.0\.0\.1:\d+ <-> 127\.0\.0\.1:\d+, DTLS 1\.2 TLS_\w+, SCTP$/m,
        );
        expect(out.stdout, report(out)).toMatch(
          /^received 4 MiB in \d+\.\d\d s, sha256 [0-9a-f]{64} on both ends$/m,
        );
        expect(out.stdout, report(out)).toMatch(
          /^setup \d+ ms, throughput \d+\.\d MiB\/s \(\d+\.\d Mbit\/s\)$/m,
        );
        // Not a terminal: a plain progress line per quarter, on stderr.
        const progress = out.stderr.split('\n').filter((l) => /^ {2}\[[#.]+\] +\d+%/.test(l));
        expect(progress.length, report(out)).toBe(4);
        expect(progress[3], report(out)).toMatch(/\] 100% {2}4\.0 \/ 4 MiB/);
      },
      TIMEOUT_MS + 10_000,
    );
  }

  it('rejects a bad --mib with exit status 2 and a usage line', async () => {
    const node = runtimes({ nodeSource: true })[0];
    if (node === undefined) throw new Error('no node runtime');
    const out = await run(node.command, [...node.args, SCRIPT, '--mib', '0'], 30_000);
    expect(out.code, report(out)).toBe(2);
    expect(out.stderr, report(out)).toMatch(/--mib needs a number of MiB above 0/);
    expect(out.stderr, report(out)).toMatch(/^usage: demo \[--mib N\]/m);
  }, 40_000);
});
