/**
 * Consent freshness (RFC 7675) and liveness of the selected pair, and ICE restart (RFC 8445 §9)
 * with data flowing on the old pair until the new generation selects one.
 */
import { describe, expect, it } from 'vitest';
import { candidateExtension } from '../src/index.js';
import { type AgentNode, bothConnected, signal, VirtualNetwork } from './support/virtual-network.js';

function connected(seed = 1): { net: VirtualNetwork; a: AgentNode; b: AgentNode } {
  const net = new VirtualNetwork({ delay: 10, seed });
  const a = net.addAgent('a', { role: 'controlling' });
  const b = net.addAgent('b', { role: 'controlled' });
  signal(net, a, b);
  a.bind('192.0.2.1');
  b.bind('192.0.2.2');
  a.endOfSockets();
  b.endOfSockets();
  if (!net.runUntil(() => bothConnected(a, b), 5000)) throw new Error('no connection');
  net.run(1000);
  return { net, a, b };
}

describe('IceAgent consent freshness (RFC 7675)', () => {
  it('sends consent checks every 4-6 s on the selected pair and stays connected', () => {
    const { net, a, b } = connected();
    const sent0 = a.agent.stats.consentChecksSent;
    net.run(60_000);
    const sent = a.agent.stats.consentChecksSent - sent0;
    // §5.1: one every 5 s x U(0.8, 1.2) (an early probe after 3.5 s of silence replaces one): 10 to 15 a minute.
    expect(sent).toBeGreaterThanOrEqual(10);
    expect(sent).toBeLessThanOrEqual(15);
    expect(a.state).toBe('completed');
    expect(b.state).toBe('completed');
    expect(a.states().map((s) => s.state)).not.toContain('disconnected');
    expect(a.agent.selectedPair!.rtt).toBe(20);
  });

  it('a vanished peer: disconnected within 5 s, failed when consent expires after 30 s, then silence', () => {
    const { net, a } = connected();
    net.traceEnabled = true;
    const vanished = net.now;
    net.filter = () => false; // b is gone, both ways
    net.run(40_000);
    const states = a.states().filter((s) => s.at > vanished);
    expect(states.map((s) => s.state)).toEqual(['disconnected', 'failed']);
    const [disconnected, failed] = states as [(typeof states)[0], (typeof states)[0]];
    // Nothing was heard after `vanished`: 'disconnected' comes 5 s after the last thing heard.
    expect(disconnected.at).toBeGreaterThan(vanished);
    expect(disconnected.at).toBeLessThanOrEqual(vanished + 5000);
    // The last consent response came at most one consent interval (6 s) before: consent
    // expires 30 s after it (RFC 7675 §5.1), so between 24 and 30 s after the peer vanished.
    expect(failed.at).toBeGreaterThan(vanished + 24_000);
    expect(failed.at).toBeLessThanOrEqual(vanished + 30_000);
    // §5.1: after consent is lost, nothing more is sent on the pair.
    net.filter = undefined;
    const before = net.trace.length;
    expect(a.send(new Uint8Array([23, 0]))).toBe(false);
    net.run(30_000);
    expect(net.trace.slice(before).filter((p) => p.from.address === '192.0.2.1')).toHaveLength(0);
    expect(a.state).toBe('failed');
  });

  it('goes disconnected when traffic stops and back to connected when it resumes', () => {
    const { net, a, b } = connected();
    const cut = net.now;
    net.filter = () => false;
    net.run(10_000);
    expect(a.state).toBe('disconnected');
    expect(b.state).toBe('disconnected');
    net.filter = undefined;
    expect(net.runUntil(() => bothConnected(a, b), 8000)).toBe(true);
    const after = a
      .states()
      .filter((s) => s.at > cut)
      .map((s) => s.state);
    expect(after).toEqual(['disconnected', 'completed']);
    // Data flows again.
    expect(a.send(new Uint8Array([23, 9]))).toBe(true);
    net.run(100);
    expect(b.data).toHaveLength(1);
  });

  it('an idle pair with a quiet peer is not reported disconnected (early consent probe)', () => {
    // Only a sends consent checks that b answers; b's own checks are lost: a hears b only in responses.
    const { net, a } = connected(7);
    net.filter = (p) => !(p.from.address === '192.0.2.2' && p.data[0] === 0 && p.data[1] === 1);
    net.run(120_000);
    expect(a.states().map((s) => s.state)).not.toContain('disconnected');
  });
});

