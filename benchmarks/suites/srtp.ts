/**
 * SRTP (@purertc/srtp) against werift-rtp's SrtpSession, per profile: protect and unprotect of a
 * 1200-byte RTP packet (24-byte header with two one-byte header extensions, as a browser sends
 * video: transport-wide sequence number and abs-send-time; 1176 bytes of payload).
 *
 * - ours: `SrtpSession.protect(rtp, out)` / `unprotect(srtp, out)` with a reused output buffer:
 *   header parse, SSRC lookup, packet index and ROC, replay window, counters, the crypto;
 * - theirs: werift-rtp the way werift's RTCRtpSender/Receiver call it: `encrypt(payload, header)`
 *   with a reused RtpHeader object, `decrypt(buffer)` (no replay protection); only for the two
 *   profiles werift implements (AES_CM_128_HMAC_SHA1_80 and AEAD_AES_128_GCM);
 * - ceiling: the same cipher and MAC work done by bare node:crypto for one fixed stream, with no
 *   RTP parsing, no index estimate, no replay window, no counters. It uses the fastest form of
 *   the primitives we measured (see the header of packages/srtp/src/srtp/crypto.ts): for AES-CM
 *   one reused AES-ECB context encrypting the packet's counter blocks, XORed in on 32-bit words,
 *   and HMAC-SHA1 as two one-shot `crypto.hash` calls; for GCM `createCipheriv`/`createDecipheriv`
 *   per packet.
 *   Its packets are byte-identical to ours (`check()`), so it does the same work, and no less.
 *
 * Unprotect cycles through a pool of packets with consecutive sequence numbers; every pass over
 * the pool starts a new receiving session on each side (otherwise the replay window, or werift's
 * rollover counter, would reject the second pass). That costs one key derivation per 2048 packets.
 */
import { createCipheriv, createDecipheriv, createSecretKey, hash } from 'node:crypto';
import { type RtpHeader, RtpPacket, SrtpSession as WeriftSrtpSession } from 'werift-rtp';
import {
  deriveSessionKey,
  encodeRtpPacket,
  isSrtpFailure,
  KdfLabel,
  SrtpProfile,
  SrtpSession,
} from '../../packages/srtp/src/index.js';
import type { BenchCase, Op, Suite } from '../harness.js';
import { packageVersion } from '../versions.js';

const SSRC = 0x5eed5eed;
const PACKET_LENGTH = 1200;
const POOL = 2048;

interface MasterKey {
  readonly key: Uint8Array;
  readonly salt: Uint8Array;
}

function master(keyLength: number, saltLength: number, seed: number): MasterKey {
  return {
    key: Uint8Array.from({ length: keyLength }, (_, i) => (i * 29 + seed * 71) & 0xff),
    salt: Uint8Array.from({ length: saltLength }, (_, i) => (i * 43 + seed * 13) & 0xff),
  };
}

/** The packet with sequence number `seq`: a browser-like header and a payload of counting bytes. */
function rtp(seq: number): Uint8Array {
  const extensions = [
    { id: 3, data: Uint8Array.of(seq >> 8, seq & 0xff) }, // transport-wide-cc sequence number
    { id: 2, data: Uint8Array.of(0x12, 0x34, 0x56) }, // abs-send-time
  ];
  const headerLength = 12 + 4 + 8;
  const payload = Uint8Array.from({ length: PACKET_LENGTH - headerLength }, (_, i) => (i * 7 + seq) & 0xff);
  return encodeRtpPacket({
    payloadType: 96,
    sequenceNumber: seq,
    timestamp: 3000 * seq,
    ssrc: SSRC,
    extensions,
    payload,
  });
}

const HEADER_LENGTH = 24;

