/**
 * Drives a sans-IO DTLS engine with real timers: after every input, call `schedule()`; it keeps
 * one timer armed for the engine's next deadline (`pollTimeout()`) and calls `onTimeout(now)`
 * when it fires. The clock is `performance.now()` (monotonic ms), the `now` the adapters pass.
 * (Small on purpose: @purertc/dtls depends on no other package of ours.)
 */
export function now(): number {
  return performance.now();
}

export class DtlsTimerDriver {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private armedFor: number | undefined;
  private stopped = false;

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
    // Timers alone must not keep a process alive: the socket decides that.
    this.timer.unref?.();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
