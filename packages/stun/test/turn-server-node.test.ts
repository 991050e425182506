/**
 * startTurnServer on real node:dgram sockets on 127.0.0.1. The client side is raw messages on a
 * plain UDP socket, so this exercises the server alone; the peer is another plain UDP socket.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AttributeType,
  closeUdp,
  decodeChannelData,
  decodeStunMessage,
  encodeChannelData,
  isChannelData,
  longTermKey,
  type RunningTurnServer,
  StunClass,
  type StunMessage,
  StunMethod,
  StunWriter,
  startTurnServer,
  type TransportAddress,
  TransportProtocol,
  verifyFingerprint,
  verifyMessageIntegrity,
} from '../src/index.js';

const REALM = 'purertc.demo';
const text = (s: string) => new TextEncoder().encode(s);
const untext = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

/** A bound UDP socket whose datagrams can be awaited one at a time. */
class Endpoint {
  private readonly queue: { data: Uint8Array; from: RemoteInfo }[] = [];
  private waiter: (() => void) | undefined;

  private constructor(readonly socket: Socket) {
    socket.on('message', (data, from) => {
      this.queue.push({ data: new Uint8Array(data), from });
      this.waiter?.();
    });
  }

  static async open(): Promise<Endpoint> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new Endpoint(socket);
  }

  get address(): TransportAddress {
    return { family: 'IPv4', address: '127.0.0.1', port: this.socket.address().port };
  }

  send(data: Uint8Array, to: TransportAddress): void {
    this.socket.send(data, to.port, to.address);
  }

  async next(timeoutMs = 5000): Promise<{ data: Uint8Array; from: RemoteInfo }> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no datagram arrived');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.queue.shift() as { data: Uint8Array; from: RemoteInfo };
  }

  close(): Promise<void> {
    return closeUdp(this.socket);
  }
}

