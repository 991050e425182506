/**
 * Hostile input to the ICE agent: malformed and unauthenticated checks are dropped and counted,
 * the caps on remote candidates, pairs, peer-reflexive learning and early checks hold, and no
 * datagram on any socket makes the agent throw (fast-check).
 */
import {
  AttributeType,
  decodeStunMessage,
  StunClass,
  StunMethod,
  StunWriter,
  shortTermKey,
  type TransportAddress,
  verifyMessageIntegrity,
} from '@purertc/stun';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IceAgent, type IceCredentials, type IceTransmit, parseCandidate } from '../src/index.js';
import { addr, bothConnected, signal, VirtualNetwork } from './support/virtual-network.js';

const LOCAL: IceCredentials = { ufrag: 'localUfrag', pwd: 'localPasswordOf22Chars+' };
const REMOTE: IceCredentials = { ufrag: 'peerUfrag', pwd: 'peerPasswordOf22Chars++' };
const SOCKET = { id: 1, kind: 'udp', address: addr('192.0.2.1', 5000) } as const;
const PEER = addr('192.0.2.2', 6000);

function agent(options: Partial<ConstructorParameters<typeof IceAgent>[0]> = {}): IceAgent {
  const a = new IceAgent({ role: 'controlled', credentials: LOCAL, ...options });
  a.addSocket(SOCKET, 0);
  a.endOfLocalSockets(0);
  return a;
}

function drain(a: IceAgent): IceTransmit[] {
  const out: IceTransmit[] = [];
  for (let t = a.pollTransmit(); t !== undefined; t = a.pollTransmit()) out.push(t);
  while (a.pollEvent() !== undefined) {
    // events are not under test here
  }
  return out;
}

interface CheckOptions {
  username?: string;
  key?: Uint8Array | null;
  fingerprint?: boolean;
  priority?: number | null;
  controlling?: bigint;
  useCandidate?: boolean;
  extra?: (w: StunWriter) => void;
}

/** A check as the peer would send it to us (USERNAME local:remote, signed with our password). */
function check(o: CheckOptions = {}): Uint8Array {
  const w = new StunWriter().reset(StunMethod.Binding, StunClass.Request);
  w.addText(AttributeType.Username, o.username ?? `${LOCAL.ufrag}:${REMOTE.ufrag}`);
  w.addUint64(AttributeType.IceControlling, o.controlling ?? 1n);
  if (o.priority !== null) w.addUint32(AttributeType.Priority, o.priority ?? 1853824767);
  if (o.useCandidate) w.addFlag(AttributeType.UseCandidate);
  o.extra?.(w);
  if (o.key !== null) w.addMessageIntegrity(o.key ?? shortTermKey(LOCAL.pwd));
  if (o.fingerprint ?? true) w.addFingerprint();
  return w.finishCopy();
}

