/**
 * Keys for MESSAGE-INTEGRITY(-SHA256) (RFC 8489 §9).
 * - Short-term (ICE): the key is the password itself, after OpaqueString preparation.
 * - Long-term (TURN): MD5 or SHA-256 of `username ":" realm ":" password` (§9.2.2), chosen by
 *   PASSWORD-ALGORITHM; the realm and password are prepared as OpaqueString (RFC 8265).
 */
import { createHash } from 'node:crypto';
import { PasswordAlgorithm } from './constants.js';

const encoder = new TextEncoder();

/**
 * Credential string preparation. RFC 8489 names OpaqueString (RFC 8265); RFC 5389 peers and the
 * RFC 5769 vectors use SASLprep (RFC 4013). For the strings seen in practice they agree; we apply
 * SASLprep's mapping so the §2.4 vector holds: characters "commonly mapped to nothing" (RFC 3454
 * B.1, e.g. U+00AD soft hyphen) are removed, non-ASCII spaces become U+0020, then NFKC.
 */
export function opaqueString(s: string): string {
  return s
    .replace(
      /\u00ad|\u034f|\u1806|\u180b|\u180c|\u180d|\u200b|\u200c|\u200d|\u2060|\ufeff|[\ufe00-\ufe0f]/g,
      '',
    )
    .replace(/[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g, ' ')
    .normalize('NFKC');
}

/** The short-term credential key (ICE): the prepared password's UTF-8 bytes (RFC 8489 §9.1.1). */
export function shortTermKey(password: string): Uint8Array {
  return encoder.encode(opaqueString(password));
}

/** The long-term credential key (RFC 8489 §9.2.2). */
export function longTermKey(
  username: string,
  realm: string,
  password: string,
  algorithm: PasswordAlgorithm = PasswordAlgorithm.MD5,
): Uint8Array {
  const hash = algorithm === PasswordAlgorithm.SHA256 ? 'sha256' : 'md5';
  const input = `${username}:${opaqueString(realm)}:${opaqueString(password)}`;
  return new Uint8Array(createHash(hash).update(input, 'utf8').digest());
}

/** USERHASH value: SHA-256 of `username ":" realm` (RFC 8489 §14.4). */
export function userhash(username: string, realm: string): Uint8Array {
  return new Uint8Array(
    createHash('sha256')
      .update(`${username}:${opaqueString(realm)}`, 'utf8')
      .digest(),
  );
}