describe('startTurnServer over node:dgram', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('Allocate, permission, Send/Data indications and ChannelData both ways, on 127.0.0.1', async () => {
    const server: RunningTurnServer = await startTurnServer({
      realm: REALM,
      users: { demo: 'demo-password' },
      software: 'purertc turn test',
    });
    cleanups.push(() => server.close());
    expect(server.address.address).toBe('127.0.0.1');
    const client = await Endpoint.open();
    cleanups.push(() => client.close());
    const peer = await Endpoint.open();
    cleanups.push(() => peer.close());

    const key = longTermKey('demo', REALM, 'demo-password');
    let nonce: string | undefined;
    const request = async (method: number, add: (w: StunWriter) => void = () => {}): Promise<StunMessage> => {
      const w = new StunWriter().reset(method, StunClass.Request);
      add(w);
      if (nonce !== undefined) {
        w.addText(AttributeType.Username, 'demo');
        w.addText(AttributeType.Realm, REALM);
        w.addText(AttributeType.Nonce, nonce);
        w.addMessageIntegrity(key);
      }
      w.addFingerprint();
      const sent = w.finishCopy();
      client.send(sent, server.address);
      const { data, from } = await client.next();
      expect(from.port).toBe(server.address.port);
      const m = decodeStunMessage(data);
      expect(m.transactionId).toEqual(sent.subarray(8, 20));
      expect(verifyFingerprint(m)).toBe(true);
      if (nonce !== undefined) expect(verifyMessageIntegrity(m, key)).toBe(true);
      return m;
    };

    // Binding on the same port, no credentials.
    const binding = await request(StunMethod.Binding);
    expect(binding.xorMappedAddress).toEqual(client.address);

    // Allocate: 401 with REALM and NONCE, then the authenticated request succeeds.
    const challenge = await request(StunMethod.Allocate, (w) =>
      w.addRequestedTransport(TransportProtocol.UDP),
    );
    expect(challenge.errorCode?.code).toBe(401);
    expect(challenge.realm).toBe(REALM);
    nonce = challenge.nonce;
    const allocated = await request(StunMethod.Allocate, (w) =>
      w.addRequestedTransport(TransportProtocol.UDP),
    );
    expect(allocated.messageClass).toBe(StunClass.SuccessResponse);
    expect(allocated.xorMappedAddress).toEqual(client.address);
    expect(allocated.lifetime).toBe(600);
    const relayed = allocated.xorRelayedAddress as TransportAddress;
    expect(relayed.address).toBe('127.0.0.1');
    expect(relayed.port).not.toBe(server.address.port);

    // Before any permission, peer traffic is dropped by the server. Wait until it was: the relay
    // socket and the listening socket are polled independently.
    peer.send(text('too early'), relayed);
    while (server.core.stats.dropped === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    const permitted = await request(StunMethod.CreatePermission, (w) =>
      w.addXorAddress(AttributeType.XorPeerAddress, peer.address),
    );
    expect(permitted.messageClass).toBe(StunClass.SuccessResponse);

    // Send indication -> plain UDP datagram to the peer, from the relayed address.
    const send = new StunWriter().reset(StunMethod.Send, StunClass.Indication);
    send.addXorAddress(AttributeType.XorPeerAddress, peer.address);
    send.add(AttributeType.Data, text('hello peer'));
    client.send(send.finishCopy(), server.address);
    const atPeer = await peer.next();
    expect(untext(atPeer.data)).toBe('hello peer');
    expect(atPeer.from.port).toBe(relayed.port);

    // The peer answers -> Data indication to the client.
    peer.send(text('hello client'), relayed);
    const dataIndication = decodeStunMessage((await client.next()).data);
    expect(dataIndication.method).toBe(StunMethod.Data);
    expect(dataIndication.messageClass).toBe(StunClass.Indication);
    expect(dataIndication.xorPeerAddress).toEqual(peer.address);
    expect(untext(dataIndication.data)).toBe('hello client');

    // ChannelBind, then ChannelData both ways.
    const bound = await request(StunMethod.ChannelBind, (w) => {
      w.addChannelNumber(0x4000);
      w.addXorAddress(AttributeType.XorPeerAddress, peer.address);
    });
    expect(bound.messageClass).toBe(StunClass.SuccessResponse);
    client.send(encodeChannelData(0x4000, text('ping')), server.address);
    const ping = await peer.next();
    expect(untext(ping.data)).toBe('ping');
    expect(ping.from.port).toBe(relayed.port);
    peer.send(text('pong'), relayed);
    const pong = (await client.next()).data;
    expect(isChannelData(pong)).toBe(true);
    expect(decodeChannelData(pong).channel).toBe(0x4000);
    expect(untext(decodeChannelData(pong).data)).toBe('pong');

    const stats = server.core.stats;
    expect(stats.relayedToPeers).toBe(2);
    expect(stats.relayedToClients).toBe(2);
    expect(stats.dropped).toBe(1); // 'too early'
    expect(server.core.allocationCount).toBe(1);

    // Refresh with LIFETIME 0 releases the allocation and its relay socket.
    const released = await request(StunMethod.Refresh, (w) => w.addUint32(AttributeType.Lifetime, 0));
    expect(released.lifetime).toBe(0);
    expect(server.core.allocationCount).toBe(0);
  });

  it('close() releases every socket, including relays', async () => {
    const server = await startTurnServer({ realm: REALM, users: (u) => (u === 'demo' ? 'pw' : undefined) });
    const client = await Endpoint.open();
    cleanups.push(() => client.close());
    const key = longTermKey('demo', REALM, 'pw');
    const allocate = (nonce?: string) => {
      const w = new StunWriter().reset(StunMethod.Allocate, StunClass.Request);
      w.addRequestedTransport(TransportProtocol.UDP);
      if (nonce !== undefined) {
        w.addText(AttributeType.Username, 'demo');
        w.addText(AttributeType.Realm, REALM);
        w.addText(AttributeType.Nonce, nonce);
        w.addMessageIntegrity(key);
      }
      client.send(w.finishCopy(), server.address);
    };
    allocate();
    const nonce = decodeStunMessage((await client.next()).data).nonce;
    allocate(nonce);
    const relayed = decodeStunMessage((await client.next()).data).xorRelayedAddress as TransportAddress;
    await server.close();
    await server.close(); // idempotent
    // Both ports are free again: binding them exclusively succeeds.
    for (const port of [server.address.port, relayed.port]) {
      const s = createSocket('udp4');
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.bind({ port, address: '127.0.0.1', exclusive: true }, resolve);
      });
      await closeUdp(s);
    }
  });
});
