/**
 * RTCDataChannel (webrtc-pc §6.1, §6.2) between two of our peers over 127.0.0.1: createDataChannel's
 * checks and attributes, what the peer sees, ids by DTLS role, send() of every data type,
 * binaryType, bufferedAmount and bufferedamountlow, the size limit, and closing from either side.
 */
import { describe, expect, it } from 'vitest';
import { type RTCDataChannel, RTCError, RTCErrorEvent } from '../src/index.js';
import {
  connectPair,
  errorName,
  messages,
  nextEvent,
  nextMessage,
  tasks,
  thrown,
  until,
  usePeers,
  wireCandidates,
} from './support/local-pair.js';

const peers = usePeers();
const KiB = 1024;

function bytesOf(data: unknown): number[] {
  expect(data).toBeInstanceOf(ArrayBuffer);
  return [...new Uint8Array(data as ArrayBuffer)];
}

/** Records the channel's lifecycle events. */
function lifecycle(dc: RTCDataChannel): string[] {
  const log: string[] = [];
  for (const type of ['open', 'closing', 'close', 'error'])
    dc.addEventListener(type, () => log.push(`${type}:${dc.readyState}`));
  return log;
}

describe('createDataChannel', () => {
  it('has the default attributes before any negotiation', () => {
    const pc = peers.create();
    const dc = pc.createDataChannel('');
    expect(dc.label).toBe('');
    expect(dc.ordered).toBe(true);
    expect(dc.maxPacketLifeTime).toBeNull();
    expect(dc.maxRetransmits).toBeNull();
    expect(dc.protocol).toBe('');
    expect(dc.negotiated).toBe(false);
    expect(dc.id).toBeNull(); // the DTLS role is unknown yet
    expect(dc.readyState).toBe('connecting');
    expect(dc.bufferedAmount).toBe(0);
    expect(dc.bufferedAmountLowThreshold).toBe(0);
    expect(dc.binaryType).toBe('arraybuffer');
  });

  it('takes the values of RTCDataChannelInit', () => {
    const pc = peers.create();
    const dc = pc.createDataChannel('test', {
      ordered: false,
      maxRetransmits: 1,
      protocol: 'custom',
      negotiated: true,
      id: 3,
    });
    expect([dc.label, dc.ordered, dc.maxRetransmits, dc.maxPacketLifeTime]).toEqual(['test', false, 1, null]);
    expect([dc.protocol, dc.negotiated, dc.id, dc.readyState]).toEqual(['custom', true, 3, 'connecting']);
    const lifetime = pc.createDataChannel('t2', { ordered: false, maxPacketLifeTime: 42 });
    expect([lifetime.maxPacketLifeTime, lifetime.maxRetransmits]).toEqual([42, null]);
    expect(pc.createDataChannel('', { maxRetransmits: 0 }).maxRetransmits).toBe(0);
    expect(pc.createDataChannel('', { maxPacketLifeTime: 0 }).maxPacketLifeTime).toBe(0);
    for (const id of [0, 1, 65534]) expect(pc.createDataChannel('', { negotiated: true, id }).id).toBe(id);
  });

  it('ignores id unless negotiated is true (§6.1 step: [[DataChannelId]] only if negotiated)', () => {
    const pc = peers.create();
    expect(pc.createDataChannel('', { id: 42 }).id).toBeNull();
    expect(pc.createDataChannel('', { negotiated: false, id: 7 }).id).toBeNull();
    expect(pc.createDataChannel('', { id: 65535 }).id).toBeNull();
  });

  it('converts label and options as WebIDL does (USVString, boolean)', () => {
    const pc = peers.create();
    expect(pc.createDataChannel(null as unknown as string).label).toBe('null');
    expect(pc.createDataChannel('\uD800').label).toBe('\uFFFD');
    expect(pc.createDataChannel('', { protocol: '\uD800' }).protocol).toBe('\uFFFD');
    expect(pc.createDataChannel('', { ordered: null as unknown as boolean }).ordered).toBe(false);
    expect(pc.createDataChannel('', { ordered: undefined }).ordered).toBe(true);
  });

  it('throws TypeError for the cases §6.1 lists', () => {
    const pc = peers.create();
    const cases: Array<[string, () => unknown]> = [
      [
        'both lifetime and retransmits',
        () => pc.createDataChannel('', { maxPacketLifeTime: 0, maxRetransmits: 0 }),
      ],
      ['both, non-zero', () => pc.createDataChannel('', { maxPacketLifeTime: 42, maxRetransmits: 42 })],
      ['negotiated without id', () => pc.createDataChannel('', { negotiated: true })],
      ['negotiated id 65535', () => pc.createDataChannel('', { negotiated: true, id: 65535 })],
      ['negotiated id -1', () => pc.createDataChannel('', { negotiated: true, id: -1 })],
      ['negotiated id 65536', () => pc.createDataChannel('', { negotiated: true, id: 65536 })],
      ['label of 65536 bytes', () => pc.createDataChannel('l'.repeat(65536))],
      ['label of 65536 UTF-8 bytes', () => pc.createDataChannel('\u00b5'.repeat(32768))],
      [
        'negotiated, label too long',
        () => pc.createDataChannel('l'.repeat(65536), { negotiated: true, id: 42 }),
      ],
      ['protocol of 65536 bytes', () => pc.createDataChannel('', { protocol: 'p'.repeat(65536) })],
      ['protocol of 65536 UTF-8 bytes', () => pc.createDataChannel('', { protocol: '\u00b6'.repeat(32768) })],
    ];
    for (const [what, make] of cases) expect(thrown(make), what).toBeInstanceOf(TypeError);
    // the longest allowed label and protocol
    const dc = pc.createDataChannel('l'.repeat(65535), { protocol: 'p'.repeat(65535) });
    expect([dc.label.length, dc.protocol.length]).toEqual([65535, 65535]);
  });

  it('throws InvalidStateError on a closed connection', () => {
    const pc = peers.create();
    pc.close();
    expect(errorName(thrown(() => pc.createDataChannel('')))).toBe('InvalidStateError');
  });

  it('throws OperationError for an id in use, before the connection exists', () => {
    const pc = peers.create();
    pc.createDataChannel('one', { negotiated: true, id: 42 });
    pc.createDataChannel('two', { negotiated: true, id: 43 });
    expect(errorName(thrown(() => pc.createDataChannel('three', { negotiated: true, id: 42 })))).toBe(
      'OperationError',
    );
  });

  it('throws OperationError for an id in use once connected, DCEP-assigned ids included', async () => {
    const { a, dcA } = await connectPair(peers);
    expect(dcA.id).not.toBeNull();
    expect(errorName(thrown(() => a.createDataChannel('dup', { negotiated: true, id: dcA.id! })))).toBe(
      'OperationError',
    );
    a.createDataChannel('n', { negotiated: true, id: 100 });
    expect(errorName(thrown(() => a.createDataChannel('dup', { negotiated: true, id: 100 })))).toBe(
      'OperationError',
    );
  });

  it('assigns ids by DTLS role (RFC 8832 §6): the client (our answerer) even, the server odd', async () => {
    const a = peers.create();
    const b = peers.create();
    wireCandidates(a, b);
    const early = [a.createDataChannel('a1'), a.createDataChannel('a2')];
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription(); // our answers say a=setup:active: b is the DTLS client
    const bEarly = b.createDataChannel('b1');
    await a.setRemoteDescription(b.localDescription!);
    // ids are known as soon as the answer fixed the roles, before anything connected
    for (const dc of early) expect(dc.id! % 2).toBe(1);
    expect(new Set(early.map((d) => d.id)).size).toBe(2);
    expect(bEarly.id! % 2).toBe(0);
    await Promise.all([...early, bEarly].map((dc) => nextEvent(dc, 'open')));
    const later = [a.createDataChannel('a3'), b.createDataChannel('b2')];
    expect(later[0]!.id! % 2).toBe(1);
    expect(later[1]!.id! % 2).toBe(0);
  });
});

