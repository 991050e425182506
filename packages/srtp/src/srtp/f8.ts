/**
 * AES in f8 mode (RFC 3711 §4.1.2), the optional SRTP cipher that no DTLS-SRTP profile uses. It is
 * here only so that the AES-f8 vector of RFC 3711 Appendix B.1 can be checked; no session uses it.
 *
 *   m = salt || 0x55...55 (to the key length);  IV' = E(k XOR m, IV)
 *   S(-1) = 0;  S(j) = E(k, IV' XOR j XOR S(j-1));  keystream = S(0) || S(1) || ...
 */
import { AesEcb } from './crypto.js';

/** Encrypts (or decrypts) `data` with AES-f8 under `key`, `salt` and the 16-byte `iv`. */
export function aesF8(key: Uint8Array, salt: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const masked = new Uint8Array(key.length).fill(0x55);
  masked.set(salt);
  for (let i = 0; i < key.length; i++) masked[i] = (masked[i] as number) ^ (key[i] as number);
  const ivPrime = new AesEcb(masked).encrypt(iv);
  const ecb = new AesEcb(key);
  const out = new Uint8Array(data.length);
  let s = new Uint8Array(16);
  const input = new Uint8Array(16);
  for (let j = 0; j * 16 < data.length; j++) {
    for (let i = 0; i < 16; i++) input[i] = (ivPrime[i] as number) ^ (s[i] as number);
    // XOR the 128-bit counter j (big-endian) into the low bytes.
    input[15] = (input[15] as number) ^ (j & 0xff);
    input[14] = (input[14] as number) ^ ((j >>> 8) & 0xff);
    input[13] = (input[13] as number) ^ ((j >>> 16) & 0xff);
    input[12] = (input[12] as number) ^ ((j >>> 24) & 0xff);
    s = new Uint8Array(ecb.encrypt(input));
    for (let i = 0; i < 16 && j * 16 + i < data.length; i++)
      out[j * 16 + i] = (data[j * 16 + i] as number) ^ (s[i] as number);
  }
  return out;
}
