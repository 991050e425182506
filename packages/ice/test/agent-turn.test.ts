/**
 * Relayed candidates through the real sans-IO TurnServer core of @purertc/stun (RFC 8656): the
 * 'relay' transport policy, symmetric NATs that only a relay gets through, channel binding on the
 * selected pair, and candidate errors from servers that fail.
 */
import { describe, expect, it } from 'vitest';
import type { IceServer } from '../src/index.js';
import { bothConnected, signal, VirtualNetwork } from './support/virtual-network.js';

const TURN: IceServer = {
  kind: 'turn',
  address: '203.0.113.5',
  port: 3478,
  username: 'alice',
  credential: 'secret',
  url: 'turn:203.0.113.5:3478?transport=udp',
};
const STUN: IceServer = { kind: 'stun', address: '203.0.113.3', port: 3478, url: 'stun:203.0.113.3:3478' };

function turnNetwork(seed = 1) {
  const net = new VirtualNetwork({ delay: 10, seed });
  const turn = net.addTurnServer('203.0.113.5', { realm: 'purertc.test', users: { alice: 'secret' } });
  return { net, turn };
}

const isChannelData = (d: Uint8Array) => d.length >= 4 && ((d[0] as number) & 0xc0) === 0x40;

describe('IceAgent with TURN', () => {
  it("connects with iceTransportPolicy 'relay' through the TurnServer core, over a bound channel", () => {
    const { net, turn } = turnNetwork();
    net.traceEnabled = true;
    const a = net.addAgent('a', { role: 'controlling', servers: [TURN, STUN], transportPolicy: 'relay' });
    const b = net.addAgent('b', { role: 'controlled' });
    net.addStunServer('203.0.113.3');
    signal(net, a, b);
    const sockA = a.bind('192.0.2.1');
    b.bind('192.0.2.2');
    a.endOfSockets();
    b.endOfSockets();
    expect(net.runUntil(() => a.gathering === 'complete', 2000)).toBe(true);
    // Only the relayed candidate is signalled (no host, no srflx), raddr = the mapped address.
    const cands = a.candidates();
    expect(cands.map((c) => c.type)).toEqual(['relay']);
    expect(cands[0]!.address).toBe('203.0.113.5');
    expect(cands[0]!.relatedAddress).toBe('192.0.2.1');
    expect(cands[0]!.priority >>> 24).toBe(0);

    expect(net.runUntil(() => bothConnected(a, b), 5000)).toBe(true);
    const sa = a.agent.selectedPair!;
    expect(sa.local.type).toBe('relay');
    expect(b.agent.selectedPair!.remote.type).toBe('relay');
    // No pair of a uses its host address; b's checks to it would be dropped anyway.
    expect(a.agent.pairs.every((p) => p.local.type === 'relay')).toBe(true);

    net.run(500); // the ChannelBind completes
    const mark = net.trace.length;
    expect(a.send(new Uint8Array([23, 1, 2, 3]))).toBe(true);
    expect(b.send(new Uint8Array([23, 4, 5, 6]))).toBe(true);
    net.run(100);
    expect(b.data.map((d) => [...d.data])).toEqual([[23, 1, 2, 3]]);
    expect(a.data.map((d) => [...d.data])).toEqual([[23, 4, 5, 6]]);
    // RFC 8656 §12: the data went to and came from the server as 4-byte-header ChannelData.
    const toServer = net.trace
      .slice(mark)
      .filter((p) => p.from.port === sockA.address.port && p.to.port === 3478);
    const fromServer = net.trace
      .slice(mark)
      .filter((p) => p.from.port === 3478 && p.to.port === sockA.address.port);
    expect(toServer.map((p) => isChannelData(p.data))).toEqual([true]);
    expect(fromServer.map((p) => isChannelData(p.data))).toEqual([true]);
    expect(turn.server.stats.relayedToPeers).toBeGreaterThan(0);
    expect(turn.server.stats.relayedToClients).toBeGreaterThan(0);

    // Consent keeps flowing through the relay.
    net.run(60_000);
    expect(['connected', 'completed']).toContain(a.state);
  });

  it('allocates over a TURN stream (TCP) socket, cut into arbitrary chunks, and connects through it', () => {
    const { net, turn } = turnNetwork(3);
    const tcp: IceServer = { ...TURN, transport: 'tcp', url: 'turn:203.0.113.5:3478?transport=tcp' };
    const a = net.addAgent('a', { role: 'controlled', servers: [tcp], transportPolicy: 'relay' });
    const b = net.addAgent('b', { role: 'controlling' });
    signal(net, a, b);
    a.bind('192.0.2.1'); // no UDP allocation: the server is reached over TCP only
    const stream = a.bindStream('192.0.2.1', turn.address);
    b.bind('192.0.2.2');
    a.endOfSockets();
    b.endOfSockets();
    expect(net.runUntil(() => a.gathering === 'complete', 2000)).toBe(true);
    expect(a.candidates().map((c) => c.type)).toEqual(['relay']);
    expect(turn.server.allocationCount).toBe(1);
    expect(net.runUntil(() => bothConnected(a, b), 5000)).toBe(true);
    expect(a.agent.selectedPair!.local.type).toBe('relay');
    net.run(500);
    for (let i = 0; i < 20; i++) {
      a.send(new Uint8Array([23, i, 1, 2, 3, 4, 5].slice(0, 2 + (i % 5))));
      b.send(new Uint8Array([23, i]));
    }
    net.run(200);
    expect(b.data.map((d) => d.data[1])).toEqual([...Array(20).keys()]);
    expect(a.data.map((d) => d.data[1])).toEqual([...Array(20).keys()]);
    net.run(60_000);
    expect(['connected', 'completed']).toContain(a.state);
    // The TCP connection drops: the allocation is gone with it (RFC 8656 §3.1), and so is the path.
    a.act((x, now) => x.socketClosed(stream.id, now));
    expect(a.state).toBe('failed');
    expect(a.send(new Uint8Array([23, 0]))).toBe(false);
    expect(a.agent.pairs.every((p) => p.state === 'failed')).toBe(true);
  });

  it('connects two peers behind symmetric NATs through a relay', () => {
    const { net } = turnNetwork();
    net.addStunServer('203.0.113.3');
    const natA = net.addNat({
      publicIp: '198.51.100.1',
      mapping: 'address-and-port-dependent',
      filtering: 'address-and-port-dependent',
    });
    const natB = net.addNat({
      publicIp: '198.51.100.2',
      mapping: 'address-and-port-dependent',
      filtering: 'address-and-port-dependent',
    });
    net.host('10.0.1.2', natA);
    net.host('10.0.2.2', natB);
    const a = net.addAgent('a', { role: 'controlling', servers: [STUN, TURN] });
    const b = net.addAgent('b', { role: 'controlled', servers: [STUN] });
    signal(net, a, b);
    a.bind('10.0.1.2');
    b.bind('10.0.2.2');
    a.endOfSockets();
    b.endOfSockets();
    expect(net.runUntil(() => bothConnected(a, b), 15_000)).toBe(true);
    expect(
      a
        .candidates()
        .map((c) => c.type)
        .sort(),
    ).toEqual(['host', 'relay', 'srflx']);
    expect(a.agent.selectedPair!.local.type).toBe('relay');
    expect(b.agent.selectedPair!.remote.type).toBe('relay');
    expect(b.send(new Uint8Array([128, 0, 0, 1]))).toBe(true); // RTP
    net.run(100);
    expect(a.data).toHaveLength(1);
  });

  it('fails the pairs to peers the TURN server refuses a permission for, at once', () => {
    const net = new VirtualNetwork({ delay: 10 });
    net.addTurnServer('203.0.113.5', {
      realm: 'purertc.test',
      users: { alice: 'secret' },
      allowPeer: (p) => !p.address.startsWith('10.'), // RFC 8656 §21: no relaying into private networks
    });
    const a = net.addAgent('a', { role: 'controlling', servers: [TURN], transportPolicy: 'relay' });
    const b = net.addAgent('b', { role: 'controlled' });
    signal(net, a, b);
    a.bind('192.0.2.1');
    b.bind('10.9.9.9'); // a private address the relay may not reach
    b.bind('192.0.2.2', undefined, { interfaceIndex: 1 });
    a.endOfSockets();
    b.endOfSockets();
    expect(net.runUntil(() => bothConnected(a, b), 5000)).toBe(true);
    const refused = a.agent.pairs.find((p) => p.remote.address === '10.9.9.9')!;
    expect(refused.state).toBe('failed');
    expect(a.agent.selectedPair!.remote.address).toBe('192.0.2.2');
    net.run(1000);
    expect(a.state).toBe('completed');
  });

  it('reports candidate errors: 401 from a TURN server, 701 from a STUN server that never answers', () => {
    const { net } = turnNetwork();
    const a = net.addAgent('a', {
      role: 'controlling',
      servers: [
        { ...TURN, credential: 'wrong' },
        { kind: 'stun', address: '203.0.113.99', port: 3478, url: 'stun:203.0.113.99' },
      ],
    });
    net.host('203.0.113.99'); // exists, never answers
    a.bind('192.0.2.1');
    a.endOfSockets();
    net.run(1000);
    expect(a.gathering).toBe('gathering'); // the STUN request is still being retransmitted
    const turnError = a.eventsOf('candidate-error');
    expect(turnError.map((e) => [e.url, e.errorCode, e.address, e.port])).toEqual([
      [TURN.url, 401, '192.0.2.1', a.candidates()[0]!.port],
    ]);
    expect(net.runUntil(() => a.gathering === 'complete', 60_000)).toBe(true);
    const errors = a.eventsOf('candidate-error');
    expect(errors[1]!.errorCode).toBe(701);
    expect(errors[1]!.url).toBe('stun:203.0.113.99');
    // RFC 8489 §6.2.1: 39.5 s with RTO 500 ms, Rc 7, Rm 16.
    expect(errors[1]!.at).toBe(39_500);
    expect(a.candidates().map((c) => c.type)).toEqual(['host']);
  });

  it('deletes the TURN allocation on close()', () => {
    const { net, turn } = turnNetwork();
    const a = net.addAgent('a', { role: 'controlling', servers: [TURN] });
    a.bind('192.0.2.1');
    a.endOfSockets();
    expect(net.runUntil(() => a.gathering === 'complete', 2000)).toBe(true);
    expect(turn.server.allocationCount).toBe(1);
    a.act((x, now) => x.close(now));
    expect(a.state).toBe('closed');
    net.run(1000);
    expect(turn.server.allocationCount).toBe(0);
  });
});
