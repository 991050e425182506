/**
 * SCTP associations (@purertc/sctp) against werift-sctp, on the same pipes: an in-memory pipe
 * for raw throughput and message rate, and the simulated 100 Mbit/s path of the sctp tests
 * (link-core.mjs: bottleneck, drop-tail queue of one BDP, delay, random loss) for goodput.
 *
 * werift-sctp is promise- and timer-driven, so it runs in a worker thread (werift-worker.mjs)
 * and each of its ops blocks the main thread on Atomics.wait until the worker is done; on the
 * simulated path the worker runs werift on a virtual clock. The time of a werift op therefore
 * includes a thread hand-off (~0.1 ms) and, on the simulated path, two event-loop turns per
 * event of the virtual clock: read those rows as the cost of simulating, not of the protocol.
 *
 * The goodput rows report real time per op like every row, but what they are about is goodput
 * in virtual time, which no op rate can show: `check()` measures it once per stack and RTT
 * (16 MiB at 0 % loss, 4 MiB at 1 %) and puts it in the note; it is also printed. werift-sctp
 * is fed through a window of 8 pending `send()`s: each pending call awaits the flush of its whole
 * queue, so queueing thousands of messages at once costs it minutes.
 */
import { createRequire } from 'node:module';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { crc32c, SctpAssociation, type SctpEvent } from '../../packages/sctp/src/index.js';
import { VirtualLink } from '../../packages/sctp/test/support/virtual-link.js';
import type { BenchCase, Suite } from '../harness.js';
import { packageVersion } from '../versions.js';

const require = createRequire(import.meta.url);
const weriftCrc = require('werift-sctp/lib/common/src/crc.js') as { crc32c: (b: Buffer) => number };

const KiB = 1024;
const MiB = 1024 * KiB;
/** Under `pnpm test` (benchmarks/test/suites.test.ts) every check runs too: keep them short there. */
const SMOKE = process.env.VITEST !== undefined;

// ---------------------------------------------------------------------------------------------
// Messages: the same bytes on both sides (byte i is (i * 31 + 7) & 255, message number first).

const templates = new Map<number, Uint8Array>();

function message(size: number, k: number): Uint8Array {
  let t = templates.get(size);
  if (t === undefined) {
    t = new Uint8Array(size);
    for (let i = 0; i < size; i++) t[i] = (i * 31 + 7) & 255;
    templates.set(size, t);
  }
  const d = t.slice();
  if (size >= 4) new DataView(d.buffer).setUint32(0, k);
  return d;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}

// ---------------------------------------------------------------------------------------------
// Ours

interface PathScenario {
  readonly bandwidth: number;
  readonly delay: number;
  readonly queueBytes: number;
  readonly loss: number;
  readonly seed: number;
}

interface TransferResult {
  readonly ok: boolean;
  readonly bytes: number;
  /** ms: real for the in-memory pipe, virtual on the simulated path. */
  readonly elapsed: number;
}

/** Two of our associations on a pipe, channel 1 negotiated, client sending to server. */
class OurPair {
  readonly client = new SctpAssociation({ role: 'client', remoteMaxMessageSize: MiB });
  readonly server = new SctpAssociation({ role: 'server', maxMessageSize: MiB });
  private readonly link: VirtualLink<SctpAssociation> | undefined;
  private messages = 0;
  private bytes = 0;
  private last: Uint8Array | undefined;

  constructor(path?: PathScenario) {
    if (path !== undefined) this.link = new VirtualLink(this.client, this.server, path);
    const now = this.now();
    this.client.createChannel({ negotiated: true, id: 1 }, now);
    this.server.createChannel({ negotiated: true, id: 1 }, now);
    this.client.connect(now);
    this.pump(() => this.client.state === 'established' && this.server.state === 'established');
  }

  private now(): number {
    return this.link?.now ?? performance.now();
  }

  private onEvent(e: SctpEvent): void {
    if (e.type === 'message') {
      this.messages++;
      this.bytes += e.data.length;
      this.last = e.data;
    }
  }

