/**
 * Interop with werift-sctp (another TypeScript SCTP, from aiortc's lineage) over an in-memory
 * pipe: ours as initiator and as responder, messages both ways, small and fragmented over many
 * packets, DCEP by hand (werift-sctp has no DCEP of its own), and closing a channel by stream reset.
 * Ours runs with zero checksums on, as in WebRTC: werift-sctp does not announce RFC 9653, so every
 * packet must still carry a CRC32c.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  AssociationState,
  decodeDcep,
  encodeDataChannelAck,
  encodeDataChannelOpen,
  Ppid,
  SctpAssociation,
  verifyChecksum,
} from '../src/index.js';
import { WeriftPipe } from './support/werift-pipe.js';

const pipes: WeriftPipe[] = [];
afterEach(async () => {
  for (const p of pipes.splice(0)) await p.close();
});

/** What ours sent to werift in the current test: packets, and how many had a correct CRC32c. */
const sent = { packets: 0, crcOk: 0 };

async function setUp(oursInitiates: boolean): Promise<WeriftPipe> {
  const ours = new SctpAssociation({
    role: oursInitiates ? 'client' : 'server',
    maxMessageSize: 1 << 20,
    remoteMaxMessageSize: 1 << 20,
    zeroChecksum: true,
  });
  sent.packets = 0;
  sent.crcOk = 0;
  const poll = ours.pollTransmit.bind(ours);
  ours.pollTransmit = () => {
    const p = poll();
    if (p !== undefined) {
      sent.packets++;
      if (verifyChecksum(p)) sent.crcOk++;
    }
    return p;
  };
  const pipe = new WeriftPipe(ours, oursInitiates ? 'server' : 'client');
  pipes.push(pipe);
  const connected = pipe.werift.stateChanged.connected.asPromise();
  await pipe.werift.start(5000);
  if (oursInitiates) ours.connect(performance.now());
  pipe.kick();
  await connected;
  await pipe.until(() => ours.state === AssociationState.Established);
  return pipe;
}

function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7 + (i >> 9)) & 0xff;
  return b;
}

