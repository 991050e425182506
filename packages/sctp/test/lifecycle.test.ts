/** Association lifecycle (RFC 9260 §5, §8, §9): handshake under loss, restart, heartbeats, shutdown, abort, floods. */
import { describe, expect, it } from 'vitest';
import {
  AssociationState,
  ChunkType,
  encodeAbort,
  encodeInit,
  PacketBuilder,
  SctpAssociation,
  type SctpEvent,
} from '../src/index.js';
import { chunkTypes } from './support/inspect.js';
import { connect, eventsOf, makePair, text } from './support/pair.js';
import { VirtualLink } from './support/virtual-link.js';

function packet(vtag: number, chunk: Uint8Array): Uint8Array {
  const b = new PacketBuilder(12 + chunk.length);
  b.begin(5000, 5000, vtag);
  b.append(chunk);
  return b.finish();
}

describe('handshake', () => {
  it('survives the loss of each handshake packet (T1-init, T1-cookie)', () => {
    for (let drop = 0; drop < 4; drop++) {
      const link = makePair({ delay: 10 });
      let n = 0;
      link.tap = (_from, p) => (n++ === drop ? undefined : p);
      connect(link);
      expect([link.a.state, link.b.state]).toEqual([
        AssociationState.Established,
        AssociationState.Established,
      ]);
    }
  });

  it('resolves an INIT collision (both sides connect) when handshake packets are lost', () => {
    for (let drop = 0; drop < 6; drop++) {
      const link = makePair({ delay: 10 });
      let n = 0;
      link.tap = (_from, p) => (n++ === drop ? undefined : p);
      connect(link, 'both');
      expect([link.a.state, link.b.state]).toEqual([
        AssociationState.Established,
        AssociationState.Established,
      ]);
      const ch = link.a.createChannel({ label: `drop ${drop}` }, link.now);
      link.a.send(ch.id, 'ok', undefined, link.now);
      link.advance(2000);
      expect(eventsOf(link, 'b', 'message').map((m) => text(m.data))).toEqual(['ok']);
    }
  });

  it('gives up after Max.Init.Retransmits when nobody answers', () => {
    const a = new SctpAssociation({ maxInitRetransmissions: 3 });
    const silent = new SctpAssociation();
    const link = new VirtualLink(a, silent);
    link.down.a = true;
    a.connect(0);
    link.advance(120_000);
    const closed = eventsOf(link, 'a', 'closed');
    expect(closed).toEqual([{ type: 'closed', reason: 'timeout', detail: expect.any(String) }]);
    expect(a.pollTimeout()).toBeUndefined();
  });

  it('answers an INIT flood statelessly and still accepts a real peer', () => {
    const server = new SctpAssociation({ role: 'server' });
    let replies = 0;
    for (let i = 0; i < 10_000; i++) {
      const init = encodeInit({
        initiateTag: i + 1,
        arwnd: 65536,
        outboundStreams: 10,
        inboundStreams: 10,
        initialTsn: i,
      });
      server.handleInput(packet(0, init), i);
      if (i % 100 === 0) while (server.pollTransmit() !== undefined) replies++;
    }
    // Nothing was set up: no timers, no state, and at most a handful of answers waiting.
    expect(server.state).toBe(AssociationState.Closed);
    expect(server.pollTimeout()).toBeUndefined();
    expect(server.stats.receiveBufferUsed).toBe(0);
    let pending = 0;
    while (server.pollTransmit() !== undefined) pending++;
    expect(pending).toBeLessThanOrEqual(8);
    expect(replies).toBeGreaterThan(0);
    const client = new SctpAssociation({ role: 'client' });
    const link = new VirtualLink(client, server, { start: 10_000 });
    connect(link);
    expect(server.state).toBe(AssociationState.Established);
  });

  it('rejects a forged or stale cookie', () => {
    const link = makePair({ delay: 10, b: { cookieLifetime: 100 } });
    // Hold the COOKIE ECHO back for longer than the cookie lives.
    let held: Uint8Array | undefined;
    link.tap = (from, p) => {
      if (from === 'a' && chunkTypes(p)[0] === ChunkType.CookieEcho && held === undefined) {
        held = p;
        return undefined;
      }
      return p;
    };
    link.a.connect(link.now);
    link.advance(500);
    expect(held).toBeDefined();
    const stale = held as Uint8Array;
    link.b.handleInput(stale, link.now);
    expect(link.b.state).toBe(AssociationState.Closed);
    const answer = link.b.pollTransmit() as Uint8Array;
    expect(chunkTypes(answer)).toEqual([ChunkType.Error]);
    // A flipped bit in the cookie fails its HMAC (the checksum is fixed up so that it reaches the cookie).
    const forged = stale.slice();
    (forged[40] as number) ^= 1;
    const fixed = new PacketBuilder(forged.length);
    fixed.begin(5000, 5000, new DataView(forged.buffer).getUint32(4));
    fixed.append(forged.subarray(12));
    link.b.handleInput(fixed.finish(), link.now);
    expect(link.b.pollTransmit()).toBeUndefined();
    // The retransmitted INIT/COOKIE ECHO cycle still gets there.
    link.tap = undefined;
    link.advance(20_000);
    expect(link.a.state).toBe(AssociationState.Established);
  });
});