describe('what the peer sees', () => {
  it('announces a channel with the same attributes; readyState is open at datachannel, then open fires', async () => {
    const a = peers.create();
    const b = peers.create();
    wireCandidates(a, b);
    const init = { ordered: false, maxRetransmits: 2, protocol: 'proto/1' };
    const dc = a.createDataChannel('label ✓', init);
    const lifetime = a.createDataChannel('lifetime', { maxPacketLifeTime: 500 });
    const seen: Array<{ channel: RTCDataChannel; state: string }> = [];
    const opened: Promise<unknown>[] = [];
    b.addEventListener('datachannel', (e) => {
      const channel = (e as Event & { channel: RTCDataChannel }).channel;
      seen.push({ channel, state: channel.readyState });
      opened.push(nextEvent(channel, 'open'));
    });
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    await Promise.all([nextEvent(dc, 'open'), nextEvent(lifetime, 'open')]);
    while (seen.length < 2) await nextEvent(b, 'datachannel');
    await Promise.all(opened);
    const remote = seen.find((s) => s.channel.label === 'label ✓')!;
    expect(remote.state).toBe('open');
    expect(remote.channel.id).toBe(dc.id);
    expect([remote.channel.ordered, remote.channel.maxRetransmits, remote.channel.maxPacketLifeTime]).toEqual(
      [false, 2, null],
    );
    expect([remote.channel.protocol, remote.channel.negotiated]).toEqual(['proto/1', false]);
    const remoteLifetime = seen.find((s) => s.channel.label === 'lifetime')!.channel;
    expect([remoteLifetime.ordered, remoteLifetime.maxPacketLifeTime]).toEqual([true, 500]);
  });

  it('negotiated channels open on both sides without datachannel events and carry messages', async () => {
    const a = peers.create();
    const b = peers.create();
    let announced = 0;
    for (const pc of [a, b]) pc.addEventListener('datachannel', () => announced++);
    wireCandidates(a, b);
    a.createDataChannel('dcep'); // so that the offer has a data section either way
    const na = a.createDataChannel('n', { negotiated: true, id: 7 });
    const nb = b.createDataChannel('n', { negotiated: true, id: 7 });
    const opened = Promise.all([nextEvent(na, 'open'), nextEvent(nb, 'open')]);
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    await opened;
    const got = nextMessage(nb);
    na.send('over 7');
    expect(await got).toBe('over 7');
    const back = nextMessage(na);
    nb.send(new Uint8Array([7]));
    expect(bytesOf(await back)).toEqual([7]);
    await tasks();
    expect(announced).toBe(1); // only 'dcep'
  });
});

