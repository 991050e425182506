/**
 * The ICE agent (RFC 8445) between two full agents on the virtual network: host candidates,
 * trickle (RFC 8838) in every order, nomination (§8.1.1), role conflicts (§7.3.1.1), ICE-lite,
 * and a lossy, reordering, duplicating network.
 */
import { describe, expect, it } from 'vitest';
import { candidateExtension } from '../src/index.js';
import {
  type AgentNode,
  bothConnected,
  exchangeCredentials,
  forwardCandidates,
  signal,
  VirtualNetwork,
} from './support/virtual-network.js';

const bytes = (s: string) => new TextEncoder().encode(s);
/** A DTLS-looking datagram (RFC 7983: first byte 20..63). */
const dtls = (s: string) => new Uint8Array([22, ...bytes(s)]);
const text = (b: Uint8Array) => new TextDecoder().decode(b.subarray(1));

function twoAgents(net: VirtualNetwork, optsA = {}, optsB = {}): [AgentNode, AgentNode] {
  const a = net.addAgent('a', { role: 'controlling', ...optsA });
  const b = net.addAgent('b', { role: 'controlled', ...optsB });
  return [a, b];
}

describe('IceAgent: two full agents, host candidates', () => {
  it('connects, selects the same 5-tuple on both sides, and carries data both ways', () => {
    const net = new VirtualNetwork({ delay: 10 });
    const [a, b] = twoAgents(net);
    a.bind('192.0.2.1');
    b.bind('192.0.2.2');
    signal(net, a, b);
    a.endOfSockets();
    b.endOfSockets();
    expect(net.runUntil(() => bothConnected(a, b), 5000)).toBe(true);
    // Checks start when credentials arrive (20 ms) and take a few round trips of 20 ms.
    expect(net.now).toBeLessThan(300);

    const sa = a.agent.selectedPair!;
    const sb = b.agent.selectedPair!;
    expect(sa.nominated && sb.nominated).toBe(true);
    expect([sa.local.address, sa.local.port]).toEqual([sb.remote.address, sb.remote.port]);
    expect([sa.remote.address, sa.remote.port]).toEqual([sb.local.address, sb.local.port]);
    expect(sa.local.type).toBe('host');
    expect(a.eventsOf('selected-pair')).toHaveLength(1);
    expect(b.eventsOf('selected-pair')).toHaveLength(1);

    // The W3C sequence: new -> checking -> connected -> completed (both ended their candidates).
    net.run(500);
    expect(a.states().map((s) => s.state)).toEqual(['checking', 'connected', 'completed']);
    expect(b.states().map((s) => s.state)).toEqual(['checking', 'connected', 'completed']);
    expect(a.gathering).toBe('complete');
    expect(a.eventsOf('gathering-state').map((e) => e.state)).toEqual(['gathering', 'complete']);

    expect(a.send(dtls('hello b'))).toBe(true);
    expect(b.send(dtls('hello a'))).toBe(true);
    net.run(100);
    expect(b.data.map((d) => text(d.data))).toEqual(['hello b']);
    expect(a.data.map((d) => text(d.data))).toEqual(['hello a']);
    const stats = a.agent.pairs.find((p) => p.id === sa.id)!;
    expect(stats.packetsSent).toBe(1);
    expect(stats.packetsReceived).toBe(1);
    expect(a.agent.stats.droppedUnauthenticated + b.agent.stats.droppedUnauthenticated).toBe(0);
  });

  it('connects over IPv6, and never pairs across address families', () => {
    const net = new VirtualNetwork({ delay: 10 });
    const [a, b] = twoAgents(net);
    signal(net, a, b);
    a.bind('2001:db8::1');
    a.bind('192.0.2.1');
    b.bind('2001:db8:0:0::2'); // non-canonical text: the agent compares canonical forms
    a.endOfSockets();
    b.endOfSockets();
    expect(net.runUntil(() => bothConnected(a, b), 5000)).toBe(true);
    expect(a.agent.selectedPair!.remote.address).toBe('2001:db8::2');
    expect(a.agent.pairs.every((p) => p.local.address.includes(':') === p.remote.address.includes(':'))).toBe(
      true,
    );
    expect(a.agent.pairs).toHaveLength(1);
  });

  it('signals host candidates with generation and ufrag, and credentials of 16/32 ice-chars', () => {
    const net = new VirtualNetwork();
    const [a] = twoAgents(net);
    a.bind('192.0.2.1', 5000, { interfaceIndex: 0 });
    a.bind('2001:db8::1', 5002, { interfaceIndex: 0 });
    a.bind('198.51.100.1', 5001, { interfaceIndex: 1 });
    a.endOfSockets();
    const creds = a.agent.localCredentials;
    expect(creds.ufrag).toMatch(/^[A-Za-z0-9+/]{16}$/);
    expect(creds.pwd).toMatch(/^[A-Za-z0-9+/]{32}$/);
    const cands = a.candidates();
    expect(cands).toHaveLength(3);
    for (const c of cands) {
      expect(c.type).toBe('host');
      expect(candidateExtension(c, 'ufrag')).toBe(creds.ufrag);
      expect(candidateExtension(c, 'generation')).toBe('0');
    }
    // RFC 8445 §5.1.2: type preference 126; IPv6 above IPv4 on one interface (RFC 8421), interface 0 above 1.
    const [v4, v6, other] = cands as [(typeof cands)[0], (typeof cands)[0], (typeof cands)[0]];
    expect(v4.priority >>> 24).toBe(126);
    expect(v6.priority).toBeGreaterThan(v4.priority);
    expect(v4.priority).toBeGreaterThan(other.priority);
    expect(new Set(cands.map((c) => c.foundation)).size).toBe(3);
  });

  it('hides host addresses behind an mDNS name in what it signals', () => {
    const net = new VirtualNetwork();
    const [a, b] = twoAgents(net);
    a.bind('192.0.2.1', 5000, { mdnsName: '0b6c2f4e-8d4a-4c5e-9f1a-2b3c4d5e6f70.local' });
    b.bind('192.0.2.2');
    a.endOfSockets();
    b.endOfSockets();
    expect(a.candidates()[0]!.address).toBe('0b6c2f4e-8d4a-4c5e-9f1a-2b3c4d5e6f70.local');
    // The peer cannot use the name (the adapter resolves them; the core ignores and counts).
    forwardCandidates(net, a, b);
    forwardCandidates(net, b, a);
    exchangeCredentials(net, a, b);
    // b's checks reach a's IP all the same, as b learns a as peer-reflexive from a's checks.
    expect(net.runUntil(() => bothConnected(a, b), 5000)).toBe(true);
    expect(b.agent.stats.ignoredCandidates).toBe(1);
    expect(b.agent.selectedPair!.remote.type).toBe('prflx');
  });

  it('trickles candidates before the remote credentials arrive', () => {
    const net = new VirtualNetwork({ delay: 10 });
    const [a, b] = twoAgents(net);
    forwardCandidates(net, a, b, { delay: 5 });
    forwardCandidates(net, b, a, { delay: 5 });
    a.bind('192.0.2.1');
    b.bind('192.0.2.2');
    a.endOfSockets();
    b.endOfSockets();
    net.run(200);
    expect(a.agent.remoteCandidates).toHaveLength(1);
    expect(a.agent.pairs).toHaveLength(0); // no pairs without the peer's password
    expect(a.state).toBe('new');
    // a learns b's credentials long before b learns a's: a's checks reach b first (RFC 8445 §7.3:
    // b answers them and keeps their triggered checks until it can send them).
    net.after(0, () => a.act((x, now) => x.setRemoteCredentials(b.agent.localCredentials, now)));
    net.after(300, () => b.act((x, now) => x.setRemoteCredentials(a.agent.localCredentials, now)));
    expect(net.runUntil(() => bothConnected(a, b), 5000)).toBe(true);
    expect(b.agent.stats.checksReceived).toBeGreaterThan(0);
  });

  it('trickles candidates after the remote credentials, and without trickle all at once', () => {
    for (const trickle of [true, false]) {
      const net = new VirtualNetwork({ delay: 10 });
      const [a, b] = twoAgents(net);
      exchangeCredentials(net, a, b, 0);
      net.run(50);
      forwardCandidates(net, a, b, { delay: 100, trickle });
      forwardCandidates(net, b, a, { delay: 100, trickle });
      a.bind('192.0.2.1');
      b.bind('192.0.2.2');
      net.run(50);
      expect(a.state).toBe('new');
      a.endOfSockets();
      b.endOfSockets();
      expect(
        net.runUntil(() => bothConnected(a, b), 5000),
        `trickle ${trickle}`,
      ).toBe(true);
    }
  });

  it('reaches completed on the controlled side only after end-of-candidates', () => {
    const net = new VirtualNetwork({ delay: 10 });
    const [a, b] = twoAgents(net);
    forwardCandidates(net, a, b, { endOfCandidates: false });
    forwardCandidates(net, b, a);
    exchangeCredentials(net, a, b);
    a.bind('192.0.2.1');
    b.bind('192.0.2.2');
    a.endOfSockets();
    b.endOfSockets();
    expect(net.runUntil(() => bothConnected(a, b), 5000)).toBe(true);
    net.run(2000);
    expect(a.state).toBe('completed'); // controlling: its nomination is done
    expect(b.state).toBe('connected'); // controlled: more candidates may still come
    b.act((x, now) => x.endOfRemoteCandidates(now));
    expect(b.state).toBe('completed');
  });
});