function setSeq(packet: Uint8Array, seq: number): void {
  packet[2] = seq >>> 8;
  packet[3] = seq & 0xff;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

// ---------------------------------------------------------------------------------------------
// The ceiling: bare node:crypto, one fixed stream (SSRC and ROC 0 known), correct SRTP packets.

interface Ceiling {
  /** Protects `packet` (sequence number `seq`) into `out`; returns the length. */
  protect(packet: Uint8Array, seq: number, out: Uint8Array): number;
  /** Unprotects `srtp` (sequence number `seq`) into `out`; returns the length, -1 on a bad tag. */
  unprotect(srtp: Uint8Array, seq: number, out: Uint8Array): number;
}

function ivInto(iv: Uint8Array, salt: Uint8Array, seq: number, gcm: boolean): void {
  iv.fill(0);
  iv.set(salt);
  const s = gcm ? 2 : 4; // SSRC at byte 2 (GCM, RFC 7714 §8.1) or 4 (AES-CM, RFC 3711 §4.1.1)
  iv[s] = (iv[s] as number) ^ (SSRC >>> 24);
  iv[s + 1] = (iv[s + 1] as number) ^ ((SSRC >>> 16) & 0xff);
  iv[s + 2] = (iv[s + 2] as number) ^ ((SSRC >>> 8) & 0xff);
  iv[s + 3] = (iv[s + 3] as number) ^ (SSRC & 0xff);
  const q = gcm ? 10 : 12; // ROC 0, then SEQ
  iv[q] = (iv[q] as number) ^ (seq >>> 8);
  iv[q + 1] = (iv[q + 1] as number) ^ (seq & 0xff);
}

function cmCeiling(m: MasterKey, tagLength: number): Ceiling {
  const ecb = createCipheriv(
    'aes-128-ecb',
    deriveSessionKey(m.key, m.salt, KdfLabel.SRTP_ENCRYPTION, 16),
    null,
  );
  ecb.setAutoPadding(false);
  const salt = deriveSessionKey(m.key, m.salt, KdfLabel.SRTP_SALT, 14);
  const authKey = deriveSessionKey(m.key, m.salt, KdfLabel.SRTP_AUTHENTICATION, 20);
  // HMAC-SHA1 as two one-shot hashes: (K ^ ipad) || message, then (K ^ opad) || inner hash.
  const message = new Uint8Array(64 + 1500);
  const outer = new Uint8Array(84);
  for (let i = 0; i < 64; i++) {
    message[i] = (authKey[i] ?? 0) ^ 0x36;
    outer[i] = (authKey[i] ?? 0) ^ 0x5c;
  }
  const message32 = new Uint32Array(message.buffer);
  const blocks = Math.ceil((PACKET_LENGTH - HEADER_LENGTH) / 16);
  const counters = new Uint8Array(blocks * 16);
  const counters32 = new Uint32Array(counters.buffer);
  const iv = new Uint8Array(16);
  const iv32 = new Uint32Array(iv.buffer);
  const stream = new Uint8Array(blocks * 16);
  const stream32 = new Uint32Array(stream.buffer);
  const at = 64;
  const mac = (length: number): Buffer => {
    outer.set(hash('sha1', message.subarray(0, at + length), 'buffer'), 64);
    return hash('sha1', outer, 'buffer');
  };

  /** XORs the keystream of sequence number `seq` over message[at + HEADER_LENGTH, at + end). */
  const crypt = (end: number, seq: number): void => {
    ivInto(iv, salt, seq, false);
    // One fixed stream: words 0..2 of every counter block (salt, SSRC, ROC) never change.
    if (counters32[0] !== iv32[0] || counters32[1] !== iv32[1] || counters32[2] !== iv32[2]) {
      for (let o = 0; o < counters32.length; o += 4) {
        counters32[o] = iv32[0] as number;
        counters32[o + 1] = iv32[1] as number;
        counters32[o + 2] = iv32[2] as number;
      }
    }
    for (let j = 0, o = 3; j < blocks; j++, o += 4) {
      counters32[o] = (iv32[3] as number) | ((j & 0xff) << 24) | ((j >>> 8) << 16); // little-endian host
    }
    stream.set(ecb.update(counters));
    const base = (at + HEADER_LENGTH) >>> 2;
    const n = (end - HEADER_LENGTH) >>> 2;
    for (let i = 0; i < n; i++)
      message32[base + i] = (message32[base + i] as number) ^ (stream32[i] as number);
    for (let i = n << 2; i < end - HEADER_LENGTH; i++)
      message[at + HEADER_LENGTH + i] = (message[at + HEADER_LENGTH + i] as number) ^ (stream[i] as number);
  };

  return {
    protect(packet, seq, out) {
      const length = packet.length;
      message.set(packet, at);
      crypt(length, seq);
      message.fill(0, at + length, at + length + 4); // ROC 0
      const tag = mac(length + 4);
      out.set(message.subarray(at, at + length));
      for (let i = 0; i < tagLength; i++) out[length + i] = tag[i] as number;
      return length + tagLength;
    },
    unprotect(srtp, seq, out) {
      const end = srtp.length - tagLength;
      message.set(srtp, at);
      message.fill(0, at + end, at + end + 4); // ROC 0
      const tag = mac(end + 4);
      let diff = 0;
      for (let i = 0; i < tagLength; i++) diff |= (tag[i] as number) ^ (srtp[end + i] as number);
      if (diff !== 0) return -1;
      crypt(end, seq);
      out.set(message.subarray(at, at + end));
      return end;
    },
  };
}

function gcmCeiling(m: MasterKey): Ceiling {
  const algorithm = m.key.length === 32 ? 'aes-256-gcm' : 'aes-128-gcm';
  const key = createSecretKey(deriveSessionKey(m.key, m.salt, KdfLabel.SRTP_ENCRYPTION, m.key.length));
  const salt = deriveSessionKey(m.key, m.salt, KdfLabel.SRTP_SALT, 12);
  const iv = new Uint8Array(12);
  const options = { authTagLength: 16 } as const;
  return {
    protect(packet, seq, out) {
      ivInto(iv, salt, seq, true);
      const c = createCipheriv(algorithm, key, iv, options);
      c.setAAD(packet.subarray(0, HEADER_LENGTH));
      const ct = c.update(packet.subarray(HEADER_LENGTH));
      c.final();
      for (let i = 0; i < HEADER_LENGTH; i++) out[i] = packet[i] as number;
      out.set(ct, HEADER_LENGTH);
      out.set(c.getAuthTag(), packet.length);
      return packet.length + 16;
    },
    unprotect(srtp, seq, out) {
      ivInto(iv, salt, seq, true);
      const end = srtp.length - 16;
      const d = createDecipheriv(algorithm, key, iv, options);
      d.setAuthTag(srtp.subarray(end));
      d.setAAD(srtp.subarray(0, HEADER_LENGTH));
      const pt = d.update(srtp.subarray(HEADER_LENGTH, end));
      try {
        d.final();
      } catch {
        return -1;
      }
      for (let i = 0; i < HEADER_LENGTH; i++) out[i] = srtp[i] as number;
      out.set(pt, HEADER_LENGTH);
      return end;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Cases

interface ProfileSpec {
  readonly id: number;
  readonly name: string;
  readonly keyLength: number;
  readonly saltLength: number;
  readonly tagLength: number;
  readonly werift: boolean;
}

const PROFILES: readonly ProfileSpec[] = [
  {
    id: SrtpProfile.AES_CM_128_HMAC_SHA1_80,
    name: 'AES_CM_128_HMAC_SHA1_80',
    keyLength: 16,
    saltLength: 14,
    tagLength: 10,
    werift: true,
  },
  {
    id: SrtpProfile.AES_CM_128_HMAC_SHA1_32,
    name: 'AES_CM_128_HMAC_SHA1_32',
    keyLength: 16,
    saltLength: 14,
    tagLength: 4,
    werift: false,
  },
  {
    id: SrtpProfile.AEAD_AES_128_GCM,
    name: 'AEAD_AES_128_GCM',
    keyLength: 16,
    saltLength: 12,
    tagLength: 16,
    werift: true,
  },
  {
    id: SrtpProfile.AEAD_AES_256_GCM,
    name: 'AEAD_AES_256_GCM',
    keyLength: 32,
    saltLength: 12,
    tagLength: 16,
    werift: false,
  },
];

function weriftSession(p: ProfileSpec, local: MasterKey, remote: MasterKey): WeriftSrtpSession {
  return new WeriftSrtpSession({
    profile: p.id,
    keys: {
      localMasterKey: Buffer.from(local.key),
      localMasterSalt: Buffer.from(local.salt),
      remoteMasterKey: Buffer.from(remote.key),
      remoteMasterSalt: Buffer.from(remote.salt),
    },
  });
}

function cases(p: ProfileSpec): BenchCase[] {
  const sender = master(p.keyLength, p.saltLength, 1);
  const receiver = master(p.keyLength, p.saltLength, 2);
  const ours = () => new SrtpSession({ profile: p.id, keys: { local: sender, remote: receiver } });
  const oursReceiver = () => new SrtpSession({ profile: p.id, keys: { local: receiver, remote: sender } });
  const ceiling = p.id >= SrtpProfile.AEAD_AES_128_GCM ? gcmCeiling(sender) : cmCeiling(sender, p.tagLength);

  // Protect: each variant its own packet, output buffer and sequence number.
  const tx = ours();
  const txPacket = rtp(0);
  const txOut = new Uint8Array(1500);
  let txSeq = 0;
  const protectOurs: Op = () => {
    txSeq = (txSeq + 1) & 0xffff;
    setSeq(txPacket, txSeq);
    return tx.protect(txPacket, txOut);
  };
  const ceilPacket = rtp(0);
  const ceilOut = new Uint8Array(1500);
  let ceilSeq = 0;
  const protectCeiling: Op = () => {
    ceilSeq = (ceilSeq + 1) & 0xffff;
    setSeq(ceilPacket, ceilSeq);
    return ceiling.protect(ceilPacket, ceilSeq, ceilOut);
  };
  let protectTheirs: Op | undefined;
  if (p.werift) {
    const werift = weriftSession(p, sender, receiver);
    const parsed = RtpPacket.deSerialize(Buffer.from(rtp(0)));
    const header: RtpHeader = parsed.header;
    let seq = 0;
    protectTheirs = () => {
      seq = (seq + 1) & 0xffff;
      header.sequenceNumber = seq;
      return werift.encrypt(parsed.payload, header);
    };
  }

  // Unprotect: a pool of consecutive packets, protected once by us.
  const poolSender = ours();
  const pool = Array.from({ length: POOL }, (_, seq) => Buffer.from(poolSender.protect(rtp(seq))));
  let rx = oursReceiver();
  let rxAt = 0;
  const rxOut = new Uint8Array(1500);
  const unprotectOurs: Op = () => {
    if (rxAt === POOL) {
      rxAt = 0;
      rx = oursReceiver();
    }
    return rx.unprotect(pool[rxAt++] as Buffer, rxOut);
  };
  let ceilAt = 0;
  const ceilRxOut = new Uint8Array(1500);
  const unprotectCeiling: Op = () => {
    if (ceilAt === POOL) ceilAt = 0;
    const n = ceiling.unprotect(pool[ceilAt] as Buffer, ceilAt, ceilRxOut);
    ceilAt++;
    return n;
  };
  let unprotectTheirs: Op | undefined;
  if (p.werift) {
    let werift = weriftSession(p, receiver, sender);
    let at = 0;
    unprotectTheirs = () => {
      if (at === POOL) {
        at = 0;
        werift = weriftSession(p, receiver, sender);
      }
      return werift.decrypt(pool[at++] as Buffer);
    };
  }

  const checkProtect = (): void => {
    // The ceiling writes exactly our packets.
    for (const seq of [1, 2, 777]) {
      const a = ours().protect(rtp(seq)).slice();
      const out = new Uint8Array(1500);
      const b = out.subarray(0, ceiling.protect(rtp(seq), seq, out));
      if (!equal(a, b)) throw new Error(`${p.name}: ceiling and ours protect differently`);
    }
    // werift reads ours, we read werift's.
    if (p.werift) {
      const w = weriftSession(p, receiver, sender);
      const back = w.decrypt(Buffer.from(ours().protect(rtp(5))));
      if (!equal(back, rtp(5))) throw new Error(`${p.name}: werift does not read our packet`);
      const parsed = RtpPacket.deSerialize(Buffer.from(rtp(6)));
      const theirs = weriftSession(p, sender, receiver).encrypt(parsed.payload, parsed.header);
      const plain = oursReceiver().unprotect(theirs);
      if (isSrtpFailure(plain) || !equal(plain, rtp(6)))
        throw new Error(`${p.name}: we do not read werift's packet`);
    }
  };
  const checkUnprotect = (): void => {
    const r = oursReceiver();
    for (const seq of [0, 1, 2, POOL - 1]) {
      const plain = r.unprotect(pool[seq] as Buffer);
      if (isSrtpFailure(plain) || !equal(plain, rtp(seq)))
        throw new Error(`${p.name}: ours does not unprotect`);
      const out = new Uint8Array(1500);
      const n = ceiling.unprotect(pool[seq] as Buffer, seq, out);
      if (n < 0 || !equal(out.subarray(0, n), rtp(seq)))
        throw new Error(`${p.name}: ceiling does not unprotect`);
      if (p.werift && !equal(weriftSession(p, receiver, sender).decrypt(pool[seq] as Buffer), rtp(seq)))
        throw new Error(`${p.name}: werift does not unprotect`);
    }
  };

  const theirsNote = p.werift
    ? 'werift: `encrypt(payload, header)` with a reused RtpHeader'
    : 'werift-rtp lacks this profile';
  return [
    {
      name: `protect 1200-byte RTP, ${p.name}`,
      note: `ours: \`protect(rtp, out)\`, sequence number +1 per op (a reused packet and output buffer); ${theirsNote}, sequence number +1; ceiling: bare node:crypto, same bytes out`,
      ours: protectOurs,
      ...(protectTheirs === undefined ? {} : { theirs: protectTheirs }),
      ceiling: protectCeiling,
      check: checkProtect,
    },
    {
      name: `unprotect 1200-byte RTP, ${p.name}`,
      note: `a pool of ${POOL} consecutive SRTP packets, a new receiving session per pass; ours: \`unprotect(srtp, out)\` (replay window, counters); ${p.werift ? 'werift: `decrypt(buffer)` (no replay protection)' : 'werift-rtp lacks this profile'}; ceiling: bare node:crypto, same bytes out`,
      ours: unprotectOurs,
      ...(unprotectTheirs === undefined ? {} : { theirs: unprotectTheirs }),
      ceiling: unprotectCeiling,
      check: checkUnprotect,
    },
  ];
}

export const suite: Suite = {
  name: 'srtp',
  theirs: `werift-rtp ${packageVersion('werift-rtp')}`,
  ceiling:
    'bare node:crypto doing the same cipher and MAC work for one fixed stream, byte-identical output: AES-CM as one reused AES-ECB context over the counter blocks XORed in on 32-bit words, and HMAC-SHA1 as two one-shot `crypto.hash` calls over the padded keys (the packet copied behind the inner pad); GCM as `createCipheriv`/`createDecipheriv` per packet; no RTP parsing, index, replay window or counters',
  cases: PROFILES.flatMap(cases),
};
