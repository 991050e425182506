/**
 * The agent's STUN client transactions: connectivity checks, consent checks and Binding requests
 * to STUN servers. Unlike @purertc/stun's StunClientTransactions these are sent along a path the
 * caller decides at each (re)transmission (a socket, or a TURN allocation that may have bound a
 * channel meanwhile), each with its own RTO (RFC 8445 §14.3) and schedule, and they can be
 * *cancelled* as RFC 8445 §7.3.1.4 means it: no more retransmissions, no failure on timeout, but
 * a response that still arrives within the transaction timeout is accepted.
 *
 * Retransmission (RFC 8489 §6.2.1): sends at 0, RTO, 3 RTO, 7 RTO, ... Rc sends in all, then a
 * last wait of Rm * RTO before the transaction times out.
 */
import { transactionKey } from '@purertc/stun';

export interface Schedule {
  /** Initial retransmission timeout, ms. */
  readonly rto: number;
  /** Sends in all (>= 1). */
  readonly rc: number;
  /** Last wait = rm * rto. */
  readonly rm: number;
  /** The transaction ends (times out) at the latest this long after it started, whatever the schedule says. */
  readonly maxLifetime?: number;
}

export interface Transaction<C> {
  readonly key: string;
  /** The encoded request; bytes 8..20 are the transaction id. */
  readonly bytes: Uint8Array;
  readonly context: C;
  readonly firstSent: number;
  readonly schedule: Schedule;
  sends: number;
  interval: number;
  deadline: number;
  /** `firstSent + maxLifetime`: the transaction times out here at the latest. */
  readonly end: number;
  /** §7.3.1.4: no retransmissions, and a timeout is not a failure. */
  cancelled: boolean;
}

export class Transactions<C> {
  private readonly pending = new Map<string, Transaction<C>>();

  /**
   * @param transmit (re)sends a transaction's bytes; called by `start` and on each retransmission.
   * @param max cap on transactions in flight; `start` refuses past it.
   */
  constructor(
    private readonly transmit: (t: Transaction<C>, now: number) => void,
    private readonly max: number,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  values(): IterableIterator<Transaction<C>> {
    return this.pending.values();
  }

  /** Starts and sends a transaction; undefined when the cap is reached (the caller counts it). */
  start(bytes: Uint8Array, context: C, now: number, schedule: Schedule): Transaction<C> | undefined {
    if (this.pending.size >= this.max) return undefined;
    const key = transactionKey(bytes.subarray(8, 20));
    if (this.pending.has(key)) return undefined; // 96 random bits: never in practice
    const rc = Math.max(1, schedule.rc);
    const end = now + (schedule.maxLifetime ?? Number.POSITIVE_INFINITY);
    const t: Transaction<C> = {
      key,
      bytes,
      context,
      firstSent: now,
      schedule,
      sends: 1,
      interval: schedule.rto,
      deadline: Math.min(end, rc <= 1 ? now + schedule.rm * schedule.rto : now + schedule.rto),
      end,
      cancelled: false,
    };
    this.pending.set(key, t);
    this.transmit(t, now);
    return t;
  }

  /** The transaction a response belongs to, without ending it. */
  get(transactionId: Uint8Array): Transaction<C> | undefined {
    return this.pending.get(transactionKey(transactionId));
  }

  /** Ends a transaction (its response arrived, or the caller gave up on it). */
  remove(t: Transaction<C>): void {
    this.pending.delete(t.key);
  }

  /** RFC 8445 §7.3.1.4: stop retransmitting; a late response is still taken until the timeout. */
  cancel(t: Transaction<unknown>): void {
    if (t.cancelled) return;
    t.cancelled = true;
    // It stays until the time the whole schedule would have run out.
    t.deadline = Math.min(t.end, Math.max(t.deadline, t.firstSent + totalTimeout(t.schedule)));
  }

  /** Drops every transaction matching `pred`, silently. */
  removeWhere(pred: (t: Transaction<C>) => boolean): void {
    for (const t of [...this.pending.values()]) if (pred(t)) this.pending.delete(t.key);
  }

  clear(): void {
    this.pending.clear();
  }

  /** Retransmits what is due; transactions that ran out are removed and handed to `timedOut`. */
  handleTimeout(now: number, timedOut: (t: Transaction<C>) => void): void {
    for (const t of [...this.pending.values()]) {
      if (now < t.deadline || !this.pending.has(t.key)) continue;
      if (t.cancelled || t.sends >= t.schedule.rc || now >= t.end) {
        this.pending.delete(t.key);
        timedOut(t);
        continue;
      }
      t.sends++;
      t.interval *= 2;
      t.deadline = Math.min(
        t.end,
        t.sends >= t.schedule.rc ? now + t.schedule.rm * t.schedule.rto : now + t.interval,
      );
      this.transmit(t, now);
    }
  }

  pollTimeout(): number | undefined {
    let next: number | undefined;
    for (const t of this.pending.values()) if (next === undefined || t.deadline < next) next = t.deadline;
    return next;
  }
}

/** How long a transaction lives when nothing answers: RTO * (2^(Rc-1) - 1) + Rm * RTO. */
export function totalTimeout(s: Schedule): number {
  const rc = Math.max(1, s.rc);
  return s.rto * (2 ** (rc - 1) - 1) + s.rm * s.rto;
}
