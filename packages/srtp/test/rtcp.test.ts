/**
 * RTCP: every packet type round-trips; compound and reduced-size datagrams; unknown types and
 * formats come back raw and are written back unchanged; framing errors are typed. Cross-checked
 * with werift-rtp's RTCP classes in both directions.
 */

import { describe, expect, it } from 'vitest';
import {
  RtcpPacketConverter,
  RtcpPayloadSpecificFeedback,
  RtcpReceiverInfo,
  RtcpRrPacket,
  RtcpSenderInfo,
  RtcpSrPacket,
  RtcpTransportLayerFeedback,
  TransportWideCC,
  GenericNack as WeriftNack,
  PictureLossIndication as WeriftPli,
  ReceiverEstimatedMaxBitrate as WeriftRemb,
} from 'werift-rtp';
import {
  decodeRtcp,
  encodeRtcp,
  isRtcpPacket,
  nackEntries,
  nackSequenceNumbers,
  RtcpEncodeError,
  type RtcpPacket,
  RtcpParseError,
  rembExponentMantissa,
  SdesItemType,
  TwccStatus,
} from '../src/index.js';
import { hex, toHex } from './support/hex.js';

const report = {
  ssrc: 0x01020304,
  fractionLost: 12,
  cumulativeLost: -5,
  highestSequence: 0x00012345,
  jitter: 77,
  lastSenderReport: 0xaabbccdd,
  delaySinceLastSenderReport: 0x10000,
};

const samples: RtcpPacket[] = [
  {
    type: 'sr',
    ssrc: 0x11111111,
    ntpTimestamp: 0xe8a1b2c3d4e5f607n,
    rtpTimestamp: 90000,
    packetCount: 10,
    octetCount: 12000,
    reports: [report],
    extension: new Uint8Array(0),
  },
  { type: 'rr', ssrc: 0x22222222, reports: [report, { ...report, ssrc: 9 }], extension: hex('deadbeef') },
  {
    type: 'sdes',
    chunks: [
      { source: 0x11111111, items: [{ type: SdesItemType.CNAME, text: 'user@example.com' }] },
      {
        source: 0x33333333,
        items: [
          { type: SdesItemType.NAME, text: 'Zoë' },
          { type: SdesItemType.TOOL, text: 'purertc' },
        ],
      },
      { source: 0x44444444, items: [] },
    ],
  },
  { type: 'bye', sources: [0x11111111, 0x22222222], reason: 'done' },
  { type: 'bye', sources: [] },
  { type: 'app', subtype: 3, ssrc: 0x55555555, name: 'TEST', data: hex('0102030405060708') },
  { type: 'nack', senderSsrc: 1, mediaSsrc: 2, entries: [{ pid: 100, blp: 0b101 }] },
  {
    type: 'twcc',
    senderSsrc: 1,
    mediaSsrc: 2,
    baseSequenceNumber: 65530,
    referenceTime: -3,
    feedbackPacketCount: 200,
    statuses: Uint8Array.from([1, 1, 0, 2, 1, ...new Array(20).fill(0), 1, 2, 2, 2, 2, 2, 2, 2, 2]),
    deltas: Int16Array.from([4, 250, -1000, 0, 1, 2, 3, 4, 5, 6, 7, 8, 30000]),
  },
  { type: 'pli', senderSsrc: 7, mediaSsrc: 8 },
  {
    type: 'fir',
    senderSsrc: 7,
    mediaSsrc: 0,
    entries: [
      { ssrc: 8, sequenceNumber: 3 },
      { ssrc: 9, sequenceNumber: 255 },
    ],
  },
  { type: 'remb', senderSsrc: 7, mediaSsrc: 0, bitrate: 2_500_000 - (2_500_000 % 16), ssrcs: [8, 9] },
  { type: 'raw', packetType: 207, count: 0, body: hex('0000000101020304') },
  { type: 'raw', packetType: 205, count: 3, body: hex('0000000100000002') },
];

