// A worker thread that runs two werift-sctp associations (client and server) for the
// benchmark. werift is promise- and timer-driven, so it cannot run inside a synchronous
// benchmark op; the main thread posts a command and blocks on Atomics.wait until the worker
// answers on a MessagePort (read with receiveMessageOnPort).
//
// Two pipes:
// - 'memory': zero delay, infinite bandwidth; werift on real timers and Date.now, each packet
//   handed over with setImmediate (its transport API is asynchronous).
// - 'link': the simulated path of link-core.mjs (the one our tests use), on a virtual clock:
//   setTimeout, clearTimeout and Date.now are replaced, and time jumps to the next packet or
//   timer once werift has finished reacting (one turn of the real event loop: its promise
//   chains are microtasks, and what it defers with setImmediate runs before our next turn).
//   Each packet gets its own turn. (Handing over the packets due within 0.5 ms in one turn,
//   as a socket does with datagrams that arrived together, would be 5x cheaper, but werift's
//   goodput then drops by a third to three quarters; the comparison uses its best case.)
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { Heap, Path } from './link-core.mjs';

const require = createRequire(import.meta.url);
const { SCTP } = require('werift-sctp');

const { port, flag } = workerData;
const signal = new Int32Array(flag);

const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const realSetImmediate = globalThis.setImmediate;
const realDateNow = Date.now;
const tick = () => new Promise((resolve) => realSetImmediate(resolve));

// --- virtual clock --------------------------------------------------------------------------

const EPOCH = realDateNow();
let virtual = false;
let vnow = 0;
const timers = new Heap();

function installVirtualClock() {
  virtual = true;
  vnow = 0;
  Date.now = () => EPOCH + vnow;
  globalThis.setTimeout = (fn, ms = 0, ...args) => {
    const handle = { fn, args, cancelled: false, unref() {}, ref() {}, hasRef: () => true };
    timers.push(vnow + Math.max(0, Number(ms) || 0), handle);
    return handle;
  };
  globalThis.clearTimeout = (handle) => {
    if (handle && typeof handle === 'object' && 'cancelled' in handle) handle.cancelled = true;
    else realClearTimeout(handle);
  };
}

function useRealClock() {
  virtual = false;
  Date.now = realDateNow;
  globalThis.setTimeout = realSetTimeout;
  globalThis.clearTimeout = realClearTimeout;
}

// --- a pair of werift associations on a pipe ---------------------------------------------------

let pair;

function makePair(scenario) {
  const wire = new Heap();
  const paths =
    scenario.kind === 'link'
      ? [
          new Path({ ...scenario.path, seed: scenario.path.seed ?? 1 }),
          new Path({ ...scenario.path, seed: (scenario.path.seed ?? 1) + 0x9e3779b9 }),
        ]
      : undefined;
  const received = { messages: 0, bytes: 0, last: undefined };
  const transports = [0, 1].map((side) => ({
    onData: undefined,
    send: async (buf) => {
      const to = transports[1 - side];
      if (paths === undefined) {
        realSetImmediate(() => to.onData?.(buf));
        return;
      }
      for (const t of paths[side].transit(vnow, buf.length)) wire.push(t, { to, buf });
    },
    close() {},
  }));
  const client = SCTP.client(transports[0], 5000);
  const server = SCTP.server(transports[1], 5000);
  server.onReceive.subscribe((_streamId, _ppid, data) => {
    received.messages++;
    received.bytes += data.length;
    received.last = data;
  });
  return { client, server, wire, received, paths };
}

/** Runs the virtual clock (or waits in real time) until `done()` or `limitMs` of (virtual) time. */
async function runUntil(done, limitMs) {
  if (!virtual) {
    const deadline = realDateNow() + limitMs;
    while (!done()) {
      if (realDateNow() > deadline) throw new Error('werift: timed out');
      await tick();
    }
    return;
  }
  const { wire } = pair;
  const limit = vnow + limitMs;
  for (;;) {
    await tick();
    if (done()) return;
    const a = wire.peekTime();
    let b = timers.peekTime();
    while (b !== undefined && timers.items[0].cancelled) {
      timers.pop();
      b = timers.peekTime();
    }
    const next = a === undefined ? b : b === undefined ? a : Math.min(a, b);
    if (next === undefined || next > limit) throw new Error(`werift: stuck at ${vnow.toFixed(0)} ms`);
    if (next > vnow) vnow = next;
    while (wire.size > 0 && wire.peekTime() <= vnow) {
      const { to, buf } = wire.pop();
      to.onData?.(buf);
    }
    while (timers.size > 0 && timers.peekTime() <= vnow) {
      const h = timers.pop();
      if (!h.cancelled) h.fn(...h.args);
    }
  }
}

async function setup(scenario) {
  if (scenario.kind === 'link') installVirtualClock();
  else useRealClock();
  pair = makePair(scenario);
  const connected = pair.client.stateChanged.connected.asPromise();
  await pair.server.start(5000);
  await pair.client.start(5000);
  await runUntil(() => pair.client.state === 'connected' && pair.server.state === 'connected', 60_000);
  await connected;
  return { ok: true };
}

const templates = new Map();

/** The content of message `k` of `size` bytes: byte i is (i * 31 + 7) & 255, then `k` in the first 4 bytes. */
function message(size, k) {
  let t = templates.get(size);
  if (t === undefined) {
    t = Buffer.alloc(size);
    for (let i = 0; i < size; i++) t[i] = (i * 31 + 7) & 255;
    templates.set(size, t);
  }
  const d = Buffer.from(t);
  if (size >= 4) d.writeUInt32BE(k, 0);
  return d;
}

/** At most this many `send()` calls pending: each one awaits the flush of the whole queue, so
 * werift's cost grows with the square of the number queued (1024 × 16 KiB takes minutes). */
const SEND_WINDOW = 8;

/** Sends `count` messages of `size` bytes and waits until all have arrived; checks the last one. */
async function transfer({ size, count, limitMs }) {
  const { client, received } = pair;
  const start = virtual ? vnow : performance.now();
  const target = received.messages + count;
  const startBytes = received.bytes;
  let k = 0;
  let pending = 0;
  const top = () => {
    while (k < count && pending < SEND_WINDOW) {
      pending++;
      client
        .send(1, 53, message(size, k++))
        .catch(() => {})
        .finally(() => {
          pending--;
          top();
        });
    }
  };
  top();
  await runUntil(() => received.messages >= target, limitMs ?? 3_600_000);
  const last = received.last;
  const ok = last !== undefined && Buffer.compare(last, message(size, count - 1)) === 0;
  return {
    ok,
    bytes: received.bytes - startBytes,
    elapsed: (virtual ? vnow : performance.now()) - start,
    packets: pair.paths ? pair.paths[0].stats.sent : 0,
  };
}

async function stop() {
  if (pair !== undefined) {
    await Promise.allSettled([pair.client.stop(), pair.server.stop()]);
    pair = undefined;
  }
  useRealClock();
  return { ok: true };
}

parentPort.on('message', async (m) => {
  let reply;
  try {
    if (m.type === 'setup') reply = await setup(m.scenario);
    else if (m.type === 'transfer') reply = await transfer(m);
    else if (m.type === 'stop') reply = await stop();
    else throw new Error(`unknown command ${m.type}`);
  } catch (e) {
    reply = { error: String(e?.stack ?? e) };
  }
  port.postMessage(reply);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
