/**
 * RFC 7714 §16 (SRTP) and §17 (SRTCP) test vectors, every one: AEAD_AES_128_GCM and
 * AEAD_AES_256_GCM, encryption and decryption, tagging only and tag verification. The RFC gives
 * session keys (no master key), so these drive the GCM transform directly; key derivation is
 * covered by RFC 3711 B.3 and by the libsrtp interop tests.
 */
import { describe, expect, it } from 'vitest';
import { GcmTransform } from '../src/srtp/gcm-transform.js';
import { hex, toHex } from './support/hex.js';

const KEY_128 = hex('000102030405060708090a0b0c0d0e0f');
const KEY_256 = hex('000102030405060708090a0b0c0d0e0f 101112131415161718191a1b1c1d1e1f');
const SALT = hex('517569642070726f2071756f'); // "Quid pro quo"

function transform(key: Uint8Array, encryptRtp = true): GcmTransform {
  return new GcmTransform({ rtpKey: key, rtpSalt: SALT, rtcpKey: key, rtcpSalt: SALT }, encryptRtp);
}

// §16: 12-octet header and "Gallia est omnis divisa in partes tres"; SSRC 5501a0b2, ROC 0, SEQ f17b.
const RTP = hex(`8040f17b 8041f8d3 5501a0b2 47616c6c
                 69612065 7374206f 6d6e6973 20646976
                 69736120 696e2070 61727465 73207472
                 6573`);
const SSRC = 0x5501a0b2;
const INDEX = 0xf17b;

function protectRtp(t: GcmTransform, rtp: Uint8Array): string {
  const out = new Uint8Array(rtp.length + 16);
  const n = t.protectRtp(rtp, 12, out, SSRC, INDEX);
  return toHex(out.subarray(0, n));
}

function unprotectRtp(t: GcmTransform, srtp: Uint8Array): string | undefined {
  const out = new Uint8Array(srtp.length);
  const n = t.unprotectRtp(srtp, 12, out, SSRC, INDEX);
  return n < 0 ? undefined : toHex(out.subarray(0, n));
}

describe('RFC 7714 §16.1: SRTP AEAD_AES_128_GCM', () => {
  const encrypted = hex(`8040f17b 8041f8d3 5501a0b2 f24de3a3
                         fb34de6c acba861c 9d7e4bca be633bd5
                         0d294e6f 42a5f47a 51c7d19b 36de3adf
                         8833899d 7f27beb1 6a9152cf 765ee439
                         0cce`);
  const tagged = hex(`8040f17b 8041f8d3 5501a0b2 47616c6c
                      69612065 7374206f 6d6e6973 20646976
                      69736120 696e2070 61727465 73207472
                      65732249 3f82d2bc e397e9d7 9e3b19aa
                      4216`);

  it('§16.1.1 encryption', () => expect(protectRtp(transform(KEY_128), RTP)).toBe(toHex(encrypted)));
  it('§16.1.2 decryption', () => expect(unprotectRtp(transform(KEY_128), encrypted)).toBe(toHex(RTP)));
  it('§16.1.3 authentication tagging', () =>
    expect(protectRtp(transform(KEY_128, false), RTP)).toBe(toHex(tagged)));
  it('§16.1.4 tag verification', () =>
    expect(unprotectRtp(transform(KEY_128, false), tagged)).toBe(toHex(RTP)));

  it('rejects the §16.1 packets with any one bit flipped', () => {
    for (const [packet, encrypt] of [
      [encrypted, true],
      [tagged, false],
    ] as const) {
      for (let i = 0; i < packet.length; i++) {
        const bad = packet.slice();
        bad[i] = (bad[i] as number) ^ 0x10;
        expect(unprotectRtp(transform(KEY_128, encrypt), bad)).toBeUndefined();
      }
    }
  });
});

describe('RFC 7714 §16.2: SRTP AEAD_AES_256_GCM', () => {
  const encrypted = hex(`8040f17b 8041f8d3 5501a0b2 32b1de78
                         a822fe12 ef9f78fa 332e33aa b1801238
                         9a58e2f3 b50b2a02 76ffae0f 1ba63799
                         b87b7aa3 db36dfff d6b0f9bb 7878d7a7
                         6c13`);
  const tagged = hex(`8040f17b 8041f8d3 5501a0b2 47616c6c
                      69612065 7374206f 6d6e6973 20646976
                      69736120 696e2070 61727465 73207472
                      6573a866 d5910f88 7463067c eefec452
                      15d4`);

  it('§16.2.1 encryption', () => expect(protectRtp(transform(KEY_256), RTP)).toBe(toHex(encrypted)));
  it('§16.2.2 decryption', () => expect(unprotectRtp(transform(KEY_256), encrypted)).toBe(toHex(RTP)));
  it('§16.2.3 authentication tagging', () =>
    expect(protectRtp(transform(KEY_256, false), RTP)).toBe(toHex(tagged)));
  it('§16.2.4 tag verification', () =>
    expect(unprotectRtp(transform(KEY_256, false), tagged)).toBe(toHex(RTP)));
});