describe('RTCP packets', () => {
  it.each(samples.map((p) => [p.type, p]))('%s round-trips alone', (_, p) => {
    const bytes = encodeRtcp([p]);
    expect(bytes.length % 4).toBe(0);
    expect(isRtcpPacket(bytes)).toBe(true);
    expect(decodeRtcp(bytes)).toEqual([p]);
  });

  it('round-trips all of them as one compound packet', () => {
    const bytes = encodeRtcp(samples);
    expect(decodeRtcp(bytes)).toEqual(samples);
  });

  it('accepts reduced-size RTCP (RFC 5506): one feedback packet, no SR/RR first', () => {
    const pli = hex('81ce0002 00000007 00000008');
    expect(decodeRtcp(pli)).toEqual([{ type: 'pli', senderSsrc: 7, mediaSsrc: 8 }]);
  });

  it('strips padding (RFC 3550 §6.4.1) and rejects a padding count that does not fit', () => {
    const padded = hex('a1cd0004 00000001 00000002 0064 0000 00000004');
    expect(decodeRtcp(padded)).toEqual([
      { type: 'nack', senderSsrc: 1, mediaSsrc: 2, entries: [{ pid: 100, blp: 0 }] },
    ]);
    const bad = hex('a1cd0004 00000001 00000002 0064 0000 00000011');
    expect(() => decodeRtcp(bad)).toThrow(RtcpParseError);
  });

  it('reports framing errors with code, field and offset', () => {
    const expectError = (h: string, code: string, field: string, offset: number) => {
      try {
        decodeRtcp(hex(h));
        expect.unreachable(h);
      } catch (e) {
        expect(e).toBeInstanceOf(RtcpParseError);
        const err = e as RtcpParseError;
        expect([err.code, err.field, err.offset]).toEqual([code, field, offset]);
      }
    };
    expectError('80c9', 'TRUNCATED', 'header', 0);
    expectError('40c90001 00000000', 'BAD_VERSION', 'version', 0);
    expectError('80c90002 00000000', 'BAD_LENGTH', 'length', 2);
    expectError('80c90001 00000001 80c9', 'TRUNCATED', 'header', 8);
    expectError('81c90001 00000001', 'TRUNCATED', 'rr', 4);
    expectError('81ca0001 00000001', 'BAD_FIELD', 'sdes.item', 8);
    expectError('81ca0002 00000001 010a6162', 'TRUNCATED', 'sdes.item.text', 10);
    expectError('8fcd0005 00000001 00000002 00000001 00000000 f0000000', 'BAD_FIELD', 'twcc.chunk', 20);
    expectError('8fcd0004 00000001 00000002 00000002 00000000', 'TRUNCATED', 'twcc.chunk', 20);
    expectError('afcd0005 00000001 00000002 00000001 00000000 20010002', 'TRUNCATED', 'twcc.delta', 22);
  });

  it('refuses values that do not fit the wire format', () => {
    const enc = (p: RtcpPacket) => () => encodeRtcp([p]);
    expect(
      enc({ type: 'rr', ssrc: 1, reports: new Array(32).fill(report), extension: new Uint8Array(0) }),
    ).toThrow(RtcpEncodeError);
    expect(
      enc({ type: 'sdes', chunks: [{ source: 1, items: [{ type: 1, text: 'x'.repeat(256) }] }] }),
    ).toThrow(RtcpEncodeError);
    expect(enc({ type: 'app', subtype: 32, ssrc: 1, name: 'TEST', data: new Uint8Array(0) })).toThrow(
      RtcpEncodeError,
    );
    expect(enc({ type: 'app', subtype: 1, ssrc: 1, name: 'TÉST', data: new Uint8Array(0) })).toThrow(
      RtcpEncodeError,
    );
    const twcc = samples[7] as Extract<RtcpPacket, { type: 'twcc' }>;
    expect(enc({ ...twcc, deltas: twcc.deltas.subarray(1) })).toThrow(/deltas/);
    expect(enc({ ...twcc, statuses: Uint8Array.from([3]), deltas: new Int16Array(0) })).toThrow(/status 3/);
    expect(enc({ ...twcc, statuses: Uint8Array.from([1]), deltas: Int16Array.from([-1]) })).toThrow(
      /small delta/,
    );
  });
});

describe('NACK helpers', () => {
  it('turn lost sequence numbers into PID/BLP entries and back, across the wrap', () => {
    const lost = [65534, 65535, 0, 3, 17, 18, 40];
    const entries = nackEntries(lost);
    expect(entries).toEqual([
      { pid: 65534, blp: 0b10011 },
      { pid: 17, blp: 0b1 },
      { pid: 40, blp: 0 },
    ]);
    expect(nackSequenceNumbers(entries)).toEqual([65534, 65535, 0, 3, 17, 18, 40]);
  });
});

describe('TWCC chunk encoding', () => {
  it('uses run lengths for long runs and vectors elsewhere, and decodes both', () => {
    const statuses = new Uint8Array(10000).fill(TwccStatus.NOT_RECEIVED);
    statuses[9999] = TwccStatus.SMALL_DELTA;
    const p: RtcpPacket = {
      type: 'twcc',
      senderSsrc: 1,
      mediaSsrc: 2,
      baseSequenceNumber: 1,
      referenceTime: 0,
      feedbackPacketCount: 0,
      statuses,
      deltas: Int16Array.from([9]),
    };
    const bytes = encodeRtcp([p]);
    expect(bytes.length).toBeLessThan(40); // two run-length chunks and a vector, not 10000 symbols
    expect(decodeRtcp(bytes)).toEqual([p]);
  });
});

