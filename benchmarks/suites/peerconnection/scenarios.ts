/**
 * What one trial of the peerconnection suite does, for any `PeerKind`, and the bare node:dgram
 * ceilings. Every trial builds its own pair, closes it and waits until its sockets and timers
 * are gone (`quiesce`) before it returns; only the measured stretch is timed.
 */
import { spawn } from 'node:child_process';
import type { Socket } from 'node:dgram';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { bindBare, closeBare } from '../../bare-udp.js';
import { activeResources } from '../../harness.js';
import {
  type CandidateInit,
  type Channel,
  type Connection,
  candidateAddress,
  isLoopbackCandidate,
  LOOPBACK,
  type MessageLike,
  type PeerKind,
} from './peers.js';

export const KiB = 1024;
export const MiB = 1024 * KiB;

/**
 * A sender's flow control: it sends while `bufferedAmount` is under `high`, then waits for
 * `bufferedamountlow` with `bufferedAmountLowThreshold` = `low`.
 */
export interface WaterMarks {
  readonly high: number;
  readonly low: number;
}

/** A pair that has not connected by then fails (the harness has its own, longer, limit). */
const CONNECT_DEADLINE_MS = 10_000;
/** A transfer fails when nothing moves for this long (a lost `bufferedamountlow`, a stall). */
const STALL_MS = 5_000;

// ---------------------------------------------------------------------------------------------
// Helpers

let gcFunction: (() => void) | undefined;

/** A full collection: `gc` is not exposed under tsx, so expose it in a fresh context. */
export function collectGarbage(): void {
  if (gcFunction === undefined) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed !== undefined) gcFunction = exposed;
    else {
      setFlagsFromString('--expose-gc');
      gcFunction = runInNewContext('gc') as () => void;
    }
  }
  gcFunction();
}

/** Lets pending callbacks (socket closes, resolved promises) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** `p`, or a rejection after `ms`; the timer never outlives the race. */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: not done after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

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