  /** Moves packets until `done()`: synchronously on the in-memory pipe, by virtual time on the path. */
  private pump(done: () => boolean): void {
    const link = this.link;
    if (link !== undefined) {
      link.onEvent = (side, e) => {
        if (side === 'b') this.onEvent(e);
      };
      if (!link.run(done, link.now + 3_600_000)) throw new Error('ours: transfer did not finish');
      return;
    }
    const { client: a, server: b } = this;
    for (let idle = 0; !done(); ) {
      const now = performance.now();
      let moved = false;
      for (let p = a.pollTransmit(); p !== undefined; p = a.pollTransmit()) {
        b.handleInput(p, now);
        moved = true;
      }
      for (let p = b.pollTransmit(); p !== undefined; p = b.pollTransmit()) {
        a.handleInput(p, now);
        moved = true;
      }
      for (let e = b.pollEvent(); e !== undefined; e = b.pollEvent()) this.onEvent(e);
      while (a.pollEvent() !== undefined) {}
      for (const x of [a, b]) {
        const t = x.pollTimeout();
        if (t !== undefined && t <= now) {
          x.handleTimeout(now);
          moved = true;
        }
      }
      if (!moved && ++idle > 1_000_000) throw new Error('ours: stalled');
    }
  }

  transfer(size: number, count: number): TransferResult {
    const start = this.now();
    const target = this.messages + count;
    const before = this.bytes;
    let k = 0;
    // Keep at most 8 MiB queued (the send buffer holds 16), as an application would.
    const top = () => {
      while (k < count && this.client.bufferedAmount(1) < 8 * MiB)
        this.client.send(1, message(size, k++), true, this.now());
    };
    top();
    this.pump(() => {
      top();
      return this.messages >= target;
    });
    return {
      ok: this.last !== undefined && sameBytes(this.last, message(size, count - 1)),
      bytes: this.bytes - before,
      elapsed: this.now() - start,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Theirs: werift-sctp in a worker

type WeriftScenario = { kind: 'memory' } | { kind: 'link'; path: PathScenario };

class WeriftPair {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));

  constructor(scenario: WeriftScenario) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL('../../packages/sctp/test/support/werift-worker.mjs', import.meta.url), {
      workerData: { port: port2, flag: this.flag.buffer },
      transferList: [port2],
      execArgv: [],
    });
    this.worker.unref();
    this.call({ type: 'setup', scenario });
  }

  private call(command: object): Record<string, unknown> {
    this.post(command);
    return this.wait();
  }

  /** Starts a command without waiting (several workers can then run at once). */
  post(command: object): void {
    Atomics.store(this.flag, 0, 0);
    this.worker.postMessage(command);
  }

  wait(): Record<string, unknown> {
    if (Atomics.wait(this.flag, 0, 0, 600_000) === 'timed-out') throw new Error('werift worker: no answer');
    const reply = receiveMessageOnPort(this.port)?.message as Record<string, unknown> | undefined;
    if (reply === undefined) throw new Error('werift worker: no reply');
    if (typeof reply.error === 'string') throw new Error(`werift worker: ${reply.error}`);
    return reply;
  }

  transfer(size: number, count: number): TransferResult {
    return this.call({ type: 'transfer', size, count }) as unknown as TransferResult;
  }

  close(): void {
    this.call({ type: 'stop' });
    void this.worker.terminate();
  }
}

// ---------------------------------------------------------------------------------------------
// Cases

const crcInput = Buffer.from(Uint8Array.from({ length: MiB }, (_, i) => (i * 2654435761) >>> 24));

function lazy<T>(make: () => T): () => T {
  let v: T | undefined;
  return () => {
    v ??= make();
    return v;
  };
}

function checked(r: TransferResult, who: string, bytes: number): TransferResult {
  if (!r.ok || r.bytes !== bytes)
    throw new Error(`${who}: delivered ${r.bytes} of ${bytes} bytes, last ok: ${r.ok}`);
  return r;
}

/** Ops that move `count` messages of `size` bytes over fresh pairs made on first use. */
function transferCase(
  name: string,
  note: string,
  size: number,
  count: number,
  ours: () => OurPair,
  theirs: () => WeriftPair,
): BenchCase {
  return {
    name,
    note,
    ours: () => checked(ours().transfer(size, count), 'ours', size * count),
    theirs: () => checked(theirs().transfer(size, count), 'werift', size * count),
    check: () => {
      checked(ours().transfer(size, count), 'ours', size * count);
      checked(theirs().transfer(size, count), 'werift', size * count);
    },
  };
}

const memoryOurs = lazy(() => new OurPair());
const memoryTheirs = lazy(() => new WeriftPair({ kind: 'memory' }));

function path(rtt: number, loss: number, seed = 5): PathScenario {
  const bandwidth = 100e6;
  return {
    bandwidth,
    delay: rtt / 2,
    queueBytes: Math.max((bandwidth / 8) * (rtt / 1000), 64 * 1500),
    loss,
    seed,
  };
}

function mbps(r: TransferResult): number {
  return (r.bytes * 8) / (r.elapsed / 1000) / 1e6;
}