describe('RFC 7714 §17: SRTCP', () => {
  // The §17 preamble prints a slightly different packet (81c8000e, ...4e545031, 0000eb98); every
  // subsection then uses this one, so the vectors are checked against it.
  const RTCP = hex(`81c8000d 4d617273 4e545031 4e545032
                    52545020 0000042a 0000e930 4c756e61
                    deadbeef deadbeef deadbeef deadbeef
                    deadbeef`);
  const SSRC_MARS = 0x4d617273;
  const SRTCP_INDEX = 0x5d4;

  const encrypted128 = hex(`81c8000d 4d617273 63e94885 dcdab67c
                            a727d766 2f6b7e99 7ff5c0f7 6c06f32d
                            c676a5f1 730d6fda 4ce09b46 86303ded
                            0bb9275b c84aa458 96cf4d2f c5abf872
                            45d9eade 800005d4`);
  const encrypted256 = hex(`81c8000d 4d617273 d50ae4d1 f5ce5d30
                            4ba297e4 7d470c28 2c3ece5d bffe0a50
                            a2eaa5c1 110555be 8415f658 c61de047
                            6f1b6fad 1d1eb30c 4446839f 57ff6f6c
                            b26ac3be 800005d4`);
  const tagged128 = hex(`81c8000d 4d617273 4e545031 4e545032
                         52545020 0000042a 0000e930 4c756e61
                         deadbeef deadbeef deadbeef deadbeef
                         deadbeef 841dd968 3dd78ec9 2ae58790
                         125f62b3 000005d4`);
  const tagged256 = hex(`81c8000d 4d617273 4e545031 4e545032
                         52545020 0000042a 0000e930 4c756e61
                         deadbeef deadbeef deadbeef deadbeef
                         deadbeef 91db4afb feee5a97 8fab4393
                         ed2615fe 000005d4`);

  function protect(key: Uint8Array, encrypt: boolean): string {
    const out = new Uint8Array(RTCP.length + 20);
    const n = transform(key).protectRtcp(RTCP, out, SSRC_MARS, SRTCP_INDEX, encrypt);
    return toHex(out.subarray(0, n));
  }

  function unprotect(key: Uint8Array, srtcp: Uint8Array): string | undefined {
    const word = Buffer.from(srtcp).readUInt32BE(srtcp.length - 4);
    const out = new Uint8Array(srtcp.length);
    const n = transform(key).unprotectRtcp(srtcp, out, SSRC_MARS, word & 0x7fffffff, word >>> 31 === 1);
    return n < 0 ? undefined : toHex(out.subarray(0, n));
  }

  it('§17.1 AEAD_AES_128_GCM encryption and tagging', () =>
    expect(protect(KEY_128, true)).toBe(toHex(encrypted128)));
  it('§17.1 in reverse', () => expect(unprotect(KEY_128, encrypted128)).toBe(toHex(RTCP)));
  it('§17.2 AEAD_AES_256_GCM verification and decryption', () =>
    expect(unprotect(KEY_256, encrypted256)).toBe(toHex(RTCP)));
  it('§17.2 in reverse', () => expect(protect(KEY_256, true)).toBe(toHex(encrypted256)));
  it('§17.3 AEAD_AES_128_GCM tagging only', () => expect(protect(KEY_128, false)).toBe(toHex(tagged128)));
  it('§17.3 in reverse', () => expect(unprotect(KEY_128, tagged128)).toBe(toHex(RTCP)));
  it('§17.4 AEAD_AES_256_GCM tag verification', () =>
    expect(unprotect(KEY_256, tagged256)).toBe(toHex(RTCP)));
  it('§17.4 in reverse', () => expect(protect(KEY_256, false)).toBe(toHex(tagged256)));

  it('rejects the §17 packets with any one bit flipped (E bit and index included)', () => {
    for (const [key, packet] of [
      [KEY_128, encrypted128],
      [KEY_256, encrypted256],
      [KEY_128, tagged128],
      [KEY_256, tagged256],
    ] as const) {
      for (let i = 0; i < packet.length; i++) {
        const bad = packet.slice();
        bad[i] = (bad[i] as number) ^ 0x01;
        expect(unprotect(key, bad)).toBeUndefined();
      }
    }
  });
});
