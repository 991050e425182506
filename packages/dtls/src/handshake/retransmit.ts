/**
 * The flight retransmission timer of RFC 6347 §4.2.4 (version-independent; DTLS 1.3 keeps it,
 * RFC 9147 §5.8): when a flight is sent the timer starts at `initial`; each expiry retransmits
 * the flight and doubles the timer (§4.2.4.1), up to `max` (60 s per the RFC). After
 * `maxRetransmissions` retransmissions without progress the handshake gives up.
 *
 * RFC 6347 says 1 s initially; WebRTC stacks often start lower on a path whose round trip ICE
 * has already measured, so it is an option. The timer is reset to
 * `initial` at each new flight: RFC 6347 §4.2.4.1 lets the value back off across flights only
 * "for the same peer", which a fresh handshake does not need.
 */

export interface RetransmitOptions {
  /** First timeout in ms (RFC 6347 §4.2.4.1: 1000). */
  readonly initial?: number;
  /** Upper bound of the doubling, in ms (RFC 6347 §4.2.4.1: at least 60 s). */
  readonly max?: number;
  /** Retransmissions of one flight before giving up (default 7: given up after 183 s at 1 s initial). */
  readonly maxRetransmissions?: number;
}

export const DEFAULT_RETRANSMIT_INITIAL = 1000;
export const DEFAULT_RETRANSMIT_MAX = 60_000;
export const DEFAULT_MAX_RETRANSMISSIONS = 7;

export type RetransmitAction = 'retransmit' | 'give-up';

export class RetransmitTimer {
  readonly initial: number;
  readonly max: number;
  readonly maxRetransmissions: number;
  private interval: number;
  private count = 0;
  /** When the timer fires next; undefined while stopped. */
  deadline: number | undefined;

  constructor(options: RetransmitOptions = {}) {
    this.initial = options.initial ?? DEFAULT_RETRANSMIT_INITIAL;
    this.max = options.max ?? DEFAULT_RETRANSMIT_MAX;
    this.maxRetransmissions = options.maxRetransmissions ?? DEFAULT_MAX_RETRANSMISSIONS;
    if (!(this.initial > 0) || !(this.max >= this.initial) || !(this.maxRetransmissions >= 0)) {
      throw new RangeError('retransmit: need 0 < initial <= max and maxRetransmissions >= 0');
    }
    this.interval = this.initial;
  }

  /** A new flight went out: (re)start at the initial value. */
  start(now: number): void {
    this.interval = this.initial;
    this.count = 0;
    this.deadline = now + this.interval;
  }

  stop(): void {
    this.deadline = undefined;
  }

  /** Retransmissions of the current flight so far. */
  get retransmissions(): number {
    return this.count;
  }

  /**
   * Called when `now` reached the deadline: either retransmit (the timer doubled and re-armed)
   * or give up (the timer stopped). Returns undefined when the timer is not due.
   */
  expire(now: number): RetransmitAction | undefined {
    if (this.deadline === undefined || now < this.deadline) return undefined;
    if (this.count >= this.maxRetransmissions) {
      this.deadline = undefined;
      return 'give-up';
    }
    this.count++;
    this.interval = Math.min(this.interval * 2, this.max);
    this.deadline = now + this.interval;
    return 'retransmit';
  }
}
