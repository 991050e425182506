/**
 * The ICE agent behind simulated NATs (RFC 4787 behaviours): peer-reflexive candidates learned
 * from checks (RFC 8445 §7.3.1.3, §7.2.5.3.1), server-reflexive candidates from a STUN server
 * (§5.1.1.2), failure when no pair can work (host-only across two NATs).
 */
import { describe, expect, it } from 'vitest';
import { type AgentNode, bothConnected, signal, VirtualNetwork } from './support/virtual-network.js';

const STUN = { kind: 'stun', address: '203.0.113.3', port: 3478, url: 'stun:203.0.113.3:3478' } as const;

function agents(net: VirtualNetwork, servers = false): [AgentNode, AgentNode] {
  const opts = servers ? { servers: [STUN] } : {};
  const a = net.addAgent('a', { role: 'controlling', ...opts });
  const b = net.addAgent('b', { role: 'controlled', ...opts });
  signal(net, a, b);
  return [a, b];
}

describe('IceAgent behind NATs', () => {
  it('learns a peer-reflexive remote candidate from a check of a peer behind a NAT', () => {
    const net = new VirtualNetwork({ delay: 10 });
    const nat = net.addNat({
      publicIp: '198.51.100.100',
      mapping: 'address-dependent',
      filtering: 'address-and-port-dependent',
    });
    net.host('10.0.0.2', nat);
    const [a, b] = agents(net);
    a.bind('203.0.113.10');
    b.bind('10.0.0.2');
    a.endOfSockets();
    b.endOfSockets();
    expect(net.runUntil(() => bothConnected(a, b), 5000)).toBe(true);
    // a never heard of 198.51.100.100: it came as the source of b's check (§7.3.1.3).
    const prflx = a.agent.remoteCandidates.filter((c) => c.type === 'prflx');
    expect(prflx.map((c) => c.address)).toEqual(['198.51.100.100']);
    const sa = a.agent.selectedPair!;
    expect(sa.remote.type).toBe('prflx');
    expect(sa.remote.address).toBe('198.51.100.100');
    // b learns its own public address from XOR-MAPPED-ADDRESS (§7.2.5.3.1): a local prflx.
    const sb = b.agent.selectedPair!;
    expect(sb.local.type).toBe('prflx');
    expect(sb.local.address).toBe('198.51.100.100');
    // The remote prflx priority is the PRIORITY b put in its check (§7.1.1).
    expect(prflx[0]!.priority >>> 24).toBe(110);
    // Data goes through the NAT both ways.
    expect(b.send(new Uint8Array([23, 1, 2, 3]))).toBe(true);
    expect(a.send(new Uint8Array([23, 4, 5, 6]))).toBe(true);
    net.run(100);
    expect(a.data).toHaveLength(1);
    expect(b.data).toHaveLength(1);
  });

  it('gathers server-reflexive candidates and connects two peers behind endpoint-independent NATs', () => {
    const net = new VirtualNetwork({ delay: 10 });
    net.addStunServer('203.0.113.3');
    const natA = net.addNat({
      publicIp: '198.51.100.1',
      mapping: 'endpoint-independent',
      filtering: 'address-dependent',
    });
    const natB = net.addNat({
      publicIp: '198.51.100.2',
      mapping: 'endpoint-independent',
      filtering: 'address-and-port-dependent',
    });
    net.host('10.0.1.2', natA);
    net.host('10.0.2.2', natB);
    const [a, b] = agents(net, true);
    a.bind('10.0.1.2');
    b.bind('10.0.2.2');
    a.endOfSockets();
    b.endOfSockets();
    expect(net.runUntil(() => a.gathering === 'complete' && b.gathering === 'complete', 1000)).toBe(true);
    const srflx = a.candidates().find((c) => c.type === 'srflx')!;
    expect(srflx.address).toBe('198.51.100.1');
    // raddr/rport name the base (RFC 8839 §5.1).
    expect([srflx.relatedAddress, srflx.relatedPort]).toEqual(['10.0.1.2', a.candidates()[0]!.port]);
    expect(srflx.priority >>> 24).toBe(100);

    expect(net.runUntil(() => bothConnected(a, b), 10_000)).toBe(true);
    const sa = a.agent.selectedPair!;
    const sb = b.agent.selectedPair!;
    // The valid pair's local candidate is the one the mapped address names: the srflx (§7.2.5.3.2).
    expect(sa.local.type).toBe('srflx');
    expect(sa.remote.address).toBe('198.51.100.2');
    expect(sb.local.type).toBe('srflx');
    expect(sb.remote.address).toBe('198.51.100.1');
    // Pruning (§6.1.2.4): no checklist pair has a server-reflexive local candidate.
    expect(a.agent.pairs.filter((p) => p.local.type === 'srflx' && p.state !== 'succeeded')).toHaveLength(0);
  });

  it('skips a server-reflexive candidate equal to the host one (no NAT)', () => {
    const net = new VirtualNetwork();
    net.addStunServer('203.0.113.3');
    const [a] = agents(net, true);
    a.bind('192.0.2.1');
    a.endOfSockets();
    expect(net.runUntil(() => a.gathering === 'complete', 1000)).toBe(true);
    expect(a.candidates().map((c) => c.type)).toEqual(['host']);
  });

  it('fails (after end-of-candidates) with host candidates only between two NATs', () => {
    const net = new VirtualNetwork({ delay: 10 });
    const natA = net.addNat({ publicIp: '198.51.100.1' });
    const natB = net.addNat({ publicIp: '198.51.100.2' });
    net.host('10.0.1.2', natA);
    net.host('10.0.2.2', natB);
    const [a, b] = agents(net);
    a.bind('10.0.1.2');
    b.bind('10.0.2.2');
    a.endOfSockets();
    b.endOfSockets();
    expect(net.runUntil(() => a.state === 'failed' && b.state === 'failed', 60_000)).toBe(true);
    // The only pair fails when its check times out: RFC 8489 §6.2.1 with RTO 500 ms, Rc 7, Rm 16 = 39.5 s.
    const failedAt = a.states().find((s) => s.state === 'failed')!.at;
    expect(failedAt).toBeGreaterThanOrEqual(39_500);
    expect(failedAt).toBeLessThan(41_000);
    expect(a.states().map((s) => s.state)).toEqual(['checking', 'failed']);
    expect(a.agent.pairs.every((p) => p.state === 'failed')).toBe(true);
    expect(a.send(new Uint8Array([23]))).toBe(false);
  });

  it('fails in bounded time with a long checklist (the §14.3 RTO grows, a check still lives 39.5 s at most)', () => {
    const net = new VirtualNetwork({ delay: 10 });
    const natA = net.addNat({ publicIp: '198.51.100.1' });
    const natB = net.addNat({ publicIp: '198.51.100.2' });
    const [a, b] = agents(net);
    for (let i = 1; i <= 8; i++) {
      a.bind(net.host(`10.0.1.${i}`, natA), undefined, { interfaceIndex: i });
      b.bind(net.host(`10.0.2.${i}`, natB), undefined, { interfaceIndex: i });
    }
    a.endOfSockets();
    b.endOfSockets();
    expect(net.runUntil(() => a.state === 'failed' && b.state === 'failed', 120_000)).toBe(true);
    expect(a.agent.pairs).toHaveLength(64);
    // 64 pairs paced by Ta = 50 ms start within 3.2 s; each gives up after 39.5 s.
    expect(net.now).toBeLessThan(39_500 + 64 * 50 + 1000);
  });

  it('does not fail while the peer has not ended its candidates', () => {
    const net = new VirtualNetwork({ delay: 10 });
    const natA = net.addNat({ publicIp: '198.51.100.1' });
    net.host('10.0.1.2', natA);
    net.host('10.0.2.2', net.addNat({ publicIp: '198.51.100.2' }));
    const a = net.addAgent('a', { role: 'controlling', rc: 3, rm: 2 });
    const b = net.addAgent('b', { role: 'controlled', rc: 3, rm: 2 });
    signal(net, a, b, { endOfCandidates: false });
    a.bind('10.0.1.2');
    b.bind('10.0.2.2');
    a.endOfSockets();
    b.endOfSockets();
    net.run(30_000);
    expect(a.agent.pairs.every((p) => p.state === 'failed')).toBe(true);
    expect(a.state).toBe('checking');
    a.act((x, now) => x.endOfRemoteCandidates(now));
    expect(a.state).toBe('failed');
  });
});
