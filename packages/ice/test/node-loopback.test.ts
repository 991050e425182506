/** Two NodeIceAgents over real sockets on this machine: IPv4 and IPv6 loopback. */
import { describe, expect, it } from 'vitest';
import { type IceCandidate, NodeIceAgent, type NodeIceAgentOptions } from '../src/index.js';

async function pair(options: Partial<NodeIceAgentOptions> = {}) {
  const a = new NodeIceAgent({ role: 'controlling', ...options });
  const b = new NodeIceAgent({ role: 'controlled', ...options });
  // Trickle both ways, as signaling would (RFC 8838).
  const wire = (from: NodeIceAgent, to: NodeIceAgent, seen: IceCandidate[]) =>
    from.on('candidate', (c) => {
      if (c === null) to.endOfRemoteCandidates();
      else {
        seen.push(c);
        void to.addRemoteCandidate(c);
      }
    });
  const aCandidates: IceCandidate[] = [];
  const bCandidates: IceCandidate[] = [];
  wire(a, b, aCandidates);
  wire(b, a, bCandidates);
  const connected = (x: NodeIceAgent) =>
    new Promise<void>((resolve) => {
      const off = x.on('state', (s) => {
        if (s === 'connected' || s === 'completed') {
          off();
          resolve();
        }
      });
    });
  const both = Promise.all([connected(a), connected(b)]);
  await Promise.all([a.gather(), b.gather()]);
  a.setRemoteCredentials(b.localCredentials);
  b.setRemoteCredentials(a.localCredentials);
  await both;
  return { a, b, aCandidates, bCandidates };
}

async function exchange(a: NodeIceAgent, b: NodeIceAgent) {
  const got = new Promise<string>((resolve) => b.on('data', (d) => resolve(new TextDecoder().decode(d))));
  // A DTLS-looking first byte (RFC 7983: 20..63) so the demultiplexer passes it up.
  expect(a.send(new TextEncoder().encode('\x17hello over ice'))).toBe(true);
  return got;
}

describe('NodeIceAgent on real sockets', () => {
  it('connects two agents over IPv4 loopback and carries data both ways', async () => {
    const { a, b } = await pair({ hostAddresses: { addresses: ['127.0.0.1'] } });
    try {
      expect(await exchange(a, b)).toBe('\x17hello over ice');
      expect(await exchange(b, a)).toBe('\x17hello over ice');
      expect(a.agent?.selectedPair?.local.address).toBe('127.0.0.1');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('connects over IPv6 loopback', async () => {
    const { a, b } = await pair({ hostAddresses: { addresses: ['::1'] } });
    try {
      expect(await exchange(a, b)).toBe('\x17hello over ice');
      expect(a.agent?.selectedPair?.remote.address).toBe('::1');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('gathers loopback when it is the only address, and signals end of candidates', async () => {
    const a = new NodeIceAgent({
      role: 'controlling',
      hostAddresses: { filter: (_, addr) => addr === '127.0.0.1' || addr === '::1' },
    });
    const seen: Array<IceCandidate | null> = [];
    const done = new Promise<void>((resolve) =>
      a.on('candidate', (c) => {
        seen.push(c);
        if (c === null) resolve();
      }),
    );
    await a.gather();
    await done;
    expect(seen.at(-1)).toBeNull();
    expect(seen.filter((c) => c !== null).map((c) => c?.type)).toContain('host');
    await a.close();
  });
});

describe('mDNS host candidates on real sockets', () => {
  it('hides host addresses behind .local names and resolves the peer’s over multicast', async () => {
    const { a, b, aCandidates, bCandidates } = await pair({
      hostAddresses: { addresses: ['127.0.0.1'] },
      mdnsHostNames: true,
    });
    try {
      // Neither side signalled its IP: only UUID .local names (draft-ietf-mmusic-mdns-ice-candidates).
      for (const c of [...aCandidates, ...bCandidates].filter((x) => x.type === 'host')) {
        expect(c.address).toMatch(/^[0-9a-f-]{36}\.local$/);
      }
      // Both sides resolved the other's name (an unresolved one would never become a host candidate).
      expect(a.agent?.remoteCandidates.some((c) => c.type === 'host')).toBe(true);
      expect(b.agent?.remoteCandidates.some((c) => c.type === 'host')).toBe(true);
      expect(await exchange(a, b)).toBe('\x17hello over ice');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 30_000);
});