describe('IceAgent: nomination (RFC 8445 §8)', () => {
  /** Two public interfaces each: four pairs that all work. */
  function dualHomed(net: VirtualNetwork, optsA = {}, optsB = {}): [AgentNode, AgentNode] {
    const [a, b] = twoAgents(net, optsA, optsB);
    signal(net, a, b);
    a.bind('198.51.100.1', 6000, { interfaceIndex: 1 });
    a.bind('192.0.2.1', 5000, { interfaceIndex: 0 });
    b.bind('198.51.100.2', 6000, { interfaceIndex: 1 });
    b.bind('192.0.2.2', 5000, { interfaceIndex: 0 });
    a.endOfSockets();
    b.endOfSockets();
    return [a, b];
  }

  it('regular nomination selects the highest-priority pair, nominated once', () => {
    const net = new VirtualNetwork({ delay: 10 });
    const [a, b] = dualHomed(net);
    expect(net.runUntil(() => bothConnected(a, b), 5000)).toBe(true);
    net.run(3000);
    const sa = a.agent.selectedPair!;
    expect([sa.local.address, sa.remote.address]).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(b.agent.selectedPair!.local.address).toBe('192.0.2.2');
    expect(a.eventsOf('selected-pair')).toHaveLength(1);
    expect(b.eventsOf('selected-pair')).toHaveLength(1);
    expect(a.agent.pairs.filter((p) => p.nominated)).toHaveLength(1);
    expect(a.state).toBe('completed');
    // The best pair wins on priority, not on speed: it is the first of the checklist.
    const byPriority = [...a.agent.pairs].sort((x, y) => (x.priority < y.priority ? 1 : -1));
    expect(sa.priority).toBe(byPriority[0]!.priority);
  });

  it('does not wait for a black-holed better pair longer than the nomination timeout', () => {
    const net = new VirtualNetwork({ delay: 10 });
    // Nothing gets through between the two preferred interfaces.
    net.filter = (p) => !(p.from.address.startsWith('192.0.2.') && p.to.address.startsWith('192.0.2.'));
    const [a, b] = dualHomed(net, { nominationTimeout: 1000 });
    expect(net.runUntil(() => bothConnected(a, b), 5000)).toBe(true);
    // The first pair is valid after ~100 ms; nomination follows 1 s later, not after 39.5 s.
    expect(net.now).toBeGreaterThan(1000);
    expect(net.now).toBeLessThan(1500);
    const sa = a.agent.selectedPair!;
    expect([sa.local.address, sa.remote.address]).not.toEqual(['192.0.2.1', '192.0.2.2']);
  });

  it('accepts aggressive nomination (USE-CANDIDATE on every check) and selects the best nominated pair', () => {
    const net = new VirtualNetwork({ delay: 10 });
    const [a, b] = dualHomed(net, { aggressiveNomination: true });
    expect(net.runUntil(() => bothConnected(a, b), 5000)).toBe(true);
    net.run(3000);
    expect(b.agent.pairs.filter((p) => p.nominated).length).toBeGreaterThan(1);
    const sb = b.agent.selectedPair!;
    expect([sb.local.address, sb.remote.address]).toEqual(['192.0.2.2', '192.0.2.1']);
    expect(a.agent.selectedPair!.local.address).toBe('192.0.2.1');
    const best = b.agent.pairs.filter((p) => p.nominated).reduce((x, y) => (y.priority > x.priority ? y : x));
    expect(sb.id).toBe(best.id);
  });
});

