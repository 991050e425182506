/**
 * The TURN client against a real coturn on 127.0.0.1, over UDP, TCP and TLS: allocate, relay
 * data both ways to a plain node:dgram peer through Send/Data indications and through a channel,
 * a wrong password, and the release of an allocation by Refresh with LIFETIME 0.
 */
import type * as dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AttributeType,
  bindUdp,
  type ConnectTurnOptions,
  closeUdp,
  connectTurn,
  StunClass,
  StunErrorResponse,
  StunMethod,
  StunWriter,
  type TransportAddress,
  type TurnConnection,
  type TurnTransport,
} from '../src/index.js';
import { type Coturn, startCoturn, turnserverAvailable } from './support/coturn.js';

const ci = process.env['CI'] !== undefined && !['', '0', 'false'].includes(process.env['CI']);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** A plain UDP socket on 127.0.0.1 playing the peer; datagrams queue until taken. */
interface Peer {
  readonly socket: dgram.Socket;
  readonly address: TransportAddress;
  next(): Promise<{ text: string; from: number }>;
  received(): number;
  close(): Promise<void>;
}

async function startPeer(): Promise<Peer> {
  const socket = await bindUdp('IPv4', '127.0.0.1');
  const queue: Array<{ text: string; from: number }> = [];
  const waiting: Array<(m: { text: string; from: number }) => void> = [];
  let count = 0;
  socket.on('message', (msg, rinfo) => {
    count++;
    const m = { text: decoder.decode(msg), from: rinfo.port };
    const w = waiting.shift();
    if (w !== undefined) w(m);
    else queue.push(m);
  });
  return {
    socket,
    address: { family: 'IPv4', address: '127.0.0.1', port: socket.address().port },
    next: () => {
      const m = queue.shift();
      if (m !== undefined) return Promise.resolve(m);
      return withTimeout(new Promise((resolve) => waiting.push(resolve)), 5_000, 'peer receive');
    },
    received: () => count,
    close: () => closeUdp(socket),
  };
}

/** The next data event of the connection, as text. */
function nextData(turn: TurnConnection): Promise<{ peer: TransportAddress; text: string; via: string }> {
  return withTimeout(
    new Promise((resolve) => {
      const off = turn.on('data', (peer, data, via) => {
        off();
        resolve({ peer, text: decoder.decode(data), via });
      });
    }),
    5_000,
    'relayed data',
  );
}

/** Whether the port on 127.0.0.1 can be bound: coturn holds its relayed ports exclusively. */
async function portFree(port: number): Promise<boolean> {
  try {
    await closeUdp(await bindUdp('IPv4', '127.0.0.1', port));
    return true;
  } catch {
    return false;
  }
}