describe('send() and message', () => {
  it('throws InvalidStateError while connecting', () => {
    const pc = peers.create();
    const dc = pc.createDataChannel('x');
    expect(errorName(thrown(() => dc.send('too early')))).toBe('InvalidStateError');
    expect(errorName(thrown(() => dc.send(new Uint8Array(1))))).toBe('InvalidStateError');
  });

  it('delivers strings, ASCII and not, as strings', async () => {
    const { dcA, dcB } = await connectPair(peers);
    const texts = ['hello', '', '世界你好', 'emoji 🎉 and ñ', 'x'.repeat(10_000)];
    const got = messages(dcB, texts.length);
    for (const t of texts) dcA.send(t);
    expect(await got).toEqual(texts);
  });

  it('delivers an ArrayBuffer and exactly the bytes of typed-array views, DataView and subarrays', async () => {
    const { dcA, dcB } = await connectPair(peers);
    const backing = new Uint8Array(32).map((_, i) => i);
    const sends: Array<[ArrayBuffer | ArrayBufferView, number[]]> = [
      [backing.buffer.slice(0, 4), [0, 1, 2, 3]],
      [backing.subarray(5, 9), [5, 6, 7, 8]], // a view with an offset
      [new DataView(backing.buffer, 10, 3), [10, 11, 12]],
      [new Uint16Array(backing.buffer, 16, 2), [16, 17, 18, 19]],
      [new Float64Array([1.5]), [...new Uint8Array(new Float64Array([1.5]).buffer)]],
      [new ArrayBuffer(0), []],
    ];
    const got = messages(dcB, sends.length);
    for (const [data] of sends) dcA.send(data);
    const received = await got;
    for (const [i, data] of received.entries()) expect(bytesOf(data)).toEqual(sends[i]![1]);
  });

  it('sends a snapshot: changing the buffer after send() does not change the message', async () => {
    const { dcA, dcB } = await connectPair(peers);
    const buffer = new Uint8Array([1, 2, 3]);
    const got = nextMessage(dcB);
    dcA.send(buffer);
    buffer.fill(9);
    expect(bytesOf(await got)).toEqual([1, 2, 3]);
  });

  it('with binaryType blob, binary messages arrive as Blobs and strings stay strings', async () => {
    const { dcA, dcB } = await connectPair(peers);
    dcB.binaryType = 'blob';
    expect(dcB.binaryType).toBe('blob');
    const got = messages(dcB, 2);
    dcA.send(new Uint8Array([4, 5, 6]));
    dcA.send('text');
    const [blob, text] = await got;
    expect(blob).toBeInstanceOf(Blob);
    expect([...new Uint8Array(await (blob as Blob).arrayBuffer())]).toEqual([4, 5, 6]);
    expect(text).toBe('text');
    dcB.binaryType = 'arraybuffer';
    const again = nextMessage(dcB);
    dcA.send(new Uint8Array([1]));
    expect(bytesOf(await again)).toEqual([1]);
  });

  it('rejects an unknown binaryType with SyntaxError and keeps the old one', () => {
    const pc = peers.create();
    const dc = pc.createDataChannel('x');
    for (const bad of ['jellyfish', 'arraybuffer ', '', null, undefined]) {
      expect(errorName(thrown(() => Object.assign(dc, { binaryType: bad })))).toBe('SyntaxError');
      expect(dc.binaryType).toBe('arraybuffer');
    }
  });

  it('sends a Blob and keeps the order of what follows it', async () => {
    const { dcA, dcB } = await connectPair(peers);
    const got = messages(dcB, 4);
    dcA.send('first');
    dcA.send(new Blob([new Uint8Array([1, 2, 3])]));
    dcA.send('after the blob');
    dcA.send(new Uint8Array([9]));
    const [first, blob, after, bytes] = await got;
    expect(first).toBe('first');
    expect(bytesOf(blob)).toEqual([1, 2, 3]);
    expect(after).toBe('after the blob');
    expect(bytesOf(bytes)).toEqual([9]);
  });

  it('keeps the order of many messages on an ordered channel', async () => {
    const { dcA, dcB } = await connectPair(peers);
    const n = 500;
    const got = messages(dcB, n);
    for (let i = 0; i < n; i++) dcA.send(String(i));
    expect(await got).toEqual(Array.from({ length: n }, (_, i) => String(i)));
  });

  it('sends messages of exactly 256 KiB (maxMessageSize) and throws TypeError past it', async () => {
    const { a, dcA, dcB } = await connectPair(peers);
    const max = a.sctp!.maxMessageSize;
    expect(max).toBe(256 * KiB);
    const big = new Uint8Array(max).map((_, i) => i * 7);
    const got = messages(dcB, 2);
    dcA.send(big);
    dcA.send('s'.repeat(max));
    const [bin, text] = await got;
    expect(new Uint8Array(bin as ArrayBuffer)).toEqual(big);
    expect((text as string).length).toBe(max);
    expect(thrown(() => dcA.send(new Uint8Array(max + 1)))).toBeInstanceOf(TypeError);
    expect(thrown(() => dcA.send('s'.repeat(max + 1)))).toBeInstanceOf(TypeError);
    // UTF-8 bytes count, not UTF-16 units: 2 bytes each
    expect(thrown(() => dcA.send('\u00e9'.repeat(max / 2 + 1)))).toBeInstanceOf(TypeError);
    expect(thrown(() => dcA.send(new Blob([new Uint8Array(max + 1)])))).toBeInstanceOf(TypeError);
    expect(dcA.readyState).toBe('open');
    const after = nextMessage(dcB);
    dcA.send('still fine');
    expect(await after).toBe('still fine');
  });
});

