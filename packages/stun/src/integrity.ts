/**
 * MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 §14.5), MESSAGE-INTEGRITY-SHA256 (§14.6) and
 * FINGERPRINT (CRC-32 XOR 0x5354554E, §14.7), computed over the exact message bytes.
 *
 * Each covers the message up to (not including) its own attribute, but with the header's
 * length field already counting that attribute. Rather than copy the message to patch the
 * length, we feed a patched copy of the 20-byte header and then the untouched rest.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { HEADER_LENGTH } from './constants.js';
import { crc32 } from './crc32.js';
import type { StunMessage } from './message.js';

export const FINGERPRINT_XOR = 0x5354554e;

const scratchHeader = new Uint8Array(HEADER_LENGTH);

/** Header of `raw` with its length field set so the message would end at `end`. */
function patchedHeader(raw: Uint8Array, end: number): Uint8Array {
  scratchHeader.set(raw.subarray(0, HEADER_LENGTH));
  const length = end - HEADER_LENGTH;
  scratchHeader[2] = length >> 8;
  scratchHeader[3] = length & 0xff;
  return scratchHeader;
}

/**
 * HMAC over `raw[0, attrOffset)` as if the message ended after an attribute of `valueLength`
 * bytes placed at `attrOffset`. Writers and verifiers both come through here.
 */
export function computeHmac(
  hash: 'sha1' | 'sha256',
  key: Uint8Array,
  raw: Uint8Array,
  attrOffset: number,
  valueLength: number,
): Uint8Array {
  const hmac = createHmac(hash, key);
  hmac.update(patchedHeader(raw, attrOffset + 4 + valueLength));
  hmac.update(raw.subarray(HEADER_LENGTH, attrOffset));
  return hmac.digest();
}

/** FINGERPRINT value for an attribute placed at `attrOffset` of `raw`. */
export function computeFingerprint(raw: Uint8Array, attrOffset: number): number {
  let crc = crc32(patchedHeader(raw, attrOffset + 8));
  crc = crc32(raw, HEADER_LENGTH, attrOffset, crc);
  return (crc ^ FINGERPRINT_XOR) >>> 0;
}

/** True when the message carries MESSAGE-INTEGRITY and it matches `key`. */
export function verifyMessageIntegrity(message: StunMessage, key: Uint8Array): boolean {
  const at = message.integrityOffset;
  if (at < 0) return false;
  const value = message.raw.subarray(at + 4, at + 24);
  if (
    value.length !== 20 ||
    ((message.raw[at + 2] as number) << 8) + (message.raw[at + 3] as number) !== 20
  ) {
    return false;
  }
  return timingSafeEqual(computeHmac('sha1', key, message.raw, at, 20), value);
}

/**
 * True when the message carries MESSAGE-INTEGRITY-SHA256 and it matches `key`. The value may be
 * truncated to 16..32 bytes in steps of 4 (RFC 8489 §14.6); the HMAC is compared on its prefix.
 */
export function verifyMessageIntegritySha256(message: StunMessage, key: Uint8Array): boolean {
  const at = message.integritySha256Offset;
  if (at < 0) return false;
  const length = ((message.raw[at + 2] as number) << 8) | (message.raw[at + 3] as number);
  if (length < 16 || length > 32 || length % 4 !== 0) return false;
  const value = message.raw.subarray(at + 4, at + 4 + length);
  const mac = computeHmac('sha256', key, message.raw, at, length).subarray(0, length);
  return timingSafeEqual(mac, value);
}

/** True when the message carries a FINGERPRINT and it matches. */
export function verifyFingerprint(message: StunMessage): boolean {
  const at = message.fingerprintOffset;
  if (at < 0) return false;
  const raw = message.raw;
  if (((raw[at + 2] as number) << 8) + (raw[at + 3] as number) !== 4) return false;
  const got =
    ((raw[at + 4] as number) * 0x1000000 +
      (((raw[at + 5] as number) << 16) | ((raw[at + 6] as number) << 8) | (raw[at + 7] as number))) >>>
    0;
  return got === computeFingerprint(raw, at);
}
