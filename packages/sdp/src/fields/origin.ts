/**
 * o= (RFC 8866 §5.2): `<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>`.
 * JSEP (RFC 8829 §5.2.1) uses `-` as username, a random 63-bit session id, and increments the
 * version whenever a new local description differs from the previous one (§5.2.2).
 */
import { badValue } from '../errors.js';
import { bigUint, fields, token, word } from '../text.js';

export interface Origin {
  readonly username: string;
  /** Up to 64 bits in practice (Chromium: 19 digits), so a bigint. */
  readonly sessionId: bigint;
  readonly sessionVersion: bigint;
  /** `IN` */
  readonly netType: string;
  /** `IP4` or `IP6` */
  readonly addrType: string;
  readonly address: string;
}

export function parseOrigin(value: string): Origin {
  const f = fields(value, 'o=');
  if (f.length !== 6) badValue(`o= has 6 fields, not ${f.length}`);
  return {
    username: word(f[0], 'o= username'),
    sessionId: bigUint(f[1], 'o= sess-id'),
    sessionVersion: bigUint(f[2], 'o= sess-version'),
    netType: token(f[3], 'o= nettype'),
    addrType: token(f[4], 'o= addrtype'),
    address: word(f[5], 'o= address'),
  };
}

export function formatOrigin(o: Origin): string {
  return `${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}`;
}