describe('bufferedAmount and bufferedamountlow', () => {
  it('rises synchronously by the UTF-8 / byte size of each send and falls to 0 once sent', async () => {
    const { dcA, dcB } = await connectPair(peers);
    expect(dcA.bufferedAmount).toBe(0);
    const got = messages(dcB, 3);
    dcA.send('世界你好'); // 12 UTF-8 bytes
    expect(dcA.bufferedAmount).toBe(12);
    expect(dcA.bufferedAmount).toBe(12); // and stays so within this task
    dcA.send(new Uint8Array(5));
    expect(dcA.bufferedAmount).toBe(17);
    dcA.send(new Blob([new Uint8Array(5)]));
    expect(dcA.bufferedAmount).toBe(22);
    await got;
    await until(dcA, 'bufferedamountlow', () => dcA.bufferedAmount, 0);
  });

  it('bufferedamountlow fires once after several sends, as a task, when the amount reaches the threshold', async () => {
    const { dcA } = await connectPair(peers);
    let fired = 0;
    let amountAtEvent = -1;
    let duringSend = false;
    dcA.addEventListener('bufferedamountlow', () => {
      fired++;
      amountAtEvent = dcA.bufferedAmount;
      if (duringSend) throw new Error('bufferedamountlow fired inside send()');
    });
    duringSend = true;
    dcA.send('hello');
    dcA.send('hello');
    duringSend = false;
    await nextEvent(dcA, 'bufferedamountlow');
    await tasks();
    expect(fired).toBe(1);
    expect(amountAtEvent).toBe(0);
  });

  it('fires when the amount falls from above the threshold to it, with bulk data queued', async () => {
    const { dcA, dcB } = await connectPair(peers);
    const threshold = 64 * KiB;
    dcA.bufferedAmountLowThreshold = threshold;
    expect(dcA.bufferedAmountLowThreshold).toBe(threshold);
    const chunk = new Uint8Array(16 * KiB);
    const n = 64; // 1 MiB, far more than one congestion window
    const arrived = messages(dcB, n, 60_000);
    const amounts: number[] = [];
    dcA.addEventListener('bufferedamountlow', () => amounts.push(dcA.bufferedAmount));
    for (let i = 0; i < n; i++) dcA.send(chunk);
    expect(dcA.bufferedAmount).toBeGreaterThan(threshold);
    await nextEvent(dcA, 'bufferedamountlow');
    expect(amounts[0]).toBeLessThanOrEqual(threshold);
    await arrived;
  });

  it('does not fall when the channel or the connection closes (§6.2 bufferedAmount)', async () => {
    const first = await connectPair(peers);
    first.dcA.send(new Uint8Array(5));
    first.dcA.close();
    expect(first.dcA.bufferedAmount).toBe(5);
    const second = await connectPair(peers);
    second.dcA.send(new Uint8Array(5));
    second.a.close();
    expect(second.dcA.bufferedAmount).toBe(5);
  });
});

