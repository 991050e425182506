/**
 * What one trial of the peerconnection suite does, for any `PeerKind`, and the bare node:dgram
 * ceilings. Every trial builds its own pair, closes it and waits until its sockets and timers
 * are gone (`quiesce`) before it returns; only the measured stretch is timed.
 */
import { spawn } from 'node:child_process';
import type { Socket } from 'node:dgram';
import { createRequire } from 'node:module';
import { networkInterfaces } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bindBare, closeBare } from '../../bare-udp.js';
import { activeResources } from '../../harness.js';
import { collectGarbage, settle, within } from '../../trial-helpers.js';
import { receiveBare, sendBare } from './bare-transfer.js';
import {
  type Channel,
  type Connection,
  candidateAddress,
  isLoopbackCandidate,
  LOOPBACK,
  type MessageLike,
  type PeerKind,
} from './peers.js';
import { CandidateInbox, type CandidateLog, forwardLoopbackCandidates, opened } from './signaling.js';
import { MessageCheck, message, PacedSender, STALL_MS, type WaterMarks, watchStall } from './transfer.js';

export const KiB = 1024;
export const MiB = 1024 * KiB;

/** A pair that has not connected by then fails (the harness has its own, longer, limit). */
export const CONNECT_DEADLINE_MS = 10_000;

// ---------------------------------------------------------------------------------------------
// Helpers

/**
 * Waits (untimed) until the sockets and timers counted at `before` are all that is left: werift
 * keeps ref'd timers for about half a second after `close()`, and the harness fails a trial
 * that leaves any behind. Gives up after `maxMs`; the harness's leak check then says what is left.
 */
export async function quiesce(before: ReadonlyMap<string, number>, maxMs = 3_000): Promise<void> {
  const deadline = performance.now() + maxMs;
  for (;;) {
    await settle();
    let grown = false;
    for (const [type, n] of activeResources()) if (n > (before.get(type) ?? 0)) grown = true;
    if (!grown || performance.now() > deadline) return;
    // Ref'd: once the library's last timer is gone, this one must still keep the loop alive.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// ---------------------------------------------------------------------------------------------
// A connected pair

export interface Pair {
  readonly a: Connection;
  readonly b: Connection;
  /** The channel `a` created, open. */
  readonly sender: Channel;
  /** The same channel as `b` got it, open. */
  readonly receiver: Channel;
  /** The candidate lines each side forwarded to the other (loopback only). */
  readonly forwarded: readonly string[];
  /** Every candidate line gathered, forwarded or not. */
  readonly gathered: readonly string[];
  close(): Promise<void>;
}

async function closeAll(pcs: readonly Connection[]): Promise<void> {
  await Promise.all(pcs.map(async (pc) => pc.close()));
}

/**
 * Two fresh peer connections of `peer`, offer/answer exchanged in this process, candidates
 * trickled, until the one data channel `a` creates ('bench', ordered, reliable) is open on both
 * sides. Closes what it built when it fails.
 */
export async function connectPair(peer: PeerKind, deadlineMs = CONNECT_DEADLINE_MS): Promise<Pair> {
  const pcs: Connection[] = [];
  try {
    const a = peer.create();
    pcs.push(a);
    const b = peer.create();
    pcs.push(b);
    let failure: ((e: unknown) => void) | undefined;
    const failed = new Promise<never>((_, reject) => {
      failure = reject;
    });
    failed.catch(() => undefined);
    const fail = (e: unknown) => failure?.(e);
    const log: CandidateLog = { gathered: [], forwarded: [] };
    const toA = new CandidateInbox(a, fail);
    const toB = new CandidateInbox(b, fail);
    forwardLoopbackCandidates(a, (c) => toB.add(c), log);
    forwardLoopbackCandidates(b, (c) => toA.add(c), log);
    const received = new Promise<Channel>((resolve, reject) => {
      b.ondatachannel = (event) => {
        const channel = event.channel;
        channel.binaryType = 'arraybuffer';
        opened(channel).then(() => resolve(channel), reject);
      };
    });
    const sender = a.createDataChannel('bench', { ordered: true });
    sender.binaryType = 'arraybuffer';
    const open = Promise.all([opened(sender), received]);
    open.catch(() => undefined);

    const negotiate = async () => {
      const offer = await a.createOffer();
      peer.beforeGather?.(a);
      await a.setLocalDescription(offer);
      // What signaling would carry: the two strings, not the library's description object.
      await b.setRemoteDescription({ type: offer.type, sdp: offer.sdp });
      toB.ready();
      const answer = await b.createAnswer();
      peer.beforeGather?.(b);
      await b.setLocalDescription(answer);
      await a.setRemoteDescription({ type: answer.type, sdp: answer.sdp });
      toA.ready();
      return open;
    };
    const [, receiver] = await within(
      Promise.race([negotiate(), failed]),
      deadlineMs,
      `${peer.name}: connect and open a channel`,
    );
    return { a, b, sender, receiver, ...log, close: () => closeAll(pcs) };
  } catch (e) {
    await closeAll(pcs);
    throw e;
  }
}

/** The selected candidate pair's local and remote addresses, from getStats, when the library says. */
export async function selectedAddresses(pc: Connection): Promise<[string, string] | undefined> {
  const report = await pc.getStats();
  let found: [string, string] | undefined;
  report.forEach((s) => {
    if (s.type !== 'candidate-pair' || (s.nominated !== true && s.selected !== true)) return;
    if (s.state !== undefined && s.state !== 'succeeded') return;
    const local = report.get(String(s.localCandidateId));
    const remote = report.get(String(s.remoteCandidateId));
    const address = (x: Record<string, unknown> | undefined) => String(x?.address ?? x?.ip ?? '');
    found ??= [address(local), address(remote)];
  });
  return found;
}

/**
 * Runs `peer` once the way the trials do and throws unless it stays on loopback: candidates
 * were gathered and only 127.0.0.1 ones forwarded, and where getStats names the selected pair,
 * its local end is an address of this host. Returns what it saw, for a note.
 */
/** Every address of this host's interfaces, loopback included. */
const HOST_ADDRESSES: ReadonlySet<string> = new Set(
  Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address)),
);

