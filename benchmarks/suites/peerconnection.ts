/**
 * The whole W3C stack on loopback (issue 7): ours (@purertc/peerconnection) against werift
 * (`theirs`), node-datachannel (libdatachannel) and @roamhq/wrtc (libwebrtc), and bare
 * node:dgram as the ceiling. Five scenarios, each trial on fresh pairs (or, for the two-process
 * row, a fresh peer here and a fresh child) closed before the trial returns:
 *
 * - setup: two `new RTCPeerConnection()`, a data channel created on the first, offer/answer
 *   exchanged in-process, candidates trickled, until the channel is open on both sides;
 * - throughput: 64 MiB in 16 KiB binary messages over that one ordered, reliable channel, the
 *   sender under `bufferedAmount` flow control; MiB/s until the last byte is received;
 * - throughput with the peers in two processes: the same transfer to a receiving peer in a child
 *   process (remote-child.ts, one per trial), signaling over its IPC channel: a single-threaded
 *   JS stack no longer pays for both ends on one thread, as it does in the row above;
 * - small messages: 5 000 messages of 64 bytes, the same way; messages/s (werift manages a few
 *   hundred a second: 20 000 would take it a minute a trial);
 * - memory per connected pair: 50 pairs with their channel open, measured in a child process
 *   per trial (a fresh process for each library: RSS is the only honest figure for the native
 *   ones, whose memory lives outside the V8 heap).
 *
 * The code common to every library is in peerconnection/: peers.ts (the API subset), one module
 * per library (what it needs to stay on 127.0.0.1), signaling.ts (candidates, a channel's
 * opening), transfer.ts and bare-transfer.ts (the two ends of a transfer, usable apart),
 * scenarios.ts (the trials), remote-transfer.ts and remote-child.ts (the two-process transfer),
 * memory-child.ts.
 *
 * A 64 MiB trial takes werift about half a minute on a shared 2-core machine: the long
 * scenarios run a seventh of the run's rounds (3 of the default 21) with no warmup trial (the
 * `check()` that runs each library once on a smaller transfer is their warmup), so that the
 * suite takes a few minutes; `--quick` moves 8 MiB, 1 000 messages and 10 pairs instead, and
 * `pnpm test` (VITEST set) 256 KiB, 200 messages and 2 pairs.
 */
import type { ScenarioCase, Suite, Trial, TrialContext } from '../harness.js';
import { BARE_WINDOW } from './peerconnection/bare-transfer.js';
import { NODE_DATACHANNEL } from './peerconnection/node-datachannel.js';
import { OURS } from './peerconnection/ours.js';
import type { PeerKind } from './peerconnection/peers.js';
import { remoteBareTransfer, remoteTransferTrial } from './peerconnection/remote-transfer.js';
import {
  bareRoundTrip,
  bareTransfer,
  checkLoopback,
  KiB,
  type MemoryFigures,
  MiB,
  memoryInChild,
  setupTrial,
  transferTrial,
} from './peerconnection/scenarios.js';
import type { WaterMarks } from './peerconnection/transfer.js';
import { WERIFT } from './peerconnection/werift.js';
import { WRTC } from './peerconnection/wrtc.js';

/** Every library, ours first, werift (`theirs`) second. */
export const PEERS: readonly PeerKind[] = [OURS, WERIFT, NODE_DATACHANNEL, WRTC];

export interface Sizes {
  /** Bytes of one throughput trial, in `MESSAGE` messages. */
  readonly bytes: number;
  /** Messages of one small-message trial. */
  readonly messages: number;
  /** Connected pairs of one memory trial. */
  readonly pairs: number;
}

export const FULL: Sizes = { bytes: 64 * MiB, messages: 5_000, pairs: 50 };
export const QUICK: Sizes = { bytes: 8 * MiB, messages: 1_000, pairs: 10 };
/** Under vitest (`pnpm test` loads every suite and runs each scenario once): a smoke run. */
export const TINY: Sizes = { bytes: 256 * KiB, messages: 200, pairs: 2 };

const SMOKE = process.env.VITEST !== undefined;

function sizes(context: TrialContext): Sizes {
  return SMOKE ? TINY : context.quick ? QUICK : FULL;
}

/** One throughput message. */
export const MESSAGE = 16 * KiB;
/** One small message. */
export const SMALL = 64;
/** Datagram of the throughput ceiling: what fits in one packet of a 1280-byte path MTU. */
const DATAGRAM = 1200;

