/**
 * `node --expose-gc --max-semi-space-size=1 --min-semi-space-size=1 --conditions=@purertc/source
 * --import tsx memory-child.ts KEY PAIRS` (`MEMORY_CHILD_FLAGS` in scenarios.ts): the
 * memory of PAIRS connected pairs of one library (KEY: ours, werift, ndc, wrtc, or bare for two
 * bare UDP sockets per pair), measured alone in a fresh process so that neither another
 * library's garbage nor the memory a native library keeps after its last close can count.
 *
 * 1. Warmup: two pairs connected, a message each way, closed: code loaded and compiled, the
 *    native library's threads and pools started.
 * 2. Baseline once settled (`steadyUsage`): V8 heapUsed + external (ArrayBuffers included) after
 *    a full GC, and the process's resident set.
 * 3. PAIRS pairs connected, ten at a time, each with its channel open (a message each way).
 * 4. Once settled again, the same figures.
 *
 * Prints one JSON line, {"heap": B per pair, "rss": B per pair}, closes everything and exits.
 */
import { createSocket, type Socket } from 'node:dgram';
import { collectGarbage, settle, within } from '../../trial-helpers.js';
import { loadPeer } from './loaders.js';
import { LOOPBACK, type PeerKind } from './peers.js';
import { connectPair, type MemoryFigures, type Pair } from './scenarios.js';

const BATCH = 10;

type Closer = () => Promise<void>;

/** A message each way on the pair's channel: both ends have really carried data. */
async function exchange(pair: Pair): Promise<void> {
  const got = (from: Pair['sender']) =>
    new Promise<void>((resolve) => {
      const onMessage = () => {
        from.removeEventListener('message', onMessage);
        resolve();
      };
      from.addEventListener('message', onMessage);
    });
  const both = Promise.all([got(pair.receiver), got(pair.sender)]);
  pair.sender.send(new Uint8Array(64));
  pair.receiver.send(new Uint8Array(64));
  await within(both, 10_000, 'memory: exchange');
}

async function openPeerPair(peer: PeerKind): Promise<Closer> {
  const pair = await connectPair(peer);
  try {
    await exchange(pair);
  } catch (e) {
    await pair.close();
    throw e;
  }
  return () => pair.close();
}

async function bindBare(): Promise<Socket> {
  const s = createSocket('udp4');
  s.on('message', () => {});
  await new Promise<void>((resolve) => s.bind(0, LOOPBACK, () => resolve()));
  return s;
}

async function openBarePair(): Promise<Closer> {
  const sockets = await Promise.all([bindBare(), bindBare()]);
  return async () => {
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  };
}

function usage(): { heap: number; rss: number } {
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.external, rss: m.rss };
}

/**
 * The figures once the process has settled: full GCs 100 ms apart until RSS moves by less than
 * 64 KiB (V8 and malloc give pages back some time after a collection), at most 3 s.
 */
async function steadyUsage(): Promise<{ heap: number; rss: number }> {
  let last = usage();
  for (let i = 0; i < 30; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await settle();
    collectGarbage();
    collectGarbage();
    const now = usage();
    if (Math.abs(now.rss - last.rss) < 64 * 1024) return now;
    last = now;
  }
  return last;
}

async function openMany(open: () => Promise<Closer>, n: number, closers: Closer[]): Promise<void> {
  for (let i = 0; i < n; i += BATCH) {
    const batch = await Promise.all(Array.from({ length: Math.min(BATCH, n - i) }, () => open()));
    closers.push(...batch);
  }
}

async function measure(open: () => Promise<Closer>, pairs: number): Promise<MemoryFigures> {
  for (let i = 0; i < 2; i++) await (await open())();
  const before = await steadyUsage();
  const closers: Closer[] = [];
  try {
    await openMany(open, pairs, closers);
    const after = await steadyUsage();
    return { heap: (after.heap - before.heap) / pairs, rss: (after.rss - before.rss) / pairs };
  } finally {
    await Promise.all(closers.map((close) => close()));
  }
}

async function main(): Promise<void> {
  const [key, count] = process.argv.slice(2);
  const pairs = Number(count);
  if (!Number.isInteger(pairs) || pairs < 1)
    throw new Error(`usage: memory-child.ts KEY PAIRS, not ${count}`);
  const loading = key === undefined ? undefined : loadPeer(key);
  if (loading === undefined && key !== 'bare') throw new Error(`no peer ${key}`);
  const peer = await loading;
  const figures = await measure(peer === undefined ? openBarePair : () => openPeerPair(peer), pairs);
  await new Promise<void>((resolve) => process.stdout.write(`${JSON.stringify(figures)}\n`, () => resolve()));
}

main().then(
  // Native libraries may keep threads alive after their last close: this process is done.
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
