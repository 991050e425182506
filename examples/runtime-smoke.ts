/**
 * Runtime smoke test: a STUN Binding round trip over real UDP sockets on 127.0.0.1, our client
 * against our server, with short-term credentials (so HMAC-SHA1, CRC-32 and the XOR address all
 * run). The same file runs on Node, Bun and Deno, against the built package (what users get):
 *
 *   npx tsc -b
 *   npx tsx examples/runtime-smoke.ts
 *   npx bun examples/runtime-smoke.ts
 *   npx deno run -A --no-lock examples/runtime-smoke.ts
 *
 * Then a burst of back-to-back round trips on the same socket and a wrong password (a typed 401).
 * Prints `smoke ok: <runtime> <version> mapped 127.0.0.1:<port> (...)` and exits 0, or prints the
 * failure and exits 1. A watchdog exits 2 if anything hangs.
 */
import { bindUdp, closeUdp, StunErrorResponse, startStunServer, stunBinding } from '@purertc/stun';

const TIMEOUT_MS = 15_000;
const USER = 'smoke:test';
const PASSWORD = 'smoke-password-0123456789';
/** Round trips after the first, back to back on one socket: each send follows a receive. */
const BURST = 200;

function runtime(): string {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  if (g.Bun !== undefined) return `bun ${g.Bun.version}`;
  if (g.Deno !== undefined) return `deno ${g.Deno.version.deno}`;
  return `node ${process.versions.node}`;
}

/** Which file `@purertc/stun` resolved to: dist/index.js unless a source condition was given. */
function resolvedFrom(): string {
  try {
    const url = import.meta.resolve('@purertc/stun');
    const at = url.indexOf('/packages/');
    return at >= 0 ? url.slice(at + 1) : url;
  } catch {
    return 'unknown';
  }
}

async function smoke(): Promise<string> {
  const server = await startStunServer({
    address: '127.0.0.1',
    software: 'purertc runtime smoke',
    passwordFor: (user) => (user === USER ? PASSWORD : undefined),
  });
  // Our own client socket, so the expected port is known independently of the client's report.
  const socket = await bindUdp('IPv4', '127.0.0.1');
  try {
    const port = socket.address().port;
    // Loopback answers in well under a millisecond; a short first RTO keeps a lost reply cheap
    // and makes the client give up (StunTimeoutError, ~8 s) before the watchdog fires.
    const client = { socket, username: USER, password: PASSWORD, initialRto: 100 };
    const result = await stunBinding(server.address, client);
    const { mapped } = result;
    if (mapped.family !== 'IPv4' || mapped.address !== '127.0.0.1' || mapped.port !== port) {
      throw new Error(`mapped ${JSON.stringify(mapped)}, expected 127.0.0.1:${port}`);
    }
    if (result.software !== 'purertc runtime smoke') {
      throw new Error(`SOFTWARE ${JSON.stringify(result.software)}`);
    }

    // A burst of round trips on the same socket: every request goes out right after a response
    // came in, the pattern that can starve a runtime's timers (see docs/real-peers.md on Bun).
    for (let i = 0; i < BURST; i++) {
      const again = await stunBinding(server.address, client);
      if (again.mapped.port !== port) throw new Error(`round trip ${i}: mapped port ${again.mapped.port}`);
    }

    // A wrong password must come back as a typed 401, not a timeout.
    const rejected = await stunBinding(server.address, { ...client, password: 'wrong' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    if (!(rejected instanceof StunErrorResponse) || rejected.code !== 401) {
      throw new Error(`wrong password: expected a 401 StunErrorResponse, got ${String(rejected)}`);
    }

    const stats = server.core.stats;
    if (stats.responses !== BURST + 1 || stats.errorResponses !== 1 || stats.dropped !== 0) {
      throw new Error(`server stats ${JSON.stringify(stats)}`);
    }
    return `mapped ${mapped.address}:${mapped.port} (${BURST + 2} round trips, @purertc/stun from ${resolvedFrom()})`;
  } finally {
    await closeUdp(socket);
    await server.close();
  }
}

const watchdog = setTimeout(() => {
  console.error(`smoke FAILED: ${runtime()}: no result after ${TIMEOUT_MS} ms`);
  process.exit(2);
}, TIMEOUT_MS);

try {
  const what = await smoke();
  console.log(`smoke ok: ${runtime()} ${what}`);
  clearTimeout(watchdog);
  process.exit(0);
} catch (err) {
  console.error(`smoke FAILED: ${runtime()}:`, err);
  process.exit(1);
}
