/**
 * RFC 3711 Appendix B, every vector: B.1 AES-f8, B.2 AES-CM keystream, B.3 key derivation. Plus
 * the AES_CM_128_HMAC_SHA1_80 known answers that libsrtp's own test driver (srtp_driver.c) checks,
 * through a whole session (key derivation, IV, HMAC, ROC, SRTCP index and E bit together).
 */
import { describe, expect, it } from 'vitest';
import { isSrtpFailure, SrtpProfile, SrtpSession } from '../src/index.js';
import { AesCm } from '../src/srtp/aes-cm.js';
import { aesF8 } from '../src/srtp/f8.js';
import { deriveSessionKey, KdfLabel } from '../src/srtp/kdf.js';
import { hex, toHex } from './support/hex.js';

describe('RFC 3711 B.1: AES-f8', () => {
  const header = hex('806e5cba50681de55c621599');
  const payload = hex('70736575646f72616e646f6d6e657373 20697320746865206e65787420626573 74207468696e67');
  const roc = hex('d462564a');
  const key = hex('234829008467be186c3de14aae72d62c');
  const salt = hex('32f2870d');

  it('forms the IV from the header and the ROC (§4.1.2.2)', () => {
    const iv = new Uint8Array(16);
    iv.set(header.subarray(1, 12), 1); // 0x00 || M || PT || SEQ || TS || SSRC
    iv.set(roc, 12);
    expect(toHex(iv)).toBe('006e5cba50681de55c621599d462564a');
  });

  it('encrypts the payload to the published ciphertext', () => {
    const iv = hex('006e5cba50681de55c621599d462564a');
    const ct = aesF8(key, salt, iv, payload);
    expect(toHex(ct)).toBe(
      '019ce7a26e7854014a6366aa95d4eefd' + '1ad4172a14f9faf455b7f1d4b62bd08f' + '562c0eef7c4802',
    );
    expect(toHex(aesF8(key, salt, iv, ct))).toBe(toHex(payload));
  });
});

describe('RFC 3711 B.2: AES-CM keystream', () => {
  it('produces the first and last blocks of the 65282-block segment', () => {
    const cm = new AesCm(hex('2B7E151628AED2A6ABF7158809CF4F3C'));
    const ks = cm.keystream(hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000'), 1044512);
    expect(ks.length).toBe(65282 * 16);
    const block = (i: number) => toHex(ks.subarray(i * 16, i * 16 + 16)).toUpperCase();
    expect(block(0)).toBe('E03EAD0935C95E80E166B16DD92B4EB4');
    expect(block(1)).toBe('D23513162B02D0F72A43A2FE4A5F97AB');
    expect(block(2)).toBe('41E95B3BB0A2E8DD477901E4FCA894C0');
    expect(block(0xfeff)).toBe('EC8CDF7398607CB0F2D21675EA9EA1E4');
    expect(block(0xff00)).toBe('362B7C3C6773516318A077D7FC5073AE');
    expect(block(0xff01)).toBe('6A2CC3787889374FBEB4C81B17BA6C44');
  });

  it('XORs the same keystream in place at any alignment', () => {
    const cm = new AesCm(hex('2B7E151628AED2A6ABF7158809CF4F3C'));
    const iv = hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000');
    const expected = cm.keystream(iv, 100);
    for (let shift = 0; shift < 4; shift++) {
      const buf = new Uint8Array(120);
      cm.iv.set(iv);
      cm.xorInPlace(buf, 7 + shift, 107 + shift);
      expect(toHex(buf.subarray(7 + shift, 107 + shift))).toBe(toHex(expected));
      expect(buf.subarray(0, 7 + shift).every((b) => b === 0)).toBe(true);
    }
  });
});

describe('RFC 3711 B.3: key derivation', () => {
  const masterKey = hex('E1F97A0D3E018BE0D64FA32C06DE4139');
  const masterSalt = hex('0EC675AD498AFEEBB6960B3AABE6');

  it('derives the cipher key (label 0x00)', () => {
    expect(toHex(deriveSessionKey(masterKey, masterSalt, KdfLabel.SRTP_ENCRYPTION, 16)).toUpperCase()).toBe(
      'C61E7A93744F39EE10734AFE3FF7A087',
    );
  });

  it('derives the cipher salt (label 0x02)', () => {
    expect(toHex(deriveSessionKey(masterKey, masterSalt, KdfLabel.SRTP_SALT, 14)).toUpperCase()).toBe(
      '30CBBC08863D8C85D49DB34A9AE1',
    );
  });

  it('derives the whole 94-octet auth key (label 0x01)', () => {
    expect(
      toHex(deriveSessionKey(masterKey, masterSalt, KdfLabel.SRTP_AUTHENTICATION, 94)).toUpperCase(),
    ).toBe(
      'CEBE321F6FF7716B6FD4AB49AF256A15' +
        '6D38BAA48F0A0ACF3C34E2359E6CDBCE' +
        'E049646C43D9327AD175578EF7227098' +
        '6371C10C9A369AC2F94A8C5FBCDDDC25' +
        '6D6E919A48B610EF17C2041E47403576' +
        '6B68642C59BBFC2F34DB60DBDFB2',
    );
  });
});

describe('libsrtp srtp_driver.c known answers (AES_CM_128_HMAC_SHA1_80)', () => {
  const master = { key: hex('e1f97a0d3e018be0d64fa32c06de4139'), salt: hex('0ec675ad498afeebb6960b3aabe6') };
  const rtp = hex('800f1234decafbad cafebabe abababab abababababababab abababab');
  const srtp = hex('800f1234decafbad cafebabe4e55dc4c e79978d88ca4d215 949d2402b78d6acc 99ea179b8dbb');
  const rtcp = hex('81c8000bcafebabe abababababababab abababababababab');
  // SRTCP index 1 with the E bit: the second packet a sender protects (ours count from 0).
  const srtcp = hex('81c8000bcafebabe 7128035be487b9bd bef89041f977a5a8 80000001993e08cd 54d6c1230798');

  const session = () =>
    new SrtpSession({
      profile: SrtpProfile.AES_CM_128_HMAC_SHA1_80,
      keys: { local: master, remote: master },
    });

  it('protects and unprotects the SRTP packet', () => {
    expect(toHex(session().protect(rtp))).toBe(toHex(srtp));
    const plain = session().unprotect(srtp);
    if (isSrtpFailure(plain)) throw new Error(plain.detail);
    expect(toHex(plain)).toBe(toHex(rtp));
  });

  it('protects and unprotects the SRTCP packet (index 1, E set)', () => {
    const s = session();
    s.protectRtcp(rtcp);
    expect(toHex(s.protectRtcp(rtcp))).toBe(toHex(srtcp));
    const plain = session().unprotectRtcp(srtcp);
    if (isSrtpFailure(plain)) throw new Error(plain.detail);
    expect(toHex(plain)).toBe(toHex(rtcp));
  });

  it('rejects every truncation of both', () => {
    for (let n = 0; n < srtp.length; n++)
      expect(isSrtpFailure(session().unprotect(srtp.subarray(0, n)))).toBe(true);
    for (let n = 0; n < srtcp.length; n++)
      expect(isSrtpFailure(session().unprotectRtcp(srtcp.subarray(0, n)))).toBe(true);
  });
});
