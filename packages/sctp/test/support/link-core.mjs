// The simulated network path shared by the tests (virtual-link.ts) and the benchmark's werift
// worker, in plain JavaScript so that a worker thread can load it without a TypeScript loader.
// Everything is deterministic for a given seed.

/** mulberry32: a small, fast, seedable PRNG returning floats in [0, 1). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A binary min-heap of timed items; equal times come out in insertion order. */
export class Heap {
  constructor() {
    this.times = [];
    this.seqs = [];
    this.items = [];
    this.seq = 0;
  }
  get size() {
    return this.items.length;
  }
  peekTime() {
    return this.items.length > 0 ? this.times[0] : undefined;
  }
  push(time, item) {
    const t = this.times;
    const s = this.seqs;
    const it = this.items;
    let i = it.length;
    t.push(time);
    s.push(this.seq++);
    it.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (t[p] < t[i] || (t[p] === t[i] && s[p] < s[i])) break;
      this.swap(i, p);
      i = p;
    }
  }
  pop() {
    const t = this.times;
    const s = this.seqs;
    const it = this.items;
    const n = it.length;
    if (n === 0) return undefined;
    const top = it[0];
    this.swap(0, n - 1);
    t.pop();
    s.pop();
    it.pop();
    const m = n - 1;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < m && (t[l] < t[best] || (t[l] === t[best] && s[l] < s[best]))) best = l;
      if (r < m && (t[r] < t[best] || (t[r] === t[best] && s[r] < s[best]))) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
    return top;
  }
  swap(i, j) {
    const t = this.times;
    const s = this.seqs;
    const it = this.items;
    const a = t[i];
    t[i] = t[j];
    t[j] = a;
    const b = s[i];
    s[i] = s[j];
    s[j] = b;
    const c = it[i];
    it[i] = it[j];
    it[j] = c;
  }
}

/**
 * One direction of a path: a bottleneck of `bandwidth` bits/s with a drop-tail queue of
 * `queueBytes`, then `delay` ms of propagation; random loss, reordering (a packet held back by
 * up to `reorderDelay` ms) and duplication with the given probabilities.
 */
export class Path {
  constructor(options = {}) {
    this.bandwidth = options.bandwidth ?? Number.POSITIVE_INFINITY;
    this.delay = options.delay ?? 0;
    this.loss = options.loss ?? 0;
    this.reorder = options.reorder ?? 0;
    this.reorderDelay = options.reorderDelay ?? 2 + this.delay / 4;
    this.duplicate = options.duplicate ?? 0;
    this.queueBytes = options.queueBytes ?? Number.POSITIVE_INFINITY;
    this.random = rng(options.seed ?? 1);
    this.freeAt = 0;
    this.stats = { sent: 0, bytes: 0, lost: 0, queueDropped: 0, reordered: 0, duplicated: 0 };
  }

  /** Arrival times of the copies of a `size`-byte packet sent at `now` (none if it is dropped). */
  transit(now, size) {
    const st = this.stats;
    st.sent++;
    st.bytes += size;
    let depart = now;
    if (this.bandwidth !== Number.POSITIVE_INFINITY) {
      const bytesPerMs = this.bandwidth / 8000;
      const backlog = Math.max(0, this.freeAt - now) * bytesPerMs;
      if (backlog + size > this.queueBytes) {
        st.queueDropped++;
        return [];
      }
      depart = Math.max(now, this.freeAt) + size / bytesPerMs;
      this.freeAt = depart;
    }
    const r = this.random;
    if (this.loss > 0 && r() < this.loss) {
      st.lost++;
      return [];
    }
    let arrive = depart + this.delay;
    if (this.reorder > 0 && r() < this.reorder) {
      st.reordered++;
      arrive += r() * this.reorderDelay;
    }
    if (this.duplicate > 0 && r() < this.duplicate) {
      st.duplicated++;
      return [arrive, arrive + r() * this.reorderDelay];
    }
    return [arrive];
  }
}
