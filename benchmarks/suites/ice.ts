/**
 * ICE on real sockets: how long two agents take to connect on loopback, and what an idle agent
 * costs in memory. Ours (`NodeIceAgent` from @purertc/ice) against werift's ICE `Connection`.
 *
 * Like with like: both sides gather exactly one host candidate, UDP on 127.0.0.1 (`check()`
 * insists), with no STUN or TURN server; candidates trickle to the peer as they appear, through
 * their SDP line as signaling would carry them, end-of-candidates included; credentials are
 * exchanged once both sides have gathered.
 *
 * Two things werift needs to stay on loopback (see its lib/ice/src/ice.js):
 * - with no STUN server configured it falls back to stun.l.google.com:19302 (and waits up to
 *   `stunGatherTimeout`, 5 s, for it), and no option turns that off: we clear the public
 *   `stunServer` field after construction;
 * - `interfaceAddresses` only sets the address its sockets bind to, while the candidate list
 *   comes from the interfaces (the filter falls back to all of them when none matches): with
 *   `useIpv4: true` it would advertise e.g. 192.0.2.2:p for a socket bound to 127.0.0.1:p. We
 *   turn interface enumeration off and name 127.0.0.1 in `additionalHostAddresses`.
 */
import type { Socket } from 'node:dgram';
import { NodeIceAgent, type NodeIceAgentOptions, parseCandidate, serializeCandidate } from '@purertc/ice';
import { Candidate, Connection, type IceOptions } from 'werift';
import { bindBare, closeBare } from '../bare-udp.js';
import type { Suite } from '../harness.js';
import { collectGarbage, settle, within } from '../trial-helpers.js';
import { packageVersion } from '../versions.js';

const LOOPBACK = '127.0.0.1';
/** Idle agents per memory trial: the per-agent figure is the growth divided by this. */
export const MEMORY_AGENTS = 50;
/** A trial that has not connected by then fails (the harness has its own, longer, limit). */
const CONNECT_DEADLINE_MS = 10_000;

const OUR_OPTIONS: Omit<NodeIceAgentOptions, 'role'> = { hostAddresses: { addresses: [LOOPBACK] } };
const THEIR_OPTIONS: Partial<IceOptions> = {
  useIpv4: false,
  useIpv6: false,
  additionalHostAddresses: [LOOPBACK],
  interfaceAddresses: { udp4: LOOPBACK },
};

/** One datagram each way once connected; first byte 23 (RFC 7983: DTLS) so ours passes it up. */
const PAYLOAD = Buffer.alloc(100, 0xa5);
PAYLOAD[0] = 0x17;

// ---------------------------------------------------------------------------------------------
// Helpers

function samePayload(data: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(data.buffer, data.byteOffset, data.byteLength), PAYLOAD) === 0;
}

function expectLoopbackPair(label: string, local: string | undefined, remote: string | undefined): void {
  if (local !== LOOPBACK || remote !== LOOPBACK) {
    throw new Error(`${label}: selected pair ${local} -> ${remote}, expected ${LOOPBACK} on both ends`);
  }
}

// ---------------------------------------------------------------------------------------------
// Ours

function newOurAgent(role: 'controlling' | 'controlled', extra: Partial<NodeIceAgentOptions>): NodeIceAgent {
  return new NodeIceAgent({ role, ...OUR_OPTIONS, ...extra });
}

/** Trickle from `from` to `to` through the candidate line; `null` is end-of-candidates. */
function trickleOurs(from: NodeIceAgent, to: NodeIceAgent): void {
  from.on('candidate', (c) => {
    if (c === null) to.endOfRemoteCandidates();
    else void to.addRemoteCandidate(serializeCandidate(c));
  });
}

/** Resolves once `x` is connected and has sent its datagram; rejects if it fails or closes first. */
function ourSend(x: NodeIceAgent): Promise<void> {
  return new Promise((resolve, reject) => {
    const off = x.on('state', (s) => {
      if (s === 'connected' || s === 'completed') {
        off();
        // Out of the event loop of the agent's flush before calling back into it.
        queueMicrotask(() => (x.send(PAYLOAD) ? resolve() : reject(new Error('ours: send refused'))));
      } else if (s === 'failed' || s === 'closed') {
        off();
        reject(new Error(`ours: ${s} before connected`));
      }
    });
  });
}

function ourReceive(x: NodeIceAgent): Promise<void> {
  return new Promise((resolve, reject) => {
    const off = x.on('data', (data) => {
      off();
      if (samePayload(data)) resolve();
      else reject(new Error('ours: received other bytes'));
    });
  });
}

