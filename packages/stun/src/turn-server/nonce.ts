/**
 * Stateless nonces for the long-term credential mechanism (RFC 8489 §9.2, RFC 8656 §5).
 *
 * A nonce is `<issue time, base 36>.<MAC>`, the MAC being HMAC-SHA256 over the issue time and
 * the client's transport address under a per-server secret. The server remembers nothing per
 * nonce, so a flood of unauthenticated Allocates costs no memory, yet a nonce cannot be forged,
 * cannot be moved to another client address (RFC 7616 §5.4 suggests binding it to the client),
 * and expires: past its lifetime the request gets 438 Stale Nonce and a fresh one (RFC 8489
 * §9.2.4). The text uses only unreserved characters, as the NONCE quoted-string allows (§14.10).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TransportAddress } from '../address.js';

/** RFC 8489 §14.10: a NONCE is shorter than 128 characters; longer ones are not ours. */
const MAX_NONCE_LENGTH = 127;
const MAC_BYTES = 12;

export class NonceIssuer {
  private readonly secret: Uint8Array;

  /**
   * @param lifetimeMs how long a nonce stays valid, on the clock passed as `now`.
   * @param secret HMAC key; a random one per server when omitted, so a restart voids all nonces.
   */
  constructor(
    private readonly lifetimeMs: number,
    secret?: Uint8Array,
  ) {
    this.secret = secret ?? randomBytes(32);
  }

  issue(client: TransportAddress, now: number): string {
    const issued = Math.max(0, Math.floor(now)).toString(36);
    return `${issued}.${this.mac(issued, client).toString('base64url')}`;
  }

  /** True when `nonce` was issued by this server to `client` and has not yet expired at `now`. */
  isValid(nonce: string, client: TransportAddress, now: number): boolean {
    if (nonce.length > MAX_NONCE_LENGTH) return false;
    const dot = nonce.indexOf('.');
    if (dot <= 0) return false;
    const issuedText = nonce.slice(0, dot);
    const issued = Number.parseInt(issuedText, 36);
    // Reject non-canonical spellings too, so one issue time has exactly one valid nonce text.
    if (!Number.isSafeInteger(issued) || issued.toString(36) !== issuedText) return false;
    const got = Buffer.from(nonce.slice(dot + 1), 'base64url');
    if (got.length !== MAC_BYTES) return false;
    if (!timingSafeEqual(got, this.mac(issuedText, client))) return false;
    return issued <= now && now < issued + this.lifetimeMs;
  }

  private mac(issued: string, client: TransportAddress): Buffer {
    return createHmac('sha256', this.secret)
      .update(`${issued}|${client.address}|${client.port}`)
      .digest()
      .subarray(0, MAC_BYTES);
  }
}