export async function checkLoopback(peer: PeerKind): Promise<string> {
  const before = activeResources();
  const pair = await connectPair(peer);
  try {
    if (pair.forwarded.length === 0) throw new Error(`${peer.name}: no loopback candidate gathered`);
    const bad = pair.forwarded.filter((c) => candidateAddress(c) !== LOOPBACK);
    if (bad.length > 0) throw new Error(`${peer.name}: forwarded ${bad.join(', ')}`);
    const selected = await selectedAddresses(pair.a).catch(() => undefined);
    // wrtc binds every interface and now and then pairs its own eth0 address with the peer's
    // 127.0.0.1 (the peer learns it as peer-reflexive): the datagrams still never leave this host
    // (Linux routes between its own addresses over lo). Only a foreign address would be wrong.
    if (selected !== undefined && selected[0] !== '' && !HOST_ADDRESSES.has(selected[0])) {
      throw new Error(`${peer.name}: selected pair ${selected.join(' -> ')}, not on this host`);
    }
    const others = pair.gathered.filter((c) => !isLoopbackCandidate(c)).length;
    return others === 0 ? 'loopback only' : `${others} non-loopback candidates not forwarded`;
  } finally {
    await pair.close();
    await quiesce(before);
  }
}

// ---------------------------------------------------------------------------------------------
// Transfers

/**
 * Sends `count` messages of `size` bytes from `sender` to `receiver` under `water`'s flow
 * control, and resolves with the ms from the first `send` to the last message received. Every
 * message is checked: its size, and its number (in order, none lost). With `poll` (a library
 * without `bufferedamountlow`) the sender looks at `bufferedAmount` every millisecond instead.
 */
export function transfer(
  sender: Channel,
  receiver: Channel,
  count: number,
  size: number,
  water: WaterMarks,
  label: string,
  poll = false,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let start = 0;
    let done = false;
    const finish = (error: Error | undefined) => {
      if (done) return;
      done = true;
      stopWatching();
      paced.stop();
      receiver.removeEventListener('message', onMessage);
      if (error === undefined) resolve(performance.now() - start);
      else reject(error);
    };
    const check = new MessageCheck(count, size, label);
    const paced = new PacedSender(sender, count, size, water, poll, finish);
    const onMessage = (event: MessageLike) => {
      try {
        if (check.next(event.data)) finish(undefined);
      } catch (e) {
        finish(e instanceof Error ? e : new Error(String(e)));
      }
    };
    const stopWatching = watchStall(
      () => paced.sent + check.received,
      () =>
        finish(
          new Error(
            `${label}: stalled for ${STALL_MS} ms: ${paced.sent}/${count} sent, ${check.received} received, bufferedAmount ${sender.bufferedAmount}`,
          ),
        ),
    );
    receiver.addEventListener('message', onMessage);
    start = performance.now();
    paced.start();
  });
}

/** One pair, one transfer: resolves with the ms of the transfer alone (connecting is not timed). */
export async function transferTrial(
  peer: PeerKind,
  count: number,
  size: number,
  water: WaterMarks,
): Promise<number> {
  collectGarbage();
  const before = activeResources();
  const pair = await connectPair(peer);
  try {
    const label = `${peer.name}: ${count} × ${size} B`;
    const poll = peer.noBufferedAmountLow === true;
    return await transfer(pair.sender, pair.receiver, count, size, water, label, poll);
  } finally {
    await pair.close();
    await quiesce(before);
  }
}

