/**
 * Client side of the STUN long-term credential mechanism (RFC 8489 §9.2) as TURN uses it
 * (RFC 8656 §5): what the server told us (REALM, NONCE, PASSWORD-ALGORITHMS), the key derived
 * from it, signing our requests and checking the server's responses.
 *
 * The first request goes out without credentials; the 401 that answers it carries REALM and
 * NONCE (§9.2.3.1). Every later request carries USERNAME, REALM, NONCE and MESSAGE-INTEGRITY
 * (§9.2.3.2). A 438 brings a fresh NONCE; any signed response may too (§9.2.5).
 */
import type { PasswordAlgorithmValue } from '../attributes.js';
import { AttributeType, PasswordAlgorithm } from '../constants.js';
import { longTermKey } from '../credentials.js';
import { verifyMessageIntegrity, verifyMessageIntegritySha256 } from '../integrity.js';
import type { StunMessage } from '../message.js';
import type { StunWriter } from '../writer.js';

/** RFC 8489 §9.2: nonces that start with this carry the server's security feature bits. */
const NONCE_COOKIE = 'obMatJos2';

/**
 * The "Password algorithms" feature, bit 0 of the 24-bit set. Implementations read the bit order
 * both ways (the RFC's figure numbers from the left, its errata from the right), so either end
 * counts. Username anonymity, bit 1, is 0x400000 or 0x000002 and collides with neither.
 */
const FEATURE_PASSWORD_ALGORITHMS = 0x800001;

/** The algorithms we can derive a key with, in our order of preference. */
const SUPPORTED = [PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5] as const;

export type ChallengeResult = 'retry' | 'no-challenge' | 'bid-down';

export class LongTermCredentials {
  private realm: string | undefined;
  private nonce: string | undefined;
  /** The PASSWORD-ALGORITHMS list exactly as the server sent it, echoed back in every request. */
  private offered: readonly PasswordAlgorithmValue[] | undefined;
  private algorithm: PasswordAlgorithmValue | undefined;
  private cachedKey: Uint8Array | undefined;

  constructor(
    private readonly username: string,
    private readonly password: string,
    /** Also sign with MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6) after MESSAGE-INTEGRITY. */
    private readonly sha256Integrity = false,
  ) {}

  /** True once a challenge gave us REALM and NONCE, so requests can be signed. */
  get ready(): boolean {
    return this.realm !== undefined && this.nonce !== undefined;
  }

  /** The HMAC key for the current realm and algorithm (RFC 8489 §9.2.2), once ready. */
  get key(): Uint8Array | undefined {
    if (!this.ready) return undefined;
    if (this.cachedKey === undefined) {
      const algorithm =
        this.algorithm?.algorithm === PasswordAlgorithm.SHA256
          ? PasswordAlgorithm.SHA256
          : PasswordAlgorithm.MD5;
      this.cachedKey = longTermKey(this.username, this.realm as string, this.password, algorithm);
    }
    return this.cachedKey;
  }

  /** The chosen PASSWORD-ALGORITHM, or MD5 when the server offered no list. */
  get passwordAlgorithm(): number {
    return this.algorithm?.algorithm ?? PasswordAlgorithm.MD5;
  }

  /**
   * Takes in a 401 or 438 (RFC 8489 §9.2.5): its REALM, NONCE and PASSWORD-ALGORITHMS. 'retry'
   * means the request can go again, signed; 'no-challenge' that the response lacks REALM or
   * NONCE; 'bid-down' that the nonce cookie promised PASSWORD-ALGORITHMS and none came, which
   * may be an attacker stripping the list to force MD5: RFC 8489 says not to retry.
   * Throws StunParseError on malformed attributes (callers drop the message).
   */
  challenge(message: StunMessage): ChallengeResult {
    const realm = message.realm ?? this.realm;
    const nonce = message.nonce;
    if (realm === undefined || nonce === undefined) return 'no-challenge';
    const offered = message.passwordAlgorithms;
    if (offered === undefined && announcesPasswordAlgorithms(nonce)) return 'bid-down';
    if (realm !== this.realm) this.cachedKey = undefined;
    this.realm = realm;
    this.nonce = nonce;
    if (offered !== undefined) {
      // RFC 8489 §9.2.5: the first algorithm in the server's list that we support.
      const chosen = offered.find((a) => (SUPPORTED as readonly number[]).includes(a.algorithm));
      if (chosen === undefined) return 'no-challenge';
      if (chosen.algorithm !== this.algorithm?.algorithm) this.cachedKey = undefined;
      this.offered = offered.map((a) => ({ algorithm: a.algorithm, parameters: a.parameters.slice() }));
      this.algorithm = { algorithm: chosen.algorithm, parameters: chosen.parameters.slice() };
    }
    return 'retry';
  }

  /** RFC 8489 §9.2.5: a NONCE in an authenticated response replaces ours. */
  updateNonce(message: StunMessage): void {
    const nonce = message.nonce;
    if (nonce !== undefined && this.ready) this.nonce = nonce;
  }

  /**
   * Appends USERNAME, REALM, NONCE, PASSWORD-ALGORITHMS / PASSWORD-ALGORITHM (when the server
   * offered them), MESSAGE-INTEGRITY and optionally MESSAGE-INTEGRITY-SHA256 (RFC 8489 §9.2.3.2).
   * Returns the key used, or undefined (and appends nothing) before the first challenge.
   */
  sign(w: StunWriter): Uint8Array | undefined {
    const key = this.key;
    if (key === undefined) return undefined;
    w.addText(AttributeType.Username, this.username);
    w.addText(AttributeType.Realm, this.realm as string);
    w.addText(AttributeType.Nonce, this.nonce as string);
    if (this.offered !== undefined && this.algorithm !== undefined) {
      w.addPasswordAlgorithms(AttributeType.PasswordAlgorithms, this.offered);
      w.addPasswordAlgorithms(AttributeType.PasswordAlgorithm, [this.algorithm]);
    }
    w.addMessageIntegrity(key);
    if (this.sha256Integrity) w.addMessageIntegritySha256(key);
    return key;
  }
}

/**
 * RFC 8489 §9.2.5: a response is authentic when its MESSAGE-INTEGRITY-SHA256 (preferred) or
 * MESSAGE-INTEGRITY matches the key the request was signed with.
 */
export function verifyResponse(message: StunMessage, key: Uint8Array): boolean {
  if (message.integritySha256Offset >= 0) return verifyMessageIntegritySha256(message, key);
  return verifyMessageIntegrity(message, key);
}

/** True when `nonce` starts with the cookie and its feature bits announce PASSWORD-ALGORITHMS. */
function announcesPasswordAlgorithms(nonce: string): boolean {
  if (!nonce.startsWith(NONCE_COOKIE) || nonce.length < NONCE_COOKIE.length + 4) return false;
  let bits: string;
  try {
    bits = atob(nonce.slice(NONCE_COOKIE.length, NONCE_COOKIE.length + 4));
  } catch {
    return false; // not base64: no feature set to honour
  }
  if (bits.length !== 3) return false;
  const features = (bits.charCodeAt(0) << 16) | (bits.charCodeAt(1) << 8) | bits.charCodeAt(2);
  return (features & FEATURE_PASSWORD_ALGORITHMS) !== 0;
}
