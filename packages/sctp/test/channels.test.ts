/** Data channels end to end (RFC 8831, 8832): DCEP, ids, PPIDs, buffering, closing by stream reset. */
import { describe, expect, it } from 'vitest';
import {
  ChannelType,
  ChunkType,
  DataFlag,
  decodeDcep,
  encodeDataChannelOpen,
  Ppid,
  SctpError,
} from '../src/index.js';
import { chunkTypes, dataChunks } from './support/inspect.js';
import { connect, eventsOf, makePair, text } from './support/pair.js';

describe('DCEP', () => {
  it('announces channels with their parameters; ids follow the DTLS role', () => {
    const link = makePair();
    connect(link, 'both');
    const opens: number[] = [];
    link.tap = (_from, p) => {
      for (const d of dataChunks(p))
        if (d.ppid === Ppid.Dcep && d.userData[0] === 3) opens.push(d.userData[1] as number);
      return p;
    };
    const a1 = link.a.createChannel(
      { label: 'ünïcødé', protocol: 'proto', ordered: false, maxRetransmits: 3 },
      link.now,
    );
    const a2 = link.a.createChannel({ label: 'timed', maxPacketLifeTime: 1500, priority: 512 }, link.now);
    const b1 = link.b.createChannel({ label: 'from-b' }, link.now);
    expect([a1.id, a2.id, b1.id]).toEqual([0, 2, 1]);
    link.advance(1000);
    // Streams have no order among each other (the priority-512 channel's OPEN may go first).
    const atB = eventsOf(link, 'b', 'channel-open')
      .filter((e) => e.remote)
      .sort((x, y) => x.id - y.id);
    expect(
      atB.map((e) => [
        e.id,
        e.label,
        e.protocol,
        e.ordered,
        e.maxRetransmits,
        e.maxPacketLifeTime,
        e.priority,
      ]),
    ).toEqual([
      [0, 'ünïcødé', 'proto', false, 3, null, 256],
      [2, 'timed', '', true, null, 1500, 512],
    ]);
    const atA = eventsOf(link, 'a', 'channel-open');
    expect(atA.filter((e) => !e.remote).map((e) => e.id)).toEqual([0, 2]);
    // (Local channels open in creation order: the association is already up.)
    expect(atA.filter((e) => e.remote).map((e) => [e.id, e.label])).toEqual([[1, 'from-b']]);
    expect(opens.sort()).toEqual(
      [
        ChannelType.Reliable,
        ChannelType.PartialReliableRexmitUnordered,
        ChannelType.PartialReliableTimed,
      ].sort(),
    );
  });

  it('encodes label and protocol lengths in UTF-8 bytes', () => {
    const open = encodeDataChannelOpen({
      channelType: 0x80,
      priority: 256,
      reliability: 0,
      label: 'é',
      protocol: '✓',
    });
    expect(open[9]).toBe(2);
    expect(open[11]).toBe(3);
    expect(decodeDcep(open)).toMatchObject({ label: 'é', protocol: '✓', channelType: 0x80 });
  });

  it('sends ordered on an unordered channel until the ACK arrives', () => {
    const link = makePair({ delay: 50 });
    connect(link);
    const flags: number[] = [];
    link.tap = (from, p) => {
      if (from === 'a') for (const d of dataChunks(p)) if (d.ppid !== Ppid.Dcep) flags.push(d.flags);
      return p;
    };
    const ch = link.a.createChannel({ ordered: false }, link.now);
    link.a.send(ch.id, 'early', undefined, link.now);
    link.advance(1000);
    link.a.send(ch.id, 'late', undefined, link.now);
    link.advance(1000);
    expect(flags.map((f) => (f & DataFlag.Unordered) !== 0)).toEqual([false, true]);
    expect(eventsOf(link, 'b', 'message').map((m) => text(m.data))).toEqual(['early', 'late']);
  });

  it('negotiated channels need no DCEP and open when the association does', () => {
    const link = makePair();
    const a = link.a.createChannel({ negotiated: true, id: 7, label: 'x' }, link.now);
    link.b.createChannel({ negotiated: true, id: 7, label: 'x' }, link.now);
    link.a.send(a.id, 'queued before connect', undefined, link.now);
    connect(link);
    link.advance(1000);
    expect(eventsOf(link, 'a', 'channel-open').map((e) => [e.id, e.negotiated, e.remote])).toEqual([
      [7, true, false],
    ]);
    expect(eventsOf(link, 'b', 'message').map((m) => text(m.data))).toEqual(['queued before connect']);
  });

  it('uses the empty-message PPIDs and accepts the deprecated partial ones', () => {
    const link = makePair();
    connect(link);
    const ppids: number[] = [];
    link.tap = (_f, p) => {
      for (const d of dataChunks(p)) if (d.ppid !== Ppid.Dcep) ppids.push(d.ppid);
      return p;
    };
    const ch = link.a.createChannel({ negotiated: true, id: 0 }, link.now);
    link.b.createChannel({ negotiated: true, id: 0 }, link.now);
    link.a.send(ch.id, '', undefined, link.now);
    link.a.send(ch.id, new Uint8Array(0), undefined, link.now);
    link.a.send(ch.id, 'text', undefined, link.now);
    link.a.send(ch.id, new Uint8Array([9]), undefined, link.now);
    link.advance(1000);
    expect(ppids).toEqual([Ppid.StringEmpty, Ppid.BinaryEmpty, Ppid.String, Ppid.Binary]);
    expect(eventsOf(link, 'b', 'message').map((m) => [m.data.length, m.binary])).toEqual([
      [0, false],
      [0, true],
      [4, false],
      [1, true],
    ]);
  });

  it('rejects invalid channel options and ids in use', () => {
    const link = makePair();
    expect(() => link.a.createChannel({ maxRetransmits: 1, maxPacketLifeTime: 1 }, link.now)).toThrow(
      SctpError,
    );
    expect(() => link.a.createChannel({ negotiated: true }, link.now)).toThrow(SctpError);
    link.a.createChannel({ negotiated: true, id: 4 }, link.now);
    expect(() => link.a.createChannel({ negotiated: true, id: 4 }, link.now)).toThrowError(
      expect.objectContaining({ code: 'CHANNEL_ID_IN_USE' }),
    );
    expect(() => link.a.createChannel({ id: 65535 }, link.now)).toThrow(SctpError);
  });
});

