/**
 * Retransmission timeout (RFC 9260 §6.3.1): SRTT and RTTVAR with alpha 1/8 and beta 1/4, RTO =
 * SRTT + 4 RTTVAR clamped to [min, max], doubled on each T3-rtx expiry (§6.3.3 E2). Also keeps
 * the minimum RTT seen, which RACK uses for its reordering window (RFC 8985 §6.2).
 */
export class RtoEstimator {
  srtt = 0;
  rttvar = 0;
  minRtt = Number.POSITIVE_INFINITY;
  rto: number;
  private measured = false;

  constructor(
    readonly initial: number,
    readonly min: number,
    readonly max: number,
  ) {
    this.rto = initial;
  }

  get hasSample(): boolean {
    return this.measured;
  }

  /** One RTT measurement in ms (§6.3.1 C1-C3). */
  sample(rtt: number): void {
    const r = Math.max(0, rtt);
    if (!this.measured) {
      this.srtt = r;
      this.rttvar = r / 2;
      this.measured = true;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    if (r < this.minRtt) this.minRtt = r;
    // G, the clock granularity, is 1 ms here: RTTVAR never counts for less.
    this.rto = Math.min(this.max, Math.max(this.min, this.srtt + Math.max(1, 4 * this.rttvar)));
  }

  /** §6.3.3 E2: RTO = RTO * 2, up to RTO.Max. */
  backOff(): void {
    this.rto = Math.min(this.max, this.rto * 2);
  }
}