describe('restart (RFC 9260 §5.2.4)', () => {
  it('detects a peer that restarted, closes the old channels and carries on', () => {
    const link = makePair({ delay: 5 });
    connect(link);
    const ch = link.a.createChannel({ label: 'old' }, link.now);
    link.a.send(ch.id, 'before', undefined, link.now);
    link.advance(1000);
    // a's process restarts: a fresh association with new tags, on the same path.
    const a2 = new SctpAssociation({ role: 'client' });
    const link2 = new VirtualLink(a2, link.b, { delay: 5, start: link.now });
    a2.connect(link2.now);
    link2.advance(2000);
    expect(a2.state).toBe(AssociationState.Established);
    expect(link2.events.b.map((e) => e.type)).toEqual(['channel-closed', 'restart']);
    const fresh = a2.createChannel({ label: 'new' }, link2.now);
    a2.send(fresh.id, 'after', undefined, link2.now);
    // b's own channels open again after the restart.
    const fromB = link2.b.createChannel({ label: 'from b' }, link2.now);
    link2.b.send(fromB.id, 'b after', undefined, link2.now);
    link2.advance(1000);
    expect(eventsOf(link2, 'b', 'message').map((m) => text(m.data))).toEqual(['after']);
    expect(eventsOf(link2, 'b', 'channel-open').map((e) => [e.label, e.remote])).toEqual([
      ['from b', false],
      ['new', true],
    ]);
    expect(eventsOf(link2, 'a', 'message').map((m) => text(m.data))).toEqual(['b after']);
  });
});

describe('heartbeats (RFC 9260 §8.3)', () => {
  it('probes an idle path and measures it', () => {
    const link = makePair({ delay: 40, options: { heartbeatInterval: 5000 } });
    connect(link);
    const seen: number[] = [];
    link.tap = (_f, p) => {
      seen.push(...chunkTypes(p));
      return p;
    };
    link.advance(60_000);
    expect(seen.filter((t) => t === ChunkType.Heartbeat).length).toBeGreaterThanOrEqual(8);
    expect(seen.filter((t) => t === ChunkType.HeartbeatAck).length).toBeGreaterThanOrEqual(8);
    expect(link.a.stats.srtt).toBeGreaterThan(70);
    expect(link.a.state).toBe(AssociationState.Established);
  });

  it('declares the peer unreachable after Association.Max.Retrans missed heartbeats', () => {
    const link = makePair({ delay: 10, options: { heartbeatInterval: 1000, maxRetransmissions: 4 } });
    connect(link);
    link.down.b = true;
    link.advance(120_000);
    expect(eventsOf(link, 'a', 'closed').map((e) => e.reason)).toEqual(['timeout']);
  });

  it('declares the peer unreachable when data goes unacknowledged', () => {
    const link = makePair({ delay: 10, options: { maxRetransmissions: 3, heartbeatInterval: 0 } });
    connect(link);
    const ch = link.a.createChannel({}, link.now);
    link.down.b = true;
    link.down.a = true;
    link.a.send(ch.id, 'into the void', undefined, link.now);
    link.advance(600_000);
    expect(eventsOf(link, 'a', 'closed').map((e) => e.reason)).toEqual(['timeout']);
    expect(link.a.stats.t3Expirations).toBe(4);
  });
});

describe('shutdown and abort', () => {
  it('shuts down gracefully after delivering everything queued, both sides closing', () => {
    const link = makePair({ delay: 15, loss: 0.05, seed: 21 });
    connect(link);
    const ch = link.a.createChannel({ negotiated: true, id: 0 }, link.now);
    link.b.createChannel({ negotiated: true, id: 0 }, link.now);
    for (let i = 0; i < 200; i++) link.a.send(ch.id, `message ${i}`, undefined, link.now);
    link.b.send(ch.id, 'reply', undefined, link.now);
    link.a.shutdown(link.now);
    expect(() => link.a.send(ch.id, 'no more', undefined, link.now)).toThrowError(
      expect.objectContaining({ code: 'INVALID_STATE' }),
    );
    link.advance(60_000);
    expect(eventsOf(link, 'b', 'message')).toHaveLength(200);
    expect(eventsOf(link, 'a', 'message').map((m) => text(m.data))).toEqual(['reply']);
    const closedA = link.events.a.filter(
      (e): e is Extract<SctpEvent, { type: 'closed' }> => e.type === 'closed',
    );
    expect(closedA.map((e) => e.reason)).toEqual(['shutdown']);
    expect(eventsOf(link, 'b', 'closed').map((e) => e.reason)).toEqual(['shutdown']);
    expect(eventsOf(link, 'b', 'channel-closed').map((e) => e.channelId)).toEqual([0]);
    expect(link.a.pollTimeout()).toBeUndefined();
    expect(link.b.pollTimeout()).toBeUndefined();
  });

  it('shuts down from both sides at once', () => {
    const link = makePair({ delay: 15 });
    connect(link);
    link.a.shutdown(link.now);
    link.b.shutdown(link.now);
    link.advance(10_000);
    expect(eventsOf(link, 'a', 'closed').map((e) => e.reason)).toEqual(['shutdown']);
    expect(eventsOf(link, 'b', 'closed').map((e) => e.reason)).toEqual(['shutdown']);
  });

  it('aborts with a reason the peer sees', () => {
    const link = makePair({ delay: 15 });
    connect(link);
    link.a.createChannel({ label: 'x' }, link.now);
    link.advance(100);
    link.a.abort(link.now, 'going away');
    link.advance(1000);
    expect(eventsOf(link, 'a', 'closed')).toEqual([
      { type: 'closed', reason: 'abort', detail: 'going away' },
    ]);
    const closed = eventsOf(link, 'b', 'closed');
    expect(closed.map((e) => e.reason)).toEqual(['peer-abort']);
    expect(closed[0]?.detail).toContain('going away');
    expect(eventsOf(link, 'b', 'channel-closed')).toHaveLength(1);
  });

  it('ignores an ABORT with the wrong verification tag', () => {
    const link = makePair();
    connect(link);
    link.b.handleInput(packet(12345, encodeAbort(false)), link.now);
    expect(link.b.state).toBe(AssociationState.Established);
  });
});
