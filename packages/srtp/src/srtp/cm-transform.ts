/**
 * AES_CM_128_HMAC_SHA1_80 and AES_CM_128_HMAC_SHA1_32 (RFC 3711 §4.1.1, §4.2.1; RFC 5764 §4.1.2).
 *
 * SRTP:  header || AES-CM(payload) || tag,  tag = HMAC-SHA1(k_a, header || payload' || ROC)
 * SRTCP: header(8) || AES-CM(rest) || E || index(31) || tag,  tag over everything before it
 *
 * IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), i the 48-bit packet index or SRTCP index.
 * SRTCP's tag is always 80 bits, also under the _32 profile.
 */
import { writeU32 } from '../bytes.js';
import { AesCm } from './aes-cm.js';
import { constantTimeEqual, HmacSha1 } from './crypto.js';
import { deriveSessionKey, KdfLabel } from './kdf.js';
import type { SrtpMasterKey } from './keys.js';
import type { SrtpProfileParams } from './profile.js';
import type { SrtpTransform } from './transform.js';

/** Writes the AES-CM IV for `ssrc` and 48-bit `index` into `cm.iv`. */
function setIv(cm: AesCm, salt: Uint8Array, ssrc: number, index: number): void {
  const iv = cm.iv;
  const hi = Math.floor(index / 0x10000);
  iv[0] = salt[0] as number;
  iv[1] = salt[1] as number;
  iv[2] = salt[2] as number;
  iv[3] = salt[3] as number;
  iv[4] = (salt[4] as number) ^ (ssrc >>> 24);
  iv[5] = (salt[5] as number) ^ ((ssrc >>> 16) & 0xff);
  iv[6] = (salt[6] as number) ^ ((ssrc >>> 8) & 0xff);
  iv[7] = (salt[7] as number) ^ (ssrc & 0xff);
  iv[8] = (salt[8] as number) ^ (hi >>> 24);
  iv[9] = (salt[9] as number) ^ ((hi >>> 16) & 0xff);
  iv[10] = (salt[10] as number) ^ ((hi >>> 8) & 0xff);
  iv[11] = (salt[11] as number) ^ (hi & 0xff);
  iv[12] = (salt[12] as number) ^ ((index >>> 8) & 0xff);
  iv[13] = (salt[13] as number) ^ (index & 0xff);
  iv[14] = 0;
  iv[15] = 0;
}

/** RFC 3711 §4.2: the SRTCP tag is 80 bits for both AES-CM profiles (RFC 5764 §4.1.2). */
const RTCP_TAG = 10;

/** Session keys of one direction (RFC 3711 §4.3): what the KDF makes from a master key. */
export interface CmSessionKeys {
  readonly rtpKey: Uint8Array;
  readonly rtpSalt: Uint8Array;
  readonly rtpAuthKey: Uint8Array;
  readonly rtcpKey: Uint8Array;
  readonly rtcpSalt: Uint8Array;
  readonly rtcpAuthKey: Uint8Array;
}

export function deriveCmSessionKeys(params: SrtpProfileParams, master: SrtpMasterKey): CmSessionKeys {
  const { key, salt } = master;
  return {
    rtpKey: deriveSessionKey(key, salt, KdfLabel.SRTP_ENCRYPTION, params.keyLength),
    rtpSalt: deriveSessionKey(key, salt, KdfLabel.SRTP_SALT, 14),
    rtpAuthKey: deriveSessionKey(key, salt, KdfLabel.SRTP_AUTHENTICATION, params.authKeyLength),
    rtcpKey: deriveSessionKey(key, salt, KdfLabel.SRTCP_ENCRYPTION, params.keyLength),
    rtcpSalt: deriveSessionKey(key, salt, KdfLabel.SRTCP_SALT, 14),
    rtcpAuthKey: deriveSessionKey(key, salt, KdfLabel.SRTCP_AUTHENTICATION, params.authKeyLength),
  };
}

export class CmTransform implements SrtpTransform {
  readonly rtcpTrailerLength = 4 + RTCP_TAG;
  readonly rtcpIndexFromEnd = 4 + RTCP_TAG;
  private readonly rtpCm: AesCm;
  private readonly rtpSalt: Uint8Array;
  private readonly rtpMac: HmacSha1;
  private readonly rtcpCm: AesCm;
  private readonly rtcpSalt: Uint8Array;
  private readonly rtcpMac: HmacSha1;