describe('closing', () => {
  it('close() on one side: closing there (no event), closing then close on the peer, close at home', async () => {
    const { dcA, dcB } = await connectPair(peers);
    const logA = lifecycle(dcA);
    const logB = lifecycle(dcB);
    const closedA = nextEvent(dcA, 'close');
    const closedB = nextEvent(dcB, 'close');
    dcA.close();
    expect(dcA.readyState).toBe('closing');
    expect(errorName(thrown(() => dcA.send('late')))).toBe('InvalidStateError');
    dcA.close(); // no effect
    await Promise.all([closedA, closedB]);
    expect(logA).toEqual(['close:closed']);
    expect(logB).toEqual(['closing:closing', 'close:closed']);
    expect([dcA.readyState, dcB.readyState]).toEqual(['closed', 'closed']);
  });

  it('closing the announced side closes the creator the same way', async () => {
    const { dcA, dcB } = await connectPair(peers);
    const logA = lifecycle(dcA);
    const logB = lifecycle(dcB);
    const closed = Promise.all([nextEvent(dcA, 'close'), nextEvent(dcB, 'close')]);
    dcB.close();
    await closed;
    expect(logB).toEqual(['close:closed']);
    expect(logA).toEqual(['closing:closing', 'close:closed']);
  });

  it('closes negotiated channels from either side', async () => {
    const { dcA, dcB } = await connectPair(peers, { negotiated: true, id: 0 });
    const logB = lifecycle(dcB);
    const closed = Promise.all([nextEvent(dcA, 'close'), nextEvent(dcB, 'close')]);
    dcA.close();
    await closed;
    expect(logB).toEqual(['closing:closing', 'close:closed']);
  });

  it('frees the id: a negotiated channel with it opens again once both sides closed it', async () => {
    const { a, b, dcA, dcB } = await connectPair(peers, { negotiated: true, id: 4 });
    const closed = Promise.all([nextEvent(dcA, 'close'), nextEvent(dcB, 'close')]);
    dcA.close();
    await closed;
    const again = [
      a.createDataChannel('again', { negotiated: true, id: 4 }),
      b.createDataChannel('again', { negotiated: true, id: 4 }),
    ];
    await Promise.all(again.map((dc) => (dc.readyState === 'open' ? undefined : nextEvent(dc, 'open'))));
    const got = nextMessage(again[1]!);
    again[0]!.send('reused');
    expect(await got).toBe('reused');
  });

  it('frees DCEP-assigned ids too: once closed, the id serves a negotiated channel', async () => {
    const { a, b, dcA, dcB } = await connectPair(peers);
    const id = dcA.id!;
    const closed = Promise.all([nextEvent(dcA, 'close'), nextEvent(dcB, 'close')]);
    dcA.close();
    await closed;
    const again = [
      a.createDataChannel('n', { negotiated: true, id }),
      b.createDataChannel('n', { negotiated: true, id }),
    ];
    await Promise.all(again.map((dc) => (dc.readyState === 'open' ? undefined : nextEvent(dc, 'open'))));
    const got = nextMessage(again[0]!);
    again[1]!.send('on a freed id');
    expect(await got).toBe('on a freed id');
  });

  it('pc.close() on one side: the peer’s channels get an RTCError (OperationError) error, then close', async () => {
    const { a, dcA, dcB } = await connectPair(peers);
    const events: string[] = [];
    let error: unknown;
    dcB.addEventListener('error', (e) => {
      events.push('error');
      error = e;
    });
    dcB.addEventListener('close', () => events.push('close'));
    const closed = nextEvent(dcB, 'close');
    const aEvents = lifecycle(dcA);
    a.close();
    expect(dcA.readyState).toBe('closed');
    await closed;
    expect(events).toEqual(['error', 'close']);
    expect(error).toBeInstanceOf(RTCErrorEvent);
    const rtcError = (error as RTCErrorEvent).error;
    expect(rtcError).toBeInstanceOf(RTCError);
    expect(rtcError.name).toBe('OperationError');
    expect(rtcError.errorDetail).toBe('sctp-failure');
    await tasks();
    expect(aEvents).toEqual([]);
  });

  it('closing the peer connection after the channel closed fires nothing more', async () => {
    const { a, dcA, dcB } = await connectPair(peers);
    const closed = Promise.all([nextEvent(dcA, 'close'), nextEvent(dcB, 'close')]);
    dcA.close();
    await closed;
    const late = [lifecycle(dcA), lifecycle(dcB)];
    a.close();
    await tasks(10);
    expect(late.flat()).toEqual([]);
  });

  it('pc.close() closes channels that never connected, without events', async () => {
    const pc = peers.create();
    const channels = Array.from({ length: 24 }, (_, i) =>
      pc.createDataChannel(`c${i}`, i % 2 === 0 ? { negotiated: true, id: i } : {}),
    );
    const logs = channels.map(lifecycle);
    pc.close();
    for (const dc of channels) expect(dc.readyState).toBe('closed');
    await tasks();
    expect(logs.flat()).toEqual([]);
  });
});
