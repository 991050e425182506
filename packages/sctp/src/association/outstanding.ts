/**
 * DATA chunks that have a TSN and are not yet covered by the peer's cumulative ack (RFC 9260
 * §6.1, "outstanding"), in a ring indexed by TSN: slots are objects reused chunk after chunk, so
 * the data path allocates none. In-flight chunks are also linked in the order they were last
 * sent, which is what RACK walks (RFC 8985 §6.2), and lost chunks wait in a TSN-sorted list for
 * retransmission.
 */
import { tsnAdd, tsnDiff } from '../serial.js';
import type { OutgoingMessage } from './send-queue.js';

export const ChunkState = {
  InFlight: 0,
  /** Reported in a gap ack block (may still be reneged, §6.2.1; we never renege). */
  Acked: 1,
  /** Declared lost, waiting for retransmission; not counted in flight. */
  Lost: 2,
  /** Given up on (PR-SCTP, RFC 3758). */
  Abandoned: 3,
  /**
   * Sent long enough before an acknowledged chunk that it has left the network, but above
   * anything the latest SACK reports on, so nobody knows whether it arrived: out of the flight,
   * not retransmitted, until a SACK reaches it (then Acked, or Lost).
   */
  Departed: 4,
} as const;
export type ChunkState = (typeof ChunkState)[keyof typeof ChunkState];

export class SentChunk {
  tsn = 0;
  message: OutgoingMessage | null = null;
  offset = 0;
  length = 0;
  flags = 0;
  state: ChunkState = ChunkState.InFlight;
  /** Transmissions so far. */
  sends = 0;
  /** Time of the latest transmission. */
  sentTime = 0;
  /** Order of the latest transmission among all transmissions. */
  xmitSeq = 0;
  /** The sender's delivered-bytes counter and its time when this was last sent (delivery rate). */
  deliveredAtSend = 0;
  deliveredTimeAtSend = 0;
  prev: SentChunk | null = null;
  next: SentChunk | null = null;
  linked = false;
}

export class OutstandingQueue {
  private slots: SentChunk[];
  private mask: number;
  /** Index of the lowest outstanding TSN's slot. */
  private head = 0;
  /** Number of outstanding TSNs. */
  count = 0;
  /** The lowest outstanding TSN (cumulative ack + 1). */
  base = 0;

  // In-flight chunks in transmission order (a doubly linked list through the slots).
  first: SentChunk | null = null;
  last: SentChunk | null = null;

  /** TSNs waiting for retransmission, ascending from `lostHead`. */
  private lost: number[] = [];
  private lostHead = 0;

  /**
   * Starts small (about 200 bytes a slot, numbers included) and doubles as the flight grows: an
   * idle association keeps a few KiB, not the 50 KiB of 256 slots.
   */
  constructor(capacity = 16) {
    const size = 1 << Math.ceil(Math.log2(Math.max(16, capacity)));
    this.slots = Array.from({ length: size }, () => new SentChunk());
    this.mask = size - 1;
  }

  reset(base: number): void {
    for (let i = 0; i < this.count; i++) this.release(this.slots[(this.head + i) & this.mask] as SentChunk);
    this.head = 0;
    this.count = 0;
    this.base = base;
    this.first = null;
    this.last = null;
    this.lost = [];
    this.lostHead = 0;
  }

  /** The slot of `tsn`, or undefined when it is not outstanding. */
  get(tsn: number): SentChunk | undefined {
    const d = tsnDiff(tsn, this.base);
    if (d < 0 || d >= this.count) return undefined;
    return this.slots[(this.head + d) & this.mask];
  }

  /** The slot at position `i` from the lowest outstanding TSN. */
  at(i: number): SentChunk {
    return this.slots[(this.head + i) & this.mask] as SentChunk;
  }

  /** A fresh slot for the next TSN (base + count). */
  push(): SentChunk {
    if (this.count === this.slots.length) this.grow();
    const c = this.slots[(this.head + this.count) & this.mask] as SentChunk;
    c.tsn = tsnAdd(this.base, this.count);
    this.count++;
    return c;
  }

  /** Removes the lowest outstanding TSN (the cumulative ack passed it); returns its slot. */
  shift(): SentChunk {
    const c = this.slots[this.head] as SentChunk;
    this.unlink(c);
    this.head = (this.head + 1) & this.mask;
    this.count--;
    this.base = tsnAdd(this.base, 1);
    return c;
  }

  /** Clears a slot for reuse (drops the message reference). */
  release(c: SentChunk): void {
    this.unlink(c);
    c.message = null;
  }

  /** Appends to the transmission-order list (just sent). */
  link(c: SentChunk): void {
    if (c.linked) this.unlink(c);
    c.prev = this.last;
    c.next = null;
    if (this.last === null) this.first = c;
    else this.last.next = c;
    this.last = c;
    c.linked = true;
  }

  unlink(c: SentChunk): void {
    if (!c.linked) return;
    if (c.prev === null) this.first = c.next;
    else c.prev.next = c.next;
    if (c.next === null) this.last = c.prev;
    else c.next.prev = c.prev;
    c.prev = null;
    c.next = null;
    c.linked = false;
  }

  /** Queues `c` (already in state Lost) for retransmission, keeping TSN order. */
  pushLost(c: SentChunk): void {
    const tsn = c.tsn;
    const lost = this.lost;
    if (lost.length === this.lostHead || tsnDiff(tsn, lost[lost.length - 1] as number) > 0) {
      lost.push(tsn);
      return;
    }
    let lo = this.lostHead;
    let hi = lost.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (tsnDiff(lost[mid] as number, tsn) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lost[lo] !== tsn) lost.splice(lo, 0, tsn);
  }

  /** The lowest chunk still waiting for retransmission, skipping entries acked meanwhile. */
  peekLost(): SentChunk | undefined {
    while (this.lostHead < this.lost.length) {
      const c = this.get(this.lost[this.lostHead] as number);
      if (c !== undefined && c.state === ChunkState.Lost) return c;
      this.lostHead++;
    }
    if (this.lostHead > 0) {
      this.lost.length = 0;
      this.lostHead = 0;
    }
    return undefined;
  }

  /** Removes the entry {@link peekLost} returned. */
  shiftLost(): void {
    this.lostHead++;
    if (this.lostHead > 4096 && this.lostHead * 2 > this.lost.length) {
      this.lost.splice(0, this.lostHead);
      this.lostHead = 0;
    }
  }

  get hasLost(): boolean {
    return this.peekLost() !== undefined;
  }

  /** Re-sorts the lost list (after many chunks were declared lost out of TSN order). */
  sortLost(): void {
    const rest = this.lost.slice(this.lostHead);
    const base = this.base;
    rest.sort((a, b) => tsnDiff(a, base) - tsnDiff(b, base));
    this.lost = rest;
    this.lostHead = 0;
  }

  private grow(): void {
    const size = this.slots.length * 2;
    const slots: SentChunk[] = new Array(size);
    for (let i = 0; i < this.count; i++) slots[i] = this.slots[(this.head + i) & this.mask] as SentChunk;
    for (let i = this.count; i < size; i++) slots[i] = new SentChunk();
    this.slots = slots;
    this.mask = size - 1;
    this.head = 0;
  }
}
