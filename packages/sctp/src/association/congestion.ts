/**
 * Congestion control (RFC 9260 §7.2): slow start, congestion avoidance, fast recovery and the
 * T3-rtx collapse, for the single path SCTP has over DTLS. Sizes are in bytes of user data,
 * counted the same way as the flight size.
 *
 * Choices the RFC leaves open, and additions:
 * - The initial window is 10 MTUs (RFC 6928, as TCP and Chrome's dcsctp do), not §7.2.1's
 *   4404 bytes: on a 100 ms path that is 1.5 round trips less of slow start.
 * - L, the slow start increase per SACK, is 2 MTUs (RFC 3465 §2.3, "appropriate byte counting"):
 *   with the receiver acking every second packet, the window still doubles every round trip.
 * - "Fully utilized" (§7.2.1) means the flight before the SACK was within one MTU of cwnd, so
 *   that an application- or rwnd-limited sender does not inflate a window it never tested.
 * - Loss differentiation (after TCP Veno, with BBRv2's loss-rate guard): a loss counts as
 *   congestion, and shrinks the window, only if there is a standing queue (the round's minimum
 *   RTT above the path's minimum by the HyStart++ threshold; not SRTT, which slow start's own
 *   trains inflate) or the smoothed loss rate exceeds 3 %. Random loss
 *   on an uncongested path (radio links; the 1 % loss of the benchmarks) is then repaired
 *   without halving: Reno on a 100 Mbit/s, 100 ms path with 1 % random loss keeps ~1 Mbit/s
 *   (Mathis et al.), this keeps the link busy. Where it errs, it errs like Reno: an overflowing
 *   queue raises SRTT, a policer raises the loss rate, a changed base RTT makes every loss count.
 *   A T3-rtx timeout always collapses the window.
 * - On a congestive loss the window becomes the delivery rate times the minimum RTT (Westwood+,
 *   at most the current window) rather than half of it: after slow start overshoots, half of
 *   the overshot window still overflows the queue, a second loss episode follows and halves
 *   again, below the path's capacity. The delivery rate is BBR's: per SACK, the bytes delivered
 *   since the newest acknowledged chunk was sent over the time since; its maximum over the
 *   last four rounds estimates the bottleneck. Without a sample, the RFC's half.
 * - HyStart++ (RFC 9406) ends slow start when the round's minimum RTT rises, i.e. when a
 *   standing queue builds, and grows the window by a quarter as fast for a few rounds
 *   (conservative slow start) before congestion avoidance. It cannot look at RTTs within a
 *   round: without pacing, slow start sends its trains at twice the bottleneck rate, so every
 *   train queues up to half of itself and then drains, a transient that must not end slow start.
 */
import { tsnGte } from '../serial.js';

/** ABC limit (RFC 3465): slow start grows by at most this many MTUs per SACK. */
const ABC_L = 2;
// RFC 9406 §4.3 constants (ms, rounds, samples).
const MIN_RTT_THRESH = 4;
const MAX_RTT_THRESH = 16;
const MIN_RTT_DIVISOR = 8;
const N_RTT_SAMPLE = 8;
const CSS_GROWTH_DIVISOR = 4;
const CSS_ROUNDS = 5;
/** Smoothed loss rate above which losses count as congestion whatever the RTT says. */
const CONGESTIVE_LOSS_RATE = 0.03;
/** Initial window in MTUs (RFC 6928). */
const INITIAL_WINDOW_MTUS = 10;
/** Rounds over which the delivery rate's maximum is taken. */
const RATE_ROUNDS = 4;
/** RTT samples a round needs before its minimum says anything. */
const ROUND_MIN_SAMPLES = 4;

/** The queueing delay that means "a queue is building" (RFC 9406 §4.2's RttThresh). */
export function queueThreshold(minRtt: number): number {
  return Math.max(MIN_RTT_THRESH, Math.min(MAX_RTT_THRESH, minRtt / MIN_RTT_DIVISOR));
}

export class CongestionControl {
  cwnd: number;
  ssthresh: number;
  partialBytesAcked = 0;
  /** Fast recovery lasts until the cumulative ack reaches this TSN (§7.2.4). */
  inFastRecovery = false;
  private recoveryExitTsn = 0;

