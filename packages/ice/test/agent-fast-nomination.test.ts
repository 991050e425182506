/**
 * How fast regular nomination (RFC 8445 §8.1.1) connects, in virtual time: no Ta on the
 * critical path. The nominating check leaves in the very call whose success (or nomination
 * deadline) decided it, not at the next Ta tick; so does the controlled agent's check of a pair
 * nominated before it validated it (§7.3.1.5); the first check and triggered checks leave as
 * soon as they are due; and the checklist's own checks keep their Ta spacing (§14.2).
 */
import { decodeStunMessage } from '@purertc/stun';
import { describe, expect, it } from 'vitest';
import {
  type AgentNode,
  bothConnected,
  exchangeCredentials,
  forwardCandidates,
  type Packet,
  signal,
  VirtualNetwork,
} from './support/virtual-network.js';

const DEFAULT_TA = 50; // RFC 8445 §14.2, the agent's default

const connected = (n: AgentNode) => n.state === 'connected' || n.state === 'completed';
const connectedAt = (n: AgentNode) =>
  n.states().find((s) => s.state === 'connected' || s.state === 'completed')?.at;

/** A Binding request (class 0b00, method 0x001), and whether it carries USE-CANDIDATE. */
function request(p: Packet): { id: string; useCandidate: boolean } | undefined {
  if (p.data[0] !== 0x00 || p.data[1] !== 0x01) return undefined;
  const m = decodeStunMessage(p.data);
  return { id: Buffer.from(m.transactionId).toString('hex'), useCandidate: m.useCandidate };
}

/** One call into an agent (the network's, or a command such as setRemoteCredentials), and what it put on the wire. */
interface Call {
  readonly kind: 'input' | 'timeout' | 'command';
  readonly at: number;
  /** Valid pairs (checklist pairs whose check succeeded) before and after the call. */
  readonly validBefore: number;
  validAfter: number;
  readonly sent: Packet[];
}

/** Records every call into `node`'s agent (handleInput, handleTimeout, commands), with its output. */
function recordCalls(net: VirtualNetwork, node: AgentNode): Call[] {
  const calls: Call[] = [];
  net.traceEnabled = true;
  const valid = () => node.agent.pairs.filter((p) => p.state === 'succeeded').length;
  const around = (kind: Call['kind'], run: () => void) => {
    const call: Call = { kind, at: net.now, validBefore: valid(), validAfter: 0, sent: [] };
    const mark = net.trace.length;
    run(); // the agent call and the flush of what it queued
    call.validAfter = valid();
    call.sent.push(...net.trace.slice(mark));
    calls.push(call);
  };
  const input = node.input.bind(node);
  const handleTimeout = node.handleTimeout.bind(node);
  const act = node.act.bind(node);
  node.input = (socketId, from, data) => around('input', () => input(socketId, from, data));
  node.handleTimeout = (now) => around('timeout', () => handleTimeout(now));
  node.act = (fn) => around('command', () => act(fn));
  return calls;
}

const nominating = (c: Call) => c.sent.some((p) => request(p)?.useCandidate === true);

/** When each new check transaction (not a retransmission) first left, among `calls`. */
function newChecks(calls: Call[], keep: (r: { useCandidate: boolean }) => boolean = () => true): number[] {
  const first = new Map<string, number>();
  for (const c of calls) {
    for (const p of c.sent) {
      const r = request(p);
      if (r !== undefined && keep(r) && !first.has(r.id)) first.set(r.id, c.at);
    }
  }
  return [...first.values()];
}

/**
 * Two agents with one host candidate each; candidates are exchanged first, then both are handed
 * the other's credentials at the same instant (or candidates last, if `candidatesLast`). Returns
 * the time from which both have everything.
 */
function setUp(
  net: VirtualNetwork,
  options: { ta?: number; candidatesLast?: boolean } = {},
): { a: AgentNode; b: AgentNode; calls: Call[]; start: number } {
  const a = net.addAgent('a', { role: 'controlling', ta: options.ta });
  const b = net.addAgent('b', { role: 'controlled', ta: options.ta });
  const calls = recordCalls(net, a);
  const exchangeCredentials = () => {
    a.act((x, now) => x.setRemoteCredentials(b.agent.localCredentials, now));
    b.act((x, now) => x.setRemoteCredentials(a.agent.localCredentials, now));
  };
  a.bind('192.0.2.1');
  b.bind('192.0.2.2');
  a.endOfSockets();
  b.endOfSockets();
  if (options.candidatesLast) exchangeCredentials();
  forwardCandidates(net, a, b, { delay: 5 });
  forwardCandidates(net, b, a, { delay: 5 });
  net.run(100);
  if (!options.candidatesLast) {
    expect(a.state).toBe('new'); // nothing happens without the credentials
    exchangeCredentials();
  }
  expect(a.agent.remoteCandidates).toHaveLength(1);
  expect(b.agent.remoteCandidates).toHaveLength(1);
  // Candidates last: they arrive after the 5 ms of signalling; else the credentials, at 100 ms.
  return { a, b, calls, start: options.candidatesLast ? 5 : 100 };
}

