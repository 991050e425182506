/**
 * A simulated datagram network on a virtual clock, for driving sans-IO engines in tests:
 * per-datagram delay and jitter, loss, duplication, reordering (an extra random delay for some
 * datagrams), an MTU (larger datagrams are dropped), a tap to inspect, mutate or drop
 * datagrams, all from one seeded PRNG so a failing seed replays exactly.
 */

export interface Impairments {
  /** Probability a datagram is lost (0..1). */
  readonly loss?: number;
  /** Probability a datagram is delivered twice. */
  readonly duplicate?: number;
  /** Probability a datagram gets an extra delay of up to `reorderDelay` ms (overtaken). */
  readonly reorder?: number;
  /** One-way delay in ms (default 10). */
  readonly delay?: number;
  /** Extra uniform random delay, 0..jitter ms (default 0). */
  readonly jitter?: number;
  /** Upper bound of the extra delay of reordered datagrams (default 3 * delay + 5). */
  readonly reorderDelay?: number;
  /** Datagrams longer than this are dropped (default: none). */
  readonly mtu?: number;
}

/** What the network needs of an endpoint: inputs, timers, and what it wants to send. */
export interface VirtualHost {
  receive(data: Uint8Array, from: string, now: number): void;
  timeout(now: number): void;
  nextTimeout(): number | undefined;
  /** Hands every datagram the host wants sent to `send`. */
  drain(send: (to: string, data: Uint8Array) => void, now: number): void;
}

export interface Datagram {
  readonly from: string;
  readonly to: string;
  readonly data: Uint8Array;
}

/** Returns the datagram to deliver (the same, or mutated), or undefined to drop it. */
export type Tap = (d: Datagram, now: number) => Uint8Array | undefined;

export interface NetworkStats {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  reordered: number;
  tooBig: number;
  tapped: number;
}

interface InFlight extends Datagram {
  readonly at: number;
  readonly order: number;
}

/** mulberry32: small, fast, good enough for test schedules. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class VirtualNetwork {
  now: number;
  readonly random: () => number;
  readonly stats: NetworkStats = {
    sent: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    reordered: 0,
    tooBig: 0,
    tapped: 0,
  };
  tap: Tap | undefined;
  private impairments: Impairments;
  private readonly hosts = new Map<string, VirtualHost>();
  private queue: InFlight[] = [];
  private order = 0;

  constructor(options: { seed?: number; start?: number } & Impairments = {}) {
    this.random = seededRandom(options.seed ?? 1);
    this.now = options.start ?? 0;
    this.impairments = options;
  }

  setImpairments(impairments: Impairments): void {
    this.impairments = impairments;
  }

  attach(address: string, host: VirtualHost): void {
    this.hosts.set(address, host);
  }

  detach(address: string): void {
    this.hosts.delete(address);
  }

  /** Puts a datagram on the wire now, subject to the impairments. */
  send(from: string, to: string, data: Uint8Array): void {
    const im = this.impairments;
    this.stats.sent++;
    if (im.mtu !== undefined && data.length > im.mtu) {
      this.stats.tooBig++;
      return;
    }
    if (this.random() < (im.loss ?? 0)) {
      this.stats.lost++;
      return;
    }
    const copies = this.random() < (im.duplicate ?? 0) ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    // A copy: the sender may reuse its buffer once send returns.
    const bytes = data.slice();
    for (let i = 0; i < copies; i++) {
      const base = im.delay ?? 10;
      let delay = base + this.random() * (im.jitter ?? 0);
      if (this.random() < (im.reorder ?? 0)) {
        this.stats.reordered++;
        delay += this.random() * (im.reorderDelay ?? 3 * base + 5);
      }
      this.enqueue({ from, to, data: bytes, at: this.now + delay, order: this.order++ });
    }
  }

  /** Datagrams still on the wire. */
  get inFlight(): number {
    return this.queue.length;
  }

  private enqueue(d: InFlight): void {
    // Binary insertion by (at, order): traffic in tests is small.
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = this.queue[mid]!;
      if (m.at < d.at || (m.at === d.at && m.order < d.order)) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, d);
  }

  private drainAll(): void {
    for (const [address, host] of this.hosts) {
      host.drain((to, data) => this.send(address, to, data), this.now);
    }
  }

  /**
   * Runs the simulation until `until()` holds (checked after every step) or the clock would pass
   * `limit` ms of virtual time from now. Returns whether `until()` became true.
   */
  run(until: () => boolean, limit = 600_000): boolean {
    const end = this.now + limit;
    for (let steps = 0; steps < 1_000_000; steps++) {
      this.drainAll();
      if (until()) return true;
      let next = this.queue[0]?.at;
      for (const host of this.hosts.values()) {
        const t = host.nextTimeout();
        if (t !== undefined && (next === undefined || t < next)) next = t;
      }
      if (next === undefined || next > end) return false;
      this.now = Math.max(this.now, next);
      const head = this.queue[0];
      if (head !== undefined && head.at <= this.now) {
        this.queue.shift();
        this.deliver(head);
        continue;
      }
      for (const host of this.hosts.values()) {
        const t = host.nextTimeout();
        if (t !== undefined && t <= this.now) host.timeout(this.now);
      }
    }
    throw new Error('virtual network: too many steps (an engine keeps asking for a timeout in the past?)');
  }

  /** Runs for `ms` of virtual time. */
  advance(ms: number): void {
    const end = this.now + ms;
    this.run(() => false, ms);
    this.now = Math.max(this.now, end);
  }

  private deliver(d: InFlight): void {
    const host = this.hosts.get(d.to);
    if (host === undefined) return;
    let data: Uint8Array | undefined = d.data;
    if (this.tap !== undefined) {
      data = this.tap(d, this.now);
      if (data !== d.data) this.stats.tapped++;
      if (data === undefined) return;
    }
    this.stats.delivered++;
    host.receive(data, d.from, this.now);
  }
}