/** 16 messages of 16 KiB queued at most; refilled at 4. */
export const THROUGHPUT_WATER: WaterMarks = { high: 256 * KiB, low: 64 * KiB };
/** 256 messages of 64 bytes queued at most; refilled at 64. */
export const SMALL_WATER: WaterMarks = { high: 16 * KiB, low: 4 * KiB };

/** Long scenarios: 3 rounds of the default 21, 1 with `--quick`. */
const LONG = 1 / 7;

// ---------------------------------------------------------------------------------------------
// Checks, once per process: each library stays on loopback, and moves data correctly

let loopbackChecked: Promise<string[]> | undefined;

/** Each library once through `checkLoopback`; what each gathered, for the notes. */
function checkAllLoopback(): Promise<string[]> {
  loopbackChecked ??= (async () => {
    const seen: string[] = [];
    for (const peer of PEERS) seen.push(`${peer.name}: ${await checkLoopback(peer)}`);
    return seen;
  })();
  return loopbackChecked;
}

/**
 * Each library moves `count` messages of `size` bytes once (every message checked), and the
 * bare sockets move as many bytes in their own datagrams: the scenario's warmup.
 */
async function checkTransfers(
  count: number,
  size: number,
  water: WaterMarks,
  datagram: number,
): Promise<void> {
  await checkAllLoopback();
  for (const peer of PEERS) await transferTrial(peer, count, size, water);
  await bareTransfer(Math.ceil((count * size) / datagram), datagram);
}

/** `checkTransfers` with the receiving end in a child process (remote-transfer.ts). */
async function checkRemoteTransfers(count: number, size: number, water: WaterMarks, datagram: number) {
  await checkAllLoopback();
  for (const peer of PEERS) await remoteTransferTrial(peer, count, size, water);
  await remoteBareTransfer(Math.ceil((count * size) / datagram), datagram);
}

// ---------------------------------------------------------------------------------------------
// Memory: one child per trial measures both figures

const MEMORY_TIMEOUT_MS = 120_000;

/**
 * Figures a child measured for one row and not yet reported by the other: the two memory rows
 * come from the same children. The row measured first spawns one child per trial (in its
 * interleaved, rotating order) and leaves the other figure here; the second row's trials take
 * them in the same order, so its per-round ratios pair the same children. A row run alone
 * (a filter) spawns its own.
 */
const memoryLeftovers = new Map<string, MemoryFigures[]>();

async function memoryTrial(key: string, figure: keyof MemoryFigures, context: TrialContext): Promise<number> {
  const other: keyof MemoryFigures = figure === 'heap' ? 'rss' : 'heap';
  const waiting = memoryLeftovers.get(`${figure} ${key}`)?.shift();
  if (waiting !== undefined) return waiting[figure];
  const { pairs } = sizes(context);
  const figures = await memoryInChild(key, pairs, MEMORY_TIMEOUT_MS);
  const queue = memoryLeftovers.get(`${other} ${key}`) ?? [];
  queue.push(figures);
  memoryLeftovers.set(`${other} ${key}`, queue);
  return figures[figure];
}

// ---------------------------------------------------------------------------------------------
// Cases

type PeerTrial = (peer: PeerKind, context: TrialContext) => Promise<number>;

/** A scenario run the same way by ours, werift (theirs), node-datachannel and wrtc. */
function everyPeer(base: Omit<ScenarioCase, 'ours' | 'theirs' | 'peers'>, trial: PeerTrial): ScenarioCase {
  const run =
    (peer: PeerKind): Trial =>
    (context) =>
      trial(peer, context);
  const [ours, theirs, ...others] = PEERS as [PeerKind, PeerKind, ...PeerKind[]];
  return {
    ...base,
    ours: run(ours),
    theirs: run(theirs),
    peers: others.map((p) => ({ name: p.name, run: run(p) })),
  };
}

const mib = (n: number) => `${n / MiB} MiB`;

const SIGNALING =
  'offer/answer exchanged in this process as {type, sdp} copies, candidates trickled as they come as plain {candidate, sdpMid, sdpMLineIndex} (127.0.0.1 ones only: wrtc gathers every interface), no end-of-candidates, no STUN/TURN server';

