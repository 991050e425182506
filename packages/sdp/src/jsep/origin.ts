/**
 * The o= line across a session (RFC 8829 §5.2.1, §5.2.2): `-` as username, a random session id
 * below 2^63 kept for the whole session, and a version that grows by one each time a new local
 * description differs from the previous one, and stays when it is the same.
 */
import { randomBytes } from 'node:crypto';
import type { Origin } from '../fields/origin.js';
import type { SessionDescription } from '../model/description.js';
import { writeDescription } from '../model/write.js';

/** A new origin: random 63-bit session id, version 0 (pass `random` for deterministic tests). */
export function createOrigin(random: (n: number) => Uint8Array = randomBytes): Origin {
  const bytes = random(8);
  let id = 0n;
  for (const b of bytes) id = (id << 8n) | BigInt(b);
  return {
    username: '-',
    sessionId: id & ((1n << 63n) - 1n),
    sessionVersion: 0n,
    netType: 'IN',
    addrType: 'IP4',
    address: '127.0.0.1',
  };
}

/**
 * `next` with the origin JSEP requires after `previous` (the last local description we
 * generated or applied): same id; same version when nothing else changed, else one more.
 */
export function stampOrigin(
  next: SessionDescription,
  previous: SessionDescription | undefined,
): SessionDescription {
  if (previous === undefined) return next;
  const same = { ...next, origin: previous.origin };
  if (writeDescription(same) === writeDescription(previous)) return same;
  return { ...next, origin: { ...previous.origin, sessionVersion: previous.origin.sessionVersion + 1n } };
}