const RTTS = [0, 20, 50, 100];
const LOSSES = [0, 0.01];

function goodputBytes(loss: number): number {
  return SMOKE ? 256 * KiB : loss > 0 ? 4 * MiB : 16 * MiB;
}

/**
 * Goodput of one transfer on a fresh pair of each stack, for every RTT and loss rate. The werift
 * runs go to one worker each and proceed while ours run here (this is `check()`, not timed).
 */
function measureGoodput(): string[] {
  const scenarios = LOSSES.flatMap((loss) => RTTS.map((rtt) => ({ rtt, loss })));
  const workers = scenarios.map(({ rtt, loss }) => {
    const w = new WeriftPair({ kind: 'link', path: path(rtt, loss) });
    w.post({ type: 'transfer', size: 16 * KiB, count: goodputBytes(loss) / (16 * KiB) });
    return w;
  });
  const ours = scenarios.map(({ rtt, loss }) => {
    const total = goodputBytes(loss);
    return checked(new OurPair(path(rtt, loss)).transfer(16 * KiB, total / (16 * KiB)), 'ours', total);
  });
  const lines: string[] = [];
  scenarios.forEach(({ rtt, loss }, i) => {
    const w = workers[i] as WeriftPair;
    const t = checked(w.wait() as unknown as TransferResult, 'werift', goodputBytes(loss));
    w.close();
    const o = ours[i] as TransferResult;
    const line = `${loss * 100} % loss, ${rtt} ms: ours ${mbps(o).toFixed(1)}, werift ${mbps(t).toFixed(1)} Mbit/s (${(mbps(o) / mbps(t)).toFixed(2)}×)`;
    lines.push(line);
    if (!SMOKE) console.log(`  sctp goodput, ${line}`);
  });
  return lines;
}

function goodputCase(): BenchCase {
  let figures: string[] = [];
  const ours = lazy(() => new OurPair(path(50, 0.01, 11)));
  const theirs = lazy(() => new WeriftPair({ kind: 'link', path: path(50, 0.01, 11) }));
  const size = 16 * KiB;
  const count = 16;
  return {
    name: 'goodput, 100 Mbit/s path, 0/20/50/100 ms RTT, 0/1 % loss',
    get note() {
      return `goodput in virtual time of 16 MiB (0 % loss) or 4 MiB (1 %) in 16 KiB messages on a fresh pair of each stack: ${figures.join('; ') || 'not measured'}. One op: ${count} × 16 KiB over an established pair on the 50 ms, 1 % loss path, in real time (the whole stack plus the simulator; werift's also two thread hand-offs and an event-loop turn per virtual event)`;
    },
    ours: () => checked(ours().transfer(size, count), 'ours', size * count),
    theirs: () => checked(theirs().transfer(size, count), 'werift', size * count),
    check: () => {
      figures = measureGoodput();
    },
  };
}

export const suite: Suite = {
  name: 'sctp',
  theirs: `werift-sctp ${packageVersion('werift-sctp')}`,
  cases: [
    {
      name: 'CRC32c, 1 MiB (ops/s = MiB/s)',
      note: 'the SCTP checksum over the same 1 MiB buffer; ours: slicing-by-8 over aligned 32-bit words; werift-sctp: its `crc32c` (slicing-by-16 over bytes, lib/common/src/crc.js)',
      ours: () => crc32c(crcInput),
      theirs: () => weriftCrc.crc32c(crcInput),
      check: () => {
        if (crc32c(crcInput) !== weriftCrc.crc32c(crcInput) >>> 0) throw new Error('CRC32c values differ');
      },
    },
    transferCase(
      'throughput, in-memory pipe, 1 MiB in 16 KiB messages (ops/s = MiB/s)',
      "one op: 64 messages of 16 KiB from client to server of an established association over a zero-delay in-memory pipe, until the last one is delivered and checked; ours: a synchronous pump of pollTransmit/handleInput; werift-sctp: `send()` with at most 8 pending, its transport handing packets over with setImmediate (in a worker). Scaled down from the issue's 64 MiB so that a 100 ms round holds whole werift ops (the sctp tests move 64 MiB each way at 0/1/5 % loss)",
      16 * KiB,
      64,
      memoryOurs,
      memoryTheirs,
    ),
    transferCase(
      'small messages, in-memory pipe, 1000 × 64 B',
      'one op: 1000 messages of 64 bytes, same pipes and feeding as above; messages/s = 1000 × ops/s',
      64,
      1000,
      memoryOurs,
      memoryTheirs,
    ),
    goodputCase(),
  ],
};
