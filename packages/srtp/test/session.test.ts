/**
 * SrtpSession: round trips in every profile, the packet index across sequence wrap (RFC 3711
 * §3.3.1), replay windows (§3.3.2), SRTCP index and E bit (§3.4), DTLS-SRTP key layout (RFC 5764
 * §4.2), typed failures and per-SSRC counters, output buffers and in-place operation.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeRtpPacket,
  isSrtpFailure,
  SrtpError,
  type SrtpFailure,
  SrtpProfile,
  SrtpSession,
  type SrtpSessionOptions,
} from '../src/index.js';
import { toHex } from './support/hex.js';
import { ALL_PROFILES, masterKeys, rtcpPacket, rtpPacket } from './support/packets.js';

function pair(profile: number, options: Partial<SrtpSessionOptions> = {}): [SrtpSession, SrtpSession] {
  const a = masterKeys(profile, 1);
  const b = masterKeys(profile, 2);
  return [
    new SrtpSession({ profile, keys: { local: a, remote: b }, ...options }),
    new SrtpSession({ profile, keys: { local: b, remote: a }, ...options }),
  ];
}

function ok(r: Uint8Array | SrtpFailure): Uint8Array {
  if (isSrtpFailure(r)) throw new Error(`${r.code}: ${r.detail}`);
  return r;
}

function code(r: Uint8Array | SrtpFailure): string {
  return isSrtpFailure(r) ? r.code : 'OK';
}

describe.each(ALL_PROFILES.map((p) => [p]))('profile 0x%s', (profile) => {
  const overhead = profile === SrtpProfile.AES_CM_128_HMAC_SHA1_32 ? 4 : profile <= 2 ? 10 : 16;

  it('round-trips RTP with CSRCs, extensions and padding, and changes the payload', () => {
    const [alice, bob] = pair(profile);
    const rtp = rtpPacket(1000, 0xabcdef01, 300, {
      csrcs: [1, 2, 3],
      extensions: [{ id: 3, data: new Uint8Array([1, 2, 3]) }],
      paddingLength: 5,
      marker: true,
    });
    const srtp = alice.protect(rtp).slice();
    expect(srtp.length).toBe(rtp.length + overhead);
    const headerLength = decodeRtpPacket(rtp).header.headerLength;
    expect(toHex(srtp.subarray(0, headerLength))).toBe(toHex(rtp.subarray(0, headerLength)));
    expect(toHex(srtp.subarray(headerLength, rtp.length))).not.toBe(toHex(rtp.subarray(headerLength)));
    expect(toHex(ok(bob.unprotect(srtp)))).toBe(toHex(rtp));
  });

  it('round-trips RTCP, index counting from 0 with the E bit', () => {
    const [alice, bob] = pair(profile);
    const rtcp = rtcpPacket(0x55667788);
    for (let i = 0; i < 3; i++) {
      const srtcp = alice.protectRtcp(rtcp).slice();
      expect(srtcp.length).toBe(rtcp.length + 4 + (profile <= 2 ? 10 : 16));
      const at = profile <= 2 ? srtcp.length - 14 : srtcp.length - 4;
      expect(Buffer.from(srtcp).readUInt32BE(at)).toBe((0x80000000 + i) >>> 0);
      expect(toHex(srtcp.subarray(0, 8))).toBe(toHex(rtcp.subarray(0, 8)));
      expect(toHex(ok(bob.unprotectRtcp(srtcp)))).toBe(toHex(rtcp));
    }
  });

  it('sends RTCP unencrypted (E = 0) when asked, and the receiver follows the E bit', () => {
    const [alice] = pair(profile, { encryptRtcp: false });
    const [, bob] = pair(profile);
    const rtcp = rtcpPacket();
    const srtcp = alice.protectRtcp(rtcp).slice();
    expect(toHex(srtcp.subarray(0, rtcp.length))).toBe(toHex(rtcp));
    expect(toHex(ok(bob.unprotectRtcp(srtcp)))).toBe(toHex(rtcp));
  });

  it('authenticates without encrypting RTP when both ends say encryptRtp: false', () => {
    const [alice, bob] = pair(profile, { encryptRtp: false });
    const rtp = rtpPacket(5);
    const srtp = alice.protect(rtp).slice();
    expect(toHex(srtp.subarray(0, rtp.length))).toBe(toHex(rtp));
    expect(toHex(ok(bob.unprotect(srtp)))).toBe(toHex(rtp));
    // A receiver that expects encryption: AES-CM authenticates the same bytes either way and
    // "decrypts" into garbage; GCM's associated data differs, so the tag fails.
    const [, carol] = pair(profile);
    const r = carol.unprotect(srtp);
    if (isSrtpFailure(r)) expect(r.code).toBe('AUTH_FAILED');
    else expect(toHex(r)).not.toBe(toHex(rtp));
  });

  it('follows the rollover counter across the sequence wrap, with reordering on both sides', () => {
    const [alice, bob] = pair(profile);
    const sent: Uint8Array[] = [];
    for (let seq = 65530; seq < 65536 + 10; seq++) sent.push(alice.protect(rtpPacket(seq)).slice());
    // Deliver with the packets around the wrap swapped: 65535 after 0, 1 before 65534.
    const order = [0, 1, 2, 3, 6, 5, 7, 4, 8, 9, 10, 11, 12, 13, 14, 15];
    for (const i of order) {
      const plain = ok(bob.unprotect(sent[i] as Uint8Array));
      expect(decodeRtpPacket(plain).header.sequenceNumber).toBe((65530 + i) & 0xffff);
    }
    expect(bob.streamStats('inbound', 0x11223344)?.roc).toBe(1);
    expect(alice.streamStats('outbound', 0x11223344)?.roc).toBe(1);
    expect(bob.streamStats('inbound', 0x11223344)?.highestIndex).toBe(65536 + 9);
  });

  it('keeps the rollover counter through several wraps', () => {
    const [alice, bob] = pair(profile);
    for (let i = 0; i < 3 * 65536 + 100; i += 97) {
      expect(code(bob.unprotect(alice.protect(rtpPacket(i, 7, 20))))).toBe('OK');
    }
    expect(bob.streamStats('inbound', 7)?.roc).toBe(3);
  });

  it('rejects replays and packets older than the window, typed and counted per SSRC', () => {
    const [alice, bob] = pair(profile, { replayWindow: 64 });
    const first = alice.protect(rtpPacket(100)).slice();
    expect(code(bob.unprotect(first))).toBe('OK');
    expect(code(bob.unprotect(first))).toBe('REPLAYED');
    const old = alice.protect(rtpPacket(101)).slice();
    for (let seq = 102; seq < 200; seq++) ok(bob.unprotect(alice.protect(rtpPacket(seq))));
    const r = bob.unprotect(old);
    expect(code(r)).toBe('REPLAYED');
    expect((r as SrtpFailure).detail).toMatch(/older/);
    const rtcp1 = alice.protectRtcp(rtcpPacket()).slice();
    ok(bob.unprotectRtcp(rtcp1));
    expect(code(bob.unprotectRtcp(rtcp1))).toBe('REPLAYED');
    const stats = bob.streamStats('inbound', 0x11223344);
    expect(stats).toMatchObject({ packets: 99, replays: 2, rtcpPackets: 1, rtcpReplays: 1, authFailures: 0 });
  });

  it('accepts reordering inside a large window', () => {
    const [alice, bob] = pair(profile, { replayWindow: 2048 });
    const sent = Array.from({ length: 1500 }, (_, i) => alice.protect(rtpPacket(i)).slice());
    for (let i = 1499; i >= 0; i -= 2) ok(bob.unprotect(sent[i] as Uint8Array));
    for (let i = 0; i < 1500; i += 2) ok(bob.unprotect(sent[i] as Uint8Array));
    for (const p of sent) expect(code(bob.unprotect(p))).toBe('REPLAYED');
  });

  it('types and counts forgeries, without state for the forged SSRC', () => {
    const [alice, bob] = pair(profile);
    const srtp = alice.protect(rtpPacket(1)).slice();
    for (let i = 0; i < srtp.length; i++) {
      const bad = srtp.slice();
      bad[i] = (bad[i] as number) ^ 0x04;
      const r = bob.unprotect(bad);
      expect(code(r)).not.toBe('OK');
    }
    ok(bob.unprotect(srtp));
    const tampered = alice.protectRtcp(rtcpPacket()).slice();
    tampered[12] = (tampered[12] as number) ^ 1;
    expect(code(bob.unprotectRtcp(tampered))).toBe('AUTH_FAILED');
    const s = bob.streamStats('inbound', 0x11223344);
    expect(s?.authFailures).toBeGreaterThan(srtp.length - 30);
    expect(s?.rtcpAuthFailures).toBe(1);
    expect(s?.packets).toBe(1);
  });

  it('reports malformed input without throwing', () => {
    const [, bob] = pair(profile);
    expect(code(bob.unprotect(new Uint8Array(5)))).toBe('MALFORMED');
    expect(code(bob.unprotect(new Uint8Array(40)))).toBe('MALFORMED'); // version 0
    const cc15 = new Uint8Array(40);
    cc15[0] = 0x8f; // 15 CSRCs: the header runs into the tag
    cc15[11] = 9;
    expect(code(bob.unprotect(cc15))).toBe('MALFORMED');
    expect(code(bob.unprotectRtcp(new Uint8Array(3)))).toBe('MALFORMED');
    const short = new Uint8Array(12);
    short[0] = 0x80;
    short[7] = 9;
    expect(code(bob.unprotectRtcp(short))).toBe('MALFORMED');
    const huge = new Uint8Array(0x10001);
    huge[0] = 0x80;
    expect(code(bob.unprotect(huge))).toBe('MALFORMED');
    expect(bob.stats.unattributed).toEqual({ malformed: 3, rtcpMalformed: 1 });
    expect(bob.streamStats('inbound', 9)).toMatchObject({ malformed: 1, rtcpMalformed: 1 });
  });

  it('writes into the caller’s buffer, and in place', () => {
    const [alice, bob] = pair(profile);
    const rtp = rtpPacket(42, 0x1234, 200);
    const expected = toHex(rtp);
    const out = new Uint8Array(1500);
    const srtp = alice.protect(rtp, out.subarray(3));
    expect(srtp.buffer).toBe(out.buffer);
    expect(srtp.byteOffset).toBe(3);
    // In place: the SRTP packet decrypted over itself.
    const buf = new Uint8Array(srtp.length + 8);
    buf.set(srtp, 4);
    const plain = ok(bob.unprotect(buf.subarray(4, 4 + srtp.length), buf.subarray(4)));
    expect(plain.byteOffset).toBe(4);
    expect(toHex(plain)).toBe(expected);
    // Protect in place: room for the tag after the packet.
    const next = rtpPacket(43, 0x1234, 200);
    const room = new Uint8Array(next.length + 16);
    room.set(next);
    const inPlace = alice.protect(room.subarray(0, next.length), room);
    expect(inPlace.buffer).toBe(room.buffer);
    expect(toHex(ok(bob.unprotect(inPlace.slice())))).toBe(toHex(next));
  });

  it('needs no more room in out than the plain packet, and writes nothing for a forgery', () => {
    const [alice, bob] = pair(profile);
    const rtp = rtpPacket(9, 0x99, 333);
    const srtp = alice.protect(rtp).slice();
    const out = new Uint8Array(rtp.length).fill(0xee);
    const forged = srtp.slice();
    forged[40] = (forged[40] as number) ^ 1;
    expect(code(bob.unprotect(forged, out))).toBe('AUTH_FAILED');
    expect(out.every((b) => b === 0xee)).toBe(true);
    expect(toHex(ok(bob.unprotect(srtp, out)))).toBe(toHex(rtp));
    const rtcp = rtcpPacket(0x99);
    const srtcp = alice.protectRtcp(rtcp).slice();
    const rtcpOut = new Uint8Array(rtcp.length);
    expect(toHex(ok(bob.unprotectRtcp(srtcp, rtcpOut)))).toBe(toHex(rtcp));
  });

  it('throws SrtpError for its caller’s mistakes only', () => {
    const [alice, bob] = pair(profile);
    expect(() => alice.protect(new Uint8Array(4))).toThrow(SrtpError);
    expect(() => alice.protect(rtpPacket(1, 1, 0x10000))).toThrow(/MALFORMED/);
    expect(() => alice.protect(rtpPacket(1), new Uint8Array(20))).toThrow(/BUFFER_TOO_SMALL/);
    expect(() => alice.protectRtcp(new Uint8Array(4))).toThrow(/MALFORMED/);
    const srtp = alice.protect(rtpPacket(2)).slice();
    expect(code(bob.unprotect(srtp, new Uint8Array(10)))).toBe('BUFFER_TOO_SMALL');
  });
});

describe('keys', () => {
  it('splits DTLS-SRTP keying material by role (RFC 5764 §4.2)', () => {
    const material = Uint8Array.from({ length: 60 }, (_, i) => i);
    const client = SrtpSession.fromKeyingMaterial(material, SrtpProfile.AES_CM_128_HMAC_SHA1_80, 'client');
    const server = SrtpSession.fromKeyingMaterial(material, SrtpProfile.AES_CM_128_HMAC_SHA1_80, 'server');
    expect(toHex(client.local.key)).toBe(toHex(material.subarray(0, 16)));
    expect(toHex(client.remote.key)).toBe(toHex(material.subarray(16, 32)));
    expect(toHex(client.local.salt)).toBe(toHex(material.subarray(32, 46)));
    expect(toHex(client.remote.salt)).toBe(toHex(material.subarray(46, 60)));
    expect(server.local).toEqual(client.remote);
    expect(server.remote).toEqual(client.local);
    const gcm = SrtpSession.fromKeyingMaterial(new Uint8Array(88), SrtpProfile.AEAD_AES_256_GCM, 'server');
    expect([gcm.local.key.length, gcm.local.salt.length]).toEqual([32, 12]);
  });

  it('gives both ends of a DTLS handshake matching sessions', () => {
    for (const profile of ALL_PROFILES) {
      const length = profile === 8 ? 88 : profile === 7 ? 56 : 60;
      const material = Uint8Array.from({ length }, (_, i) => (i * 7) & 0xff);
      const client = new SrtpSession({
        profile,
        keys: SrtpSession.fromKeyingMaterial(material, profile, 'client'),
      });
      const server = new SrtpSession({
        profile,
        keys: SrtpSession.fromKeyingMaterial(material, profile, 'server'),
      });
      ok(server.unprotect(client.protect(rtpPacket(1))));
      ok(client.unprotect(server.protect(rtpPacket(1))));
      ok(client.unprotectRtcp(server.protectRtcp(rtcpPacket())));
    }
  });

  it('refuses wrong lengths, unknown profiles and bad options', () => {
    const keys = { local: masterKeys(1), remote: masterKeys(1) };
    expect(() => SrtpSession.fromKeyingMaterial(new Uint8Array(59), 1, 'client')).toThrow(/BAD_KEY/);
    expect(() => new SrtpSession({ profile: 0x0003, keys })).toThrow(/BAD_PROFILE/);
    expect(() => new SrtpSession({ profile: 7, keys })).toThrow(/BAD_KEY/);
    expect(() => new SrtpSession({ profile: 1, keys, replayWindow: 10 })).toThrow(/BAD_OPTION/);
    expect(() => new SrtpSession({ profile: 1, keys, maxStreams: 0 })).toThrow(/BAD_OPTION/);
  });
});

describe('stream limits', () => {
  it('forgets the oldest stream past maxStreams and bounds counters of strangers', () => {
    const [alice, bob] = pair(1, { maxStreams: 4 });
    for (let ssrc = 1; ssrc <= 6; ssrc++) ok(bob.unprotect(alice.protect(rtpPacket(1, ssrc))));
    expect([...bob.stats.inbound.keys()]).toEqual([3, 4, 5, 6]);
    const junk = rtpPacket(1, 0);
    for (let ssrc = 100; ssrc < 400; ssrc++) {
      junk.set([ssrc >>> 24, (ssrc >>> 16) & 0xff, (ssrc >>> 8) & 0xff, ssrc & 0xff], 8);
      expect(code(bob.unprotect(junk))).toBe('AUTH_FAILED');
    }
    expect(bob.stats.inbound.size).toBeLessThanOrEqual(4 + 64);
  });
});
