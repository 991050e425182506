/**
 * Our State Cookie (RFC 9260 §5.1.3): everything the responder needs to create the association
 * from a COOKIE ECHO, so that an INIT costs it no state at all (§5.1: the INIT ACK is built and
 * forgotten; a flood of INITs allocates nothing that outlives the answer). Signed with
 * HMAC-SHA256 under a key that never leaves the association object.
 *
 *    0 magic "PRTC"            4 created (float64, ms)      12 lifetime (ms)
 *   16 peer tag               20 peer initial TSN           24 peer a_rwnd
 *   28 peer OS | peer MIS     32 local tag                  36 local initial TSN
 *   40 local tie-tag          44 peer tie-tag               48 flags | reserved
 *   52 HMAC-SHA256 over bytes 0..51
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readU16, readU32, writeU16, writeU32 } from '../bytes.js';

export const COOKIE_LENGTH = 84;
const SIGNED_LENGTH = 52;
const MAGIC = 0x50525443;
const FLAG_FORWARD_TSN = 1;
const FLAG_RECONFIG = 2;
const FLAG_ZERO_CHECKSUM = 4;

export interface CookieContent {
  readonly created: number;
  readonly lifetime: number;
  readonly peerTag: number;
  readonly peerInitialTsn: number;
  readonly peerArwnd: number;
  readonly peerOutboundStreams: number;
  readonly peerInboundStreams: number;
  readonly localTag: number;
  readonly localInitialTsn: number;
  /** Tie-tags (§5.2.2): the tags of the association that existed when the INIT came, or 0. */
  readonly localTieTag: number;
  readonly peerTieTag: number;
  readonly peerForwardTsn: boolean;
  readonly peerReconfig: boolean;
  /** The peer's INIT announced zero checksums with the method we use (RFC 9653 §5.2). */
  readonly peerZeroChecksum: boolean;
}

function hmac(key: Uint8Array, data: Uint8Array): Uint8Array {
  return createHmac('sha256', key).update(data).digest();
}

export function makeCookie(key: Uint8Array, c: CookieContent): Uint8Array {
  const b = new Uint8Array(COOKIE_LENGTH);
  const v = new DataView(b.buffer);
  writeU32(b, 0, MAGIC);
  v.setFloat64(4, c.created);
  writeU32(b, 12, Math.min(0xffffffff, c.lifetime));
  writeU32(b, 16, c.peerTag);
  writeU32(b, 20, c.peerInitialTsn);
  writeU32(b, 24, c.peerArwnd);
  writeU16(b, 28, c.peerOutboundStreams);
  writeU16(b, 30, c.peerInboundStreams);
  writeU32(b, 32, c.localTag);
  writeU32(b, 36, c.localInitialTsn);
  writeU32(b, 40, c.localTieTag);
  writeU32(b, 44, c.peerTieTag);
  writeU16(
    b,
    48,
    (c.peerForwardTsn ? FLAG_FORWARD_TSN : 0) |
      (c.peerReconfig ? FLAG_RECONFIG : 0) |
      (c.peerZeroChecksum ? FLAG_ZERO_CHECKSUM : 0),
  );
  b.set(hmac(key, b.subarray(0, SIGNED_LENGTH)), SIGNED_LENGTH);
  return b;
}

/** The cookie's content if it is ours and intact, else undefined. Staleness is the caller's call. */
export function openCookie(key: Uint8Array, cookie: Uint8Array): CookieContent | undefined {
  if (cookie.length !== COOKIE_LENGTH || readU32(cookie, 0) !== MAGIC) return undefined;
  const mac = hmac(key, cookie.subarray(0, SIGNED_LENGTH));
  if (!timingSafeEqual(mac, cookie.subarray(SIGNED_LENGTH))) return undefined;
  const v = new DataView(cookie.buffer, cookie.byteOffset, cookie.byteLength);
  const flags = readU16(cookie, 48);
  return {
    created: v.getFloat64(4),
    lifetime: readU32(cookie, 12),
    peerTag: readU32(cookie, 16),
    peerInitialTsn: readU32(cookie, 20),
    peerArwnd: readU32(cookie, 24),
    peerOutboundStreams: readU16(cookie, 28),
    peerInboundStreams: readU16(cookie, 30),
    localTag: readU32(cookie, 32),
    localInitialTsn: readU32(cookie, 36),
    localTieTag: readU32(cookie, 40),
    peerTieTag: readU32(cookie, 44),
    peerForwardTsn: (flags & FLAG_FORWARD_TSN) !== 0,
    peerReconfig: (flags & FLAG_RECONFIG) !== 0,
    peerZeroChecksum: (flags & FLAG_ZERO_CHECKSUM) !== 0,
  };
}
