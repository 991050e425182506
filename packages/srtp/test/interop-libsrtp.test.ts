/**
 * Interop with libsrtp, the reference implementation (through Debian's python3-pylibsrtp, which
 * .ci/run installs), for every profile: libsrtp protects and we unprotect, we protect and libsrtp
 * unprotects; RTP across a sequence number wrap and RTCP with and without encryption. Each side
 * also rejects the other's replayed and tampered packets. In CI these tests must run: a missing
 * pylibsrtp is a failure there, a skip elsewhere.
 *
 * Unencrypted SRTCP (E = 0): libsrtp's AES-CM path refuses an E bit that differs from its policy
 * (srtp_err_status_cant_check) and pylibsrtp cannot set an authentication-only policy, so E = 0 is
 * exchanged with libsrtp under the GCM profiles, whose path accepts it; we accept E = 0 under
 * every profile (the bit is authenticated, RFC 3711 §3.4).
 */
import { describe, expect, it } from 'vitest';
import { isSrtpFailure, type SrtpFailure, SrtpProfile, SrtpSession } from '../src/index.js';
import { hex, toHex } from './support/hex.js';
import { type LibsrtpRequest, libsrtpAvailable, runLibsrtp } from './support/libsrtp.js';
import { masterKeys, rtcpPacket, rtpPacket } from './support/packets.js';

const ci = process.env['CI'] !== undefined && !['', '0', 'false'].includes(process.env['CI']);

const PROFILES = [
  SrtpProfile.AES_CM_128_HMAC_SHA1_80,
  SrtpProfile.AES_CM_128_HMAC_SHA1_32,
  SrtpProfile.AEAD_AES_128_GCM,
  SrtpProfile.AEAD_AES_256_GCM,
] as const;

function ok(r: Uint8Array | SrtpFailure): Uint8Array {
  if (isSrtpFailure(r)) throw new Error(`${r.code}: ${r.detail}`);
  return r;
}

/** RTP packets from seq 65480 across the wrap, with CSRCs, extensions and padding on some. */
function rtpPackets(ssrc: number): Uint8Array[] {
  return Array.from({ length: 100 }, (_, i) =>
    rtpPacket(65480 + i, ssrc, 40 + ((i * 97) % 1100), {
      marker: i % 9 === 0,
      csrcs: i % 4 === 0 ? [0x1000 + i, 0x2000 + i] : undefined,
      extensions: i % 3 === 0 ? [{ id: 2, data: Uint8Array.from([i, 1, 2, 3]) }] : undefined,
      paddingLength: i % 11 === 0 ? 4 : 0,
    }),
  );
}

/** RTCP packets from three sender SSRCs (each SSRC has its own SRTCP index). */
function rtcpPackets(base = 0xc0de0000): Uint8Array[] {
  return Array.from({ length: 10 }, (_, i) => rtcpPacket(base + (i % 3)));
}

function keyHex(k: { key: Uint8Array; salt: Uint8Array }): string {
  return toHex(k.key) + toHex(k.salt);
}