  constructor(
    keys: CmSessionKeys,
    readonly rtpTagLength: number,
    private readonly encryptRtp: boolean,
  ) {
    this.rtpCm = new AesCm(keys.rtpKey);
    this.rtpSalt = keys.rtpSalt;
    this.rtpMac = new HmacSha1(keys.rtpAuthKey);
    this.rtcpCm = new AesCm(keys.rtcpKey);
    this.rtcpSalt = keys.rtcpSalt;
    this.rtcpMac = new HmacSha1(keys.rtcpAuthKey);
  }

  // Every method works on a copy of the packet in the MAC's message buffer (right after the HMAC
  // inner pad, 4-byte aligned): encrypt or decrypt there, authenticate there in one hash call,
  // then copy the result to `out`. The input is never written, so `out` may be the input.

  protectRtp(src: Uint8Array, headerLength: number, out: Uint8Array, ssrc: number, index: number): number {
    const length = src.length;
    const mac = this.rtpMac;
    const m = mac.reserve(length + 4);
    const at = HmacSha1.AT;
    m.set(src, at);
    if (this.encryptRtp) {
      setIv(this.rtpCm, this.rtpSalt, ssrc, index);
      this.rtpCm.xorInPlace(m, at + headerLength, at + length);
    }
    writeU32(m, at + length, Math.floor(index / 0x10000)); // the ROC is authenticated, not sent (§4.2)
    const tag = mac.digest(length + 4);
    out.set(mac.messageView(length));
    for (let i = 0; i < this.rtpTagLength; i++) out[length + i] = tag[i] as number;
    return length + this.rtpTagLength;
  }

  unprotectRtp(src: Uint8Array, headerLength: number, out: Uint8Array, ssrc: number, index: number): number {
    const tagLength = this.rtpTagLength;
    const end = src.length - tagLength;
    const mac = this.rtpMac;
    const m = mac.reserve(src.length);
    const at = HmacSha1.AT;
    m.set(src, at);
    writeU32(m, at + end, Math.floor(index / 0x10000));
    if (!constantTimeEqual(mac.digest(end + 4), 0, src, end, tagLength)) return -1;
    if (this.encryptRtp) {
      setIv(this.rtpCm, this.rtpSalt, ssrc, index);
      this.rtpCm.xorInPlace(m, at + headerLength, at + end);
    }
    out.set(mac.messageView(end));
    return end;
  }

  protectRtcp(src: Uint8Array, out: Uint8Array, ssrc: number, index: number, encrypt: boolean): number {
    const length = src.length;
    const mac = this.rtcpMac;
    const m = mac.reserve(length + 4);
    const at = HmacSha1.AT;
    m.set(src, at);
    if (encrypt) {
      setIv(this.rtcpCm, this.rtcpSalt, ssrc, index);
      this.rtcpCm.xorInPlace(m, at + 8, at + length);
    }
    writeU32(m, at + length, (encrypt ? 0x80000000 : 0) + index);
    const tag = mac.digest(length + 4);
    out.set(mac.messageView(length + 4));
    for (let i = 0; i < RTCP_TAG; i++) out[length + 4 + i] = tag[i] as number;
    return length + 4 + RTCP_TAG;
  }

  unprotectRtcp(src: Uint8Array, out: Uint8Array, ssrc: number, index: number, encrypted: boolean): number {
    const tagAt = src.length - RTCP_TAG;
    const mac = this.rtcpMac;
    const m = mac.reserve(src.length);
    const at = HmacSha1.AT;
    m.set(src, at);
    if (!constantTimeEqual(mac.digest(tagAt), 0, src, tagAt, RTCP_TAG)) return -1;
    const end = tagAt - 4;
    if (encrypted) {
      setIv(this.rtcpCm, this.rtcpSalt, ssrc, index);
      this.rtcpCm.xorInPlace(m, at + 8, at + end);
    }
    out.set(mac.messageView(end));
    return end;
  }
}