describe('IceAgent: regular nomination without Ta on the critical path', () => {
  it.each([
    { ta: DEFAULT_TA, candidatesLast: false },
    { ta: DEFAULT_TA, candidatesLast: true },
    { ta: 500, candidatesLast: false },
  ])('on a zero-delay network both connect at once (Ta $ta, candidates last: $candidatesLast)', (o) => {
    const net = new VirtualNetwork({ delay: 0 });
    const { a, b, start } = setUp(net, o);
    expect(net.runUntil(() => bothConnected(a, b), 60_000)).toBe(true);
    const elapsed = Math.max(connectedAt(a)!, connectedAt(b)!) - start;
    // Was one Ta (the nominating check waited for the next tick); now no timer is waited for.
    expect(elapsed).toBeLessThan(2 * o.ta);
    expect(elapsed).toBeLessThan(o.ta);
    expect(elapsed).toBe(0);
    // Regular nomination all the same: one nominated pair, nominated by a check of its own.
    const sa = a.agent.selectedPair!;
    expect(sa.nominated).toBe(true);
    expect(b.agent.selectedPair!.nominated).toBe(true);
    expect(a.agent.stats.checksSent).toBe(2); // the check, then the nominating check
    expect(a.state).toBe('completed');
  });

  it('with a 10 ms one-way delay, connects in two round trips, whatever Ta', () => {
    for (const ta of [DEFAULT_TA, 500]) {
      const net = new VirtualNetwork({ delay: 10 });
      const { a, b, start } = setUp(net, { ta });
      expect(net.runUntil(() => bothConnected(a, b), 60_000)).toBe(true);
      // Check out (0), its response back (20), nominating check out at once, seen by b at 30
      // (b's own check has succeeded by then), its response back at 40.
      expect(connectedAt(b)! - start, `Ta ${ta}`).toBe(30);
      expect(connectedAt(a)! - start, `Ta ${ta}`).toBe(40);
    }
  });

  it('sends the nominating check in the same handleInput as the success that enabled it', () => {
    const net = new VirtualNetwork({ delay: 10 });
    const { a, b, calls } = setUp(net);
    expect(net.runUntil(() => bothConnected(a, b), 5000)).toBe(true);
    const success = calls.find((c) => c.validAfter > c.validBefore)!;
    expect(success.kind).toBe('input');
    expect(nominating(success)).toBe(true);
    // And nowhere else: exactly one nominating request, in that call.
    expect(calls.filter(nominating)).toEqual([success]);
    const ucRequests = success.sent.filter((p) => request(p)?.useCandidate === true);
    expect(ucRequests).toHaveLength(1);
    // It repeats the check of the pair that just became valid (§8.1.1).
    const sa = a.agent.selectedPair!;
    expect([ucRequests[0]!.to.address, ucRequests[0]!.to.port]).toEqual([sa.remote.address, sa.remote.port]);
  });

  it('at the nomination deadline, sends the nominating check in that handleTimeout call', () => {
    const net = new VirtualNetwork({ delay: 10 });
    // Two interfaces each; nothing gets through between the preferred ones: the best pair hangs
    // In-Progress, so the agent nominates `nominationTimeout` after its first valid pair.
    net.filter = (p) => !(p.from.address.startsWith('192.0.2.') && p.to.address.startsWith('192.0.2.'));
    const a = net.addAgent('a', { role: 'controlling', nominationTimeout: 1000 });
    const b = net.addAgent('b', { role: 'controlled' });
    const calls = recordCalls(net, a);
    forwardCandidates(net, a, b, { delay: 5 });
    forwardCandidates(net, b, a, { delay: 5 });
    a.bind('198.51.100.1', 6000, { interfaceIndex: 1 });
    a.bind('192.0.2.1', 5000, { interfaceIndex: 0 });
    b.bind('198.51.100.2', 6000, { interfaceIndex: 1 });
    b.bind('192.0.2.2', 5000, { interfaceIndex: 0 });
    a.endOfSockets();
    b.endOfSockets();
    net.run(100);
    a.act((x, now) => x.setRemoteCredentials(b.agent.localCredentials, now));
    b.act((x, now) => x.setRemoteCredentials(a.agent.localCredentials, now));
    expect(net.runUntil(() => bothConnected(a, b), 5000)).toBe(true);

    const firstValid = calls.find((c) => c.validAfter > 0 && c.validBefore === 0)!;
    const deadline = firstValid.at + 1000;
    const atDeadline = calls.find((c) => c.at >= deadline)!;
    expect(atDeadline.kind).toBe('timeout');
    expect(atDeadline.at).toBe(deadline);
    expect(calls.filter(nominating)).toEqual([atDeadline]);
    expect(connected(a) && connected(b)).toBe(true);

    // Ta pacing is untouched for everything else (§14.2): a's new check transactions before its
    // selection, the nominating one aside, are at least Ta apart.
    const selectedAt = a.eventsOf('selected-pair')[0]!.at;
    const times = newChecks(
      calls.filter((c) => c.at < selectedAt),
      (r) => !r.useCandidate,
    );
    // (The first, at 100 ms on the black-holed best pair, is filtered before the trace sees it.)
    expect(times).toEqual([150, 200, 250]);
    for (let i = 1; i < times.length; i++)
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(DEFAULT_TA);
  });

  it('the controlled agent checks a pair nominated before it validated it at once (§7.3.1.5)', () => {
    const net = new VirtualNetwork({ delay: 0 });
    const a = net.addAgent('a', { role: 'controlling' });
    const b = net.addAgent('b', { role: 'controlled' });
    const calls = recordCalls(net, b);
    forwardCandidates(net, a, b);
    // b's preferred interface is not signalled: b's first check goes from it, while a checks and
    // nominates the pair to b's other address, which b has not checked yet.
    forwardCandidates(net, b, a, { filter: (c) => c.address !== '192.0.2.2' });
    exchangeCredentials(net, a, b);
    a.bind('192.0.2.1');
    b.bind('198.51.100.2', 6000, { interfaceIndex: 1 });
    b.bind('192.0.2.2', 5000, { interfaceIndex: 0 });
    a.endOfSockets();
    b.endOfSockets();
    expect(net.runUntil(() => bothConnected(a, b), 5000)).toBe(true);
    // Was one Ta: b's triggered check of the nominated pair waited for its next tick.
    expect(connectedAt(b)).toBe(20);
    expect(b.agent.selectedPair!.local.address).toBe('198.51.100.2');
    // b's check of that pair left in the handleInput that brought the USE-CANDIDATE.
    const nominated = calls.find((c) => c.kind === 'input' && c.sent.some((p) => request(p) !== undefined))!;
    expect(nominated.sent.some((p) => request(p) !== undefined && p.from.address === '198.51.100.2')).toBe(
      true,
    );
    expect(nominated.at).toBe(20);
  });

  it('facing a peer that nominates aggressively, sends at most one unpaced check per Ta, until selection', () => {
    const net = new VirtualNetwork({ delay: 30 });
    // A fast peer (Ta 5 ms) with USE-CANDIDATE on every check: nine pairs, each nominated.
    const a = net.addAgent('a', { role: 'controlling', aggressiveNomination: true, ta: 5 });
    const b = net.addAgent('b', { role: 'controlled' });
    const calls = recordCalls(net, b);
    signal(net, a, b);
    for (const [n, x] of [
      [a, 1],
      [b, 2],
    ] as const) {
      n.bind(`198.51.100.${x}`, 6000, { interfaceIndex: 1 });
      n.bind(`192.0.2.${x}`, 5000, { interfaceIndex: 0 });
      n.bind(`203.0.113.${x}`, 7000, { interfaceIndex: 2 });
      n.endOfSockets();
    }
    expect(net.runUntil(() => bothConnected(a, b), 5000)).toBe(true);
    net.run(2000);
    // b's paced checks are Ta apart, its unpaced ones too: of any three new transactions, the
    // first and the third are at least Ta apart.
    const times = newChecks(calls.filter((c) => c.at < 4000));
    expect(times.length).toBeGreaterThan(5);
    for (let i = 2; i < times.length; i++)
      expect(times[i]! - times[i - 2]!).toBeGreaterThanOrEqual(DEFAULT_TA);
    // Once b has selected a pair, only the Ta-paced checks are left.
    const selectedAt = b.eventsOf('selected-pair')[0]!.at;
    const after = times.filter((t) => t > selectedAt);
    expect(after.length).toBeGreaterThan(2);
    for (let i = 1; i < after.length; i++)
      expect(after[i]! - after[i - 1]!).toBeGreaterThanOrEqual(DEFAULT_TA);
  });
});
