/**
 * SRTP key derivation (RFC 3711 §4.3) with the AES-CM PRF (§4.3.3), key derivation rate 0 (the
 * only rate DTLS-SRTP uses, RFC 5764 §4.1.2): the session key for `label` is the AES-CM keystream
 * under the master key, with IV = (master_salt XOR label << 48) * 2^16.
 *
 * AEAD_AES_256_GCM derives with AES-256 (RFC 7714 §11). The GCM profiles' 12-byte master salt is
 * placed like a 14-byte one with two zero bytes after it, as libsrtp does.
 */
import { AesCm } from './aes-cm.js';

/** Key derivation labels (RFC 3711 §4.3.1, §4.3.2). */
export const KdfLabel = {
  SRTP_ENCRYPTION: 0x00,
  SRTP_AUTHENTICATION: 0x01,
  SRTP_SALT: 0x02,
  SRTCP_ENCRYPTION: 0x03,
  SRTCP_AUTHENTICATION: 0x04,
  SRTCP_SALT: 0x05,
} as const;

/** A session key or salt of `length` bytes for `label`. */
export function deriveSessionKey(
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
  label: number,
  length: number,
): Uint8Array {
  if (masterSalt.length > 14) throw new RangeError(`master salt of ${masterSalt.length} bytes, at most 14`);
  const iv = new Uint8Array(16);
  iv.set(masterSalt);
  // key_id = label || (index DIV kdr), 56 bits, right-aligned against the 112-bit salt: the label
  // lands on salt byte 7, and with kdr = 0 the 48-bit index part is zero.
  iv[7] = (iv[7] as number) ^ label;
  return new AesCm(masterKey).keystream(iv, length);
}
