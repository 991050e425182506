/**
 * Replay protection (RFC 3711 §3.3.2): a sliding window over packet indices. An index is fresh
 * when it is above the highest one accepted so far, or inside the window and not yet seen; below
 * the window it is too old. The window is a ring of bits (a `Uint32Array`), advanced only for
 * packets that authenticated.
 */

export const DEFAULT_REPLAY_WINDOW = 1024;
/** RFC 3711 §3.3.2: "a replay window size of 64 MUST be supported". */
export const MIN_REPLAY_WINDOW = 64;
/** libsrtp's maximum. */
export const MAX_REPLAY_WINDOW = 0x8000;

export type ReplayCheck = 'fresh' | 'duplicate' | 'too-old';

export class ReplayWindow {
  private readonly bits: Uint32Array;
  private readonly ringBits: number;
  /** Highest accepted index, or -1. */
  private top = -1;

  constructor(readonly size: number) {
    this.bits = new Uint32Array(Math.ceil(size / 32));
    this.ringBits = this.bits.length * 32;
  }

  get highest(): number {
    return this.top;
  }

  check(index: number): ReplayCheck {
    if (this.top < 0 || index > this.top) return 'fresh';
    const behind = this.top - index;
    if (behind >= this.size) return 'too-old';
    const bit = index % this.ringBits;
    return ((this.bits[bit >>> 5] as number) >>> (bit & 31)) & 1 ? 'duplicate' : 'fresh';
  }

  /** Marks `index` as seen (after it authenticated), moving the window when it is the newest. */
  accept(index: number): void {
    if (index > this.top) {
      const from = this.top + 1;
      if (this.top < 0 || index - from + 1 >= this.ringBits) {
        this.bits.fill(0);
      } else {
        for (let i = from; i <= index; ) {
          const bit = i % this.ringBits;
          if ((bit & 31) === 0 && index - i + 1 >= 32) {
            this.bits[bit >>> 5] = 0;
            i += 32;
          } else {
            this.bits[bit >>> 5] = (this.bits[bit >>> 5] as number) & ~(1 << (bit & 31));
            i++;
          }
        }
      }
      this.top = index;
    }
    const bit = index % this.ringBits;
    this.bits[bit >>> 5] = (this.bits[bit >>> 5] as number) | (1 << (bit & 31));
  }
}

/**
 * The SRTP packet index i = 2^16 * v + SEQ of a packet, v being ROC - 1, ROC or ROC + 1, whichever
 * puts it nearest to the highest index `top` seen so far (RFC 3711 §3.3.1, Appendix A). Without a
 * `top` (first packet) the ROC is 0. The result may be negative (older than index 0) or reach 2^48
 * (the ROC would wrap): callers reject both.
 */
export function estimateIndex(top: number, seq: number): number {
  if (top < 0) return seq;
  const roc = Math.floor(top / 0x10000);
  const sl = top - roc * 0x10000;
  let v = roc;
  if (sl < 0x8000) {
    if (seq - sl > 0x8000) v = roc - 1;
  } else if (sl - 0x8000 > seq) {
    v = roc + 1;
  }
  return v * 0x10000 + seq;
}

/** 2^48: SRTP packet indices are 48 bits (RFC 3711 §3.2.1). */
export const SRTP_INDEX_LIMIT = 2 ** 48;
/** 2^31: SRTCP indices are 31 bits (RFC 3711 §3.4). */
export const SRTCP_INDEX_LIMIT = 2 ** 31;
