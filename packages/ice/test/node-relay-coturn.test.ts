/**
 * iceTransportPolicy 'relay' through a real coturn on 127.0.0.1: both agents gather only
 * relayed candidates (TURN over UDP, then over TCP) and connect relay to relay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Coturn, startCoturn, turnserverAvailable } from '../../stun/test/support/coturn.js';
import { type IceCandidate, NodeIceAgent, type NodeIceAgentOptions } from '../src/index.js';

const available = turnserverAvailable();
if (!available && process.env.CI) throw new Error('coturn (turnserver) is required in CI');

async function connectPair(options: NodeIceAgentOptions['iceServers']) {
  const base = {
    transportPolicy: 'relay' as const,
    iceServers: options,
    hostAddresses: { addresses: ['127.0.0.1'] },
  };
  const a = new NodeIceAgent({ role: 'controlling', ...base });
  const b = new NodeIceAgent({ role: 'controlled', ...base });
  const signalled: IceCandidate[] = [];
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    from.on('candidate', (c) => {
      if (c === null) to.endOfRemoteCandidates();
      else {
        signalled.push(c);
        void to.addRemoteCandidate(c);
      }
    });
  }
  const connected = (x: NodeIceAgent) =>
    new Promise<void>((resolve, reject) => {
      x.on('state', (s) => {
        if (s === 'connected' || s === 'completed') resolve();
        if (s === 'failed') reject(new Error('ICE failed'));
      });
    });
  const both = Promise.all([connected(a), connected(b)]);
  await Promise.all([a.gather(), b.gather()]);
  a.setRemoteCredentials(b.localCredentials);
  b.setRemoteCredentials(a.localCredentials);
  await both;
  return { a, b, signalled };
}

describe.runIf(available)('relay-only ICE through coturn', () => {
  let turn: Coturn;
  beforeAll(async () => {
    turn = await startCoturn();
  });
  afterAll(async () => {
    await turn?.stop();
  });

  for (const transport of ['udp', 'tcp'] as const) {
    it(`connects relay to relay with TURN over ${transport}`, async () => {
      const { a, b, signalled } = await connectPair([
        {
          urls: `turn:${turn.host}:${turn.udpPort}?transport=${transport}`,
          username: turn.username,
          credential: turn.password,
        },
      ]);
      try {
        expect(signalled.length).toBeGreaterThan(0);
        expect(signalled.every((c) => c.type === 'relay')).toBe(true);
        expect(a.agent?.selectedPair?.local.type).toBe('relay');
        expect(b.agent?.selectedPair?.local.type).toBe('relay');
        const got = new Promise<Uint8Array>((resolve) => b.on('data', (d) => resolve(d)));
        a.send(new Uint8Array([23, 1, 2, 3]));
        expect(Array.from(await got)).toEqual([23, 1, 2, 3]);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    }, 30_000);
  }
});
