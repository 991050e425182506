/**
 * The purertc demo: two of our RTCPeerConnections in this process, connected over 127.0.0.1
 * (ICE, DTLS 1.2, SCTP: the whole stack, real UDP sockets), push 64 MiB through one data channel
 * and check it arrived intact.
 *
 *   npx -y pnpm@10 install && npx -y pnpm@10 demo            # 64 MiB
 *   pnpm demo --mib 8                                        # a smaller run
 *   pnpm exec tsc -b && npx bun examples/demo.ts --mib 8     # Bun, against the built packages
 *   pnpm exec tsc -b && npx deno run -A --no-lock examples/demo.ts --mib 8
 *
 * The sender writes 16 KiB messages while the channel's bufferedAmount is below a high-water
 * mark and resumes on `bufferedamountlow`, the W3C way to fill a channel without queueing the
 * whole file in memory. Both ends hash what they sent and received (SHA-256). Prints the setup
 * time (from `new RTCPeerConnection` to the channel's `open`) and the throughput; progress goes
 * to stderr (one updating line on a terminal, a line per quarter otherwise).
 *
 * Exit status: 0 when every byte arrived and the hashes match, 1 on any failure (a stalled or
 * failed connection included), 2 on bad arguments.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  RTCDataChannelEvent,
  RTCErrorEvent,
  RTCPeerConnection,
  RTCPeerConnectionIceEvent,
} from '@purertc/peerconnection';

const MESSAGE = 16 * 1024;
/** The sender pauses while more than this is queued in the channel... */
const HIGH_WATER = 1024 * 1024;
/** ...and resumes when `bufferedamountlow` says the queue fell to this. */
const LOW_WATER = 256 * 1024;
/** Connecting takes about a second; this is for a broken network stack, not a slow one. */
const SETUP_TIMEOUT_MS = 30_000;
/** No new byte for this long during the transfer is a failure, however slow the machine. */
const STALL_TIMEOUT_MS = 20_000;
/** After both peers are closed nothing of ours should keep the process alive. */
const EXIT_GRACE_MS = 3_000;
const MiB = 1024 * 1024;

// --- arguments ------------------------------------------------------------------------------

function usage(problem?: string): never {
  if (problem !== undefined) console.error(`demo: ${problem}`);
  console.error('usage: demo [--mib N]   (N MiB through the data channel, default 64, at most 4096)');
  process.exit(problem === undefined ? 0 : 2);
}

function parseArguments(args: readonly string[]): { mib: number } {
  let mib = 64;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--help' || arg === '-h') usage();
    let value: string | undefined;
    if (arg === '--mib') value = args[++i];
    else if (arg.startsWith('--mib=')) value = arg.slice('--mib='.length);
    else usage(`unknown argument ${JSON.stringify(arg)}`);
    const n = Number(value);
    if (value === undefined || value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 4096) {
      usage(`--mib needs a number of MiB above 0 and at most 4096, got ${JSON.stringify(value ?? '')}`);
    }
    mib = n;
  }
  return { mib };
}

function runtime(): string {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  if (g.Bun !== undefined) return `bun ${g.Bun.version}`;
  if (g.Deno !== undefined) return `deno ${g.Deno.version.deno}`;
  return `node ${process.versions.node}`;
}

const mibText = (bytes: number) => (bytes / MiB).toFixed(bytes % MiB === 0 ? 0 : 1);

// --- progress -------------------------------------------------------------------------------

/**
 * On a terminal one line redrawn in place (at most every 100 ms); in a pipe or a CI log, a plain
 * line at each quarter so the log stays short.
 */
class Progress {
  readonly #tty = process.stderr.isTTY === true;
  #lastDraw = 0;
  #nextQuarter = 1;
  #drawn = false;

  constructor(
    private readonly total: number,
    private readonly started: number,
  ) {}

