/**
 * The data receiver's view of the TSN space (RFC 9260 §6.2): the cumulative TSN ack point and
 * which TSNs above it have arrived, in a fixed ring bitmap. A TSN further than the window above
 * the cumulative ack is refused before anything is stored, so no input grows this structure
 * (gap ack block offsets are 16 bits: a SACK cannot describe more than 65535 TSNs anyway).
 */
import { tsnAdd, tsnDiff } from '../serial.js';

/** TSNs tracked above the cumulative ack. */
export const TSN_WINDOW = 65536;
const MASK = TSN_WINDOW - 1;

/**
 * The bitmap of every tracker that has seen no gap: all zeros. A tracker makes its own at the
 * first TSN that arrives out of order; without loss or reordering it never needs 8 KiB.
 */
const NO_GAPS = new Uint32Array(TSN_WINDOW >>> 5);

export const TsnStatus = {
  New: 0,
  Duplicate: 1,
  /** Too far ahead (or behind by more than 2^31): dropped without a trace. */
  OutOfWindow: 2,
} as const;
export type TsnStatus = (typeof TsnStatus)[keyof typeof TsnStatus];

export class TsnTracker {
  /** Cumulative TSN ack point: every TSN up to it has arrived (or was forwarded past). */
  cumulative = 0;
  /** Highest TSN received; equals `cumulative` when there are no gaps. */
  highest = 0;
  private bits = NO_GAPS;

  /** Starts from the peer's initial TSN (§5.1: the cumulative ack starts one below it). */
  reset(initialTsn: number): void {
    this.cumulative = tsnAdd(initialTsn, -1);
    this.highest = this.cumulative;
    this.bits = NO_GAPS;
  }

  get hasGaps(): boolean {
    return this.highest !== this.cumulative;
  }

  status(tsn: number): TsnStatus {
    const d = tsnDiff(tsn, this.cumulative);
    if (d <= 0) return TsnStatus.Duplicate;
    if (d >= TSN_WINDOW) return TsnStatus.OutOfWindow;
    return this.has(tsn) ? TsnStatus.Duplicate : TsnStatus.New;
  }

  /** Records a TSN that {@link status} called New; returns true if the cumulative ack moved. */
  mark(tsn: number): boolean {
    if (tsnDiff(tsn, this.highest) > 0) this.highest = tsn;
    if (tsn !== tsnAdd(this.cumulative, 1)) {
      if (this.bits === NO_GAPS) this.bits = new Uint32Array(TSN_WINDOW >>> 5);
      const i = tsn & MASK;
      this.bits[i >>> 5] = (this.bits[i >>> 5] as number) | (1 << (i & 31));
      return false;
    }
    this.cumulative = tsn;
    this.advance();
    return true;
  }

  /**
   * FORWARD TSN (RFC 3758 §3.6): everything up to `tsn` counts as received. Returns true if the
   * cumulative ack moved.
   */
  forward(tsn: number): boolean {
    const d = tsnDiff(tsn, this.cumulative);
    if (d <= 0) return false;
    if (d >= TSN_WINDOW) this.bits.fill(0);
    else if (this.bits !== NO_GAPS)
      for (let t = tsnAdd(this.cumulative, 1); t !== tsnAdd(tsn, 1); t = tsnAdd(t, 1)) this.clear(t);
    this.cumulative = tsn;
    if (tsnDiff(this.highest, tsn) < 0) this.highest = tsn;
    this.advance();
    return true;
  }

  /**
   * Gap ack blocks (§3.3.4) as offsets from the cumulative ack, lowest first, at most `max` of
   * them (the lowest TSNs matter most to the sender). Returns how many were written.
   */
  gapBlocks(starts: Uint16Array, ends: Uint16Array, max: number): number {
    let n = 0;
    const span = tsnDiff(this.highest, this.cumulative);
    let inRun = false;
    let runStart = 0;
    let off = 1;
    while (off <= span) {
      const t = tsnAdd(this.cumulative, off);
      const i = t & MASK;
      const word = this.bits[i >>> 5] as number;
      // Skip whole words of 32 equal bits when aligned.
      if ((i & 31) === 0 && off + 31 <= span) {
        if (word === 0 && !inRun) {
          off += 32;
          continue;
        }
        if (word === 0xffffffff && inRun) {
          off += 32;
          continue;
        }
      }
      const set = (word & (1 << (i & 31))) !== 0;
      if (set && !inRun) {
        inRun = true;
        runStart = off;
      } else if (!set && inRun) {
        inRun = false;
        if (n === max) return n;
        starts[n] = runStart;
        ends[n] = off - 1;
        n++;
      }
      off++;
    }
    if (inRun && n < max) {
      starts[n] = runStart;
      ends[n] = span;
      n++;
    }
    return n;
  }

  private has(tsn: number): boolean {
    const i = tsn & MASK;
    return ((this.bits[i >>> 5] as number) & (1 << (i & 31))) !== 0;
  }

  private clear(tsn: number): void {
    const i = tsn & MASK;
    this.bits[i >>> 5] = (this.bits[i >>> 5] as number) & ~(1 << (i & 31));
  }

  /** Moves the cumulative ack over TSNs that arrived early, clearing their bits for reuse. */
  private advance(): void {
    for (;;) {
      const next = tsnAdd(this.cumulative, 1);
      if (!this.has(next)) break;
      this.clear(next);
      this.cumulative = next;
    }
    if (tsnDiff(this.highest, this.cumulative) < 0) this.highest = this.cumulative;
  }
}