/** The bytes of a message event: an ArrayBuffer (W3C, binaryType 'arraybuffer') or a Buffer (werift). */
function viewOf(data: unknown): DataView | undefined {
  if (data instanceof ArrayBuffer) return new DataView(data);
  if (ArrayBuffer.isView(data)) return new DataView(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

const templates = new Map<number, Buffer>();

/** Message `k` of `size` bytes: a fixed pattern, its number in the first 4 bytes. A fresh buffer each. */
export function message(size: number, k: number): Buffer {
  let t = templates.get(size);
  if (t === undefined) {
    t = Buffer.alloc(size);
    for (let i = 0; i < size; i++) t[i] = (i * 31 + 7) & 255;
    templates.set(size, t);
  }
  const m = Buffer.allocUnsafe(size);
  t.copy(m);
  m.writeUInt32BE(k >>> 0, 0);
  return m;
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

function opened(channel: Channel): Promise<void> {
  if (channel.readyState === 'open') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onOpen = () => {
      channel.removeEventListener('close', onClose);
      resolve();
    };
    const onClose = () => {
      channel.removeEventListener('open', onOpen);
      reject(new Error(`channel ${channel.label} closed before it opened`));
    };
    channel.addEventListener('open', onOpen);
    channel.addEventListener('close', onClose);
  });
}

async function closeAll(pcs: readonly Connection[]): Promise<void> {
  await Promise.all(pcs.map(async (pc) => pc.close()));
}

/**
 * Trickles `from`'s candidates to `to` as they come, loopback candidates only, as plain
 * {candidate, sdpMid, sdpMLineIndex} (wrtc's addIceCandidate rejects other libraries' candidate
 * objects: "Expected a 32-bit integer"). Candidates that come before `to` has a remote
 * description wait for the returned `ready()`. End-of-candidates is not forwarded: not every
 * library takes it, and none needs it to connect.
 */
function trickle(
  from: Connection,
  to: Connection,
  gathered: string[],
  forwarded: string[],
  fail: (e: unknown) => void,
): () => void {
  let queue: CandidateInit[] | undefined = [];
  from.onicecandidate = (event) => {
    const c = event.candidate;
    if (c?.candidate === undefined || c.candidate === '') return;
    gathered.push(c.candidate);
    if (!isLoopbackCandidate(c.candidate)) return;
    forwarded.push(c.candidate);
    const init: CandidateInit = {
      candidate: c.candidate,
      sdpMid: c.sdpMid ?? null,
      sdpMLineIndex: c.sdpMLineIndex ?? null,
    };
    if (queue !== undefined) queue.push(init);
    else to.addIceCandidate(init).catch(fail);
  };
  return () => {
    const pending = queue ?? [];
    queue = undefined;
    for (const init of pending) to.addIceCandidate(init).catch(fail);
  };
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
    const gathered: string[] = [];
    const forwarded: string[] = [];
    const toB = trickle(a, b, gathered, forwarded, fail);
    const toA = trickle(b, a, gathered, forwarded, fail);
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
      toB();
      const answer = await b.createAnswer();
      peer.beforeGather?.(b);
      await b.setLocalDescription(answer);
      await a.setRemoteDescription({ type: answer.type, sdp: answer.sdp });
      toA();
      return open;
    };
    const [, receiver] = await within(
      Promise.race([negotiate(), failed]),
      deadlineMs,
      `${peer.name}: connect and open a channel`,
    );
    return { a, b, sender, receiver, forwarded, gathered, close: () => closeAll(pcs) };
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
 * its local end is 127.0.0.1. Returns what it saw, for a note.
 */
export async function checkLoopback(peer: PeerKind): Promise<string> {
  const before = activeResources();
  const pair = await connectPair(peer);
  try {
    if (pair.forwarded.length === 0) throw new Error(`${peer.name}: no loopback candidate gathered`);
    const bad = pair.forwarded.filter((c) => candidateAddress(c) !== LOOPBACK);
    if (bad.length > 0) throw new Error(`${peer.name}: forwarded ${bad.join(', ')}`);
    const selected = await selectedAddresses(pair.a).catch(() => undefined);
    if (selected !== undefined && selected[0] !== '' && selected[0] !== LOOPBACK) {
      throw new Error(`${peer.name}: selected pair ${selected.join(' -> ')}, not on ${LOOPBACK}`);
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
    let sent = 0;
    let received = 0;
    let bytes = 0;
    let start = 0;
    let pumping = false;
    let progress = 0;
    let lastProgress = -1;
    let watchdog: ReturnType<typeof setInterval> | undefined;
    let poller: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    const finish = (error: Error | undefined) => {
      if (done) return;
      done = true;
      clearInterval(watchdog);
      clearTimeout(poller);
      receiver.removeEventListener('message', onMessage);
      sender.removeEventListener('bufferedamountlow', pump);
      if (error === undefined) resolve(performance.now() - start);
      else reject(error);
    };
    const onMessage = (event: MessageLike) => {
      const v = viewOf(event.data);
      if (v === undefined || v.byteLength !== size || (size >= 4 && v.getUint32(0) !== received >>> 0)) {
        const what = v === undefined ? typeof event.data : `${v.byteLength} bytes, number ${v.getUint32(0)}`;
        finish(new Error(`${label}: message ${received} arrived as ${what}`));
        return;
      }
      received++;
      bytes += v.byteLength;
      progress++;
      if (received === count) {
        if (bytes !== count * size)
          finish(new Error(`${label}: ${bytes} bytes received, not ${count * size}`));
        else finish(undefined);
      }
    };
    function pump(): void {
      if (pumping) return; // a library may fire bufferedamountlow from inside send()
      pumping = true;
      try {
        while (sent < count && sender.bufferedAmount < water.high) {
          sender.send(message(size, sent));
          sent++;
          progress++;
        }
      } catch (e) {
        finish(e instanceof Error ? e : new Error(String(e)));
      } finally {
        pumping = false;
      }
      if (poll && !done && sent < count) {
        // No bufferedamountlow from this library: look again in a millisecond.
        clearTimeout(poller);
        poller = setTimeout(() => {
          if (sender.bufferedAmount <= water.low) pump();
          else poller?.refresh();
        }, 1);
      }
    }
    receiver.addEventListener('message', onMessage);
    sender.bufferedAmountLowThreshold = water.low;
    sender.addEventListener('bufferedamountlow', pump);
    watchdog = setInterval(() => {
      if (progress === lastProgress) {
        finish(
          new Error(
            `${label}: stalled for ${STALL_MS} ms: ${sent}/${count} sent, ${received} received, bufferedAmount ${sender.bufferedAmount}`,
          ),
        );
      }
      lastProgress = progress;
    }, STALL_MS);
    start = performance.now();
    pump();
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

/** Datagrams in flight at most, as in docs/real-peers.md's node:dgram measurement. */
export const BARE_WINDOW = 64;
/** The receiver acknowledges every this many datagrams (a 4-byte count). */
const BARE_ACK_EVERY = 16;

/**
 * `count` datagrams of `size` bytes from one bare socket to another on 127.0.0.1, at most
 * `BARE_WINDOW` unacknowledged: ms from the first send to the last datagram received (counted
 * and its bytes summed). No loss is expected on loopback with so small a window; a lost datagram
 * stalls the window and fails the trial.
 */
export async function bareTransfer(count: number, size: number): Promise<number> {
  collectGarbage();
  const [a, b] = await Promise.all([bindBare(), bindBare()]);
  try {
    const payload = message(size, 0);
    const bPort = b.address().port;
    const aPort = a.address().port;
    return await new Promise<number>((resolve, reject) => {
      let sent = 0;
      let acked = 0;
      let received = 0;
      let bytes = 0;
      const start = performance.now();
      const timer = setTimeout(
        () => reject(new Error(`bare: stalled, ${sent} sent, ${received} received`)),
        STALL_MS * 4,
      );
      const fill = () => {
        while (sent < count && sent - acked < BARE_WINDOW) {
          a.send(payload, bPort, LOOPBACK);
          sent++;
        }
      };
      b.on('message', (data) => {
        received++;
        bytes += data.length;
        if (received === count) {
          clearTimeout(timer);
          if (bytes === count * size) resolve(performance.now() - start);
          else reject(new Error(`bare: ${bytes} bytes, not ${count * size}`));
        } else if (received % BARE_ACK_EVERY === 0) {
          const ack = Buffer.allocUnsafe(4); // a fresh one: dgram may send after we return
          ack.writeUInt32BE(received, 0);
          b.send(ack, aPort, LOOPBACK);
        }
      });
      a.on('message', (data) => {
        acked = Math.max(acked, data.readUInt32BE(0));
        fill();
      });
      fill();
    });
  } finally {
    await Promise.all([closeBare(a), closeBare(b)]);
  }
}

// ---------------------------------------------------------------------------------------------
// Memory: one child process per measurement (memory-child.ts)

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
 * Runs memory-child.ts for `key` (a peer's key, or 'bare') and `pairs` in a fresh Node process,
 * with our sources (`@purertc/source`) through tsx like `pnpm bench` and `MEMORY_CHILD_FLAGS`.
 * Resolves once the child has exited.
 */
export function memoryInChild(key: string, pairs: number, timeoutMs: number): Promise<MemoryFigures> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const args = [
    ...MEMORY_CHILD_FLAGS,
    '--conditions=@purertc/source',
    '--import',
    tsx,
    MEMORY_CHILD,
    key,
    String(pairs),
  ];
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