const CONFIGS =
  "ours: `hostAddresses: {addresses: ['127.0.0.1']}`; werift: `iceUseIpv4: false, iceUseIpv6: false, iceAdditionalHostAddresses: ['127.0.0.1'], iceInterfaceAddresses: {udp4: '127.0.0.1'}`, its Google STUN fallback cleared; node-datachannel (polyfill): `bindAddress: '127.0.0.1'`; wrtc: defaults";

const FLOW =
  'the sender sends while `bufferedAmount` is under the high-water mark, then waits for `bufferedamountlow` (`bufferedAmountLowThreshold` = the low mark); wrtc implements neither, so its sender polls `bufferedAmount` every ms. Every message is checked on arrival: size, and its number (in order, none missing)';

export const suite: Suite = {
  name: 'peerconnection',
  theirs: WERIFT.name,
  ceiling: `bare node:dgram on 127.0.0.1: setup, bind two sockets and one datagram there and back; transfers, one socket sending to another (in the two-process row, to one in a child process) with at most ${BARE_WINDOW} datagrams unacknowledged (an ack every 16), ${DATAGRAM}-byte datagrams for throughput and 64-byte ones for small messages, no crypto, no SCTP`,
  cases: [],
  scenarios: [
    everyPeer(
      {
        name: 'connection setup to an open data channel',
        unit: 'ms',
        better: 'lower',
        roundsScale: 1 / 3,
        note: `from the first \`new RTCPeerConnection()\` (of two) to the data channel the first creates open on both sides: createDataChannel, createOffer, setLocalDescription, setRemoteDescription, createAnswer, setLocalDescription, setRemoteDescription, ICE, DTLS (each side generates its certificate), SCTP, DCEP; ${SIGNALING}. ${CONFIGS}. Closing not timed. node-datachannel's time is mostly one wait: in most trials its first ClientHello reaches the other side just as that side's DTLS transport starts and goes unanswered, and the handshake goes on after libdatachannel's 1 s retransmission timer (its verbose log; ICE is connected within a few ms). A third of the run's rounds (7 of 21)`,
        check: async () => {
          await checkAllLoopback();
        },
        ceiling: () => bareRoundTrip(),
      },
      (peer) => setupTrial(peer),
    ),
    everyPeer(
      {
        name: 'data channel throughput, 16 KiB messages',
        unit: 'MiB/s',
        better: 'higher',
        roundsScale: LONG,
        warmupTrials: 0,
        trialTimeoutMs: 180_000,
        note: `${mib(FULL.bytes)} (${mib(QUICK.bytes)} with --quick) in ${MESSAGE / KiB} KiB binary messages over one ordered, reliable channel of a pair just connected (as in setup, not timed), from the first \`send\` to the last byte received; ${FLOW}. High-water mark ${THROUGHPUT_WATER.high / KiB} KiB, low ${THROUGHPUT_WATER.low / KiB} KiB. A seventh of the run's rounds (3 of 21), no warmup trial: \`check()\` moves 1 MiB with each first`,
        check: async (context) => {
          await checkTransfers(SMOKE || context.quick ? 16 : 64, MESSAGE, THROUGHPUT_WATER, DATAGRAM);
        },
        ceiling: async (context) => {
          const { bytes } = sizes(context);
          const ms = await bareTransfer(Math.ceil(bytes / DATAGRAM), DATAGRAM);
          return bytes / MiB / (ms / 1000);
        },
      },
      async (peer, context) => {
        const { bytes } = sizes(context);
        const ms = await transferTrial(peer, bytes / MESSAGE, MESSAGE, THROUGHPUT_WATER);
        return bytes / MiB / (ms / 1000);
      },
    ),
    everyPeer(
      {
        name: 'data channel throughput, 16 KiB messages, peers in two processes',
        unit: 'MiB/s',
        better: 'higher',
        roundsScale: LONG,
        warmupTrials: 0,
        trialTimeoutMs: 180_000,
        note: `the row above with the receiving peer in another process: in it both peers share one process, so a single-threaded JS stack pays for both ends' work (encrypt and decrypt, send and receive) on one thread, while a native library spreads it over its own threads; real peers are on different hosts, so a peer per process is the realistic figure. Each trial spawns a child (remote-child.ts, loading only the one library) that is the answerer and receiver; this process is the offerer and sender. Signaling over the child's IPC channel, otherwise as above (offer/answer as {type, sdp}, 127.0.0.1 candidates trickled); same ${mib(FULL.bytes)} (${mib(QUICK.bytes)} with --quick), channel, flow control and checks (the child checks every message). MiB/s from the first \`send\` to the child's message that the last byte arrived, on the sender's clock; spawning and connecting not timed. Ceiling: the bare transfer of the row above with its receiving socket in a child process. A seventh of the run's rounds (3 of 21), no warmup trial: \`check()\` moves 1 MiB with each first`,
        check: async (context) => {
          // Under vitest the one trial of each variant checks as much, and this warmup's five
          // child processes would double the test's time.
          if (SMOKE) await checkAllLoopback();
          else await checkRemoteTransfers(context.quick ? 16 : 64, MESSAGE, THROUGHPUT_WATER, DATAGRAM);
        },
        ceiling: async (context) => {
          const { bytes } = sizes(context);
          const ms = await remoteBareTransfer(Math.ceil(bytes / DATAGRAM), DATAGRAM);
          return bytes / MiB / (ms / 1000);
        },
      },
      async (peer, context) => {
        const { bytes } = sizes(context);
        const ms = await remoteTransferTrial(peer, bytes / MESSAGE, MESSAGE, THROUGHPUT_WATER);
        return bytes / MiB / (ms / 1000);
      },
    ),
    everyPeer(
      {
        name: 'small messages, 64 B',
        unit: 'msg/s',
        better: 'higher',
        roundsScale: LONG,
        warmupTrials: 0,
        trialTimeoutMs: 120_000,
        note: `${FULL.messages} messages (${QUICK.messages} with --quick) of ${SMALL} bytes, same channel and checks as throughput, messages/s from the first \`send\` to the last message received; high-water mark ${SMALL_WATER.high / KiB} KiB (${SMALL_WATER.high / SMALL} messages), low ${SMALL_WATER.low / KiB} KiB: werift slows down badly with thousands of sends pending (each \`send()\` starts its own flush loop over the queue). The ceiling sends one message per datagram, while SCTP bundles small messages into packets: a stack can beat it. A seventh of the run's rounds, no warmup trial: \`check()\` sends 1000 with each first`,
        check: async (context) => {
          await checkTransfers(SMOKE || context.quick ? 100 : 1000, SMALL, SMALL_WATER, SMALL);
        },
        ceiling: async (context) => {
          const { messages } = sizes(context);
          const ms = await bareTransfer(messages, SMALL);
          return messages / (ms / 1000);
        },
      },
      async (peer, context) => {
        const { messages } = sizes(context);
        const ms = await transferTrial(peer, messages, SMALL, SMALL_WATER);
        return messages / (ms / 1000);
      },
    ),
    everyPeer(
      {
        name: 'memory per connected pair, process RSS',
        unit: 'B',
        better: 'lower',
        roundsScale: LONG,
        warmupTrials: 0,
        trialTimeoutMs: MEMORY_TIMEOUT_MS + 10_000,
        note: `a fresh Node process per trial (memory-child.ts) loads one library, connects and closes two pairs (warmup), then connects ${FULL.pairs} pairs (${QUICK.pairs} with --quick), ten at a time, each with its channel open and one 64-byte message sent each way; the growth of the process's resident set over those ${FULL.pairs} pairs, divided by ${FULL.pairs}, both readings taken once RSS has settled (full GCs 100 ms apart until it moves by less than 64 KiB). Every child runs with V8's young generation pinned at 1 MiB a semi-space: V8 grows it with the allocation rate, and that growth would otherwise count as werift's per-pair memory (about 650 KiB a pair instead of 300 to 400). RSS is what compares a JS stack with a native one (libdatachannel, libwebrtc and their threads allocate outside the V8 heap). No ceiling: two bare sockets per pair add nothing measurable to RSS (their buffers are the kernel's). A seventh of the run's rounds`,
      },
      (peer, context) => memoryTrial(peer.key, 'rss', context),
    ),
    everyPeer(
      {
        name: 'memory per connected pair, JS heap + external',
        unit: 'B',
        better: 'lower',
        roundsScale: LONG,
        warmupTrials: 0,
        trialTimeoutMs: MEMORY_TIMEOUT_MS + 10_000,
        note: `the same children as the RSS row (each measures both): growth of V8 heapUsed + external (ArrayBuffers included) after full GCs, per pair. For node-datachannel and wrtc this is only their JS wrappers and buffers: their memory is in the RSS row`,
      },
      (peer, context) => memoryTrial(peer.key, 'heap', context),
    ),
  ],
};
