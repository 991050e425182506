/**
 * AEAD_AES_128_GCM and AEAD_AES_256_GCM (RFC 7714).
 *
 * SRTP (§8):   header || GCM(payload, AAD = header) || tag(16)
 *              IV = salt XOR (00 00 || SSRC || ROC || SEQ)                               (§8.1)
 * SRTCP (§9):  header(8) || GCM(rest, AAD = header(8) || E+index) || tag(16) || E+index  (§9.2)
 *              without encryption (E = 0) the whole packet and E+index are the AAD     (§9.3)
 *              IV = salt XOR (00 00 || SSRC || 00 00 || 0+index)                         (§9.1)
 *
 * The unencrypted SRTP form (§16.1.3: AAD = the whole packet, the tag only) is used when the
 * session is made with `encryptRtp: false`.
 */
import type { KeyObject } from 'node:crypto';
import { readU32, writeU32 } from '../bytes.js';
import { type GcmAlgorithm, gcmDecryptor, gcmEncryptor, secretKey } from './crypto.js';
import { deriveSessionKey, KdfLabel } from './kdf.js';
import type { SrtpMasterKey } from './keys.js';
import type { SrtpProfileParams } from './profile.js';
import { copyPrefix, type SrtpTransform, sameStart } from './transform.js';

const TAG = 16;

/** Session keys of one direction (RFC 7714 §11): what the KDF makes from a master key. */
export interface GcmSessionKeys {
  readonly rtpKey: Uint8Array;
  readonly rtpSalt: Uint8Array;
  readonly rtcpKey: Uint8Array;
  readonly rtcpSalt: Uint8Array;
}

export function deriveGcmSessionKeys(params: SrtpProfileParams, master: SrtpMasterKey): GcmSessionKeys {
  const { key, salt } = master;
  return {
    rtpKey: deriveSessionKey(key, salt, KdfLabel.SRTP_ENCRYPTION, params.keyLength),
    rtpSalt: deriveSessionKey(key, salt, KdfLabel.SRTP_SALT, 12),
    rtcpKey: deriveSessionKey(key, salt, KdfLabel.SRTCP_ENCRYPTION, params.keyLength),
    rtcpSalt: deriveSessionKey(key, salt, KdfLabel.SRTCP_SALT, 12),
  };
}

export class GcmTransform implements SrtpTransform {
  readonly rtpTagLength = TAG;
  readonly rtcpTrailerLength = TAG + 4;
  readonly rtcpIndexFromEnd = 4;
  private readonly algorithm: GcmAlgorithm;
  private readonly rtpKey: KeyObject;
  private readonly rtpSalt: Uint8Array;
  private readonly rtcpKey: KeyObject;
  private readonly rtcpSalt: Uint8Array;
  private readonly iv = new Uint8Array(12);
  /** SRTCP AAD when encrypting: the first 8 bytes and the E+index word. */
  private readonly aad = new Uint8Array(12);
  private readonly word = new Uint8Array(4);

  constructor(
    keys: GcmSessionKeys,
    private readonly encryptRtp: boolean,
  ) {
    this.algorithm = keys.rtpKey.length === 32 ? 'aes-256-gcm' : 'aes-128-gcm';
    this.rtpKey = secretKey(keys.rtpKey);
    this.rtpSalt = keys.rtpSalt;
    this.rtcpKey = secretKey(keys.rtcpKey);
    this.rtcpSalt = keys.rtcpSalt;
  }

  /** IV = salt XOR (00 00 || SSRC || hi32 || lo16), hi/lo the split of the 48-bit index. */
  private setIv(salt: Uint8Array, ssrc: number, index: number): Uint8Array {
    const iv = this.iv;
    const hi = Math.floor(index / 0x10000);
    iv[0] = salt[0] as number;
    iv[1] = salt[1] as number;
    iv[2] = (salt[2] as number) ^ (ssrc >>> 24);
    iv[3] = (salt[3] as number) ^ ((ssrc >>> 16) & 0xff);
    iv[4] = (salt[4] as number) ^ ((ssrc >>> 8) & 0xff);
    iv[5] = (salt[5] as number) ^ (ssrc & 0xff);
    iv[6] = (salt[6] as number) ^ (hi >>> 24);
    iv[7] = (salt[7] as number) ^ ((hi >>> 16) & 0xff);
    iv[8] = (salt[8] as number) ^ ((hi >>> 8) & 0xff);
    iv[9] = (salt[9] as number) ^ (hi & 0xff);
    iv[10] = (salt[10] as number) ^ ((index >>> 8) & 0xff);
    iv[11] = (salt[11] as number) ^ (index & 0xff);
    return iv;
  }