/** One pair, from the first constructor call to the channel open on both sides: ms. */
export async function setupTrial(peer: PeerKind): Promise<number> {
  collectGarbage();
  const before = activeResources();
  const start = performance.now();
  const pair = await connectPair(peer);
  const ms = performance.now() - start;
  await pair.close();
  await quiesce(before);
  return ms;
}

// ---------------------------------------------------------------------------------------------
// The bare core: node:dgram on 127.0.0.1

/** Bind two sockets, one datagram there and back: ms. */
export async function bareRoundTrip(): Promise<number> {
  collectGarbage();
  const sockets: Socket[] = [];
  try {
    const start = performance.now();
    const [a, b] = await Promise.all([bindBare(), bindBare()]);
    sockets.push(a, b);
    b.on('message', (data, from) => b.send(data, from.port, from.address));
    const back = new Promise<void>((resolve) => a.once('message', () => resolve()));
    a.send(message(64, 0), b.address().port, LOOPBACK);
    await within(back, CONNECT_DEADLINE_MS, 'bare: round trip');
    return performance.now() - start;
  } finally {
    await Promise.all(sockets.map(closeBare));
  }
}

/**
 * `count` datagrams of `size` bytes from one bare socket to another on 127.0.0.1, at most
 * `BARE_WINDOW` unacknowledged (bare-transfer.ts): ms from the first send to the last datagram
 * received (counted and its bytes summed).
 */
export async function bareTransfer(count: number, size: number): Promise<number> {
  collectGarbage();
  const [a, b] = await Promise.all([bindBare(), bindBare()]);
  try {
    const received = receiveBare(b, count, size);
    const start = performance.now();
    sendBare(a, b.address().port, count, size);
    await received;
    return performance.now() - start;
  } finally {
    await Promise.all([closeBare(a), closeBare(b)]);
  }
}

// ---------------------------------------------------------------------------------------------
// Child processes: memory (memory-child.ts) and the two-process transfer (remote-child.ts)

/**
 * The command line of a child Node process running `script` (one of these .ts files) with
 * `args`: our sources (`@purertc/source`) through tsx, as `pnpm bench` runs this one, after the
 * node `flags`.
 */
export function tsxChildArgs(flags: readonly string[], script: string, args: readonly string[]): string[] {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return [...flags, '--conditions=@purertc/source', '--import', tsx, script, ...args];
}

export interface MemoryFigures {
  /** Growth of V8 heapUsed + external (ArrayBuffers included) per pair. */
  readonly heap: number;
  /** Growth of the process's resident set per pair. */
  readonly rss: number;
}

const MEMORY_CHILD = fileURLToPath(new URL('./memory-child.ts', import.meta.url));

/**
 * V8 flags of a memory child: `gc` exposed, and a young generation pinned at 1 MiB per
 * semi-space. V8 grows the young generation (up to 16 MiB a semi-space) with the allocation
 * rate; left free, that growth lands in the RSS of a JS stack as if it were per-pair memory
 * (werift: about 650 KiB "per pair" instead of 300 to 400). The flags are the same for every
 * library; the heap figure (live objects after a full GC) does not depend on them.
 */
export const MEMORY_CHILD_FLAGS = ['--expose-gc', '--max-semi-space-size=1', '--min-semi-space-size=1'];

/**
 * Runs memory-child.ts for `key` (a peer's key, or 'bare') and `pairs` in a fresh Node process
 * (`tsxChildArgs`, with `MEMORY_CHILD_FLAGS`). Resolves once the child has exited.
 */
export function memoryInChild(key: string, pairs: number, timeoutMs: number): Promise<MemoryFigures> {
  const args = tsxChildArgs(MEMORY_CHILD_FLAGS, MEMORY_CHILD, [key, String(pairs)]);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').at(-1) ?? '';
      let figures: Partial<MemoryFigures> = {};
      try {
        figures = JSON.parse(last) as Partial<MemoryFigures>;
      } catch {}
      const { heap, rss } = figures;
      if (code === 0 && typeof heap === 'number' && typeof rss === 'number' && Number.isFinite(heap + rss)) {
        resolve({ heap, rss });
      } else {
        const why = signal === 'SIGKILL' ? `killed after ${timeoutMs} ms` : `exit ${code ?? signal}`;
        const tail = err.trim().split('\n').slice(-6).join(' | ');
        reject(new Error(`memory child ${key} ${pairs}: ${why}, stdout ${JSON.stringify(last)}: ${tail}`));
      }
    });
  });
}
