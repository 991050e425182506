/** RTP packets for tests: a fixed header pattern, a payload that depends on the sequence number. */
import { encodeRtpPacket, type RtpPacketInit } from '../../src/index.js';

export function rtpPacket(
  seq: number,
  ssrc = 0x11223344,
  payloadLength = 160,
  extra: Partial<RtpPacketInit> = {},
): Uint8Array {
  const payload = new Uint8Array(payloadLength);
  for (let i = 0; i < payloadLength; i++) payload[i] = (seq * 7 + i) & 0xff;
  return encodeRtpPacket({
    payloadType: 111,
    sequenceNumber: seq & 0xffff,
    timestamp: (seq * 960) >>> 0,
    ssrc,
    payload,
    ...extra,
  });
}

/** A receiver report from `ssrc` with one report block, 32 bytes. */
export function rtcpPacket(ssrc = 0x11223344): Uint8Array {
  const b = Buffer.alloc(32);
  b.writeUInt8(0x81, 0);
  b.writeUInt8(201, 1);
  b.writeUInt16BE(7, 2);
  b.writeUInt32BE(ssrc, 4);
  b.writeUInt32BE(0xcafebabe, 8);
  for (let i = 12; i < 32; i++) b[i] = i;
  return new Uint8Array(b);
}

export const ALL_PROFILES = [0x0001, 0x0002, 0x0007, 0x0008] as const;

export function masterKeys(profile: number, seed = 1): { key: Uint8Array; salt: Uint8Array } {
  const keyLength = profile === 0x0008 ? 32 : 16;
  const saltLength = profile >= 0x0007 ? 12 : 14;
  const key = new Uint8Array(keyLength).map((_, i) => (i * 31 + seed * 17) & 0xff);
  const salt = new Uint8Array(saltLength).map((_, i) => (i * 13 + seed * 101) & 0xff);
  return { key, salt };
}