  // HyStart++ state (RFC 9406 §4.2).
  private roundEndTsn = 0;
  private roundStarted = false;
  private lastRoundMinRtt = Number.POSITIVE_INFINITY;
  private currentRoundMinRtt = Number.POSITIVE_INFINITY;
  private rttSamples = 0;
  private inCss = false;
  private cssRounds = 0;
  private cssBaselineMinRtt = Number.POSITIVE_INFINITY;
  /** HyStart++ runs in the first slow start only (RFC 9406 §4.2 allows it after idle too). */
  private hystartDone = false;

  // Loss rate per round (rounds end when the cumulative ack passes the round's highest TSN).
  private lossRoundEnd = 0;
  private lossRoundStarted = false;
  private roundSent = 0;
  private roundLost = 0;
  /** Smoothed fraction of chunks lost per round (EWMA, 1/8). */
  lossRate = 0;
  /** Losses repaired without a window reduction (judged random). */
  randomLosses = 0;

  /** False: every loss is congestion (plain RFC 9260 §7.2). */
  lossTolerant = true;

  // Per round: the best delivery rate sample (bytes per ms) and the minimum RTT.
  private readonly rates = new Float64Array(RATE_ROUNDS);
  private rateIndex = 0;
  private roundMaxRate = 0;
  private roundMinRtt = Number.POSITIVE_INFINITY;
  private prevRoundMinRtt = Number.POSITIVE_INFINITY;
  private roundRttSamples = 0;

  constructor(
    readonly mtu: number,
    peerRwnd: number,
  ) {
    // §7.2.1 (with RFC 6928's window, see above); ssthresh may start arbitrarily high.
    this.cwnd = INITIAL_WINDOW_MTUS * mtu;
    this.ssthresh = Math.max(peerRwnd, 4 * mtu);
  }

  get inSlowStart(): boolean {
    return this.cwnd <= this.ssthresh;
  }

  /**
   * A SACK acknowledged `bytesAcked` bytes of new data (cumulative and gap acks); `cumAdvanced`
   * when it moved the cumulative ack (to `cumTsn`); `flightBefore` is the flight size before it;
   * `minRtt` the smallest RTT measured on chunks it acknowledged that were sent once (or
   * Infinity); `highestSent` the highest TSN sent so far; `rate` a delivery rate sample in
   * bytes per ms (0 for none).
   */
  onAck(
    bytesAcked: number,
    cumAdvanced: boolean,
    cumTsn: number,
    flightBefore: number,
    minRtt: number,
    highestSent: number,
    rate: number,
  ): void {
    if (this.inFastRecovery && tsnGte(cumTsn, this.recoveryExitTsn)) this.inFastRecovery = false;
    if (!this.lossRoundStarted || tsnGte(cumTsn, this.lossRoundEnd)) {
      // A loss rate from a handful of chunks is noise: wait for enough of them.
      if (this.lossRoundStarted && this.roundSent >= 64) {
        this.lossRate += (Math.min(1, this.roundLost / this.roundSent) - this.lossRate) / 8;
        this.roundSent = 0;
        this.roundLost = 0;
      }
      if (this.lossRoundStarted) {
        this.rates[this.rateIndex++ % RATE_ROUNDS] = this.roundMaxRate;
        if (this.roundRttSamples >= ROUND_MIN_SAMPLES) this.prevRoundMinRtt = this.roundMinRtt;
      }
      this.lossRoundStarted = true;
      this.lossRoundEnd = highestSent;
      this.roundMaxRate = 0;
      this.roundMinRtt = Number.POSITIVE_INFINITY;
      this.roundRttSamples = 0;
    }
    if (rate > this.roundMaxRate) this.roundMaxRate = rate;
    if (minRtt !== Number.POSITIVE_INFINITY) {
      this.roundRttSamples++;
      if (minRtt < this.roundMinRtt) this.roundMinRtt = minRtt;
    }
    if (this.inSlowStart && !this.hystartDone) this.hystart(cumTsn, minRtt, highestSent);
    if (bytesAcked === 0 || this.inFastRecovery) return;
    const fullyUtilized = flightBefore + this.mtu >= this.cwnd;
    if (this.inSlowStart) {
      // §7.2.1 slow start (a quarter of it in HyStart++'s conservative slow start).
      if (cumAdvanced && fullyUtilized) {
        const inc = Math.min(bytesAcked, ABC_L * this.mtu);
        this.cwnd += this.inCss ? Math.max(1, Math.floor(inc / CSS_GROWTH_DIVISOR)) : inc;
      }
      return;
    }
    // §7.2.2 congestion avoidance: one MTU per window's worth of acknowledged bytes.
    this.partialBytesAcked += bytesAcked;
    if (this.partialBytesAcked >= this.cwnd && fullyUtilized) {
      this.partialBytesAcked -= this.cwnd;
      this.cwnd += this.mtu;
    }
  }