describe('interop with werift-sctp', () => {
  for (const oursInitiates of [true, false]) {
    const role = oursInitiates ? 'initiator' : 'responder';

    it(`exchanges small and multi-packet messages both ways (ours as ${role})`, async () => {
      const pipe = await setUp(oursInitiates);
      const { ours, werift } = pipe;
      const id = 1;
      ours.createChannel({ negotiated: true, id }, performance.now());
      const sizes = [1, 100, 1199, 1200, 1201, 5000, 64 * 1024, 300_000];
      for (const [i, n] of sizes.entries()) ours.send(id, bytes(n, i), true, performance.now());
      ours.send(id, 'a string ✓', undefined, performance.now());
      pipe.kick();
      await pipe.until(() => pipe.weriftReceived.length === sizes.length + 1);
      for (const [i, n] of sizes.entries()) {
        const [sid, ppid, data] = pipe.weriftReceived[i] as [number, number, Buffer];
        expect([sid, ppid, data.length]).toEqual([id, Ppid.Binary, n]);
        expect(Buffer.compare(data, bytes(n, i))).toBe(0);
      }
      expect(pipe.weriftReceived[sizes.length]?.[2].toString()).toBe('a string ✓');

      for (const [i, n] of sizes.entries())
        await werift.send(id, Ppid.Binary, Buffer.from(bytes(n, 100 + i)));
      await werift.send(id, Ppid.String, Buffer.from('from werift'));
      await pipe.until(() => pipe.events.filter((e) => e.type === 'message').length === sizes.length + 1);
      const got = pipe.events.filter((e) => e.type === 'message');
      for (const [i, n] of sizes.entries()) {
        const m = got[i] as Extract<(typeof got)[number], { type: 'message' }>;
        expect(m.binary).toBe(true);
        expect(Buffer.compare(Buffer.from(m.data), Buffer.from(bytes(n, 100 + i)))).toBe(0);
      }
      const last = got[sizes.length] as Extract<(typeof got)[number], { type: 'message' }>;
      expect([last.binary, new TextDecoder().decode(last.data)]).toEqual([false, 'from werift']);
      // No RFC 9653 from werift: real checksums only.
      expect(ours.zeroChecksum).toBe(false);
      expect(sent.packets).toBeGreaterThan(100);
      expect(sent.crcOk).toBe(sent.packets);
    }, 30_000);

    it(`speaks DCEP to a peer that answers by hand (ours as ${role})`, async () => {
      const pipe = await setUp(oursInitiates);
      const { ours, werift } = pipe;
      const ch = ours.createChannel({ label: 'chat', protocol: 'json', ordered: false }, performance.now());
      pipe.kick();
      await pipe.until(() => pipe.weriftReceived.length === 1);
      const [sid, ppid, open] = pipe.weriftReceived[0] as [number, number, Buffer];
      expect([sid, ppid]).toEqual([ch.id, Ppid.Dcep]);
      expect(decodeDcep(open)).toMatchObject({ type: 3, label: 'chat', protocol: 'json', channelType: 0x80 });
      await werift.send(ch.id, Ppid.Dcep, Buffer.from(encodeDataChannelAck()), { ordered: true });
      // werift announces a channel of its own on a stream of its parity.
      const theirs = oursInitiates ? 1 : 0;
      await werift.send(
        theirs,
        Ppid.Dcep,
        Buffer.from(
          encodeDataChannelOpen({ channelType: 0, priority: 256, reliability: 0, label: 'w', protocol: '' }),
        ),
        { ordered: true },
      );
      await werift.send(theirs, Ppid.String, Buffer.from('hello'), { ordered: true });
      await pipe.until(() => pipe.events.some((e) => e.type === 'message'));
      expect(pipe.events.find((e) => e.type === 'channel-open' && e.remote)).toMatchObject({
        id: theirs,
        label: 'w',
      });
      await pipe.until(() => pipe.weriftReceived.length === 2);
      expect(pipe.weriftReceived[1]?.[1]).toBe(Ppid.Dcep);
      expect(decodeDcep(pipe.weriftReceived[1]?.[2] as Buffer)).toEqual({ type: 2 });
    }, 30_000);

    it(`reassembles the deprecated partial PPIDs 54/52 (ours as ${role})`, async () => {
      const pipe = await setUp(oursInitiates);
      const { ours, werift } = pipe;
      ours.createChannel({ negotiated: true, id: 4 }, performance.now());
      await werift.send(4, Ppid.StringPartial, Buffer.from('abc'));
      await werift.send(4, Ppid.StringPartial, Buffer.from('déf'));
      await werift.send(4, Ppid.String, Buffer.from('ghi'));
      await werift.send(4, Ppid.BinaryPartial, Buffer.from([1, 2]));
      await werift.send(4, Ppid.BinaryEmpty, Buffer.from([0]));
      await pipe.until(() => pipe.events.filter((e) => e.type === 'message').length === 2);
      const [s, b] = pipe.events.filter((e) => e.type === 'message') as Extract<
        (typeof pipe.events)[number],
        { type: 'message' }
      >[];
      expect([new TextDecoder().decode(s?.data), s?.binary]).toEqual(['abcdéfghi', false]);
      expect([Array.from(b?.data ?? []), b?.binary]).toEqual([[1, 2], true]);
    }, 30_000);

    it(`closes a channel by stream reset (ours as ${role})`, async () => {
      const pipe = await setUp(oursInitiates);
      const { ours, werift } = pipe;
      ours.createChannel({ negotiated: true, id: 2 }, performance.now());
      ours.send(2, 'x', undefined, performance.now());
      await werift.send(2, Ppid.String, Buffer.from('y'));
      pipe.kick();
      await pipe.until(
        () => pipe.weriftReceived.length === 1 && pipe.events.some((e) => e.type === 'message'),
      );
      const reset = new Promise<number[]>((resolve) =>
        werift.onReconfigStreams.subscribe((ids: number[]) => resolve(ids)),
      );
      ours.closeChannel(2, performance.now());
      pipe.kick();
      expect(await reset).toContain(2);
      await pipe.until(() => pipe.events.some((e) => e.type === 'channel-closed'));
      expect(pipe.events.find((e) => e.type === 'channel-closed')).toEqual({
        type: 'channel-closed',
        channelId: 2,
      });
    }, 30_000);
  }
});
