/**
 * Two sans-IO endpoints (SCTP associations) joined by a simulated network on a virtual clock:
 * bandwidth, delay, queueing, loss, reordering and duplication per direction, all seeded. Time
 * only moves to the next event (a packet arriving or a timer), so minutes of protocol time run
 * in milliseconds.
 */
import type { SctpEvent } from '../../src/index.js';
import { Heap, Path, type PathOptions, type PathStats } from './link-core.mjs';

export type { PathOptions, PathStats };

/** What the link needs of an endpoint: the sans-IO surface. */
export interface Endpoint {
  handleInput(packet: Uint8Array, now: number): void;
  handleTimeout(now: number): void;
  pollTransmit(): Uint8Array | undefined;
  pollTimeout(): number | undefined;
  pollEvent(): SctpEvent | undefined;
}

export interface LinkOptions extends PathOptions {
  /** Overrides for the a→b direction. */
  readonly ab?: PathOptions;
  /** Overrides for the b→a direction. */
  readonly ba?: PathOptions;
  /** Virtual start time in ms (default 0). */
  readonly start?: number;
}

export type Side = 'a' | 'b';

interface InFlight {
  readonly to: Side;
  readonly packet: Uint8Array;
}

export class VirtualLink<E extends Endpoint = Endpoint> {
  now: number;
  readonly ab: Path;
  readonly ba: Path;
  /** Every event of each side, in order, unless a handler takes them. */
  readonly events: Record<Side, SctpEvent[]> = { a: [], b: [] };
  /** Called for each event; if set, events are not stored. */
  onEvent: ((side: Side, e: SctpEvent) => void) | undefined;
  /** Called for each packet put on the wire; may return a replacement (or undefined to drop it). */
  tap: ((from: Side, packet: Uint8Array) => Uint8Array | undefined) | undefined;
  /** A direction that is down drops everything (for failure tests). */
  down: Record<Side, boolean> = { a: false, b: false };
  private readonly heap = new Heap<InFlight>();
  steps = 0;

  constructor(
    readonly a: E,
    readonly b: E,
    options: LinkOptions = {},
  ) {
    const { ab, ba, start, ...both } = options;
    this.now = start ?? 0;
    this.ab = new Path({ ...both, ...ab, seed: ab?.seed ?? both.seed ?? 1 });
    this.ba = new Path({ ...both, ...ba, seed: ba?.seed ?? (both.seed ?? 1) + 0x9e3779b9 });
  }

  endpoint(side: Side): E {
    return side === 'a' ? this.a : this.b;
  }

  /** Moves what both endpoints want to send onto the wire and hands out their events. */
  flush(): void {
    this.drain('a');
    this.drain('b');
  }

  private drain(side: Side): void {
    const ep = this.endpoint(side);
    const path = side === 'a' ? this.ab : this.ba;
    const to: Side = side === 'a' ? 'b' : 'a';
    for (let p = ep.pollTransmit(); p !== undefined; p = ep.pollTransmit()) {
      const packet = this.tap === undefined ? p : this.tap(side, p);
      if (packet === undefined || this.down[side]) continue;
      for (const t of path.transit(this.now, packet.length)) this.heap.push(t, { to, packet });
    }
    for (let e = ep.pollEvent(); e !== undefined; e = ep.pollEvent()) {
      if (this.onEvent !== undefined) this.onEvent(side, e);
      else this.events[side].push(e);
    }
  }

  /** The next moment something happens, or undefined when nothing ever will. */
  nextTime(): number | undefined {
    let t = this.heap.peekTime();
    for (const ep of [this.a, this.b]) {
      const d = ep.pollTimeout();
      if (d !== undefined && (t === undefined || d < t)) t = d;
    }
    return t;
  }

  /** Processes everything due at the next moment. Returns false when nothing is left to do. */
  step(limit = Number.POSITIVE_INFINITY): boolean {
    this.flush();
    const next = this.nextTime();
    if (next === undefined || next > limit) return false;
    if (next > this.now) this.now = next;
    const now = this.now;
    this.steps++;
    while (this.heap.size > 0 && (this.heap.peekTime() as number) <= now) {
      const f = this.heap.pop() as InFlight;
      this.endpoint(f.to).handleInput(f.packet, now);
      this.drain(f.to);
    }
    for (const side of ['a', 'b'] as const) {
      const ep = this.endpoint(side);
      const d = ep.pollTimeout();
      if (d !== undefined && d <= now) {
        ep.handleTimeout(now);
        this.drain(side);
      }
    }
    return true;
  }

  /** Steps until `done()` holds (checked after every step) or virtual time passes `until`. */
  run(done: () => boolean, until = Number.POSITIVE_INFINITY): boolean {
    for (;;) {
      if (done()) return true;
      if (!this.step(until)) {
        if (done()) return true;
        if (this.now < until && until !== Number.POSITIVE_INFINITY) this.now = until;
        return false;
      }
    }
  }

  /** Runs for `ms` of virtual time. */
  advance(ms: number): void {
    const until = this.now + ms;
    while (this.step(until)) {}
    this.now = Math.max(this.now, until);
  }
}
