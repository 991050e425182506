/**
 * SecureTransportCore (src/core/secure-transport.ts), the sans-IO DTLS + SCTP engine under every
 * peer connection, on a virtual clock: two cores (DTLS client and server) with generated
 * certificates wired back to back through a simulated link with loss, reordering and
 * duplication. They connect, open the SCTP association and a channel, and carry messages both
 * ways; a certificate that does not match the signalled fingerprint fails the handshake.
 */
import { type DtlsCertificate, generateCertificate } from '@purertc/dtls';
import type { SctpEvent } from '@purertc/sctp';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../ice/test/support/virtual-network.js';
import { SecureTransportCore, type SecureTransportEvent } from '../src/index.js';

interface LinkOptions {
  readonly loss?: number;
  readonly reorder?: number;
  readonly duplicate?: number;
  readonly seed?: number;
}

/** Two cores joined by a lossy link on a virtual clock (ms). */
class BackToBack {
  now = 1000;
  readonly events: [SecureTransportEvent[], SecureTransportEvent[]] = [[], []];
  readonly stats = { sent: 0, lost: 0, duplicated: 0 };
  readonly #inflight: Array<{ at: number; seq: number; to: 0 | 1; data: Uint8Array }> = [];
  readonly #random: () => number;
  #seq = 0;

  constructor(
    readonly cores: readonly [SecureTransportCore, SecureTransportCore],
    readonly link: LinkOptions = {},
  ) {
    this.#random = seededRandom(link.seed ?? 1);
  }

  /** Moves the clock event by event until `done()` holds; fails past `limit` ms of virtual time. */
  run(done: () => boolean, limit = 120_000): void {
    const end = this.now + limit;
    for (let step = 0; step < 1_000_000; step++) {
      this.#flush();
      if (done()) return;
      const next = this.#next();
      if (next === undefined) throw new Error(`nothing left to happen at ${this.now} ms`);
      if (next > end) throw new Error(`not done after ${limit} ms of virtual time`);
      this.now = Math.max(this.now, next);
      this.#inflight.sort((a, b) => a.at - b.at || a.seq - b.seq);
      while (this.#inflight.length > 0 && this.#inflight[0]!.at <= this.now) {
        const d = this.#inflight.shift()!;
        this.cores[d.to].handleDatagram(d.data, this.now);
      }
      for (const core of this.cores) {
        const t = core.pollTimeout();
        if (t !== undefined && t <= this.now) core.handleTimeout(this.now);
      }
    }
    throw new Error('too many steps');
  }

  sctpEvents(side: 0 | 1): SctpEvent[] {
    return this.events[side].flatMap((e) => (e.type === 'sctp' ? [e.event] : []));
  }

  #flush(): void {
    this.cores.forEach((core, i) => {
      for (let d = core.pollTransmit(); d !== undefined; d = core.pollTransmit())
        this.#send((1 - i) as 0 | 1, d);
      for (let e = core.pollEvent(); e !== undefined; e = core.pollEvent()) this.events[i as 0 | 1].push(e);
    });
  }

  #send(to: 0 | 1, data: Uint8Array): void {
    this.stats.sent++;
    const r = this.#random;
    if (r() < (this.link.loss ?? 0)) {
      this.stats.lost++;
      return;
    }
    const copies = r() < (this.link.duplicate ?? 0) ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let i = 0; i < copies; i++) {
      const delay = 5 + (r() < (this.link.reorder ?? 0) ? r() * 40 : 0);
      this.#inflight.push({ at: this.now + delay, seq: this.#seq++, to, data: data.slice() });
    }
  }

  #next(): number | undefined {
    let next: number | undefined;
    for (const d of this.#inflight) next = next === undefined ? d.at : Math.min(next, d.at);
    for (const core of this.cores) {
      const t = core.pollTimeout();
      if (t !== undefined) next = next === undefined ? t : Math.min(next, t);
    }
    return next;
  }
}

let client: DtlsCertificate;
let server: DtlsCertificate;
let stranger: DtlsCertificate;
beforeAll(async () => {
  [client, server, stranger] = await Promise.all([
    generateCertificate(),
    generateCertificate(),
    generateCertificate({ keyType: 'rsa-2048' }),
  ]);
});

function pair(link: LinkOptions = {}, fingerprints?: { client?: string; server?: string }): BackToBack {
  const c = new SecureTransportCore({
    role: 'client',
    certificate: client,
    remoteFingerprints: [fingerprints?.client ?? server.fingerprint],
  });
  const s = new SecureTransportCore({
    role: 'server',
    certificate: server,
    remoteFingerprints: [fingerprints?.server ?? client.fingerprint],
  });
  const net = new BackToBack([c, s], link);
  c.start(net.now);
  s.start(net.now);
  c.startSctp({ role: 'client', remoteMaxMessageSize: 262_144 }, net.now);
  s.startSctp({ role: 'server', remoteMaxMessageSize: 262_144 }, net.now);
  return net;
}

const connected = (net: BackToBack, side: 0 | 1) => net.events[side].some((e) => e.type === 'dtls-connected');
const sctpOpen = (net: BackToBack, side: 0 | 1) => net.sctpEvents(side).some((e) => e.type === 'open');

