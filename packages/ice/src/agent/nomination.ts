/**
 * Regular nomination by the controlling agent (RFC 8445 §8.1.1). The agent lets checks run
 * until it has a valid pair it is content with, then repeats the check that produced that
 * valid pair with USE-CANDIDATE; the success of that check nominates (and selects) it.
 *
 * "Content" here: the best valid pair, once no pair of higher priority can still succeed (none
 * is Frozen, Waiting or In-Progress) — or, so that one slow or black-holed pair cannot stall the
 * connection, `timeout` ms after the first pair became valid (browsers nominate as eagerly).
 * Pairs of lower priority are not waited for, whatever their state, queued for a triggered
 * check (§7.3.1.4) or not: the valid pair a check produces is, in practice, no better than the
 * pair checked (§7.2.5.3.2: its local candidate is that pair's, or a reflexive one of lower type
 * preference; a relayed pair whose mapped address is not its relayed address is the odd case).
 *
 * The choice is made where the facts change (a check succeeds or fails, the deadline passes),
 * and the nominating check then goes out in that same call (checking.ts, `sendNomination`).
 */
import { type CheckList, isPending } from './checklist.js';
import type { CandidatePair } from './pair.js';

export class Nominator {
  /** When the first valid pair of this generation appeared. */
  private firstValidAt: number | undefined;
  /** Set while `choose` holds back for higher-priority pairs: when it will give in. */
  private waitingUntil: number | undefined;
  /** The checklist pair whose USE-CANDIDATE check is in flight. */
  pending: CandidatePair | undefined;
  /** Our nomination succeeded: this valid pair is nominated and selected. */
  done: CandidatePair | undefined;

  constructor(private readonly timeout: number) {}

  reset(): void {
    this.firstValidAt = undefined;
    this.waitingUntil = undefined;
    this.pending = undefined;
    this.done = undefined;
  }

  /** The valid pair to nominate now, or undefined to keep waiting (see `deadline`). */
  choose(checklist: CheckList, now: number): CandidatePair | undefined {
    this.waitingUntil = undefined;
    if (this.pending !== undefined || this.done !== undefined) return undefined;
    const best = bestValid(checklist);
    if (best === undefined) return undefined;
    this.firstValidAt ??= now;
    if (now >= this.firstValidAt + this.timeout) return best;
    for (const p of checklist.pairs) {
      if (p.priority <= best.priority) break; // sorted: the rest are lower
      // A pair queued for a triggered check (§7.3.1.4: a new prflx pair, say) is Waiting: here too.
      if (isPending(p)) {
        this.waitingUntil = this.firstValidAt + this.timeout;
        return undefined;
      }
    }
    return best;
  }

  /** When `choose` will give in to the timeout, if it is waiting for one. */
  deadline(): number | undefined {
    return this.waitingUntil;
  }
}

/** The highest-priority valid pair (§7.2.5.3.2), or undefined. */
export function bestValid(checklist: CheckList): CandidatePair | undefined {
  let best: CandidatePair | undefined;
  for (const v of checklist.valid()) if (best === undefined || v.priority > best.priority) best = v;
  return best;
}