async function eventually(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

if (!turnserverAvailable()) {
  if (ci) {
    it('coturn is installed (CI)', () => {
      expect.fail('turnserver not found; CI must run the coturn tests (apt-get install -y coturn)');
    });
  } else {
    console.warn('coturn not installed: skipping the TURN client coturn tests (apt-get install -y coturn)');
    it.skip('TURN client against coturn (turnserver not installed)', () => {});
  }
} else {
  describe('TURN client against coturn', () => {
    let coturn: Coturn | undefined;
    const server = (): Coturn => {
      if (coturn === undefined) throw new Error('coturn did not start');
      return coturn;
    };
    const open: TurnConnection[] = [];
    const peers: Peer[] = [];

    const connect = async (
      transport: TurnTransport,
      extra: Partial<ConnectTurnOptions> = {},
    ): Promise<TurnConnection> => {
      const c = server();
      const turn = await connectTurn({
        server: { host: c.host, port: transport === 'tls' ? c.tlsPort : c.udpPort },
        transport,
        username: c.username,
        password: c.password,
        software: 'purertc tests',
        // The fixture's certificate is a throwaway self-signed one.
        rejectUnauthorized: false,
        ...extra,
      });
      open.push(turn);
      return turn;
    };
    const peer = async (): Promise<Peer> => {
      const p = await startPeer();
      peers.push(p);
      return p;
    };

    beforeAll(async () => {
      coturn = await startCoturn();
    });

    afterAll(async () => {
      await Promise.all(open.map((t) => t.close().catch(() => {})));
      await Promise.all(peers.map((p) => p.close()));
      await coturn?.stop();
    });

    describe.each(['udp', 'tcp', 'tls'] as const)('over %s', (transport) => {
      it('allocates and relays both ways, through Send/Data indications and through a channel', async () => {
        const turn = await connect(transport);
        const allocation = await turn.allocate();
        expect(allocation.relayed.address).toBe('127.0.0.1');
        // Our own address as coturn saw it (the UDP socket is bound to 0.0.0.0).
        expect(allocation.mapped).toEqual({ family: 'IPv4', address: '127.0.0.1', port: turn.local.port });
        expect(allocation.lifetime).toBeGreaterThan(0);
        const relayedPort = allocation.relayed.port;
        const p = await peer();

        // (a) CreatePermission, a Send indication out, a Data indication back.
        await turn.createPermission(p.address);
        await turn.send(p.address, encoder.encode('ping by indication'));
        expect(await p.next()).toEqual({ text: 'ping by indication', from: relayedPort });
        let back = nextData(turn);
        p.socket.send('pong by indication', relayedPort, '127.0.0.1');
        expect(await back).toEqual({ peer: p.address, text: 'pong by indication', via: 'indication' });

        // (b) ChannelBind, then ChannelData both ways.
        const channel = await turn.bindChannel(p.address);
        expect(channel).toBeGreaterThanOrEqual(0x4000);
        expect(channel).toBeLessThanOrEqual(0x4fff);
        await turn.send(p.address, encoder.encode('ping on a channel'));
        expect(await p.next()).toEqual({ text: 'ping on a channel', from: relayedPort });
        back = nextData(turn);
        p.socket.send('pong on a channel', relayedPort, '127.0.0.1');
        expect(await back).toEqual({ peer: p.address, text: 'pong on a channel', via: 'channel' });

        expect(turn.stats).toMatchObject({
          sendIndications: 1,
          dataIndications: 1,
          channelDataSent: 1,
          channelDataReceived: 1,
          malformed: 0,
          integrityFailures: 0,
          unknownPeer: 0,
        });
        // coturn signs every response but the 401 challenge, and we checked each signature.
        expect(turn.stats.authenticatedResponses).toBe(turn.stats.requestsSent - 1);
        await turn.close();
        expect(turn.state).toBe('closed');
      });

      it('carries a burst of odd-sized messages on a channel, in order', async () => {
        const turn = await connect(transport);
        const { relayed } = await turn.allocate();
        const p = await peer();
        await turn.bindChannel(p.address);
        const sizes = Array.from({ length: 40 }, (_, i) => 1 + ((i * 37) % 1100));
        const got: string[] = [];
        const all = withTimeout(
          new Promise<void>((resolve) => {
            turn.on('data', (_peer, data) => {
              got.push(decoder.decode(data));
              if (got.length === sizes.length) resolve();
            });
          }),
          10_000,
          'burst',
        );
        const texts = sizes.map((n, i) => `${i}:`.padEnd(n, 'x'));
        for (const t of texts) p.socket.send(t, relayed.port, '127.0.0.1');
        await all;
        expect(got).toEqual(texts);
        // And the other way: padded ChannelData frames back to back on the stream.
        for (const t of texts.slice(0, 10)) await turn.send(p.address, encoder.encode(t));
        for (const t of texts.slice(0, 10)) expect((await p.next()).text).toBe(t);
        expect(turn.stats.malformed).toBe(0);
      });

      it('rejects a wrong password with a typed 401', async () => {
        const turn = await connect(transport, { password: 'not the password' });
        const failure = await turn.allocate().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(failure).toBeInstanceOf(StunErrorResponse);
        expect(failure).toMatchObject({ code: 401, method: StunMethod.Allocate });
        expect(turn.state).toBe('idle');
      });

      it('releases the allocation on close (Refresh with LIFETIME 0)', async () => {
        const turn = await connect(transport);
        const { relayed } = await turn.allocate();
        expect(await portFree(relayed.port)).toBe(false);
        await turn.close();
        expect(turn.state).toBe('closed');
        // coturn gives the relayed port back (over UDP about a second later: it keeps a deleted
        // allocation briefly to answer a retransmitted Refresh).
        expect(await eventually(() => portFree(relayed.port), 5_000)).toBe(true);
      });
    });

    it('refuses a self-signed certificate over TLS unless told otherwise', async () => {
      const c = server();
      await expect(
        connectTurn({
          server: { host: c.host, port: c.tlsPort },
          transport: 'tls',
          username: c.username,
          password: c.password,
        }),
      ).rejects.toThrow(/self[- ]signed/i);
    });

    it('over udp, a released 5-tuple no longer relays and can allocate again', async () => {
      const c = server();
      const socket = await bindUdp('IPv4', '127.0.0.1');
      try {
        const turn = await connect('udp', { socket });
        const { relayed } = await turn.allocate();
        const p = await peer();
        await turn.createPermission(p.address);
        await turn.send(p.address, encoder.encode('before'));
        expect((await p.next()).text).toBe('before');

        // While the allocation lives, the 5-tuple cannot get a second one (RFC 8656 §7.2: 437).
        const second = await connect('udp', { socket });
        await expect(second.allocate()).rejects.toMatchObject({ name: 'StunErrorResponse', code: 437 });
        await second.close();

        await turn.close();
        expect(await eventually(() => portFree(relayed.port), 5_000)).toBe(true);

        // A Send indication on the old 5-tuple goes nowhere now.
        const w = new StunWriter().reset(StunMethod.Send, StunClass.Indication);
        w.addXorAddress(AttributeType.XorPeerAddress, p.address);
        w.add(AttributeType.Data, encoder.encode('after'));
        const before = p.received();
        socket.send(w.finishCopy(), c.udpPort, c.host);
        await sleep(300);
        expect(p.received()).toBe(before);

        // And the 5-tuple is free for a new allocation.
        const third = await connect('udp', { socket });
        const again = await third.allocate();
        expect(again.relayed.address).toBe('127.0.0.1');
        await third.close();
      } finally {
        await closeUdp(socket);
      }
    });
  });
}
