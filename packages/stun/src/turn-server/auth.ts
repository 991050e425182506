/**
 * The server side of the long-term credential mechanism (RFC 8489 §9.2.4), which RFC 8656 §5
 * requires of every TURN request. The checks run in the order §9.2.4 gives: no integrity ->
 * 401 challenge; integrity without USERNAME/REALM/NONCE -> 400; unknown user or wrong HMAC ->
 * 401; a good HMAC over an expired nonce -> 438. Only MD5 keys (the RFC 5389 default every
 * client speaks) are offered: the nonce carries no "nonce cookie", so PASSWORD-ALGORITHMS and
 * USERHASH are never negotiated. Both MESSAGE-INTEGRITY and MESSAGE-INTEGRITY-SHA256 are checked.
 */
import type { TransportAddress } from '../address.js';
import { ErrorCode } from '../constants.js';
import { longTermKey } from '../credentials.js';
import { verifyMessageIntegrity, verifyMessageIntegritySha256 } from '../integrity.js';
import type { StunMessage } from '../message.js';
import type { NonceIssuer } from './nonce.js';

export type AuthOutcome =
  | {
      readonly ok: true;
      readonly username: string;
      /** The long-term key, to sign the response with (RFC 8489 §9.2.4). */
      readonly key: Uint8Array;
      /** The request used MESSAGE-INTEGRITY-SHA256, so the response must too. */
      readonly sha256: boolean;
    }
  | {
      readonly ok: false;
      readonly code: number;
      readonly reason: string;
      /** 401 and 438 carry REALM and a fresh NONCE so the client can (re)try. */
      readonly challenge: boolean;
    };

const unauthenticated: AuthOutcome = {
  ok: false,
  code: ErrorCode.Unauthorized,
  reason: 'Unauthenticated',
  challenge: true,
};
const badRequest: AuthOutcome = {
  ok: false,
  code: ErrorCode.BadRequest,
  reason: 'Bad Request',
  challenge: false,
};
const staleNonce: AuthOutcome = {
  ok: false,
  code: ErrorCode.StaleNonce,
  reason: 'Stale Nonce',
  challenge: true,
};

export class LongTermAuthenticator {
  constructor(
    readonly realm: string,
    private readonly passwordFor: (username: string) => string | undefined,
    private readonly nonces: NonceIssuer,
  ) {}

  /** A nonce for the REALM/NONCE pair of a challenge. */
  nonceFor(client: TransportAddress, now: number): string {
    return this.nonces.issue(client, now);
  }

  check(message: StunMessage, client: TransportAddress, now: number): AuthOutcome {
    const sha256 = message.integritySha256Offset >= 0;
    if (message.integrityOffset < 0 && !sha256) return unauthenticated;
    const username = message.username;
    const realm = message.realm;
    const nonce = message.nonce;
    if (username === undefined || realm === undefined || nonce === undefined) return badRequest;
    // A key made with another realm cannot match ours; answer as for a wrong password, with
    // our REALM, so a client that guessed the realm learns the right one.
    if (realm !== this.realm) return unauthenticated;
    let password: string | undefined;
    try {
      password = this.passwordFor(username);
    } catch {
      password = undefined; // a failing user lookup must not take the server down
    }
    if (password === undefined) return unauthenticated;
    const key = longTermKey(username, this.realm, password);
    const valid = sha256 ? verifyMessageIntegritySha256(message, key) : verifyMessageIntegrity(message, key);
    if (!valid) return unauthenticated;
    // §9.2.4 checks the nonce last, so a 438 also tells the client its credentials were right.
    if (!this.nonces.isValid(nonce, client, now)) return staleNonce;
    return { ok: true, username, key, sha256 };
  }
}
