/** Wire formats: CRC32c vectors (RFC 3309 / RFC 9260 Appendix A, RFC 3720 B.4), chunk and parameter round trips. */
import { describe, expect, it } from 'vitest';
import {
  ChunkType,
  crc32c,
  DataFlag,
  decodeAbort,
  decodeCookieEcho,
  decodeData,
  decodeDcep,
  decodeError,
  decodeErrorCauses,
  decodeForwardTsn,
  decodeHeartbeat,
  decodeHeartbeatAck,
  decodeIncomingResetRequest,
  decodeInit,
  decodeInitAck,
  decodeOutgoingResetRequest,
  decodePacket,
  decodeReconfig,
  decodeReconfigResponse,
  decodeSack,
  decodeShutdown,
  decodeShutdownComplete,
  encodeAbort,
  encodeCookieEcho,
  encodeData,
  encodeDataChannelOpen,
  encodeError,
  encodeErrorCause,
  encodeForwardTsn,
  encodeForwardTsnSupported,
  encodeHeartbeat,
  encodeHeartbeatAck,
  encodeIncomingResetRequest,
  encodeInit,
  encodeInitAck,
  encodeOutgoingResetRequest,
  encodeReconfig,
  encodeReconfigResponse,
  encodeSack,
  encodeShutdown,
  encodeShutdownComplete,
  encodeStateCookie,
  encodeSupportedExtensions,
  PacketBuilder,
  ParamType,
  ReconfigResult,
  readInitParams,
  SctpParseError,
  UnknownChunkAction,
  UnknownParamAction,
  unknownChunkAction,
  unknownParamAction,
  verifyChecksum,
} from '../src/index.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

describe('CRC32c', () => {
  it('matches the standard check value', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });

  it('matches the RFC 3720 B.4 vectors (the CRC used by RFC 3309 / RFC 9260 Appendix A)', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
    const iscsiRead = hex(
      '01c00000 00000000 00000000 00000000 14000000 00000400 00000014 00000018 28000000 00000000 02000000 00000000',
    );
    expect(crc32c(iscsiRead)).toBe(0xd9963a56);
  });

  it('is the same at any alignment and when chained', () => {
    const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37) ^ (i >> 3));
    const whole = crc32c(data);
    for (let shift = 0; shift < 8; shift++) {
      const buf = new Uint8Array(data.length + shift);
      buf.set(data, shift);
      expect(crc32c(buf.subarray(shift))).toBe(whole);
      expect(crc32c(buf, shift, shift + data.length)).toBe(whole);
    }
    expect(crc32c(data, 333, 1000, crc32c(data, 0, 333))).toBe(whole);
  });

  it('puts the checksum least significant byte first in the common header', () => {
    const b = new PacketBuilder(64);
    b.begin(5000, 5000, 0x01020304);
    b.append(encodeShutdown(7));
    const p = b.finish();
    expect(verifyChecksum(p)).toBe(true);
    const copy = p.slice();
    copy.fill(0, 8, 12);
    const c = crc32c(copy);
    expect(Array.from(p.subarray(8, 12))).toEqual([c & 0xff, (c >>> 8) & 0xff, (c >>> 16) & 0xff, c >>> 24]);
  });
});

