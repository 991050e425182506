/**
 * Anti-replay window (RFC 6347 §4.1.2.6, the algorithm of RFC 4303 §3.4.3): one per epoch.
 * A record is acceptable if its sequence number is above the highest seen, or within the window
 * below it and not seen before. Mark a record with {@link ReplayWindow.accept} only after it
 * authenticated, so forged records cannot move the window.
 *
 * The bitmap is a ring of 32-bit words indexed by `sequence % capacity`; sequence numbers stay
 * JS numbers (48 bits are exact).
 */

/** RFC 6347 §4.1.2.6: 32 MUST be supported, 64 SHOULD be the default. */
export const DEFAULT_REPLAY_WINDOW_SIZE = 64;
const MAX_REPLAY_WINDOW_SIZE = 1 << 16;

export class ReplayWindow {
  private readonly bits: Uint32Array;
  private readonly capacity: number;
  private top = -1;

  constructor(readonly size: number = DEFAULT_REPLAY_WINDOW_SIZE) {
    if (!Number.isInteger(size) || size < 1 || size > MAX_REPLAY_WINDOW_SIZE) {
      throw new RangeError(
        `replay window size must be an integer in 1..${MAX_REPLAY_WINDOW_SIZE}, got ${size}`,
      );
    }
    this.bits = new Uint32Array(Math.ceil(size / 32));
    this.capacity = this.bits.length * 32;
  }

  /** The highest sequence number accepted so far, or -1. */
  get highest(): number {
    return this.top;
  }

  private has(seq: number): boolean {
    const index = seq % this.capacity;
    return (((this.bits[index >>> 5] as number) >>> (index & 31)) & 1) === 1;
  }

  /** Whether a record with this sequence number may be processed (not a replay, not too old). */
  isAcceptable(seq: number): boolean {
    if (seq > this.top) return true;
    if (this.top - seq >= this.size) return false;
    return !this.has(seq);
  }

  /** Records `seq` as received. Call after the record authenticated and `isAcceptable` said yes. */
  accept(seq: number): void {
    if (seq > this.top) {
      if (seq - this.top >= this.capacity) {
        this.bits.fill(0);
      } else {
        for (let s = this.top + 1; s <= seq; s++) {
          const index = s % this.capacity;
          this.bits[index >>> 5] = (this.bits[index >>> 5] as number) & ~(1 << (index & 31));
        }
      }
      this.top = seq;
    }
    const index = seq % this.capacity;
    this.bits[index >>> 5] = (this.bits[index >>> 5] as number) | (1 << (index & 31));
  }

  /** Forgets everything (a new epoch starts at sequence 0). */
  reset(): void {
    this.bits.fill(0);
    this.top = -1;
  }
}