if (!libsrtpAvailable()) {
  if (ci) {
    it('libsrtp (python3-pylibsrtp) is installed (CI)', () => {
      expect.fail('/usr/bin/python3 cannot import pylibsrtp; CI must run the libsrtp interop tests');
    });
  } else {
    console.warn(
      'python3-pylibsrtp not installed: skipping the libsrtp interop tests (apt-get install -y python3-pylibsrtp)',
    );
    it.skip('SRTP interop with libsrtp (python3-pylibsrtp not installed)', () => {});
  }
} else {
  describe('libsrtp', () => {
    it('answers', () => {
      expect(runLibsrtp([{ op: 'hello' }])[0]).toMatchObject({ ok: true });
    });

    describe.each(PROFILES.map((p) => [p]))('profile 0x%s', (profile) => {
      const ourKey = masterKeys(profile, 5);
      const theirKey = masterKeys(profile, 6);
      const session = (encryptRtcp = true) =>
        new SrtpSession({ profile, keys: { local: ourKey, remote: theirKey }, encryptRtcp });
      const libsrtpSessions: LibsrtpRequest[] = [
        { op: 'session', session: 'tx', profile, key: keyHex(theirKey), direction: 'outbound' },
        { op: 'session', session: 'rx', profile, key: keyHex(ourKey), direction: 'inbound' },
      ];

      it('we unprotect what libsrtp protects: RTP across the wrap, RTCP', () => {
        const rtp = rtpPackets(0xabc00001);
        const rtcp = rtcpPackets();
        const answers = runLibsrtp([
          ...libsrtpSessions,
          ...rtp.map((p): LibsrtpRequest => ({ op: 'protect', session: 'tx', packet: toHex(p) })),
          ...rtcp.map((p): LibsrtpRequest => ({ op: 'protect_rtcp', session: 'tx', packet: toHex(p) })),
        ]).slice(2);
        const us = session();
        answers.forEach((a, i) => {
          expect(a.ok, a.error).toBe(true);
          const protectedPacket = hex(a.packet as string);
          if (i < rtp.length)
            expect(toHex(ok(us.unprotect(protectedPacket)))).toBe(toHex(rtp[i] as Uint8Array));
          else
            expect(toHex(ok(us.unprotectRtcp(protectedPacket)))).toBe(
              toHex(rtcp[i - rtp.length] as Uint8Array),
            );
        });
        expect(us.streamStats('inbound', 0xabc00001)).toMatchObject({
          packets: 100,
          roc: 1,
          authFailures: 0,
        });
        // Replayed and tampered libsrtp packets are refused, typed.
        const last = hex(answers[rtp.length - 1]?.packet as string);
        expect((us.unprotect(last) as SrtpFailure).code).toBe('REPLAYED');
        const tampered = hex(answers[rtp.length]?.packet as string);
        tampered[9] = (tampered[9] as number) ^ 1;
        expect((session().unprotectRtcp(tampered) as SrtpFailure).code).toBe('AUTH_FAILED');
      });

      it('libsrtp unprotects what we protect: RTP across the wrap, RTCP', () => {
        const us = session();
        const aead = profile === SrtpProfile.AEAD_AES_128_GCM || profile === SrtpProfile.AEAD_AES_256_GCM;
        const rtp = rtpPackets(0xabc00002);
        // Under GCM also unencrypted SRTCP, from other SSRCs (see the header comment).
        const rtcp = aead ? [...rtcpPackets(), ...rtcpPackets(0xc0de1000)] : rtcpPackets();
        const usPlainRtcp = session(false);
        const srtp = rtp.map((p) => us.protect(p).slice());
        const srtcp = rtcp.map((p, i) => (i < 10 ? us : usPlainRtcp).protectRtcp(p).slice());
        const lastSrtp = srtp[srtp.length - 1] as Uint8Array;
        const tampered = (srtp[0] as Uint8Array).slice();
        tampered[20] = (tampered[20] as number) ^ 0x80;
        const answers = runLibsrtp([
          ...libsrtpSessions,
          ...srtp.map((p): LibsrtpRequest => ({ op: 'unprotect', session: 'rx', packet: toHex(p) })),
          ...srtcp.map((p): LibsrtpRequest => ({ op: 'unprotect_rtcp', session: 'rx', packet: toHex(p) })),
          { op: 'unprotect', session: 'rx', packet: toHex(lastSrtp) },
          { op: 'unprotect', session: 'rx', packet: toHex(tampered) },
        ]).slice(2);
        const expected = [...rtp, ...rtcp];
        expected.forEach((p, i) => {
          const a = answers[i];
          expect(a?.ok, a?.error).toBe(true);
          expect(a?.packet).toBe(toHex(p));
        });
        expect(answers[expected.length]).toMatchObject({ ok: false, error: expect.stringMatching(/replay/) });
        expect(answers[expected.length + 1]).toMatchObject({ ok: false });
      });
    });
  });
}
