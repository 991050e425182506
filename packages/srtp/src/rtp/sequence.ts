/**
 * Sequence number and timestamp arithmetic with wrap-around (RFC 3550 §5.1, Appendix A.1;
 * serial number arithmetic in the sense of RFC 1982).
 *
 * A 16-bit sequence number `a` is "newer" than `b` when it lies less than half the number space
 * ahead of it, so 2 is newer than 65534. Timestamps are the same on 32 bits.
 */

/** `a - b` as a signed 16-bit distance, in [-32768, 32767]. */
export function seqDiff(a: number, b: number): number {
  return (((a - b) & 0xffff) << 16) >> 16;
}

/** True when `a` comes after `b` (at most 32767 ahead, across the wrap). */
export function isSeqNewer(a: number, b: number): boolean {
  return seqDiff(a, b) > 0;
}

/** `a - b` as a signed 32-bit distance, in [-2^31, 2^31 - 1]. */
export function timestampDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** True when timestamp `a` comes after `b` (at most 2^31 - 1 ahead, across the wrap). */
export function isTimestampNewer(a: number, b: number): boolean {
  return timestampDiff(a, b) > 0;
}

/** The 48-bit SRTP packet index / extended sequence number `roc * 2^16 + seq` (RFC 3711 §3.3.1). */
export function extendedSequence(roc: number, seq: number): number {
  return roc * 0x10000 + (seq & 0xffff);
}

/**
 * Extends 16-bit sequence numbers of one stream to monotone counters (the "extended highest
 * sequence number" of RFC 3550 §6.4.1 and Appendix A.1): each new number is placed at the
 * extension nearest to the highest seen so far, so reordering across the wrap works both ways.
 * Extended values start at the first sequence number seen (cycle 0); a packet older than that
 * first one gets a negative value.
 */
export class SequenceUnwrapper {
  private highest = Number.NaN;

  /** The extended value of `seq`; the highest seen advances when it is newer. */
  unwrap(seq: number): number {
    const s = seq & 0xffff;
    if (Number.isNaN(this.highest)) {
      this.highest = s;
      return s;
    }
    const extended = this.highest + seqDiff(s, this.highest & 0xffff);
    if (extended > this.highest) this.highest = extended;
    return extended;
  }

  /** The highest extended value so far, or undefined before the first call. */
  get highestExtended(): number | undefined {
    return Number.isNaN(this.highest) ? undefined : this.highest;
  }

  /** Completed 16-bit cycles (the upper bits of the extended highest sequence number). */
  get cycles(): number {
    return Number.isNaN(this.highest) ? 0 : Math.floor(this.highest / 0x10000);
  }
}
