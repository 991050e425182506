/**
 * The two-process transfer, the bench process's side. In the same-process throughput row both
 * peers share one process, so a single-threaded JS stack pays for both ends' work (encrypt and
 * decrypt, send and receive) on one thread while a native library spreads it over its own
 * threads; real peers are on different hosts. Here each trial spawns remote-child.ts (a fresh
 * process that loads only the library it runs) as the answerer and receiver, and this process
 * is the offerer and sender, signaling with the child over its IPC channel
 * (remote-messages.ts). Spawning and connecting are not timed; the transfer is, on this
 * process's clock, from the first `send` to the child's 'done'.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { bindBare, closeBare } from '../../bare-udp.js';
import { activeResources } from '../../harness.js';
import { collectGarbage, within } from '../../trial-helpers.js';
import { sendBare } from './bare-transfer.js';
import type { CandidateInit, Channel, Connection, PeerKind } from './peers.js';
import type { FromChild, ToChild } from './remote-messages.js';
import { CONNECT_DEADLINE_MS, quiesce, tsxChildArgs } from './scenarios.js';
import { CandidateInbox, forwardLoopbackCandidates, opened } from './signaling.js';
import { PacedSender, STALL_MS, type WaterMarks, watchStall } from './transfer.js';

const REMOTE_CHILD = fileURLToPath(new URL('./remote-child.ts', import.meta.url));

/** Starting a child (node, tsx, our sources or a native library) on a busy 2-core machine. */
const START_DEADLINE_MS = 30_000;
/** A child still running this long after 'close' is killed. */
const EXIT_DEADLINE_MS = 5_000;

/** The child's messages that come once a trial, which the trial waits for in turn. */
type Step = Exclude<FromChild['kind'], 'candidate' | 'error'>;
type StepMessage<K extends Step> = Extract<FromChild, { kind: K }>;

interface Waiter {
  resolve(m: FromChild): void;
  reject(e: Error): void;
}

/**
 * One child process, the receiving end of one trial: its messages, as steps to wait for
 * (`next`) and candidates (`onCandidate`); an 'error' from it, or its exit before `close()`,
 * fails whatever is waited for.
 */
class RemoteChild {
  /** Where the child's candidates go. */
  onCandidate: (candidate: CandidateInit) => void = () => {};
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private readonly arrived = new Map<Step, FromChild>();
  private readonly waiters = new Map<Step, Waiter>();
  private failure: Error | undefined;
  private closing = false;
  private stderr = '';

  constructor(
    key: string,
    count: number,
    size: number,
    private readonly label: string,
  ) {
    const args = tsxChildArgs([], REMOTE_CHILD, [key, String(count), String(size)]);
    // stdout ignored: a library's chatter has nowhere to go; stderr kept for a failure's message.
    this.child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      this.stderr = (this.stderr + d).slice(-2_000);
    });
    this.child.on('message', (m: FromChild) => this.take(m));
    this.child.on('error', (e) => this.fail(e));
    // 'close': the process has exited and its pipes (stderr, IPC) are closed.
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        if (!this.closing) {
          const tail = this.stderr.trim().split('\n').slice(-6).join(' | ');
          this.fail(new Error(`${this.label}: the child exited (${code ?? signal}) mid-trial: ${tail}`));
        }
        resolve();
      });
    });
  }

  send(m: ToChild): void {
    this.child.send(m, (e) => {
      if (e !== null) this.fail(e);
    });
  }

  /** The child's message `kind` (already come or to come); rejects once the child has failed. */
  next<K extends Step>(kind: K): Promise<StepMessage<K>> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const m = this.arrived.get(kind);
    if (m !== undefined) {
      this.arrived.delete(kind);
      return Promise.resolve(m as StepMessage<K>);
    }
    return new Promise((resolve, reject) => {
      this.waiters.set(kind, { resolve: (m) => resolve(m as StepMessage<K>), reject });
    });
  }

  fail(e: unknown): void {
    if (this.failure !== undefined || this.closing) return;
    this.failure = e instanceof Error ? e : new Error(String(e));
    for (const w of this.waiters.values()) w.reject(this.failure);
    this.waiters.clear();
  }

  /** Asks the child to close and exit (killed after `EXIT_DEADLINE_MS`); resolves once it has. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.child.connected) this.child.send({ kind: 'close' } satisfies ToChild, () => {});
    const killer = setTimeout(() => this.child.kill('SIGKILL'), EXIT_DEADLINE_MS);
    await this.exited;
    clearTimeout(killer);
  }

  private take(m: FromChild): void {
    if (m.kind === 'candidate') this.onCandidate(m.candidate);
    else if (m.kind === 'error') this.fail(new Error(`${this.label}: the child: ${m.message}`));
    else {
      const waiter = this.waiters.get(m.kind);
      this.waiters.delete(m.kind);
      if (waiter !== undefined) waiter.resolve(m);
      else this.arrived.set(m.kind, m);
    }
  }
}

/**
 * Negotiates `pc` (the offerer) with the child (the answerer) as `connectPair` does in one
 * process: offer/answer as {type, sdp}, loopback candidates trickled both ways, until the channel
 * `pc` creates ('bench', ordered, reliable) is open on both sides. Resolves with it.
 */
