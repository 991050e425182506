/**
 * The clock of everything TURN keeps alive by refreshing it: the allocation (RFC 8656 §8),
 * permissions (§9) and channel bindings (§12). Each lasts a lifetime the server grants and is
 * refreshed a margin before it runs out, so that one lost request and its retransmissions still
 * fit before the server forgets it. All times are ms on the caller's clock.
 */

/** Below this, a retry after a failed refresh is not worth scheduling before expiry. */
const MIN_RETRY_MS = 1000;

export class Lease {
  /** When the server forgets the thing unless refreshed. */
  expiresAt = Number.POSITIVE_INFINITY;
  /** When we send the next refresh. */
  refreshAt = Number.POSITIVE_INFINITY;
  /** A refresh request is in flight; no second one is started. */
  inFlight = false;

  /**
   * The server granted `lifetimeMs` from `now`. The refresh goes `marginMs` before expiry, but
   * never earlier than half the lifetime, so short lifetimes are not refreshed in a loop.
   */
  renew(now: number, lifetimeMs: number, marginMs: number): void {
    this.expiresAt = now + lifetimeMs;
    this.refreshAt = this.expiresAt - Math.min(marginMs, lifetimeMs / 2);
    this.inFlight = false;
  }

  /** A refresh failed for a reason worth retrying (a timeout): try again halfway to expiry. */
  retry(now: number): void {
    this.inFlight = false;
    const left = this.expiresAt - now;
    this.refreshAt = left > 2 * MIN_RETRY_MS ? now + left / 2 : this.expiresAt;
  }

  /** Stop refreshing; the thing lapses at `expiresAt`. */
  stopRefreshing(): void {
    this.inFlight = false;
    this.refreshAt = Number.POSITIVE_INFINITY;
  }

  refreshDue(now: number): boolean {
    return !this.inFlight && now >= this.refreshAt;
  }

  expired(now: number): boolean {
    return now >= this.expiresAt;
  }

  /**
   * The next time this lease needs `handleTimeout`, or +Infinity. While a refresh is in flight
   * its transaction's own deadline stands in: the lease waits for the outcome.
   */
  nextDeadline(): number {
    return this.inFlight ? Number.POSITIVE_INFINITY : Math.min(this.refreshAt, this.expiresAt);
  }
}