describe('IceAgent: roles', () => {
  it.each([
    ['controlling', 'controlling'],
    ['controlled', 'controlled'],
  ] as const)('resolves a role conflict when both start %s', (ra, rb) => {
    const net = new VirtualNetwork({ delay: 10 });
    const a = net.addAgent('a', { role: ra, tieBreaker: 10n });
    const b = net.addAgent('b', { role: rb, tieBreaker: 20n });
    signal(net, a, b);
    a.bind('192.0.2.1');
    b.bind('192.0.2.2');
    a.endOfSockets();
    b.endOfSockets();
    expect(net.runUntil(() => bothConnected(a, b), 5000)).toBe(true);
    // §7.3.1.1: the larger tie-breaker (b) ends up controlling.
    expect(b.agent.role).toBe('controlling');
    expect(a.agent.role).toBe('controlled');
    const switched = ra === 'controlling' ? a : b;
    const kept = switched === a ? b : a;
    expect(switched.eventsOf('role-changed').map((e) => e.role)).toEqual([switched.agent.role]);
    expect(kept.eventsOf('role-changed')).toHaveLength(0);
    expect(a.agent.stats.roleConflicts + b.agent.stats.roleConflicts).toBeGreaterThan(0);
    net.run(1000);
    expect(a.agent.selectedPair!.id).toBeDefined();
    expect(a.state).toBe('completed');
  });

  it('an ICE-lite agent answers, is nominated, and never checks; the full agent becomes controlling', () => {
    const net = new VirtualNetwork({ delay: 10 });
    const full = net.addAgent('full', { role: 'controlled' });
    const lite = net.addAgent('lite', {
      role: 'controlling', // ignored: lite is always controlled
      lite: true,
      servers: [{ kind: 'stun', address: '203.0.113.3', port: 3478, url: 'stun:203.0.113.3' }],
    });
    net.addStunServer('203.0.113.3');
    expect(lite.agent.role).toBe('controlled');
    signal(net, full, lite);
    full.bind('192.0.2.1');
    lite.bind('192.0.2.2');
    full.endOfSockets();
    lite.endOfSockets();
    expect(lite.gathering).toBe('complete'); // host candidates only, no server asked
    expect(lite.candidates().map((c) => c.type)).toEqual(['host']);
    expect(net.runUntil(() => bothConnected(full, lite), 5000)).toBe(true);
    expect(full.agent.role).toBe('controlling');
    expect(full.eventsOf('role-changed').map((e) => e.role)).toEqual(['controlling']);
    expect(lite.agent.stats.checksSent).toBe(0);
    net.run(20_000);
    expect(lite.agent.stats.checksSent + lite.agent.stats.consentChecksSent).toBe(0);
    expect(full.agent.stats.consentChecksSent).toBeGreaterThan(2);
    expect(lite.state).toBe('completed');
    expect(full.state).toBe('completed');
    expect(full.send(dtls('to lite'))).toBe(true);
    expect(lite.send(dtls('to full'))).toBe(true);
    net.run(100);
    expect(lite.data.map((d) => text(d.data))).toEqual(['to lite']);
    expect(full.data.map((d) => text(d.data))).toEqual(['to full']);
  });
});

describe('IceAgent: an unfriendly network', () => {
  it.each([1, 2, 3, 4, 5])(
    'connects through 20 percent loss, reordering and duplication (seed %i)',
    (seed) => {
      const net = new VirtualNetwork({ seed, delay: 15, jitter: 30, loss: 0.2, duplicate: 0.1 });
      const [a, b] = twoAgents(net);
      signal(net, a, b);
      a.bind('192.0.2.1');
      a.bind('198.51.100.1', undefined, { interfaceIndex: 1 });
      b.bind('192.0.2.2');
      a.endOfSockets();
      b.endOfSockets();
      expect(net.runUntil(() => bothConnected(a, b), 20_000)).toBe(true);
      const sa = a.agent.selectedPair!;
      const sb = b.agent.selectedPair!;
      expect([sa.remote.address, sa.remote.port]).toEqual([sb.local.address, sb.local.port]);
      // And it stays up: consent survives 20 % loss.
      net.run(60_000);
      expect(['connected', 'completed']).toContain(a.state);
      expect(['connected', 'completed']).toContain(b.state);
    },
  );
});