describe('sending', () => {
  it('reports bufferedAmount, fires the low-threshold event, and refuses past the send buffer', () => {
    const link = makePair({ options: { maxSendBuffer: 100_000 }, bandwidth: 1e6, delay: 10 });
    connect(link);
    const ch = link.a.createChannel({ negotiated: true, id: 0 }, link.now);
    link.b.createChannel({ negotiated: true, id: 0 }, link.now);
    link.a.setBufferedAmountLowThreshold(ch.id, 10_000);
    for (let i = 0; i < 9; i++) link.a.send(ch.id, new Uint8Array(10_000), undefined, link.now);
    expect(link.a.bufferedAmount(ch.id)).toBe(90_000);
    expect(() => link.a.send(ch.id, new Uint8Array(20_000), undefined, link.now)).toThrowError(
      expect.objectContaining({ code: 'SEND_BUFFER_FULL' }),
    );
    link.run(() => eventsOf(link, 'a', 'buffered-amount-low').length > 0, link.now + 60_000);
    expect(link.a.bufferedAmount(ch.id)).toBeLessThanOrEqual(10_000);
    link.advance(10_000);
    expect(link.a.bufferedAmount(ch.id)).toBe(0);
    expect(eventsOf(link, 'a', 'buffered-amount-low')).toHaveLength(1);
    expect(eventsOf(link, 'b', 'message')).toHaveLength(9);
  });

  it("enforces the peer's max message size when sending and ours when receiving", () => {
    const link = makePair({
      a: { remoteMaxMessageSize: 1000 },
      b: { maxMessageSize: 2000, remoteMaxMessageSize: 1 << 20 },
    });
    connect(link);
    const ch = link.a.createChannel({ negotiated: true, id: 0 }, link.now);
    link.b.createChannel({ negotiated: true, id: 0 }, link.now);
    expect(() => link.a.send(ch.id, new Uint8Array(1001), undefined, link.now)).toThrowError(
      expect.objectContaining({ code: 'MESSAGE_TOO_LARGE' }),
    );
    link.a.send(ch.id, new Uint8Array(1000), undefined, link.now);
    // A peer that ignores our limit: b's channel is reset (RFC 8831 §6.6).
    link.a.remoteMaxMessageSize = 1 << 20;
    link.a.send(ch.id, new Uint8Array(5000), undefined, link.now);
    link.advance(5000);
    expect(eventsOf(link, 'b', 'message').map((m) => m.data.length)).toEqual([1000]);
    expect(eventsOf(link, 'b', 'error').map((e) => e.code)).toContain('MESSAGE_TOO_LARGE');
    expect(eventsOf(link, 'b', 'channel-closed').map((e) => e.channelId)).toEqual([0]);
  });
});

