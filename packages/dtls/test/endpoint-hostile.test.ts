/**
 * Hostile input (design.md: engines never throw on network input; every buffer is capped):
 * random datagrams, mutated handshake and application records, oversized and far-ahead
 * handshake fragments, a flood of records for an epoch whose keys do not exist yet.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DtlsEndpoint } from '../src/endpoint/endpoint.js';
import type { DtlsEndpointOptions } from '../src/endpoint/options.js';
import { DtlsError } from '../src/errors.js';
import { writeHandshakeHeader } from '../src/messages/handshake-header.js';
import { writeRecordHeader } from '../src/record/header.js';
import { connectPair, type EndpointHost, testCertificate } from './support/endpoints.js';
import { seededRandom, VirtualNetwork } from './support/virtual-network.js';

const bothConnected = (a: EndpointHost, b: EndpointHost) => () => a.has('connected') && b.has('connected');
const settled = (h: EndpointHost) => h.endpoint.state === 'connected' || h.endpoint.state === 'failed';

/** A DTLS-looking record: plausible header, arbitrary body. */
const recordArb = fc
  .record({
    type: fc.integer({ min: 20, max: 23 }),
    epoch: fc.integer({ min: 0, max: 2 }),
    seq: fc.integer({ min: 0, max: 1000 }),
    body: fc.uint8Array({ maxLength: 300 }),
  })
  .map(({ type, epoch, seq, body }) => {
    const out = new Uint8Array(13 + body.length);
    writeRecordHeader(out, 0, type, 0xfefd, epoch, seq, body.length);
    out.set(body, 13);
    return out;
  });
const datagramArb = fc.oneof(fc.uint8Array({ maxLength: 1500 }), recordArb);

function mutate(data: Uint8Array, random: () => number): Uint8Array {
  const out = data.slice();
  const kind = random();
  if (kind < 0.2) return out.subarray(0, Math.floor(random() * out.length));
  const flips = 1 + Math.floor(random() * 4);
  for (let i = 0; i < flips; i++) {
    const at = Math.floor(random() * out.length);
    out[at] = (out[at] ?? 0) ^ (1 << Math.floor(random() * 8));
  }
  return out;
}

describe('random datagrams', () => {
  it('never throw, never change a connected endpoint', async () => {
    const net = new VirtualNetwork({ seed: 1 });
    const { client, server } = await connectPair(net);
    net.run(bothConnected(client, server), 10_000);
    const fresh = new DtlsEndpoint({ role: 'server', certificate: await testCertificate('server') });
    const started = new DtlsEndpoint({ role: 'client', certificate: await testCertificate('client') });
    started.start(0);
    fc.assert(
      fc.property(datagramArb, (d) => {
        for (const e of [client.endpoint, server.endpoint, fresh, started]) e.handleInput(d, net.now);
        expect(client.endpoint.state).toBe('connected');
        expect(server.endpoint.state).toBe('connected');
      }),
      { numRuns: 2000 },
    );
    // Still talking.
    client.endpoint.send(Uint8Array.of(1, 2, 3));
    net.run(() => server.received.length > 0, 1000);
    expect(server.received[0]).toEqual(Uint8Array.of(1, 2, 3));
  });
});