async function connectToChild(peer: PeerKind, pc: Connection, child: RemoteChild): Promise<Channel> {
  const remote = new CandidateInbox(pc, (e) => child.fail(e));
  child.onCandidate = (candidate) => remote.add(candidate);
  forwardLoopbackCandidates(pc, (candidate) => child.send({ kind: 'candidate', candidate }));
  const sender = pc.createDataChannel('bench', { ordered: true });
  sender.binaryType = 'arraybuffer';
  const open = opened(sender);
  open.catch(() => undefined); // awaited below, once the answer is in
  const offer = await pc.createOffer();
  peer.beforeGather?.(pc);
  await pc.setLocalDescription(offer);
  child.send({ kind: 'offer', description: { type: offer.type, sdp: offer.sdp } });
  const { description } = await child.next('answer');
  await pc.setRemoteDescription(description);
  remote.ready();
  await Promise.all([open, child.next('open')]);
  return sender;
}

/**
 * Sends `count` messages of `size` bytes on `sender` under `water`'s flow control (`PacedSender`,
 * as the same-process transfer) and resolves with the ms from the first `send` to the child's
 * 'done', which it says once the last message has arrived, every one checked.
 */
function sendToChild(
  sender: Channel,
  child: RemoteChild,
  count: number,
  size: number,
  water: WaterMarks,
  label: string,
  poll: boolean,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let start = 0;
    let done = false;
    const finish = (error: Error | undefined) => {
      const end = performance.now();
      if (done) return;
      done = true;
      stopWatching();
      paced.stop();
      if (error === undefined) resolve(end - start);
      else reject(error);
    };
    const paced = new PacedSender(sender, count, size, water, poll, finish);
    // Sends that stop moving; after the last one, a 'done' that does not come (the child watches
    // the arrivals itself and says 'error' when they stall).
    const stopWatching = watchStall(
      () => paced.sent,
      () =>
        finish(
          new Error(
            `${label}: stalled for ${STALL_MS} ms: ${paced.sent}/${count} sent, bufferedAmount ${sender.bufferedAmount}, no 'done' from the child`,
          ),
        ),
    );
    child.next('done').then(
      () => finish(undefined),
      (e: Error) => finish(e),
    );
    start = performance.now();
    paced.start();
  });
}

/**
 * One trial: a child process receiving, this process sending `count` messages of `size` bytes
 * to it; resolves with the ms of the transfer alone. Waits for the child to exit and for this
 * process's sockets and timers to go before it returns.
 */
export async function remoteTransferTrial(
  peer: PeerKind,
  count: number,
  size: number,
  water: WaterMarks,
): Promise<number> {
  collectGarbage();
  const before = activeResources();
  const label = `${peer.name}, two processes: ${count} × ${size} B`;
  const child = new RemoteChild(peer.key, count, size, label);
  let pc: Connection | undefined;
  try {
    await within(child.next('ready'), START_DEADLINE_MS, `${label}: start the child`);
    pc = peer.create();
    const sender = await within(
      connectToChild(peer, pc, child),
      CONNECT_DEADLINE_MS,
      `${label}: connect and open a channel`,
    );
    return await sendToChild(sender, child, count, size, water, label, peer.noBufferedAmountLow === true);
  } finally {
    try {
      await pc?.close();
    } finally {
      await child.close();
    }
    await quiesce(before);
  }
}

/**
 * The ceiling of the two-process row: `count` datagrams of `size` bytes from a bare socket here
 * to one in a child process (bare-transfer.ts, at most `BARE_WINDOW` unacknowledged): ms from
 * the first send to the child's 'done'.
 */
export async function remoteBareTransfer(count: number, size: number): Promise<number> {
  collectGarbage();
  const label = `bare, two processes: ${count} × ${size} B`;
  const child = new RemoteChild('bare', count, size, label);
  let socket: Socket | undefined;
  try {
    const { port } = await within(child.next('bound'), START_DEADLINE_MS, `${label}: start the child`);
    socket = await bindBare();
    const done = child.next('done');
    const start = performance.now();
    sendBare(socket, port, count, size);
    await done;
    return performance.now() - start;
  } finally {
    try {
      if (socket !== undefined) await closeBare(socket);
    } finally {
      await child.close();
    }
  }
}
