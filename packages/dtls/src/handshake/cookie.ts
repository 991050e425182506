/**
 * Stateless HelloVerifyRequest cookies (RFC 6347 §4.2.1): the server answers a ClientHello
 * without a valid cookie with a HelloVerifyRequest and keeps nothing; the client echoes the
 * cookie in a second ClientHello, which proves it can receive at its source address.
 *
 * Cookie = HMAC-SHA256(secret, remote address || ClientHello parameters), the construction
 * §4.2.1 suggests. The parameters are the ones §4.2.1 requires the client to repeat unchanged:
 * client_version, random, session_id, cipher_suites and compression_methods (extensions may
 * legitimately differ). The secret rotates every `rotationInterval` ms; cookies made with the
 * previous secret still verify, so a client caught by a rotation is not bounced twice.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const COOKIE_LENGTH = 32;
export const DEFAULT_COOKIE_ROTATION = 60_000;

/** The bytes of a ClientHello body the cookie covers: before and after its cookie field. */
export interface ClientHelloCookieInput {
  /** client_version, random, session_id (with its length byte). */
  readonly head: Uint8Array;
  /** The cookie the client sent (empty on the first ClientHello). */
  readonly cookie: Uint8Array;
  /** cipher_suites and compression_methods, with their length prefixes. */
  readonly tail: Uint8Array;
}

/**
 * Splits a ClientHello body (RFC 6347 §4.2.1 layout) around its cookie without decoding the rest:
 * the stateless front calls this on every ClientHello, so it allocates nothing but views.
 * Returns undefined when the body is too short for the fields it covers.
 */
export function splitClientHelloForCookie(body: Uint8Array): ClientHelloCookieInput | undefined {
  let p = 2 + 32; // client_version, random
  if (body.length < p + 1) return undefined;
  p += 1 + body[p]!; // session_id
  if (body.length < p + 1) return undefined;
  const cookieStart = p + 1;
  const cookieEnd = cookieStart + body[p]!;
  p = cookieEnd;
  if (body.length < p + 2) return undefined;
  p += 2 + ((body[p]! << 8) | body[p + 1]!); // cipher_suites
  if (body.length < p + 1) return undefined;
  p += 1 + body[p]!; // compression_methods
  if (body.length < p) return undefined;
  return {
    head: body.subarray(0, cookieStart - 1),
    cookie: body.subarray(cookieStart, cookieEnd),
    tail: body.subarray(cookieEnd, p),
  };
}

export interface CookieOptions {
  /** How often the HMAC secret changes, in ms (default 60 s). */
  readonly rotationInterval?: number;
  /** Source of secrets (tests pass a deterministic one). */
  readonly randomSecret?: () => Uint8Array;
}

export class CookieSecrets {
  private readonly rotationInterval: number;
  private readonly randomSecret: () => Uint8Array;
  private current: Uint8Array;
  private previous: Uint8Array | undefined;
  private rotatedAt: number | undefined;

  constructor(options: CookieOptions = {}) {
    this.rotationInterval = options.rotationInterval ?? DEFAULT_COOKIE_ROTATION;
    if (!(this.rotationInterval > 0)) throw new RangeError('cookie rotationInterval must be > 0');
    this.randomSecret = options.randomSecret ?? (() => randomBytes(32));
    this.current = this.randomSecret();
  }

  /** Rotates when the interval has passed (at most one step: older cookies expire). */
  private tick(now: number): void {
    if (this.rotatedAt === undefined) {
      this.rotatedAt = now;
      return;
    }
    if (now - this.rotatedAt < this.rotationInterval) return;
    // Two intervals or more without traffic: both secrets are stale.
    this.previous = now - this.rotatedAt < 2 * this.rotationInterval ? this.current : undefined;
    this.current = this.randomSecret();
    this.rotatedAt = now;
  }

  /** The cookie for this remote and ClientHello. */
  make(remoteKey: string, hello: ClientHelloCookieInput, now: number): Uint8Array {
    this.tick(now);
    return compute(this.current, remoteKey, hello);
  }

  /** True when `hello.cookie` is the one we would have made now or before the last rotation. */
  verify(remoteKey: string, hello: ClientHelloCookieInput, now: number): boolean {
    this.tick(now);
    if (hello.cookie.length !== COOKIE_LENGTH) return false;
    if (timingSafeEqual(compute(this.current, remoteKey, hello), hello.cookie)) return true;
    return (
      this.previous !== undefined && timingSafeEqual(compute(this.previous, remoteKey, hello), hello.cookie)
    );
  }
}

function compute(secret: Uint8Array, remoteKey: string, hello: ClientHelloCookieInput): Uint8Array {
  const h = createHmac('sha256', secret);
  h.update(remoteKey, 'utf8');
  h.update(SEPARATOR);
  h.update(hello.head);
  h.update(hello.tail);
  return h.digest();
}

const SEPARATOR = new Uint8Array([0]);