  update(done: number, now: number): void {
    if (this.#tty) {
      if (done < this.total && now - this.#lastDraw < 100) return;
      this.#lastDraw = now;
      this.#drawn = true;
      process.stderr.write(`\r\x1b[2K${this.#line(done, now, 30)}`);
      if (done >= this.total) this.finish();
      return;
    }
    while (this.#nextQuarter <= 4 && done >= (this.total * this.#nextQuarter) / 4) {
      this.#nextQuarter++;
      process.stderr.write(`${this.#line(done, now, 20)}\n`);
    }
  }

  /** Ends the terminal line (also when the run fails halfway). */
  finish(): void {
    if (this.#tty && this.#drawn) process.stderr.write('\n');
    this.#drawn = false;
  }

  #line(done: number, now: number, width: number): string {
    const fraction = Math.min(1, done / this.total);
    const filled = Math.round(fraction * width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? done / MiB / seconds : 0;
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    return `  [${bar}] ${percent}  ${(done / MiB).toFixed(1)} / ${mibText(this.total)} MiB  ${rate.toFixed(1)} MiB/s`;
  }
}

// --- the run --------------------------------------------------------------------------------

interface Result {
  readonly setupMs: number;
  readonly transferMs: number;
  readonly digest: string;
}

/** Resolves when every byte arrived with matching hashes; rejects on any failure. */
function transfer(a: RTCPeerConnection, b: RTCPeerConnection, total: number, started: number) {
  let resolve: (result: Result) => void = () => {};
  let reject: (error: Error) => void = () => {};
  const promise = new Promise<Result>((ok, ko) => {
    resolve = ok;
    reject = ko;
  });
  let finished = false;
  const fail = (why: string) => {
    if (finished) return;
    finished = true;
    reject(new Error(why));
  };

  for (const [name, pc] of [
    ['offerer', a],
    ['answerer', b],
  ] as const) {
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed')
        fail(`the ${name}'s connection is ${pc.connectionState}`);
    });
  }

  // Random bytes, so a message that arrives twice, out of order or in the wrong place changes the
  // hash. Each message is a 16 KiB window of this pool at a different offset.
  const pool = randomBytes(MiB + MESSAGE);
  const sentHash = createHash('sha256');
  const receivedHash = createHash('sha256');
  let sent = 0;
  let received = 0;
  let index = 0;
  let setupMs = 0;
  let transferStart = 0;
  let progress: Progress | undefined;
  let lastByteAt = performance.now();

  const sender = a.createDataChannel('bulk', { ordered: true });
  sender.binaryType = 'arraybuffer';
  sender.bufferedAmountLowThreshold = LOW_WATER;

  const pump = () => {
    while (!finished && sent < total && sender.bufferedAmount <= HIGH_WATER) {
      const size = Math.min(MESSAGE, total - sent);
      const offset = (index * 4099) % MiB;
      const message = pool.subarray(offset, offset + size);
      sentHash.update(message);
      try {
        sender.send(message);
      } catch (e) {
        fail(`send() threw after ${sent} bytes: ${(e as Error).message}`);
        return;
      }
      sent += size;
      index++;
    }
  };

  sender.addEventListener('bufferedamountlow', pump);
  sender.addEventListener('error', (e) =>
    fail(`the sending channel failed: ${e instanceof RTCErrorEvent ? e.error.message : e.type}`),
  );
  sender.addEventListener('close', () => fail('the sending channel closed before the end'));
  sender.addEventListener('open', () => {
    setupMs = performance.now() - started;
    void describePath(a, setupMs).then(() => {
      transferStart = performance.now();
      lastByteAt = transferStart;
      progress = new Progress(total, transferStart);
      pump();
    });
  });

  b.addEventListener('datachannel', (event) => {
    if (!(event instanceof RTCDataChannelEvent)) return;
    const { channel } = event;
    if (channel.label !== 'bulk') return fail(`unexpected channel ${JSON.stringify(channel.label)}`);
    channel.binaryType = 'arraybuffer';
    channel.addEventListener('message', (m) => {
      const data = (m as MessageEvent).data;
      if (!(data instanceof ArrayBuffer)) return fail(`message ${received} is not binary`);
      const bytes = new Uint8Array(data);
      received += bytes.length;
      receivedHash.update(bytes);
      const now = performance.now();
      lastByteAt = now;
      progress?.update(received, now);
      if (received > total) return fail(`received ${received} bytes, more than the ${total} sent`);
      if (received === total) {
        const transferMs = now - transferStart;
        const sentDigest = sentHash.digest('hex');
        const receivedDigest = receivedHash.digest('hex');
        if (sentDigest !== receivedDigest) {
          return fail(`checksum mismatch: sent sha256 ${sentDigest}, received ${receivedDigest}`);
        }
        finished = true;
        resolve({ setupMs, transferMs, digest: sentDigest });
      }
    });
    channel.addEventListener('close', () => fail('the receiving channel closed before the end'));
  });