describe('IceAgent restart (RFC 8445 §9)', () => {
  it('keeps data flowing on the old pair until the new generation selects a pair', () => {
    const { net, a, b } = connected();
    const oldA = a.agent.localCredentials;
    const oldB = b.agent.localCredentials;
    // Steady traffic both ways every 20 ms.
    const tick = () => {
      a.send(new Uint8Array([23, 1]));
      b.send(new Uint8Array([23, 2]));
      net.after(20, tick);
    };
    tick();
    net.run(500);
    const restartAt = net.now;
    // a restarts (new offer): b gets the new credentials before the new candidates, answers with
    // its own new credentials (setRemoteCredentials with a new ufrag restarts b as well).
    a.act((x, now) => x.restart(now));
    expect(a.agent.localCredentials.ufrag).not.toBe(oldA.ufrag);
    expect(a.agent.generation).toBe(1);
    expect(a.gathering).toBe('complete');
    expect(a.eventsOf('gathering-state').map((e) => e.state)).toEqual([
      'gathering',
      'complete',
      'gathering',
      'complete',
    ]);
    const newA = a.agent.localCredentials;
    net.after(10, () =>
      b.act((x, now) => {
        x.setRemoteCredentials(newA, now);
        const newB = x.localCredentials;
        net.after(10, () => a.act((y, t) => y.setRemoteCredentials(newB, t)));
      }),
    );
    const selectedBefore = a.eventsOf('selected-pair').length;
    expect(net.runUntil(() => a.eventsOf('selected-pair').length > selectedBefore, 5000)).toBe(true);
    expect(net.runUntil(() => b.eventsOf('selected-pair').length > 1, 5000)).toBe(true);
    expect(b.agent.localCredentials.ufrag).not.toBe(oldB.ufrag);
    expect(b.agent.generation).toBe(1);
    const sel = a.agent.selectedPair!;
    expect(candidateExtension(sel.local, 'generation')).toBe('1');
    expect(candidateExtension(sel.local, 'ufrag')).toBe(newA.ufrag);
    net.run(1000);

    // No gap in the data: 20 ms spacing, 10 ms delay; allow one missing datagram at most.
    const gaps = (arr: { at: number }[]) => {
      let max = 0;
      for (let i = 1; i < arr.length; i++)
        max = Math.max(max, (arr[i] as { at: number }).at - (arr[i - 1] as { at: number }).at);
      return max;
    };
    const around = (arr: { at: number }[]) => arr.filter((d) => d.at > restartAt - 200 && d.at < net.now);
    expect(gaps(around(a.data))).toBeLessThanOrEqual(40);
    expect(gaps(around(b.data))).toBeLessThanOrEqual(40);
    expect(['connected', 'completed']).toContain(a.state);
    expect(
      a
        .states()
        .filter((s) => s.at > restartAt)
        .map((s) => s.state),
    ).not.toContain('disconnected');
    // Consent now runs with the new credentials: a long time later it still holds.
    net.run(60_000);
    expect(['connected', 'completed']).toContain(a.state);
    expect(['connected', 'completed']).toContain(b.state);
    expect(a.agent.stats.droppedUnauthenticated + b.agent.stats.droppedUnauthenticated).toBe(0);
  });

  it("keeps candidates of the peer's next generation that outrun its credentials, ignores old ones", () => {
    const { net, a, b } = connected();
    const oldCandidates = a.candidates();
    // a restarts; its new candidates reach b 100 ms before the new credentials do.
    a.act((x, now) => x.restart(now));
    const newA = a.agent.localCredentials;
    net.after(100, () =>
      b.act((x, now) => {
        x.setRemoteCredentials(newA, now);
        const newB = x.localCredentials;
        net.after(10, () => a.act((y, t) => y.setRemoteCredentials(newB, t)));
      }),
    );
    net.run(50);
    // They arrived (20 ms signalling delay) and wait: b still lists only the old generation's.
    const oldUfrag = candidateExtension(oldCandidates[0]!, 'ufrag');
    expect(b.agent.remoteCandidates.map((c) => candidateExtension(c, 'ufrag'))).toEqual([oldUfrag]);
    expect(
      net.runUntil(
        () => b.eventsOf('selected-pair').length > 1 && a.eventsOf('selected-pair').length > 1,
        5000,
      ),
    ).toBe(true);
    expect(
      b.agent.remoteCandidates.filter((c) => c.type === 'host').map((c) => candidateExtension(c, 'ufrag')),
    ).toEqual([newA.ufrag]);
    // A late candidate of the old generation is ignored and counted.
    const ignored = b.agent.stats.ignoredCandidates;
    b.act((x, now) => x.addRemoteCandidate(oldCandidates[0]!, now));
    expect(b.agent.stats.ignoredCandidates).toBe(ignored + 1);
  });

  it('recovers from a consent failure with a restart', () => {
    const { net, a, b } = connected();
    net.filter = () => false;
    net.run(40_000);
    expect(a.state).toBe('failed');
    net.filter = undefined;
    a.act((x, now) => x.restart(now));
    b.act((x, now) => x.setRemoteCredentials(a.agent.localCredentials, now));
    a.act((x, now) => x.setRemoteCredentials(b.agent.localCredentials, now));
    expect(net.runUntil(() => bothConnected(a, b), 5000)).toBe(true);
    expect(a.send(new Uint8Array([23, 5]))).toBe(true);
  });
});
