/**
 * RTP (RFC 3550 §5.1): fixed header, CSRCs, padding, header extensions in both RFC 8285 forms,
 * in-place views, and the sequence/timestamp helpers. Checked against hand-made bytes and against
 * werift-rtp's RtpPacket in both directions.
 */

import { describe, expect, it } from 'vitest';
import { RtpPacket as WeriftRtpPacket } from 'werift-rtp';
import {
  decodeHeaderExtensions,
  decodeRtpPacket,
  encodeRtpPacket,
  extendedSequence,
  isSeqNewer,
  isTimestampNewer,
  RtpEncodeError,
  RtpParseError,
  RtpView,
  rtpHeaderLength,
  SequenceUnwrapper,
  seqDiff,
  TWO_BYTE_PROFILE,
  timestampDiff,
} from '../src/index.js';
import { hex, toHex } from './support/hex.js';

describe('RTP header', () => {
  // V=2 P=1 X=1 CC=2, M=1 PT=96, seq 0x1234, ts 0xdeadbeef, SSRC 0x01020304, CSRCs 5 and 6,
  // one-byte extensions: padding byte, id 1 (2 bytes aa bb), id 2 (1 byte cc), padding; payload
  // 01 02 03, then 3 bytes of padding.
  const bytes = hex(`b2e01234 deadbeef 01020304 00000005 00000006
                     bede0002 0011aabb 20cc0000
                     010203 000003`);

  it('decodes every field, with views for the payload and the extensions', () => {
    const p = decodeRtpPacket(bytes);
    expect(p.header).toMatchObject({
      marker: true,
      payloadType: 96,
      sequenceNumber: 0x1234,
      timestamp: 0xdeadbeef,
      ssrc: 0x01020304,
      csrcs: [5, 6],
      headerLength: 32,
      paddingLength: 3,
    });
    expect(p.header.extension?.profile).toBe(0xbede);
    expect(p.header.extensions.map((e) => [e.id, toHex(e.data)])).toEqual([
      [1, 'aabb'],
      [2, 'cc'],
    ]);
    expect(toHex(p.payload)).toBe('010203');
    expect(p.payload.buffer).toBe(bytes.buffer);
  });

  it('re-encodes to the same bytes', () => {
    const p = decodeRtpPacket(bytes);
    const again = encodeRtpPacket({ ...p.header, extension: p.header.extension, payload: p.payload });
    expect(toHex(again)).toBe(toHex(bytes));
  });

  it('reads and writes in place through RtpView', () => {
    const copy = bytes.slice();
    const v = new RtpView(copy);
    expect([v.version, v.padding, v.hasExtension, v.csrcCount, v.marker]).toEqual([2, true, true, 2, true]);
    v.sequenceNumber = 0xfffe;
    v.timestamp = 7;
    v.ssrc = 0xcafebabe;
    v.marker = false;
    v.payloadType = 111;
    v.setCsrc(1, 0x77);
    expect(toHex(copy.subarray(0, 20))).toBe('b26ffffe00000007cafebabe0000000500000077');
    expect(toHex(v.extension(2) as Uint8Array)).toBe('cc');
    expect(v.extension(9)).toBeUndefined();
    expect(v.payloadLength).toBe(3);
    expect(() => v.csrc(2)).toThrow(RangeError);
  });

  it('handles the two-byte form (RFC 8285 §4.3): ids above 14, empty and long elements', () => {
    const long = new Uint8Array(200).fill(9);
    const rtp = encodeRtpPacket({
      payloadType: 100,
      sequenceNumber: 1,
      timestamp: 2,
      ssrc: 3,
      extensions: [
        { id: 1, data: new Uint8Array(0) },
        { id: 200, data: long },
      ],
      payload: new Uint8Array([1]),
    });
    const p = decodeRtpPacket(rtp);
    expect(p.header.extension?.profile).toBe(TWO_BYTE_PROFILE);
    expect(p.header.extensions.map((e) => [e.id, e.data.length])).toEqual([
      [1, 0],
      [200, 200],
    ]);
    // appbits in the low 4 bits of the profile are still the two-byte form
    expect(decodeHeaderExtensions(0x100f, hex('0501aa00'), 0, 4).map((e) => e.id)).toEqual([5]);
  });

  it('stops at the one-byte id 15 and keeps unknown profiles raw', () => {
    expect(decodeHeaderExtensions(0xbede, hex('10aa f0 20bb'), 0, 5).map((e) => e.id)).toEqual([1]);
    expect(decodeHeaderExtensions(0x1234, hex('10aa20bb'))).toEqual([]);
  });

  it('rejects broken packets with typed errors naming field and offset', () => {
    const cases: [string, string, string][] = [
      ['80', 'TRUNCATED', 'header'],
      ['40000000 00000000 00000000', 'BAD_VERSION', 'version'],
      ['81000000 00000000 00000000', 'TRUNCATED', 'csrc'],
      ['90000000 00000000 00000000 bede', 'TRUNCATED', 'extension.header'],
      ['90000000 00000000 00000000 bede0002 00000000', 'TRUNCATED', 'extension.length'],
      ['a0000000 00000000 00000000 0103', 'BAD_PADDING', 'padding'],
      ['a0000000 00000000 00000000 0100', 'BAD_PADDING', 'padding'],
    ];
    for (const [h, code, field] of cases) {
      try {
        decodeRtpPacket(hex(h));
        expect.unreachable(h);
      } catch (e) {
        expect(e).toBeInstanceOf(RtpParseError);
        expect([(e as RtpParseError).code, (e as RtpParseError).field]).toEqual([code, field]);
      }
    }
    expect(() => decodeRtpPacket(hex('90000000 00000000 00000000 bede0001 53aa0000'))).toThrow(RtpParseError);
    expect(rtpHeaderLength(hex('90000000 00000000 00000000 bede0001'))).toBe(-1);
  });

  it('refuses values the format cannot carry', () => {
    const base = { payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, payload: new Uint8Array(0) };
    expect(() => encodeRtpPacket({ ...base, payloadType: 128 })).toThrow(RtpEncodeError);
    expect(() => encodeRtpPacket({ ...base, csrcs: new Array(16).fill(1) })).toThrow(RtpEncodeError);
    expect(() => encodeRtpPacket({ ...base, paddingLength: 256 })).toThrow(RtpEncodeError);
    expect(() =>
      encodeRtpPacket({
        ...base,
        extensions: [{ id: 15, data: new Uint8Array(1) }],
        extensionForm: 'one-byte',
      }),
    ).toThrow(RtpEncodeError);
    expect(() => encodeRtpPacket({ ...base, extensions: [{ id: 0, data: new Uint8Array(1) }] })).toThrow(
      RtpEncodeError,
    );
  });

  it('agrees with werift-rtp both ways', () => {
    const ours = encodeRtpPacket({
      marker: true,
      payloadType: 98,
      sequenceNumber: 65000,
      timestamp: 123456789,
      ssrc: 0xfeedbeef,
      csrcs: [9],
      extensions: [
        { id: 4, data: hex('0102') },
        { id: 7, data: hex('aabbccdd') },
      ],
      payload: hex('00112233445566'),
    });
    const theirs = WeriftRtpPacket.deSerialize(Buffer.from(ours));
    expect(theirs.header).toMatchObject({
      marker: true,
      payloadType: 98,
      sequenceNumber: 65000,
      timestamp: 123456789,
      ssrc: 0xfeedbeef,
      csrc: [9],
    });
    expect(theirs.header.extensions.map((e) => [e.id, e.payload.toString('hex')])).toEqual([
      [4, '0102'],
      [7, 'aabbccdd'],
    ]);
    expect(toHex(theirs.payload)).toBe('00112233445566');
    const back = decodeRtpPacket(theirs.serialize());
    expect(back.header.extensions.map((e) => [e.id, toHex(e.data)])).toEqual([
      [4, '0102'],
      [7, 'aabbccdd'],
    ]);
    expect(toHex(back.payload)).toBe('00112233445566');
  });
});