describe('scheduling (RFC 8831 §6.4)', () => {
  it('shares the association between channels by priority (weighted fair queueing)', () => {
    const link = makePair({ bandwidth: 10e6, delay: 10, queueBytes: 100_000 });
    connect(link);
    const normal = link.a.createChannel({ label: 'normal' }, link.now);
    const high = link.a.createChannel({ label: 'high', priority: 512 }, link.now);
    const low = link.a.createChannel({ label: 'low', priority: 128 }, link.now);
    for (let i = 0; i < 300; i++) {
      for (const ch of [normal, high, low]) link.a.send(ch.id, new Uint8Array(4000), true, link.now);
    }
    // One second of a 10 Mbit/s path: about 1.2 MB, while every channel still has data queued.
    link.advance(1000);
    const bytes = (id: number) =>
      eventsOf(link, 'b', 'message')
        .filter((m) => m.channelId === id)
        .reduce((n, m) => n + m.data.length, 0);
    const [n, h, l] = [bytes(normal.id), bytes(high.id), bytes(low.id)];
    for (const ch of [normal, high, low]) expect(link.a.bufferedAmount(ch.id)).toBeGreaterThan(0);
    expect(h / n).toBeGreaterThan(1.7);
    expect(h / n).toBeLessThan(2.3);
    expect(n / l).toBeGreaterThan(1.7);
    expect(n / l).toBeLessThan(2.3);
  });
});

describe('closing channels (RFC 8831 §6.7, RFC 6525)', () => {
  it('resets both directions, delivers queued data first, and frees the id for reuse', () => {
    const link = makePair({ delay: 20, loss: 0.05, seed: 11 });
    connect(link);
    const ch = link.a.createChannel({ label: 'one' }, link.now);
    for (let i = 0; i < 50; i++) link.a.send(ch.id, `m${i}`, undefined, link.now);
    link.a.closeChannel(ch.id, link.now);
    expect(() => link.a.send(ch.id, 'too late', undefined, link.now)).toThrowError(
      expect.objectContaining({ code: 'INVALID_STATE' }),
    );
    link.advance(30_000);
    expect(eventsOf(link, 'b', 'message').map((m) => text(m.data))).toEqual(
      Array.from({ length: 50 }, (_, i) => `m${i}`),
    );
    expect(eventsOf(link, 'a', 'channel-closed').map((e) => e.channelId)).toEqual([ch.id]);
    expect(eventsOf(link, 'b', 'channel-closed').map((e) => e.channelId)).toEqual([ch.id]);
    // The same id again, with fresh stream sequence numbers on both sides.
    const again = link.a.createChannel({ label: 'two' }, link.now);
    expect(again.id).toBe(ch.id);
    link.a.send(again.id, 'a→b', undefined, link.now);
    link.advance(2000);
    const reopened = eventsOf(link, 'b', 'channel-open').filter((e) => e.label === 'two');
    expect(reopened.map((e) => e.id)).toEqual([ch.id]);
    link.b.send(again.id, 'b→a', undefined, link.now);
    link.advance(2000);
    expect(text(eventsOf(link, 'b', 'message').at(-1)?.data as Uint8Array)).toBe('a→b');
    expect(text(eventsOf(link, 'a', 'message').at(-1)?.data as Uint8Array)).toBe('b→a');
  });

  it('closes from both sides at once', () => {
    const link = makePair({ delay: 20 });
    connect(link);
    const ch = link.a.createChannel({ negotiated: true, id: 3 }, link.now);
    link.b.createChannel({ negotiated: true, id: 3 }, link.now);
    link.a.closeChannel(ch.id, link.now);
    link.b.closeChannel(ch.id, link.now);
    link.advance(5000);
    expect(eventsOf(link, 'a', 'channel-closed')).toHaveLength(1);
    expect(eventsOf(link, 'b', 'channel-closed')).toHaveLength(1);
  });

  it('resets many channels in one request', () => {
    const link = makePair({ delay: 5 });
    connect(link);
    const ids = Array.from({ length: 20 }, () => link.a.createChannel({}, link.now).id);
    link.advance(1000);
    let reconfigs = 0;
    link.tap = (from, p) => {
      if (from === 'a') reconfigs += chunkTypes(p).filter((t) => t === ChunkType.ReConfig).length;
      return p;
    };
    for (const id of ids) link.a.closeChannel(id, link.now);
    link.advance(5000);
    expect(eventsOf(link, 'b', 'channel-closed')).toHaveLength(20);
    expect(eventsOf(link, 'a', 'channel-closed')).toHaveLength(20);
    expect(reconfigs).toBeLessThanOrEqual(3);
  });
});
