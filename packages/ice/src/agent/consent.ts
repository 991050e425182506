/**
 * Consent freshness (RFC 7675) and liveness of the selected pair.
 *
 * - §5.1: a consent check (an ICE Binding request on the pair, fresh transaction id) every
 *   `interval` ms, randomized over [0.8, 1.2] x interval so peers do not synchronize. Each
 *   authenticated success response renews consent for `timeout` ms (30 s); when consent runs out
 *   the agent stops sending on the pair. The checks double as ICE keepalives (RFC 8445 §11).
 * - Liveness (ours, for the W3C 'disconnected' state): nothing received on the pair for
 *   `disconnectedTimeout` ms. After 70 % of that silence one consent check goes out early (then
 *   retransmitted on the STUN schedule, 500 ms later), so an idle but healthy pair is not reported
 *   disconnected merely because both peers' consent timers happened to fall far apart.
 */
import { randomBytes } from 'node:crypto';
import type { CandidatePair } from './pair.js';

/** Uniform in [0, 1) from the CSPRNG, 32 bits at a time from a pooled buffer (jitter, not secrets). */
const pool = new Uint32Array(64);
let poolAt = pool.length;
export function randomUnit(): number {
  if (poolAt >= pool.length) {
    const bytes = randomBytes(pool.length * 4);
    pool.set(new Uint32Array(bytes.buffer, bytes.byteOffset, pool.length));
    poolAt = 0;
  }
  return (pool[poolAt++] as number) / 0x1_0000_0000;
}

/** Share of `disconnectedTimeout` of silence after which a consent check goes out early. */
const PROBE_AFTER = 0.7;

export class Consent {
  constructor(
    readonly interval: number,
    readonly timeout: number,
    readonly disconnectedTimeout: number,
  ) {}

  /** §5.1: the next consent check, interval x U(0.8, 1.2) from now. */
  next(now: number): number {
    return now + this.interval * (0.8 + 0.4 * randomUnit());
  }

  /** The pair was just selected: consent is fresh (the check that made it valid proved it). */
  start(pair: CandidatePair, now: number): void {
    pair.consentLost = false;
    pair.consentExpiresAt = now + this.timeout;
    pair.nextConsentAt = this.next(now);
  }

  /** An authenticated success response to a check on the pair. */
  renew(pair: CandidatePair, now: number): void {
    if (pair.consentLost) return;
    pair.consentExpiresAt = now + this.timeout;
  }

  expired(pair: CandidatePair, now: number): boolean {
    return now >= pair.consentExpiresAt;
  }

  /** When silence calls for an early consent check, or undefined once one went out for this silence. */
  probeAt(pair: CandidatePair, lastReceived: number): number | undefined {
    return pair.lastConsentSent > lastReceived
      ? undefined
      : lastReceived + this.disconnectedTimeout * PROBE_AFTER;
  }
}