describe('mutated records', () => {
  it('during the handshake: each side connects or fails with a typed error, nothing escapes', async () => {
    let connected = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const random = seededRandom(seed * 7919);
      const net = new VirtualNetwork({ seed });
      const { client, server } = await connectPair(net, {
        client: { retransmit: { initial: 200, maxRetransmissions: 4 } },
      });
      const hosts: Record<string, EndpointHost> = { client, server };
      net.tap = (d, now) => {
        // A mutated copy arrives just before the genuine datagram, now and then.
        if (random() < 0.3) hosts[d.to]!.receive(mutate(d.data, random), d.from, now);
        return d.data;
      };
      net.run(() => settled(client) && settled(server), 120_000);
      for (const h of [client, server]) {
        const error = h.event('error')?.error;
        if (h.endpoint.state === 'failed') {
          // DtlsHandshakeError is a DtlsError too: one check covers every failure.
          expect(error).toBeInstanceOf(DtlsError);
        }
      }
      if (bothConnected(client, server)()) connected++;
    }
    expect(connected).toBeGreaterThan(0);
  });

  it('after the handshake: forged or damaged records are dropped and counted', async () => {
    const net = new VirtualNetwork({ seed: 9 });
    const { client, server } = await connectPair(net);
    net.run(bothConnected(client, server), 10_000);
    const random = seededRandom(42);
    const genuine: Uint8Array[] = [];
    for (let i = 0; i < 50; i++) {
      client.endpoint.send(Uint8Array.of(i));
      genuine.push(client.endpoint.pollTransmit()!);
    }
    const before = server.endpoint.stats.recordsDropped;
    for (const d of genuine) server.endpoint.handleInput(mutate(d, random), net.now);
    for (const d of genuine) server.endpoint.handleInput(d, net.now);
    // Replays of the genuine records are dropped too.
    for (const d of genuine) server.endpoint.handleInput(d, net.now);
    const data = [];
    for (let e = server.endpoint.pollEvent(); e !== undefined; e = server.endpoint.pollEvent()) {
      if (e.type === 'data') data.push(e.data[0]);
    }
    expect(server.endpoint.state).toBe('connected');
    expect(data).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(server.endpoint.stats.recordsDropped - before).toBeGreaterThanOrEqual(50);
  });
});

describe('caps', () => {
  /** A server endpoint that answered a real ClientHello and now waits for the client's flight 5. */
  async function waitingServer(options: Partial<DtlsEndpointOptions>) {
    const net = new VirtualNetwork({ seed: 11 });
    const { client, server } = await connectPair(net, { server: { cookieExchange: false, ...options } });
    // Let flight 1 through, hold everything after.
    let passed = 0;
    net.tap = (d) => (d.from === 'client' && passed++ === 0 ? d.data : undefined);
    net.advance(50);
    void client;
    return { net, server: server.endpoint };
  }

  function handshakeRecord(
    seq: number,
    msgType: number,
    messageSeq: number,
    length: number,
    offset: number,
    fragment: Uint8Array,
  ): Uint8Array {
    const out = new Uint8Array(13 + 12 + fragment.length);
    writeRecordHeader(out, 0, 22, 0xfefd, 0, seq, 12 + fragment.length);
    writeHandshakeHeader(out, 13, {
      msgType,
      length,
      messageSeq,
      fragmentOffset: offset,
      fragmentLength: fragment.length,
    });
    out.set(fragment, 25);
    return out;
  }

  it('refuses handshake messages over the length cap and beyond the look-ahead window', async () => {
    const { server } = await waitingServer({
      reassembly: { maxMessageLength: 4096, maxMessagesAhead: 4, maxBufferedBytes: 8192 },
    });
    let seq = 100;
    // A 16 MB "certificate", a message far ahead, then many mid-sized ones: the total stays capped.
    server.handleInput(handshakeRecord(seq++, 11, 2, 0xffffff, 0, new Uint8Array(100)), 1);
    expect(server.stats.handshakeBytesBuffered).toBe(0);
    server.handleInput(handshakeRecord(seq++, 11, 50, 100, 0, new Uint8Array(10)), 1);
    expect(server.stats.handshakeBytesBuffered).toBe(0);
    for (let m = 2; m < 6; m++)
      server.handleInput(handshakeRecord(seq++, 11, m, 4000, 0, new Uint8Array(10)), 1);
    expect(server.stats.handshakeBytesBuffered).toBeLessThanOrEqual(8192);
    expect(server.state).toBe('handshaking');
  });

  it('holds back at most maxPendingRecords records of an epoch without keys', async () => {
    const { server } = await waitingServer({ maxPendingRecords: 8 });
    for (let i = 0; i < 1000; i++) {
      const r = new Uint8Array(13 + 40);
      writeRecordHeader(r, 0, 22, 0xfefd, 1, i, 40);
      server.handleInput(r, 1);
    }
    expect(server.stats.recordsHeldBack).toBe(8);
    expect(server.stats.recordsHeldBackDropped).toBe(992);
    expect(server.state).toBe('handshaking');
  });
});