  /** RFC 9406 §4.2: per-round minimum RTTs; a rise of more than the threshold ends slow start. */
  private hystart(cumTsn: number, minRtt: number, highestSent: number): void {
    if (!this.roundStarted || tsnGte(cumTsn, this.roundEndTsn)) {
      // A new round: the window sent so far must be acknowledged before the next one.
      if (this.roundStarted) {
        this.lastRoundMinRtt = this.currentRoundMinRtt;
        if (this.inCss && ++this.cssRounds >= CSS_ROUNDS) {
          this.ssthresh = this.cwnd;
          this.hystartDone = true;
          return;
        }
      }
      this.roundStarted = true;
      this.roundEndTsn = highestSent;
      this.currentRoundMinRtt = Number.POSITIVE_INFINITY;
      this.rttSamples = 0;
    }
    if (minRtt === Number.POSITIVE_INFINITY) return;
    if (minRtt < this.currentRoundMinRtt) this.currentRoundMinRtt = minRtt;
    this.rttSamples++;
    if (this.rttSamples < N_RTT_SAMPLE || this.lastRoundMinRtt === Number.POSITIVE_INFINITY) return;
    if (!this.inCss) {
      const thresh = Math.max(
        MIN_RTT_THRESH,
        Math.min(MAX_RTT_THRESH, this.lastRoundMinRtt / MIN_RTT_DIVISOR),
      );
      if (this.currentRoundMinRtt >= this.lastRoundMinRtt + thresh) {
        this.inCss = true;
        this.cssRounds = 0;
        this.cssBaselineMinRtt = this.currentRoundMinRtt;
      }
    } else if (this.currentRoundMinRtt < this.cssBaselineMinRtt) {
      // The rise was a fluke: back to slow start.
      this.inCss = false;
      this.cssBaselineMinRtt = Number.POSITIVE_INFINITY;
    }
  }

  /** `chunks` DATA chunks went out for the first time. */
  onSent(chunks: number): void {
    this.roundSent += chunks;
  }

  /**
   * `chunks` were declared lost by SACK (fast retransmit, §7.2.4) or RACK. If that is congestion
   * (see the file comment; `minRtt` is the path's, in ms), reduce once per recovery episode,
   * which ends when everything outstanding now (up to `highestTsnSent`) is acknowledged.
   * Returns whether the window was reduced.
   */
  onLoss(highestTsnSent: number, chunks: number, minRtt: number): boolean {
    this.roundLost += chunks;
    if (this.inFastRecovery) return false;
    const recent = this.roundRttSamples >= ROUND_MIN_SAMPLES ? this.roundMinRtt : this.prevRoundMinRtt;
    const queueing =
      !Number.isFinite(minRtt) || !Number.isFinite(recent) || recent - minRtt > queueThreshold(minRtt);
    if (this.lossTolerant && !queueing && this.lossRate <= CONGESTIVE_LOSS_RATE) {
      this.randomLosses += chunks;
      return false;
    }
    this.hystartDone = true;
    this.inCss = false;
    let rate = this.roundMaxRate;
    for (let i = 0; i < RATE_ROUNDS; i++) rate = Math.max(rate, this.rates[i] as number);
    const target = rate > 0 && Number.isFinite(minRtt) ? Math.min(this.cwnd, rate * minRtt) : this.cwnd / 2;
    this.ssthresh = Math.max(Math.floor(target), 4 * this.mtu);
    this.cwnd = this.ssthresh;
    this.partialBytesAcked = 0;
    this.inFastRecovery = true;
    this.recoveryExitTsn = highestTsnSent;
    return true;
  }

  /** §7.2.3: T3-rtx expired. */
  onRetransmissionTimeout(): void {
    this.hystartDone = true;
    this.inCss = false;
    this.ssthresh = Math.max(Math.floor(this.cwnd / 2), 4 * this.mtu);
    this.cwnd = this.mtu;
    this.partialBytesAcked = 0;
    this.inFastRecovery = false;
  }

  /** §7.2.1: after an idle period longer than RTO, the window decays (at most to the initial one). */
  onIdle(): void {
    this.cwnd = Math.max(INITIAL_WINDOW_MTUS * this.mtu, Math.floor(this.cwnd / 2));
  }
}