describe('packets', () => {
  it('keeps the packets of builders that interleave apart (every builder writes into one slab)', () => {
    const a = new PacketBuilder(200);
    const b = new PacketBuilder(200);
    a.begin(1, 2, 3);
    b.begin(4, 5, 6);
    a.append(encodeShutdown(7));
    b.append(encodeShutdown(8));
    const pb = b.finish();
    const dropped = new PacketBuilder(200);
    dropped.begin(7, 8, 9);
    dropped.append(encodeShutdown(10));
    dropped.discard();
    const pa = a.finish();
    const c = new PacketBuilder(200);
    c.begin(10, 11, 12);
    c.append(encodeShutdown(13));
    const pc = c.finish();
    const packets = [pa, pb, pc];
    expect(packets.map((p) => decodePacket(p).verificationTag)).toEqual([3, 6, 12]);
    const ranges = packets
      .filter((p) => p.buffer === pa.buffer)
      .map((p) => [p.byteOffset, p.byteOffset + p.length] as const)
      .sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBeGreaterThanOrEqual(ranges[i - 1]![1]);
  });

  it('frames chunks, tolerates a missing last padding, rejects bad checksums and lengths', () => {
    const b = new PacketBuilder(200);
    b.begin(1, 2, 3);
    b.append(
      encodeData({ flags: 3, tsn: 1, streamId: 0, ssn: 0, ppid: 51, userData: Uint8Array.of(1, 2, 3) }),
    );
    b.append(encodeShutdown(9));
    const p = b.finish();
    const d = decodePacket(p);
    expect(d).toMatchObject({ sourcePort: 1, destinationPort: 2, verificationTag: 3 });
    expect(d.chunks.map((c) => [c.type, c.length])).toEqual([
      [ChunkType.Data, 19],
      [ChunkType.Shutdown, 8],
    ]);
    const noPad = new PacketBuilder(200);
    noPad.begin(1, 2, 3);
    noPad.append(
      encodeData({
        flags: 3,
        tsn: 1,
        streamId: 0,
        ssn: 0,
        ppid: 51,
        userData: Uint8Array.of(1, 2, 3),
      }).subarray(0, 19),
    );
    expect(decodePacket(noPad.finish()).chunks).toHaveLength(1);
    const bad = p.slice();
    (bad[20] as number) ^= 0x40;
    expect(() => decodePacket(bad)).toThrowError(expect.objectContaining({ code: 'BAD_CHECKSUM' }));
    expect(() => decodePacket(p.subarray(0, 14))).toThrowError(SctpParseError);
  });
});

