/**
 * ICE across real NATs (Linux network namespaces, iptables MASQUERADE; see support/nat-topology.ts):
 * two agents in private networks behind NATs, a STUN server and coturn in a 'public' namespace.
 * - host candidates only: no path, ICE fails;
 * - server-reflexive through endpoint-independent NATs: hole punching connects srflx to srflx;
 * - symmetric NATs (MASQUERADE --random): srflx cannot work, TURN relay connects.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JsonChild, JsonMessage } from './support/json-child.js';
import { createNatTopology, type NatTopology, netnsSupport } from './support/nat-topology.js';

const support = await netnsSupport();
if (!support.ok && process.env.CI)
  throw new Error(`NAT tests need network namespaces in CI: ${support.reason}`);

const peerScript = join(import.meta.dirname, 'support', 'ice-peer.ts');
let net: NatTopology | undefined;

afterEach(async () => {
  await net?.destroy();
  net = undefined;
});

/** Starts one agent in a and one in b, relays signaling, and waits for a final state on both. */
async function run(topology: NatTopology, iceServers: unknown[], waitFor: 'connected' | 'failed') {
  const a = topology.spawnTs('a', peerScript, [JSON.stringify({ role: 'controlling', iceServers })]);
  const b = topology.spawnTs('b', peerScript, [JSON.stringify({ role: 'controlled', iceServers })]);
  // Relays until both the credentials and the end of candidates went across (either may come first).
  const relay = (from: JsonChild, to: JsonChild) => {
    void (async () => {
      let credentials = false;
      let ended = false;
      while (!(credentials && ended)) {
        const m = await from
          .next((x: JsonMessage) => x['type'] === 'candidate' || x['type'] === 'credentials', 60_000)
          .catch(() => undefined);
        if (m === undefined) return;
        if (m['type'] === 'credentials') {
          credentials = true;
          to.send({ type: 'remote-credentials', ufrag: m['ufrag'], pwd: m['pwd'] });
        } else {
          ended ||= m['candidate'] === null;
          to.send({ type: 'remote-candidate', candidate: m['candidate'] });
        }
      }
    })();
  };
  relay(a, b);
  relay(b, a);
  const final = (x: JsonChild) =>
    x.next(
      (m) =>
        m['type'] === 'state' &&
        (m['state'] === waitFor || m['state'] === 'completed' || m['state'] === 'failed'),
      60_000,
    );
  const [sa, sb] = await Promise.all([final(a), final(b)]);
  return { a, b, states: [sa['state'], sb['state']] };
}

async function roundTrip(a: JsonChild, b: JsonChild) {
  a.send({ type: 'send', text: 'through the NATs' });
  const got = await b.next((m) => m['type'] === 'data', 10_000);
  expect(got['text']).toBe('through the NATs');
}

describe.runIf(support.ok)('ICE across real NATs', () => {
  it('host candidates only: no path between two private networks, ICE fails', async () => {
    net = await createNatTopology({ natA: 'endpoint-independent', natB: 'endpoint-independent' });
    const { states } = await run(net, [], 'failed');
    expect(states).toEqual(['failed', 'failed']);
  }, 90_000);

  it('server-reflexive through endpoint-independent NATs connects', async () => {
    net = await createNatTopology({ natA: 'endpoint-independent', natB: 'endpoint-independent' });
    const stun = await net.startStunServer();
    const { a, b, states } = await run(net, [{ urls: `stun:${stun.address}:${stun.port}` }], 'connected');
    expect(states.every((s) => s === 'connected' || s === 'completed')).toBe(true);
    const selected = a.drain((m) => m['type'] === 'selected').at(-1);
    // Our local side is the host base behind the NAT (RFC 8445 §6.1.2.4), the remote is the peer's srflx
    // or a peer-reflexive candidate learned from its check.
    expect(String(selected?.['remote'])).toMatch(/typ (srflx|prflx)/);
    await roundTrip(a, b);
    await roundTrip(b, a);
  }, 90_000);

  it('symmetric NATs: srflx cannot connect, the TURN relay does', async () => {
    net = await createNatTopology({ natA: 'symmetric', natB: 'symmetric' });
    const stun = await net.startStunServer();
    // pub has no route to the private networks: a send there makes coturn drop the whole
    // allocation, so deny those peers (CreatePermission then gets 403 and those pairs fail at once).
    const turn = await net.startCoturn({
      username: 'nat',
      password: 'natpass',
      extraArgs: ['--denied-peer-ip=10.0.0.0-10.255.255.255'],
    });
    const { a, b, states } = await run(
      net,
      [
        { urls: `stun:${stun.address}:${stun.port}` },
        { urls: `turn:${turn.host}:${turn.udpPort}`, username: 'nat', credential: 'natpass' },
      ],
      'connected',
    );
    expect(states.every((s) => s === 'connected' || s === 'completed')).toBe(true);
    const selected = [
      ...a.drain((m) => m['type'] === 'selected'),
      ...b.drain((m) => m['type'] === 'selected'),
    ];
    expect(
      selected.some((m) => /typ relay/.test(String(m['local'])) || /typ relay/.test(String(m['remote']))),
    ).toBe(true);
    await roundTrip(a, b);
    await roundTrip(b, a);
  }, 90_000);
});