/** Connects, opens a channel from the client, and exchanges `n` messages each way; checks them. */
function exchange(net: BackToBack, n: number): void {
  net.run(() => sctpOpen(net, 0) && sctpOpen(net, 1));
  const [c, s] = net.cores;
  expect(c.dtlsState).toBe('connected');
  expect(s.dtlsState).toBe('connected');
  const info = c.sctp!.createChannel({ label: 'virtual', protocol: 'p' }, net.now);
  expect(info.id % 2).toBe(0); // the DTLS client's ids are even (RFC 8832 §6)
  net.run(() => net.sctpEvents(1).some((e) => e.type === 'channel-open' && e.remote));
  const announced = net.sctpEvents(1).find((e) => e.type === 'channel-open' && e.remote);
  expect(announced).toMatchObject({ id: info.id, label: 'virtual', protocol: 'p', ordered: true });

  // sizes from one byte to several DTLS records' worth (SCTP fragments them)
  const payload = (i: number) => new Uint8Array(1 + ((i * 7919) % 100_000)).fill(i & 0xff);
  for (let i = 0; i < n; i++) {
    c.sctp!.send(info.id, payload(i), true, net.now);
    s.sctp!.send(info.id, `reply ${i}`, false, net.now);
    c.flushSctp(net.now);
    s.flushSctp(net.now);
  }
  const messages = (side: 0 | 1) =>
    net.sctpEvents(side).flatMap((e) => (e.type === 'message' && e.channelId === info.id ? [e] : []));
  net.run(() => messages(0).length >= n && messages(1).length >= n);
  const atServer = messages(1);
  const atClient = messages(0);
  expect(atServer).toHaveLength(n);
  expect(atClient).toHaveLength(n);
  for (let i = 0; i < n; i++) {
    const expected = payload(i);
    expect(atServer[i]!.binary).toBe(true);
    expect(atServer[i]!.data.length).toBe(expected.length);
    expect(atServer[i]!.data.every((b) => b === (i & 0xff))).toBe(true);
    expect(atClient[i]!.binary).toBe(false);
    expect(new TextDecoder().decode(atClient[i]!.data)).toBe(`reply ${i}`);
  }
  for (const side of [0, 1] as const)
    expect(net.events[side].filter((e) => e.type === 'dtls-failed' || e.type === 'dtls-closed')).toEqual([]);
}

describe('SecureTransportCore back to back on a virtual clock', () => {
  it('connects DTLS, then SCTP, over a perfect link and carries messages both ways in order', () => {
    const net = pair();
    net.run(() => connected(net, 0) && connected(net, 1));
    const event = net.events[0].find((e) => e.type === 'dtls-connected');
    expect(event?.type === 'dtls-connected' && event.connected.peerCertificates[0]).toEqual(server.der);
    exchange(net, 30);
  });

  it('gets there through 15% loss, reordering and duplication', () => {
    const net = pair({ loss: 0.15, reorder: 0.3, duplicate: 0.1, seed: 7 });
    exchange(net, 30);
    expect(net.stats.lost).toBeGreaterThan(0);
    expect(net.stats.duplicated).toBeGreaterThan(0);
  });

  it('gets there for any seed of an impaired link (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        (seed, loss, reorder, duplicate) => {
          exchange(pair({ seed, loss, reorder, duplicate }), 8);
        },
      ),
      { numRuns: 8 },
    );
  });

  it('closes: an SCTP ABORT and close_notify reach the peer', () => {
    const net = pair();
    net.run(() => sctpOpen(net, 0) && sctpOpen(net, 1));
    net.cores[0].close(net.now);
    net.run(() => net.events[1].some((e) => e.type === 'dtls-closed'));
    expect(net.events[1]).toContainEqual({ type: 'dtls-closed', reason: 'remote' });
    expect(net.sctpEvents(1).some((e) => e.type === 'closed' && e.reason === 'peer-abort')).toBe(true);
  });

  it('fails with dtls-failed when the server certificate does not match the fingerprint', () => {
    const net = pair({}, { client: stranger.fingerprint });
    net.run(() => net.events[0].some((e) => e.type === 'dtls-failed'));
    const failed = net.events[0].find((e) => e.type === 'dtls-failed');
    expect(failed?.type === 'dtls-failed' && failed.message).toMatch(/FINGERPRINT/);
    expect(failed?.type === 'dtls-failed' && failed.alert).toBe(42); // bad_certificate
    expect(net.events[0].some((e) => e.type === 'dtls-connected')).toBe(false);
    // the server learns of it through the alert
    net.run(() => net.events[1].some((e) => e.type === 'dtls-failed' || e.type === 'dtls-closed'));
    expect(sctpOpen(net, 0) || sctpOpen(net, 1)).toBe(false);
  });

  it('fails with dtls-failed when the client certificate does not match the fingerprint', () => {
    const net = pair({}, { server: stranger.fingerprint });
    net.run(() => net.events[1].some((e) => e.type === 'dtls-failed'));
    expect(net.events[1].some((e) => e.type === 'dtls-connected')).toBe(false);
    net.run(() => net.events[0].some((e) => e.type === 'dtls-failed' || e.type === 'dtls-closed'));
    expect(sctpOpen(net, 0) || sctpOpen(net, 1)).toBe(false);
  });

  it('ignores datagrams that are not DTLS at all (never throws on network input)', () => {
    const net = pair();
    const junk = [
      new Uint8Array(0),
      new Uint8Array([22]),
      new Uint8Array(1500).fill(23),
      new Uint8Array([0, 1, 2]),
    ];
    for (const j of junk) for (const core of net.cores) core.handleDatagram(j, net.now);
    exchange(net, 3);
  });
});