describe('chunks round trip', () => {
  const at = (c: Uint8Array) => [c, 0, new DataView(c.buffer, c.byteOffset).getUint16(2)] as const;

  it('DATA', () => {
    const c = {
      flags: DataFlag.Begin | DataFlag.Unordered,
      tsn: 0xfffffffe,
      streamId: 7,
      ssn: 65535,
      ppid: 53,
      userData: Uint8Array.of(9, 8, 7, 6, 5),
    };
    expect(decodeData(...at(encodeData(c)))).toEqual(c);
    const empty = encodeData({ ...c, userData: new Uint8Array(0) });
    expect(() => decodeData(...at(empty))).toThrowError(expect.objectContaining({ code: 'BAD_CHUNK' }));
  });

  it('SACK', () => {
    const c = {
      cumulativeTsnAck: 100,
      arwnd: 1 << 22,
      gapBlocks: [
        { start: 2, end: 5 },
        { start: 9, end: 9 },
      ],
      duplicates: [99, 98],
    };
    expect(decodeSack(...at(encodeSack(c)))).toEqual(c);
  });

  it('INIT and INIT ACK with their parameters', () => {
    const fixed = {
      initiateTag: 0xdeadbeef,
      arwnd: 131072,
      outboundStreams: 1024,
      inboundStreams: 2048,
      initialTsn: 42,
    };
    const unknown = encodeErrorCause(0xc123, Uint8Array.of(1, 2)); // same layout as a parameter
    const init = decodeInit(
      ...at(
        encodeInit(fixed, [encodeForwardTsnSupported(), encodeSupportedExtensions([0xc0, 0x82]), unknown]),
      ),
    );
    expect(init).toMatchObject(fixed);
    const p = readInitParams(init.params);
    expect(p.forwardTsnSupported).toBe(true);
    expect(p.supportedExtensions).toEqual([0xc0, 0x82]);
    expect(p.unrecognized.map((u) => u.type)).toEqual([0xc123]);
    const ack = decodeInitAck(...at(encodeInitAck(fixed, [encodeStateCookie(Uint8Array.of(1, 2, 3, 4, 5))])));
    expect(readInitParams(ack.params).stateCookie).toEqual(Uint8Array.of(1, 2, 3, 4, 5));
    expect(() => decodeInitAck(...at(encodeInitAck(fixed, [])))).toThrowError(SctpParseError);
    expect(() => decodeInit(...at(encodeInit({ ...fixed, initiateTag: 0 })))).toThrowError(SctpParseError);
  });

  it('applies the unknown-type rules of RFC 9260 §3.2 and §3.2.1', () => {
    expect(unknownChunkAction(0x3f)).toBe(UnknownChunkAction.Stop);
    expect(unknownChunkAction(0x40)).toBe(UnknownChunkAction.StopAndReport);
    expect(unknownChunkAction(0x80)).toBe(UnknownChunkAction.Skip);
    expect(unknownChunkAction(0xc1)).toBe(UnknownChunkAction.SkipAndReport);
    expect(unknownParamAction(0x0001)).toBe(UnknownParamAction.Stop);
    expect(unknownParamAction(0x4001)).toBe(UnknownParamAction.StopAndReport);
    expect(unknownParamAction(0x8001)).toBe(UnknownParamAction.Skip);
    expect(unknownParamAction(0xc001)).toBe(UnknownParamAction.SkipAndReport);
    // A 00 parameter stops the processing of the rest.
    const init = decodeInit(
      ...at(
        encodeInit({ initiateTag: 1, arwnd: 1, outboundStreams: 1, inboundStreams: 1, initialTsn: 1 }, [
          encodeErrorCause(0x0077, new Uint8Array(0)),
          encodeForwardTsnSupported(),
        ]),
      ),
    );
    expect(readInitParams(init.params).forwardTsnSupported).toBe(false);
  });

  it('HEARTBEAT, HEARTBEAT ACK, COOKIE ECHO, SHUTDOWN, SHUTDOWN COMPLETE', () => {
    const info = Uint8Array.of(1, 2, 3, 4, 5, 6, 7);
    expect(decodeHeartbeat(...at(encodeHeartbeat(info))).info).toEqual(info);
    expect(decodeHeartbeatAck(...at(encodeHeartbeatAck(info))).info).toEqual(info);
    expect(decodeCookieEcho(...at(encodeCookieEcho(info))).cookie).toEqual(info);
    expect(decodeShutdown(...at(encodeShutdown(0xffffffff)))).toEqual({ cumulativeTsnAck: 0xffffffff });
    expect(decodeShutdownComplete(...at(encodeShutdownComplete(true)))).toEqual({ reflected: true });
  });

  it('ABORT and ERROR with causes', () => {
    const causes = [encodeErrorCause(12, new TextEncoder().encode('bye')), encodeErrorCause(4)];
    const a = decodeAbort(...at(encodeAbort(true, causes)));
    expect(a.reflected).toBe(true);
    expect(a.causes.map((c) => c.code)).toEqual([12, 4]);
    expect(decodeError(...at(encodeError(causes))).causes).toHaveLength(2);
    expect(decodeErrorCauses(Uint8Array.of(0, 1, 0, 5, 9), 0, 5)).toHaveLength(1);
  });

  it('FORWARD TSN', () => {
    const c = {
      newCumulativeTsn: 77,
      streams: [
        { streamId: 1, ssn: 5 },
        { streamId: 4, ssn: 65535 },
      ],
    };
    expect(decodeForwardTsn(...at(encodeForwardTsn(c)))).toEqual(c);
  });

  it('RE-CONFIG with stream reset requests and responses', () => {
    const out = { requestSeq: 10, responseSeq: 9, senderLastTsn: 1234, streams: [0, 2, 4] };
    const inc = { requestSeq: 11, streams: [1] };
    const chunk = encodeReconfig([encodeOutgoingResetRequest(out), encodeIncomingResetRequest(inc)]);
    const r = decodeReconfig(...at(chunk));
    expect(r.params.map((p) => p.type)).toEqual([
      ParamType.OutgoingSsnResetRequest,
      ParamType.IncomingSsnResetRequest,
    ]);
    expect(decodeOutgoingResetRequest((r.params[0] as { value: Uint8Array }).value, 0)).toEqual(out);
    expect(decodeIncomingResetRequest((r.params[1] as { value: Uint8Array }).value, 0)).toEqual(inc);
    const resp = decodeReconfig(
      ...at(encodeReconfig([encodeReconfigResponse({ responseSeq: 10, result: ReconfigResult.InProgress })])),
    );
    expect(decodeReconfigResponse((resp.params[0] as { value: Uint8Array }).value, 0)).toEqual({
      responseSeq: 10,
      result: 6,
    });
  });

  it('DCEP OPEN and ACK', () => {
    const open = encodeDataChannelOpen({
      channelType: 0x81,
      priority: 1024,
      reliability: 5,
      label: 'label',
      protocol: 'proto',
    });
    expect(decodeDcep(open)).toEqual({
      type: 3,
      channelType: 0x81,
      priority: 1024,
      reliability: 5,
      label: 'label',
      protocol: 'proto',
    });
    expect(decodeDcep(Uint8Array.of(2))).toEqual({ type: 2 });
    expect(() => decodeDcep(Uint8Array.of(7))).toThrowError(expect.objectContaining({ code: 'BAD_DCEP' }));
    const badUtf8 = open.slice();
    badUtf8[12] = 0xff;
    expect(() => decodeDcep(badUtf8)).toThrowError(expect.objectContaining({ code: 'BAD_DCEP' }));
  });
});
