/**
 * SRTP/SRTCP interop with werift-rtp's SrtpSession/SrtcpSession, both directions, for the
 * profiles both implement: AES_CM_128_HMAC_SHA1_80 and AEAD_AES_128_GCM. The packets cross a
 * sequence number wrap, so both sides must agree on the rollover counter.
 */

import { describe, expect, it } from 'vitest';
import { RtpPacket, SrtcpSession, SrtpSession as WeriftSrtpSession } from 'werift-rtp';
import { isSrtpFailure, SrtpProfile, SrtpSession } from '../src/index.js';
import { toHex } from './support/hex.js';
import { masterKeys, rtcpPacket, rtpPacket } from './support/packets.js';

const PROFILES = [SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM] as const;

function sessions(profile: number) {
  const ours = masterKeys(profile, 3);
  const theirs = masterKeys(profile, 4);
  const weriftKeys = {
    localMasterKey: Buffer.from(theirs.key),
    localMasterSalt: Buffer.from(theirs.salt),
    remoteMasterKey: Buffer.from(ours.key),
    remoteMasterSalt: Buffer.from(ours.salt),
  };
  return {
    us: new SrtpSession({ profile, keys: { local: ours, remote: theirs } }),
    werift: new WeriftSrtpSession({ keys: weriftKeys, profile }),
    weriftRtcp: new SrtcpSession({ keys: weriftKeys, profile }),
  };
}

/** Sequence numbers from 65500 across the wrap, with header extensions on some packets. */
function packets(): Uint8Array[] {
  return Array.from({ length: 80 }, (_, i) =>
    rtpPacket(65500 + i, 0x5eed0001, 100 + (i % 7) * 150, {
      marker: i % 10 === 0,
      extensions: i % 3 === 0 ? [{ id: 1, data: Uint8Array.from([i, 0, 1]) }] : undefined,
      csrcs: i % 5 === 0 ? [0x100 + i] : undefined,
    }),
  );
}

describe.each(PROFILES.map((p) => [p]))('werift-rtp, profile 0x%s', (profile) => {
  it('werift unprotects what we protect (RTP)', () => {
    const { us, werift } = sessions(profile);
    for (const rtp of packets()) {
      const srtp = Buffer.from(us.protect(rtp));
      expect(toHex(werift.decrypt(srtp))).toBe(toHex(rtp));
    }
  });

  it('we unprotect what werift protects (RTP)', () => {
    const { us, werift } = sessions(profile);
    for (const rtp of packets()) {
      const parsed = RtpPacket.deSerialize(Buffer.from(rtp));
      const srtp = werift.encrypt(parsed.payload, parsed.header);
      const plain = us.unprotect(srtp);
      if (isSrtpFailure(plain)) throw new Error(`${plain.code}: ${plain.detail}`);
      expect(toHex(plain)).toBe(toHex(rtp));
    }
    expect(us.streamStats('inbound', 0x5eed0001)?.roc).toBe(1);
  });

  it('RTCP both ways', () => {
    const { us, weriftRtcp } = sessions(profile);
    for (let i = 0; i < 5; i++) {
      const rtcp = rtcpPacket(0x5eed0002 + i);
      expect(toHex(weriftRtcp.decrypt(Buffer.from(us.protectRtcp(rtcp))))).toBe(toHex(rtcp));
      const plain = us.unprotectRtcp(weriftRtcp.encrypt(Buffer.from(rtcp)));
      if (isSrtpFailure(plain)) throw new Error(`${plain.code}: ${plain.detail}`);
      expect(toHex(plain)).toBe(toHex(rtcp));
    }
  });
});
