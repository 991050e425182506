/**
 * The checklist of one ICE generation (RFC 8445 §6.1.2) with its triggered-check queue
 * (§6.1.4.1) and valid list (§7.2.5.3.2). With BUNDLE and rtcp-mux there is one component and
 * one data stream, so the "checklist set" has a single checklist.
 *
 * Pairs are kept sorted by priority, highest first (§6.1.2.3). The cap (§6.1.2.5) is enforced on
 * insertion: past it, a new pair displaces the lowest-priority Frozen/Waiting pair, or is refused.
 */
import type { CandidatePair } from './pair.js';

export type AddResult = 'added' | 'over-cap';

export class CheckList {
  /** Checklist pairs, highest priority first. */
  readonly pairs: CandidatePair[] = [];
  /** Valid pairs that are not checklist pairs (local candidate from the mapped address). */
  readonly constructed: CandidatePair[] = [];
  private readonly byKey = new Map<string, CandidatePair>();
  private readonly constructedByKey = new Map<string, CandidatePair>();
  private readonly triggered: CandidatePair[] = [];

  constructor(private readonly maxPairs: number) {}

  get size(): number {
    return this.pairs.length;
  }

  find(key: string): CandidatePair | undefined {
    return this.byKey.get(key);
  }

  /** A constructed valid pair by local candidate id and remote key. */
  findConstructed(localId: string, remoteKey: string): CandidatePair | undefined {
    return this.constructedByKey.get(`${localId}|${remoteKey}`);
  }

  addConstructed(pair: CandidatePair): void {
    const key = `${pair.local.id}|${pair.remote.key}`;
    if (this.constructedByKey.has(key)) return;
    this.constructedByKey.set(key, pair);
    this.constructed.push(pair);
  }

  /**
   * Adds a pair in priority order. Its initial state (§6.1.2.6, and RFC 8838 §10 for pairs that
   * trickle in later): Frozen when a pair of the same foundation is already Frozen, Waiting or
   * In-Progress (it will thaw when that one succeeds, §7.2.5.3.3), otherwise Waiting.
   * `removed` receives a displaced pair, if any.
   */
  add(pair: CandidatePair, removed?: (p: CandidatePair) => void): AddResult {
    if (this.byKey.has(pair.key)) return 'added';
    if (this.pairs.length >= this.maxPairs) {
      let victim: CandidatePair | undefined;
      for (let i = this.pairs.length - 1; i >= 0; i--) {
        const p = this.pairs[i] as CandidatePair;
        if ((p.state === 'frozen' || p.state === 'waiting') && !this.triggered.includes(p)) {
          victim = p;
          break;
        }
      }
      if (victim === undefined || victim.priority >= pair.priority) return 'over-cap';
      this.remove(victim);
      removed?.(victim);
    }
    const foundation = pair.foundation;
    const busy = this.pairs.some(
      (p) =>
        p.foundation === foundation &&
        (p.state === 'frozen' || p.state === 'waiting' || p.state === 'in-progress'),
    );
    pair.setState(busy ? 'frozen' : 'waiting');
    this.insertSorted(pair);
    this.byKey.set(pair.key, pair);
    return 'added';
  }

  remove(pair: CandidatePair): void {
    const i = this.pairs.indexOf(pair);
    if (i >= 0) this.pairs.splice(i, 1);
    this.byKey.delete(pair.key);
    const t = this.triggered.indexOf(pair);
    if (t >= 0) this.triggered.splice(t, 1);
  }

  /** After priorities changed (role switch, prflx replaced by its signalled candidate). */
  sort(): void {
    this.pairs.sort((a, b) => (a.priority > b.priority ? -1 : a.priority < b.priority ? 1 : 0));
  }

  /** §6.1.4.1: the triggered-check queue, FIFO, each pair at most once. */
  enqueueTriggered(pair: CandidatePair): void {
    if (!this.triggered.includes(pair)) this.triggered.push(pair);
  }

  isTriggered(pair: CandidatePair): boolean {
    return this.triggered.includes(pair);
  }

  dequeueTriggered(pair: CandidatePair): void {
    const i = this.triggered.indexOf(pair);
    if (i >= 0) this.triggered.splice(i, 1);
  }

  get triggeredCount(): number {
    return this.triggered.length;
  }

  clearTriggered(): void {
    this.triggered.length = 0;
  }

  /**
   * §6.1.4.2, what to check at the next Ta tick: the head of the triggered queue, else the
   * highest-priority Waiting pair; when none is Waiting, one Frozen pair per foundation with
   * nothing Waiting or In-Progress is thawed first.
   */
  next(): CandidatePair | undefined {
    const triggered = this.triggered.shift();
    if (triggered !== undefined) return triggered;
    let waiting = this.pairs.find((p) => p.state === 'waiting');
    if (waiting !== undefined) return waiting;
    const busy = new Set<string>();
    for (const p of this.pairs) if (p.state === 'in-progress') busy.add(p.foundation);
    for (const p of this.pairs) {
      if (p.state !== 'frozen' || busy.has(p.foundation)) continue;
      p.setState('waiting');
      busy.add(p.foundation);
      waiting ??= p;
    }
    return waiting;
  }

  /** Whether `next()` would find something (without thawing anything). */
  hasWork(): boolean {
    return this.triggered.length > 0 || this.pairs.some((p) => p.state === 'waiting' || p.state === 'frozen');
  }

  /** §7.2.5.3.3: a check succeeded, so Frozen pairs of its foundation become Waiting. */
  unfreeze(foundation: string): void {
    for (const p of this.pairs)
      if (p.state === 'frozen' && p.foundation === foundation) p.setState('waiting');
  }

  /** Pairs Waiting or In-Progress: the N of RFC 8445 §14.3's RTO = MAX(500 ms, N x Ta). */
  activeCount(): number {
    let n = 0;
    for (const p of this.pairs) if (p.state === 'waiting' || p.state === 'in-progress') n++;
    return n;
  }

  /** A pair that may still succeed: Frozen, Waiting, In-Progress, or queued for a triggered check. */
  hasPending(): boolean {
    return this.triggered.length > 0 || this.pairs.some((p) => isPending(p));
  }

  /** Valid pairs: checklist pairs whose check succeeded and the constructed ones. */
  *valid(): Generator<CandidatePair> {
    for (const p of this.pairs) if (p.state === 'succeeded' && p.valid === p) yield p;
    for (const p of this.constructed) if (p.state === 'succeeded') yield p;
  }

  /**
   * §8.1.2: once the controlling agent's nomination succeeded, Waiting and Frozen pairs leave the
   * checklist; In-Progress pairs of lower priority than the nominated one are returned so the
   * caller can stop their retransmissions.
   */
  pruneAfterNomination(nominated: CandidatePair): CandidatePair[] {
    const lower: CandidatePair[] = [];
    for (const p of [...this.pairs]) {
      if (p.state === 'waiting' || p.state === 'frozen') this.remove(p);
      else if (p.state === 'in-progress' && p.priority < nominated.priority) lower.push(p);
    }
    this.triggered.length = 0;
    return lower;
  }

  private insertSorted(pair: CandidatePair): void {
    let lo = 0;
    let hi = this.pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.pairs[mid] as CandidatePair).priority >= pair.priority) lo = mid + 1;
      else hi = mid;
    }
    this.pairs.splice(lo, 0, pair);
  }
}

export function isPending(p: CandidatePair): boolean {
  return p.state === 'frozen' || p.state === 'waiting' || p.state === 'in-progress';
}