describe('REMB', () => {
  it('splits bitrates into an 18-bit mantissa and an exponent', () => {
    expect(rembExponentMantissa(0)).toEqual([0, 0]);
    expect(rembExponentMantissa(0x3ffff)).toEqual([0, 0x3ffff]);
    expect(rembExponentMantissa(0x40000)).toEqual([1, 0x20000]);
    expect(rembExponentMantissa(1e9)).toEqual([12, Math.floor(1e9 / 4096)]);
  });
});

describe('interop with werift-rtp', () => {
  it('werift decodes what we encode', () => {
    // One packet at a time: werift's feedback decoders read to the end of the datagram.
    const theirs = samples.flatMap((p) => RtcpPacketConverter.deSerialize(Buffer.from(encodeRtcp([p]))));
    const sr = theirs.find((p): p is RtcpSrPacket => p instanceof RtcpSrPacket);
    expect(sr?.senderInfo.ntpTimestamp).toBe(0xe8a1b2c3d4e5f607n);
    expect(sr?.reports[0]).toMatchObject({
      ssrc: 0x01020304,
      fractionLost: 12,
      highestSequence: 0x12345,
      lsr: 0xaabbccdd,
    });
    const rr = theirs.find((p): p is RtcpRrPacket => p instanceof RtcpRrPacket);
    expect(rr?.reports.map((r) => r.ssrc)).toEqual([0x01020304, 9]);
    const fb = theirs.filter(
      (p) => p instanceof RtcpTransportLayerFeedback || p instanceof RtcpPayloadSpecificFeedback,
    );
    const feedback = fb.map((p) => (p as RtcpTransportLayerFeedback | RtcpPayloadSpecificFeedback).feedback);
    const nack = feedback.find((f): f is WeriftNack => f instanceof WeriftNack);
    expect(nack?.lost).toEqual([100, 101, 103]);
    const twcc = feedback.find((f): f is TransportWideCC => f instanceof TransportWideCC);
    expect(twcc?.baseSequenceNumber).toBe(65530);
    expect(twcc?.packetStatusCount).toBe(34);
    expect(twcc?.recvDeltas.map((d) => d.delta)).toEqual(
      [4, 250, -1000, 0, 1, 2, 3, 4, 5, 6, 7, 8, 30000].map((t) => t * 250),
    );
    const remb = feedback.find((f): f is WeriftRemb => f instanceof WeriftRemb);
    expect(Number(remb?.bitrate)).toBe(2_500_000 - (2_500_000 % 16));
    expect(remb?.ssrcFeedbacks).toEqual([8, 9]);
    expect(feedback.some((f) => f instanceof WeriftPli)).toBe(true);
  });

  it('we decode what werift encodes', () => {
    const sr = new RtcpSrPacket({
      ssrc: 5,
      senderInfo: new RtcpSenderInfo({
        ntpTimestamp: 123456789012345n,
        rtpTimestamp: 9,
        packetCount: 3,
        octetCount: 4,
      }),
      reports: [
        new RtcpReceiverInfo({
          ssrc: 6,
          fractionLost: 1,
          packetsLost: 2,
          highestSequence: 3,
          jitter: 4,
          lsr: 5,
          dlsr: 6,
        }),
      ],
    }).serialize();
    const nack = new RtcpTransportLayerFeedback({
      feedback: new WeriftNack({ senderSsrc: 1, mediaSourceSsrc: 2, lost: [10, 11, 30] }),
    }).serialize();
    const remb = new RtcpPayloadSpecificFeedback({
      feedback: new WeriftRemb({
        senderSsrc: 1,
        mediaSsrc: 0,
        brExp: 2,
        brMantissa: 250_000,
        ssrcNum: 1,
        ssrcFeedbacks: [4],
      }),
    }).serialize();
    const ours = decodeRtcp(Buffer.concat([sr, nack, remb]));
    expect(ours[0]).toMatchObject({ type: 'sr', ssrc: 5, ntpTimestamp: 123456789012345n, packetCount: 3 });
    expect(ours[0]?.type === 'sr' && ours[0].reports[0]).toMatchObject({
      ssrc: 6,
      cumulativeLost: 2,
      delaySinceLastSenderReport: 6,
    });
    expect(ours[1]?.type === 'nack' && nackSequenceNumbers(ours[1].entries)).toEqual([10, 11, 30]);
    expect(ours[2]).toMatchObject({ type: 'remb', ssrcs: [4] });
    expect(ours[2]).toMatchObject({ bitrate: 1_000_000 });
    expect(toHex(encodeRtcp(ours))).toBe(toHex(Buffer.concat([sr, nack, remb])));
  });
});