describe('IceAgent: unauthenticated and malformed checks', () => {
  it('answers a good check with a signed success response naming the source', () => {
    const a = agent();
    a.setRemoteCredentials(REMOTE, 0);
    a.handleInput(1, PEER, check(), 1);
    const out = drain(a);
    const response = out.find((t) => t.data[0] === 0x01 && t.data[1] === 0x01)!;
    expect(response.destination).toEqual(PEER);
    const m = decodeStunMessage(response.data);
    expect(m.xorMappedAddress).toEqual(PEER);
    expect(verifyMessageIntegrity(m, shortTermKey(LOCAL.pwd))).toBe(true);
    // §7.3.1.3/§7.3.1.4: the source became a prflx candidate with a pair and a triggered check.
    expect(a.remoteCandidates.map((c) => [c.type, c.address, c.port])).toEqual([
      ['prflx', '192.0.2.2', 6000],
    ]);
    expect(a.pairs).toHaveLength(1);
    // Nothing was sent in the last Ta: the triggered check leaves with the response, in the same
    // handleInput (not at the next handleTimeout), and only once.
    a.handleTimeout(a.pollTimeout()!);
    const triggered = [...out, ...drain(a)].filter((t) => t.data[0] === 0x00 && t.data[1] === 0x01);
    expect(triggered).toHaveLength(1);
    expect(out).toContain(triggered[0]);
    expect(decodeStunMessage(triggered[0]!.data).username).toBe(`${REMOTE.ufrag}:${LOCAL.ufrag}`);
  });

  it('drops and counts what fails FINGERPRINT, USERNAME or MESSAGE-INTEGRITY, creating nothing', () => {
    const a = agent();
    a.setRemoteCredentials(REMOTE, 0);
    const cases: Array<[string, Uint8Array, keyof IceAgent['stats'], number | undefined]> = [
      ['no FINGERPRINT', check({ fingerprint: false }), 'droppedMalformed', undefined],
      [
        'bad FINGERPRINT',
        (() => {
          const c = check();
          c[c.length - 1] = (c[c.length - 1] as number) ^ 1;
          return c;
        })(),
        'droppedMalformed',
        undefined,
      ],
      ['wrong USERNAME', check({ username: `someoneElse:${REMOTE.ufrag}` }), 'droppedUnauthenticated', 401],
      [
        'wrong password',
        check({ key: shortTermKey('not the password at all') }),
        'droppedUnauthenticated',
        401,
      ],
      ['no MESSAGE-INTEGRITY', check({ key: null }), 'droppedUnauthenticated', 400],
      ['truncated STUN', check().subarray(0, 30), 'droppedMalformed', undefined],
      [
        'unknown comprehension-required attribute',
        check({ extra: (w) => w.add(0x7777, new Uint8Array(4)) }),
        'droppedMalformed',
        420,
      ],
      ['no PRIORITY', check({ priority: null }), 'droppedMalformed', 400],
    ];
    for (const [name, data, counter, code] of cases) {
      const before = a.stats[counter];
      a.handleInput(1, PEER, data, 1);
      expect(a.stats[counter], name).toBe(before + 1);
      const out = drain(a);
      if (code === undefined) expect(out, name).toHaveLength(0);
      else {
        expect(out, name).toHaveLength(1);
        expect(decodeStunMessage(out[0]!.data).errorCode?.code, name).toBe(code);
      }
    }
    expect(a.remoteCandidates).toHaveLength(0);
    expect(a.pairs).toHaveLength(0);
    expect(a.connectionState).toBe('new');
  });

  it('drops data, ChannelData and stray responses from sources it has no pair with', () => {
    const a = agent();
    a.setRemoteCredentials(REMOTE, 0);
    a.handleInput(1, PEER, new Uint8Array([23, 3, 3, 0, 1, 0]), 1); // DTLS
    a.handleInput(1, PEER, new Uint8Array([128, 96, 0, 1]), 1); // RTP
    a.handleInput(1, PEER, new Uint8Array([0x40, 0x00, 0x00, 0x01, 9]), 1); // ChannelData from a non-server
    a.handleInput(1, PEER, new Uint8Array([17, 0, 0]), 1); // ZRTP
    a.handleInput(1, PEER, new Uint8Array([250, 1]), 1); // nothing RFC 7983 knows
    a.handleInput(99, PEER, new Uint8Array([23]), 1); // unknown socket
    const stray = new StunWriter()
      .reset(StunMethod.Binding, StunClass.SuccessResponse)
      .addFingerprint()
      .finishCopy();
    a.handleInput(1, PEER, stray, 1);
    expect(a.stats.droppedUnknownSource).toBe(4);
    expect(a.stats.droppedMalformed).toBe(2);
    expect(a.stats.droppedStray).toBe(1);
    expect(a.pollEvent()).toMatchObject({ type: 'gathering-state' });
    for (let e = a.pollEvent(); e !== undefined; e = a.pollEvent()) expect(e.type).not.toBe('data');
  });

  it('ignores forged responses: integrity must verify with the peer password', () => {
    const a = agent({ role: 'controlling' });
    a.setRemoteCredentials(REMOTE, 0);
    a.addRemoteCandidate(parseCandidate('candidate:1 1 udp 2130706431 192.0.2.2 6000 typ host'), 0);
    a.handleTimeout(a.pollTimeout()!);
    const req = drain(a).find((t) => t.data[1] === 0x01)!;
    const m = decodeStunMessage(req.data);
    const forged = new StunWriter()
      .reset(StunMethod.Binding, StunClass.SuccessResponse, m.transactionId)
      .addXorAddress(AttributeType.XorMappedAddress, SOCKET.address)
      .addMessageIntegrity(shortTermKey('guessed-password-guessed'))
      .addFingerprint()
      .finishCopy();
    a.handleInput(1, PEER, forged, 10);
    expect(a.stats.droppedUnauthenticated).toBe(1);
    expect(a.pairs[0]!.state).toBe('in-progress');
    // And a response from elsewhere, correctly signed, fails the pair (§7.2.5.2.1 non-symmetric).
    const genuine = new StunWriter()
      .reset(StunMethod.Binding, StunClass.SuccessResponse, m.transactionId)
      .addXorAddress(AttributeType.XorMappedAddress, SOCKET.address)
      .addMessageIntegrity(shortTermKey(REMOTE.pwd))
      .addFingerprint()
      .finishCopy();
    a.handleInput(1, addr('192.0.2.3', 6000), genuine, 11);
    expect(a.pairs[0]!.state).toBe('failed');
  });
});