describe('sequence numbers and timestamps', () => {
  it('compares across the wrap', () => {
    expect(seqDiff(2, 65534)).toBe(4);
    expect(seqDiff(65534, 2)).toBe(-4);
    expect(isSeqNewer(0, 65535)).toBe(true);
    expect(isSeqNewer(65535, 0)).toBe(false);
    expect(seqDiff(32768, 0)).toBe(-32768);
    expect(timestampDiff(5, 0xfffffffb)).toBe(10);
    expect(isTimestampNewer(0, 0xffffffff)).toBe(true);
    expect(isTimestampNewer(0x7fffffff, 0)).toBe(true);
    expect(isTimestampNewer(0x80000000, 0)).toBe(false);
    expect(extendedSequence(3, 0xffff)).toBe(3 * 65536 + 65535);
  });

  it('extends sequence numbers through wraps and reordering', () => {
    const u = new SequenceUnwrapper();
    const seen = [65534, 65535, 1, 0, 2, 65533, 3].map((s) => u.unwrap(s));
    expect(seen).toEqual([65534, 65535, 65537, 65536, 65538, 65533, 65539]);
    expect(u.cycles).toBe(1);
    expect(u.highestExtended).toBe(65539);
    const v = new SequenceUnwrapper();
    expect([v.unwrap(5), v.unwrap(65530)]).toEqual([5, -6]);
  });
});
