/**
 * Drives a sans-IO engine with real timers: after every input, call `schedule()`; it arms one
 * timer for the engine's next deadline and calls `onTimeout(now)` when it fires. The clock is
 * `performance.now()` (monotonic, ms), the same clock adapters pass as `now`.
 */
export function now(): number {
  return performance.now();
}

export class TimerDriver {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private armedFor: number | undefined;
  private stopped = false;
  private soon = false;

  constructor(
    private readonly nextDeadline: () => number | undefined,
    private readonly onTimeout: (now: number) => void,
  ) {}

  schedule(): void {
    if (this.stopped) return;
    const deadline = this.nextDeadline();
    if (deadline === this.armedFor) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = deadline;
    if (deadline === undefined) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.armedFor = undefined;
        this.onTimeout(now());
        this.schedule();
      },
      Math.max(0, deadline - now()),
    );
    // Timers alone must not keep a process alive: sockets decide that.
    this.timer.unref?.();
  }

  /**
   * `schedule()` once the current burst of I/O callbacks is over (setImmediate): a socket that
   * delivers a thousand datagrams in one event-loop turn re-arms the timer once, not a thousand
   * times. For adapters whose deadline rarely moves on data (consent, retransmissions).
   */
  scheduleSoon(): void {
    if (this.soon || this.stopped) return;
    this.soon = true;
    setImmediate(() => {
      this.soon = false;
      this.schedule();
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