  protectRtp(src: Uint8Array, headerLength: number, out: Uint8Array, ssrc: number, index: number): number {
    const length = src.length;
    const c = gcmEncryptor(this.algorithm, this.rtpKey, this.setIv(this.rtpSalt, ssrc, index));
    if (this.encryptRtp) {
      c.setAAD(src.subarray(0, headerLength));
      const ct = c.update(src.subarray(headerLength));
      c.final();
      const tag = c.getAuthTag();
      if (!sameStart(src, out)) copyPrefix(src, out, headerLength);
      out.set(ct, headerLength);
      out.set(tag, length);
    } else {
      c.setAAD(src);
      c.final();
      const tag = c.getAuthTag();
      if (!sameStart(src, out)) out.set(src);
      out.set(tag, length);
    }
    return length + TAG;
  }

  unprotectRtp(src: Uint8Array, headerLength: number, out: Uint8Array, ssrc: number, index: number): number {
    const tagAt = src.length - TAG;
    const d = gcmDecryptor(this.algorithm, this.rtpKey, this.setIv(this.rtpSalt, ssrc, index));
    d.setAuthTag(src.subarray(tagAt));
    if (this.encryptRtp) {
      d.setAAD(src.subarray(0, headerLength));
      const pt = d.update(src.subarray(headerLength, tagAt));
      try {
        d.final();
      } catch {
        return -1;
      }
      if (!sameStart(src, out)) copyPrefix(src, out, headerLength);
      out.set(pt, headerLength);
    } else {
      const plain = src.subarray(0, tagAt);
      d.setAAD(plain);
      try {
        d.final();
      } catch {
        return -1;
      }
      if (!sameStart(src, out)) out.set(plain);
    }
    return tagAt;
  }

  protectRtcp(src: Uint8Array, out: Uint8Array, ssrc: number, index: number, encrypt: boolean): number {
    const length = src.length;
    const word = ((encrypt ? 0x80000000 : 0) + index) >>> 0;
    const c = gcmEncryptor(this.algorithm, this.rtcpKey, this.setIv(this.rtcpSalt, ssrc, index));
    if (encrypt) {
      const aad = this.aad;
      for (let i = 0; i < 8; i++) aad[i] = src[i] as number;
      writeU32(aad, 8, word);
      c.setAAD(aad);
      const ct = c.update(src.subarray(8));
      c.final();
      const tag = c.getAuthTag();
      if (!sameStart(src, out)) copyPrefix(src, out, 8);
      out.set(ct, 8);
      out.set(tag, length);
    } else {
      writeU32(this.word, 0, word);
      c.setAAD(src);
      c.setAAD(this.word);
      c.final();
      const tag = c.getAuthTag();
      if (!sameStart(src, out)) out.set(src);
      out.set(tag, length);
    }
    writeU32(out, length + TAG, word);
    return length + TAG + 4;
  }

  unprotectRtcp(src: Uint8Array, out: Uint8Array, ssrc: number, index: number, encrypted: boolean): number {
    const wordAt = src.length - 4;
    const tagAt = wordAt - TAG;
    const d = gcmDecryptor(this.algorithm, this.rtcpKey, this.setIv(this.rtcpSalt, ssrc, index));
    d.setAuthTag(src.subarray(tagAt, wordAt));
    if (encrypted) {
      const aad = this.aad;
      for (let i = 0; i < 8; i++) aad[i] = src[i] as number;
      writeU32(aad, 8, readU32(src, wordAt));
      d.setAAD(aad);
      const pt = d.update(src.subarray(8, tagAt));
      try {
        d.final();
      } catch {
        return -1;
      }
      if (!sameStart(src, out)) copyPrefix(src, out, 8);
      out.set(pt, 8);
    } else {
      const plain = src.subarray(0, tagAt);
      d.setAAD(plain);
      d.setAAD(src.subarray(wordAt));
      try {
        d.final();
      } catch {
        return -1;
      }
      if (!sameStart(src, out)) out.set(plain);
    }
    return tagAt;
  }
}