  // A watchdog for the two ways this can hang: never connecting, and stalling halfway.
  const watchdog = setInterval(() => {
    const now = performance.now();
    if (setupMs === 0 && now - started > SETUP_TIMEOUT_MS) {
      fail(
        `no open channel after ${SETUP_TIMEOUT_MS / 1000} s ` +
          `(ICE ${a.iceConnectionState}/${b.iceConnectionState}, connection ${a.connectionState}/${b.connectionState})`,
      );
    } else if (setupMs > 0 && now - lastByteAt > STALL_TIMEOUT_MS) {
      fail(
        `stalled: no data for ${STALL_TIMEOUT_MS / 1000} s after ${received} of ${total} bytes ` +
          `(sent ${sent}, bufferedAmount ${sender.bufferedAmount})`,
      );
    }
  }, 500);
  const done = () => {
    clearInterval(watchdog);
    progress?.finish();
  };
  promise.then(done, done);
  return promise;
}

/** One line on what connected: the selected candidate pair and the DTLS cipher suite. */
async function describePath(pc: RTCPeerConnection, setupMs: number): Promise<void> {
  console.log(`channel open after ${setupMs.toFixed(0)} ms (setup: new RTCPeerConnection -> open)`);
  try {
    const stats = [...(await pc.getStats()).values()];
    const transport = stats.find((s) => s.type === 'transport');
    const pair = stats.find((s) => s.id === transport?.['selectedCandidatePairId']);
    const endpoint = (id: unknown) => {
      const c = stats.find((s) => s.id === id);
      return c === undefined ? '?' : `${String(c['address'])}:${String(c['port'])}`;
    };
    const cipher = transport?.['dtlsCipher'];
    console.log(
      `  path  ${endpoint(pair?.['localCandidateId'])} <-> ${endpoint(pair?.['remoteCandidateId'])}, ` +
        `DTLS 1.2 ${cipher === undefined ? '' : `${String(cipher)}, `}SCTP`,
    );
  } catch (e) {
    console.log(`  (getStats failed: ${(e as Error).message})`);
  }
}

async function main(): Promise<number> {
  const { mib } = parseArguments(process.argv.slice(2));
  const total = Math.round(mib * MiB);
  const messages = Math.ceil(total / MESSAGE);
  console.log(
    `purertc demo: ${mibText(total)} MiB through an RTCDataChannel between two RTCPeerConnections ` +
      `on 127.0.0.1 (${runtime()})`,
  );
  console.log(
    `  ${messages} messages of up to 16 KiB; the sender pauses above ${HIGH_WATER / MiB} MiB of bufferedAmount ` +
      `and resumes on bufferedamountlow (${LOW_WATER / 1024} KiB)`,
  );

  const started = performance.now();
  // Loopback only: both peers are in this process, and a demo must not touch the LAN.
  const config = { hostAddresses: { addresses: ['127.0.0.1'] } };
  const a = new RTCPeerConnection(config);
  const b = new RTCPeerConnection(config);
  const peers = [a, b];
  try {
    const done = transfer(a, b, total, started);
    // Signaling is a function call here; over a network it would be any channel at all.
    const trickle = (from: RTCPeerConnection, to: RTCPeerConnection) =>
      from.addEventListener('icecandidate', (e) => {
        if (e instanceof RTCPeerConnectionIceEvent && e.candidate !== null)
          to.addIceCandidate(e.candidate).catch((err: Error) =>
            console.error(`addIceCandidate: ${err.message}`),
          );
      });
    trickle(a, b);
    trickle(b, a);
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);

    const { setupMs, transferMs, digest } = await done;
    const seconds = transferMs / 1000;
    const mibPerSecond = total / MiB / seconds;
    const mbitPerSecond = (total * 8) / 1e6 / seconds;
    console.log(`received ${mibText(total)} MiB in ${seconds.toFixed(2)} s, sha256 ${digest} on both ends`);
    console.log(
      `setup ${setupMs.toFixed(0)} ms, throughput ${mibPerSecond.toFixed(1)} MiB/s (${mbitPerSecond.toFixed(1)} Mbit/s)`,
    );
    return 0;
  } catch (e) {
    console.error(`demo FAILED (${runtime()}): ${(e as Error).message}`);
    return 1;
  } finally {
    for (const pc of peers) pc.close();
  }
}

const code = await main();
// A failure may have left anything half-open: leave at once.
if (code !== 0) process.exit(code);
// Both peers are closed: their sockets and timers are gone and the process ends by itself. If
// something still holds the event loop, say so instead of hanging.
setTimeout(() => {
  console.error(`demo: still running ${EXIT_GRACE_MS / 1000} s after closing both peers; exiting`);
  process.exit(1);
}, EXIT_GRACE_MS).unref();