async function connectOurs(extra: Partial<NodeIceAgentOptions>): Promise<number> {
  collectGarbage();
  const a = newOurAgent('controlling', extra);
  const b = newOurAgent('controlled', extra);
  try {
    const start = performance.now();
    trickleOurs(a, b);
    trickleOurs(b, a);
    const done = Promise.all([ourSend(a), ourSend(b), ourReceive(a), ourReceive(b)]);
    done.catch(() => undefined); // awaited below; closing early must not make it unhandled
    await Promise.all([a.gather(), b.gather()]);
    a.setRemoteCredentials(b.localCredentials);
    b.setRemoteCredentials(a.localCredentials);
    await within(done, CONNECT_DEADLINE_MS, 'ours: connect');
    const ms = performance.now() - start;
    for (const x of [a, b]) {
      const pair = x.agent?.selectedPair;
      expectLoopbackPair('ours', pair?.local.address, pair?.remote.address);
    }
    return ms;
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

async function openOurs(): Promise<() => Promise<void>> {
  const a = newOurAgent('controlling', {});
  await a.gather();
  return () => a.close();
}

// ---------------------------------------------------------------------------------------------
// werift

function newTheirAgent(controlling: boolean): Connection {
  const c = new Connection(controlling, THEIR_OPTIONS);
  c.stunServer = undefined; // else stun.l.google.com:19302, whatever the options say
  return c;
}

function trickleTheirs(from: Connection, to: Connection): void {
  from.onIceCandidate.subscribe((c) => {
    void to.addRemoteCandidate(Candidate.fromSdp(c.toSdp()));
  });
}

/** Gathers, then signals end-of-candidates to the peer (werift has no event for it). */
async function gatherTheirs(from: Connection, to: Connection): Promise<void> {
  await from.gatherCandidates();
  await to.addRemoteCandidate(undefined);
}

function theirReceive(x: Connection): Promise<void> {
  return new Promise((resolve, reject) => {
    const { unSubscribe } = x.onData.subscribe((data) => {
      unSubscribe();
      if (samePayload(data)) resolve();
      else reject(new Error('werift: received other bytes'));
    });
  });
}

async function connectTheirs(): Promise<number> {
  collectGarbage();
  const a = newTheirAgent(true);
  const b = newTheirAgent(false);
  try {
    const start = performance.now();
    trickleTheirs(a, b);
    trickleTheirs(b, a);
    const received = Promise.all([theirReceive(a), theirReceive(b)]);
    received.catch(() => undefined);
    await Promise.all([gatherTheirs(a, b), gatherTheirs(b, a)]);
    a.setRemoteParams({ iceLite: false, usernameFragment: b.localUsername, password: b.localPassword });
    b.setRemoteParams({ iceLite: false, usernameFragment: a.localUsername, password: a.localPassword });
    // connect() resolves once the agent is 'connected'; werift's send() needs that too.
    const sent = Promise.all([
      a.connect().then(() => a.send(PAYLOAD)),
      b.connect().then(() => b.send(PAYLOAD)),
    ]);
    sent.catch(() => undefined);
    await within(Promise.all([sent, received]), CONNECT_DEADLINE_MS, 'werift: connect');
    const ms = performance.now() - start;
    for (const x of [a, b]) {
      expectLoopbackPair('werift', x.nominated?.localCandidate.host, x.nominated?.remoteCandidate.host);
    }
    return ms;
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

async function openTheirs(): Promise<() => Promise<void>> {
  const c = newTheirAgent(true);
  await c.gatherCandidates();
  return () => c.close();
}

// ---------------------------------------------------------------------------------------------
// The bare core: UDP sockets and nothing else

function bareReceive(s: Socket): Promise<void> {
  return new Promise((resolve, reject) =>
    s.once('message', (data) => (samePayload(data) ? resolve() : reject(new Error('bare: other bytes')))),
  );
}

async function connectBare(): Promise<number> {
  collectGarbage();
  const sockets: Socket[] = [];
  try {
    const start = performance.now();
    const [a, b] = await Promise.all([bindBare(), bindBare()]);
    sockets.push(a, b);
    const received = Promise.all([bareReceive(a), bareReceive(b)]);
    a.send(PAYLOAD, b.address().port, LOOPBACK);
    b.send(PAYLOAD, a.address().port, LOOPBACK);
    await within(received, CONNECT_DEADLINE_MS, 'bare: exchange');
    return performance.now() - start;
  } finally {
    await Promise.all(sockets.map(closeBare));
  }
}

async function openBare(): Promise<() => Promise<void>> {
  const s = await bindBare();
  s.on('message', () => {});
  return () => closeBare(s);
}

// ---------------------------------------------------------------------------------------------
// Memory

function heapAndExternal(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external; // external includes ArrayBuffers
}

/** Growth of JS heap + external memory per agent while `MEMORY_AGENTS` gathered agents sit idle. */
async function memoryPerAgent(open: () => Promise<() => Promise<void>>): Promise<number> {
  const closers: Array<() => Promise<void>> = [];
  try {
    await settle();
    collectGarbage();
    collectGarbage();
    const before = heapAndExternal();
    for (let i = 0; i < MEMORY_AGENTS; i++) closers.push(await open());
    await settle();
    collectGarbage();
    collectGarbage();
    return (heapAndExternal() - before) / MEMORY_AGENTS;
  } finally {
    await Promise.all(closers.map((close) => close()));
  }
}

// ---------------------------------------------------------------------------------------------
// Check: both sides gather the same single candidate

async function gatheredLines(): Promise<[string[], string[]]> {
  const ours = newOurAgent('controlling', {});
  const theirs = newTheirAgent(true);
  try {
    const ourLines: string[] = [];
    ours.on('candidate', (c) => {
      if (c !== null) ourLines.push(serializeCandidate(c));
    });
    await ours.gather();
    await theirs.gatherCandidates();
    return [ourLines, theirs.localCandidates.map((c) => `candidate:${c.toSdp()}`)];
  } finally {
    await Promise.all([ours.close(), theirs.close()]);
  }
}

async function checkSameCandidates(): Promise<void> {
  const [ours, theirs] = await gatheredLines();
  for (const [label, lines] of [
    ['ours', ours],
    ['werift', theirs],
  ] as const) {
    const parsed = lines.map((l) => parseCandidate(l));
    const only = parsed[0];
    if (
      parsed.length !== 1 ||
      only === undefined ||
      only.type !== 'host' ||
      only.transport !== 'udp' ||
      only.address !== LOOPBACK
    ) {
      throw new Error(`${label} gathers ${JSON.stringify(lines)}, not one UDP host candidate on ${LOOPBACK}`);
    }
  }
}

const SIGNALING =
  'both gather one UDP host candidate on 127.0.0.1 (no STUN/TURN server), trickle it through its candidate line, then end-of-candidates; credentials exchanged once both have gathered';

export const suite: Suite = {
  name: 'ice',
  theirs: `werift ${packageVersion('werift')}`,
  cases: [],
  scenarios: [
    {
      name: 'connect on loopback',
      unit: 'ms',
      better: 'lower',
      note: `from the start of gathering on two just-built agents to both connected and one 100-byte datagram delivered each way (building and closing them not timed); ${SIGNALING}. Ours: \`NodeIceAgent\` defaults, checks start on \`setRemoteCredentials\`, regular nomination (RFC 8445 §8.1.1), Ta 50 ms; werift: \`Connection\`, \`connect()\` on both sides, aggressive nomination (USE-CANDIDATE on every check, its only mode for UDP), its check loop polls every 20 ms. Ceiling: bind two bare UDP sockets, one datagram each way (no ICE)`,
      ours: () => connectOurs({}),
      theirs: connectTheirs,
      ceiling: connectBare,
      check: checkSameCandidates,
    },
    {
      name: 'connect on loopback, aggressive nomination',
      unit: 'ms',
      better: 'lower',
      note: `as "connect on loopback", but ours with \`aggressiveNomination: true\` (USE-CANDIDATE on every check, as werift does): the same nomination on both sides`,
      ours: () => connectOurs({ aggressiveNomination: true }),
      theirs: connectTheirs,
      ceiling: connectBare,
    },
    {
      name: 'memory per idle agent',
      unit: 'B',
      better: 'lower',
      note: `growth of V8 heapUsed + external (ArrayBuffers included) after a forced full GC, divided by ${MEMORY_AGENTS}, while ${MEMORY_AGENTS} agents that have gathered (one UDP host candidate on 127.0.0.1, no server, no remote yet) sit idle; then all closed. Ours: \`NodeIceAgent\` + \`gather()\`; werift: \`Connection\` + \`gatherCandidates()\`. Ceiling: one bare UDP socket bound on 127.0.0.1 with a message listener. Socket buffers in the kernel and libuv are not counted`,
      ours: () => memoryPerAgent(openOurs),
      theirs: () => memoryPerAgent(openTheirs),
      ceiling: () => memoryPerAgent(openBare),
      check: checkSameCandidates,
    },
  ],
};
