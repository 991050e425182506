/**
 * ICE credentials and the role tie-breaker, from node:crypto (RFC 8445 §5.3: the ufrag carries at
 * least 24 bits of randomness and the password at least 128; §16.1: the tie-breaker is a random
 * 64-bit number). We generate 16 + 32 ice-chars: 96 and 192 bits.
 */
import { randomBytes } from 'node:crypto';
import type { IceCredentials } from './types.js';

/** RFC 8839 §5.4: ice-char = ALPHA / DIGIT / "+" / "/" — 64 characters, so a byte & 63 is unbiased. */
const ICE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ICE_CHAR_STRING = /^[A-Za-z0-9+/]+$/;

/** `length` random ice-chars. */
export function randomIceString(length: number): string {
  const bytes = randomBytes(length);
  let s = '';
  for (let i = 0; i < length; i++) s += ICE_CHARS[(bytes[i] as number) & 63];
  return s;
}

export function generateCredentials(): IceCredentials {
  return { ufrag: randomIceString(16), pwd: randomIceString(32) };
}

export function randomTieBreaker(): bigint {
  return randomBytes(8).readBigUInt64BE(0);
}

/**
 * Checks credentials given through the API (not network input): RFC 8839 §5.4 asks for 4..256
 * ice-chars of ufrag and 22..256 of pwd. Remote credentials are checked more loosely (`remote`):
 * any non-empty text without ':' in the ufrag (it is the USERNAME separator), as long as peers
 * send them, because refusing a slightly odd peer helps nobody.
 */
export function checkCredentials(c: IceCredentials, remote: boolean): void {
  if (typeof c.ufrag !== 'string' || typeof c.pwd !== 'string')
    throw new TypeError('ufrag and pwd must be strings');
  if (remote) {
    if (c.ufrag.length === 0 || c.ufrag.length > 256 || c.ufrag.includes(':')) {
      throw new RangeError(`remote ufrag ${JSON.stringify(c.ufrag)} is empty, too long or contains ':'`);
    }
    if (c.pwd.length === 0 || c.pwd.length > 256)
      throw new RangeError('remote pwd must be 1..256 characters');
    return;
  }
  if (c.ufrag.length < 4 || c.ufrag.length > 256 || !ICE_CHAR_STRING.test(c.ufrag)) {
    throw new RangeError('ufrag must be 4..256 ice-chars (RFC 8839 §5.4)');
  }
  if (c.pwd.length < 22 || c.pwd.length > 256 || !ICE_CHAR_STRING.test(c.pwd)) {
    throw new RangeError('pwd must be 22..256 ice-chars (RFC 8839 §5.4)');
  }
}