describe('IceAgent: caps', () => {
  it('holds the remote candidate and pair caps under a flood of trickled candidates', () => {
    const a = agent({ role: 'controlling', maxRemoteCandidates: 50, maxPairs: 20 });
    a.setRemoteCredentials(REMOTE, 0);
    for (let i = 0; i < 1000; i++) {
      const ip = `10.${(i >> 8) & 255}.${i & 255}.1`;
      a.addRemoteCandidate(
        parseCandidate(`candidate:${i} 1 udp ${1000 + i} ${ip} ${1000 + (i % 60000)} typ host`),
        0,
      );
    }
    expect(a.remoteCandidates).toHaveLength(50);
    expect(a.pairs).toHaveLength(20);
    expect(a.stats.droppedOverCap).toBeGreaterThanOrEqual(950);
    // The cap keeps the highest-priority pairs (§6.1.2.5).
    const prios = a.pairs.map((p) => p.remote.priority);
    expect(Math.min(...prios)).toBeGreaterThanOrEqual(1030);
    // Unresolvable names, TCP and other components are ignored and counted.
    a.addRemoteCandidate(parseCandidate('candidate:1 1 udp 1 abc.local 9 typ host'), 0);
    a.addRemoteCandidate(parseCandidate('candidate:1 1 tcp 1 192.0.2.9 9 typ host tcptype passive'), 0);
    a.addRemoteCandidate(parseCandidate('candidate:1 2 udp 1 192.0.2.9 9 typ host'), 0);
    expect(a.stats.ignoredCandidates).toBe(3);
  });

  it('holds the caps under a flood of checks from new addresses (prflx), before and after credentials', () => {
    const a = agent({ maxRemoteCandidates: 30, maxPairs: 20, maxEarlyChecks: 8 });
    for (let i = 0; i < 100; i++) a.handleInput(1, addr('198.51.100.1', 1000 + i), check(), i);
    // Before the credentials: every check answered, 8 kept for later.
    expect(drain(a).filter((t) => t.data[0] === 0x01 && t.data[1] === 0x01)).toHaveLength(100);
    expect(a.stats.droppedOverCap).toBe(92);
    a.setRemoteCredentials(REMOTE, 100);
    expect(a.remoteCandidates).toHaveLength(8);
    for (let i = 0; i < 1000; i++) a.handleInput(1, addr('198.51.100.2', 1000 + i), check(), 200);
    expect(a.remoteCandidates).toHaveLength(30 + 8); // the cap plus the reserve for authenticated prflx
    expect(a.pairs.length).toBeLessThanOrEqual(20);
    expect(drain(a).length).toBeLessThanOrEqual(4096);
  });

  it('bounds its event queue when nobody drains data events', () => {
    const net = new VirtualNetwork();
    const a = net.addAgent('a', { role: 'controlling' });
    const b = net.addAgent('b', { role: 'controlled', maxEvents: 100 });
    signal(net, a, b);
    a.bind('192.0.2.1');
    b.bind('192.0.2.2');
    a.endOfSockets();
    b.endOfSockets();
    expect(net.runUntil(() => bothConnected(a, b), 5000)).toBe(true);
    // Deliver straight to b's agent without draining.
    const sa = a.agent.selectedPair!;
    const from: TransportAddress = addr(sa.local.address, sa.local.port);
    for (let i = 0; i < 500; i++) b.agent.handleInput(1, from, new Uint8Array([23, i & 255]), net.now);
    let n = 0;
    for (let e = b.agent.pollEvent(); e !== undefined; e = b.agent.pollEvent()) n++;
    expect(n).toBe(100);
    expect(b.agent.stats.droppedOverCap).toBe(400);
  });
});

describe('IceAgent: random datagrams never throw', () => {
  it('survives arbitrary bytes from arbitrary sources on every socket, connected or not (fast-check)', () => {
    const stunLike = fc
      .tuple(fc.constantFrom(0, 1, 2, 3), fc.uint8Array({ minLength: 0, maxLength: 120 }))
      .map(([b0, rest]) => {
        const m = new Uint8Array(20 + rest.length - (rest.length % 4));
        m[0] = b0;
        m[1] = 1;
        m[2] = (m.length - 20) >> 8;
        m[3] = (m.length - 20) & 255;
        m.set([0x21, 0x12, 0xa4, 0x42], 4);
        m.set(rest.subarray(0, m.length - 20), 20);
        return m;
      });
    const mutatedCheck = fc.tuple(fc.nat(200), fc.integer({ min: 0, max: 255 })).map(([at, v]) => {
      const c = check({ useCandidate: true });
      c[at % c.length] = v;
      return c;
    });
    const datagram = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      stunLike,
      mutatedCheck,
      fc.constant(check()),
    );
    const source = fc.oneof(
      fc.constant(PEER),
      fc.constant(addr('203.0.113.5', 3478)), // the TURN server
      fc.constant(addr('203.0.113.3', 3478)), // the STUN server
      fc
        .tuple(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 1, max: 65535 }))
        .map(([x, p]) => addr(`198.51.100.${x}`, p)),
      fc.constant(addr('2001:db8::1', 9)),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), source, datagram), { maxLength: 40 }),
        fc.boolean(),
        (inputs, withCreds) => {
          const a = new IceAgent({
            role: 'controlling',
            credentials: LOCAL,
            servers: [
              { kind: 'stun', address: '203.0.113.3', port: 3478, url: 'stun:x' },
              {
                kind: 'turn',
                address: '203.0.113.5',
                port: 3478,
                username: 'u',
                credential: 'p',
                url: 'turn:x',
              },
            ],
          });
          a.addSocket(SOCKET, 0);
          a.addSocket({ id: 2, kind: 'turn-stream', address: addr('203.0.113.5', 3478) }, 0);
          a.addSocket({ id: 3, kind: 'udp', address: addr('2001:db8::2', 5000) }, 0);
          a.endOfLocalSockets(0);
          if (withCreds) {
            a.setRemoteCredentials(REMOTE, 0);
            a.addRemoteCandidate(parseCandidate('candidate:1 1 udp 2130706431 192.0.2.2 6000 typ host'), 0);
          }
          let now = 1;
          for (const [socket, from, data] of inputs) {
            a.handleInput(socket, from, data, now);
            now += 7;
            const t = a.pollTimeout();
            if (t !== undefined && t <= now) a.handleTimeout(now);
            drain(a);
          }
          a.handleTimeout(now + 60_000);
          drain(a);
          a.close(now + 60_000);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a connected agent survives garbage from the address of its peer and stays connected (fast-check)', () => {
    const garbage = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.uint8Array({ minLength: 20, maxLength: 100 }).map((b) => {
        b[0] = b[0]! & 1;
        b.set([0x21, 0x12, 0xa4, 0x42], 4);
        b[2] = 0;
        b[3] = (b.length - 20) & ~3;
        return b.subarray(0, 20 + (b[3] as number));
      }),
    );
    fc.assert(
      fc.property(
        fc.array(garbage, { maxLength: 30 }),
        fc.integer({ min: 1, max: 1000 }),
        (datagrams, seed) => {
          const net = new VirtualNetwork({ seed, delay: 5 });
          const a = net.addAgent('a', { role: 'controlling' });
          const b = net.addAgent('b', { role: 'controlled' });
          signal(net, a, b);
          a.bind('192.0.2.1');
          b.bind('192.0.2.2');
          a.endOfSockets();
          b.endOfSockets();
          if (!net.runUntil(() => bothConnected(a, b), 5000)) return false;
          const peer = a.agent.selectedPair!.remote;
          for (const d of datagrams) a.input(1, addr(peer.address, peer.port), d);
          net.run(20_000);
          return bothConnected(a, b);
        },
      ),
      { numRuns: 60 },
    );
  });
});
