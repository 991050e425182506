/**
 * The two ends of a checked transfer over one data channel, usable apart: the sender under
 * `bufferedAmount` flow control (`PacedSender`) and the receiver's check of every message
 * (`MessageCheck`). scenarios.ts's `transfer` runs both in one process; for the two-process row,
 * remote-transfer.ts runs the sender in this process and remote-child.ts the receiver in another.
 * No peer library is imported here: a child loads only the library it runs.
 */
import type { Channel } from './peers.js';

/**
 * A sender's flow control: it sends while `bufferedAmount` is under `high`, then waits for
 * `bufferedamountlow` with `bufferedAmountLowThreshold` = `low`.
 */
export interface WaterMarks {
  readonly high: number;
  readonly low: number;
}

/** A transfer fails when nothing moves for this long (a lost `bufferedamountlow`, a stall). */
export const STALL_MS = 5_000;

const templates = new Map<number, Buffer>();

/** Message `k` of `size` bytes: a fixed pattern, its number in the first 4 bytes. A fresh buffer each. */
export function message(size: number, k: number): Buffer {
  let t = templates.get(size);
  if (t === undefined) {
    t = Buffer.alloc(size);
    for (let i = 0; i < size; i++) t[i] = (i * 31 + 7) & 255;
    templates.set(size, t);
  }
  const m = Buffer.allocUnsafe(size);
  t.copy(m);
  m.writeUInt32BE(k >>> 0, 0);
  return m;
}

/** The bytes of a message event: an ArrayBuffer (W3C, binaryType 'arraybuffer') or a Buffer (werift). */
function viewOf(data: unknown): DataView | undefined {
  if (data instanceof ArrayBuffer) return new DataView(data);
  if (ArrayBuffer.isView(data)) return new DataView(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

/**
 * The receiver's side: `count` messages of `size` bytes expected, each checked on arrival (its
 * size, and its number: in order, none missing).
 */
export class MessageCheck {
  /** Messages received and checked so far. */
  received = 0;
  private bytes = 0;

  constructor(
    readonly count: number,
    readonly size: number,
    readonly label: string,
  ) {}

  /** Checks the next message's data: true once it completes the transfer. Throws on a wrong message. */
  next(data: unknown): boolean {
    const v = viewOf(data);
    const { size } = this;
    if (v === undefined || v.byteLength !== size || (size >= 4 && v.getUint32(0) !== this.received >>> 0)) {
      const number = v !== undefined && v.byteLength >= 4 ? `, number ${v.getUint32(0)}` : '';
      const what = v === undefined ? typeof data : `${v.byteLength} bytes${number}`;
      throw new Error(`${this.label}: message ${this.received} arrived as ${what}`);
    }
    this.received++;
    this.bytes += v.byteLength;
    if (this.received < this.count) return false;
    if (this.bytes !== this.count * size)
      throw new Error(`${this.label}: ${this.bytes} bytes received, not ${this.count * size}`);
    return true;
  }
}

/**
 * The sender's side: `count` messages of `size` bytes (`message(size, k)`) on `channel` while
 * its `bufferedAmount` is under `water.high`, the rest on each `bufferedamountlow` (threshold
 * `water.low`). With `poll` (a library without `bufferedamountlow`) it looks at `bufferedAmount`
 * every millisecond instead. A `send` that throws goes to `fail`.
 */
export class PacedSender {
  /** Messages handed to `send` so far. */
  sent = 0;
  private pumping = false;
  private stopped = false;
  private poller: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly channel: Channel,
    private readonly count: number,
    private readonly size: number,
    private readonly water: WaterMarks,
    private readonly poll: boolean,
    private readonly fail: (error: Error) => void,
  ) {}

  /** The first `send` happens in here. */
  start(): void {
    this.channel.bufferedAmountLowThreshold = this.water.low;
    this.channel.addEventListener('bufferedamountlow', this.pump);
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.poller);
    this.channel.removeEventListener('bufferedamountlow', this.pump);
  }

  private readonly pump = (): void => {
    if (this.pumping || this.stopped) return; // a library may fire bufferedamountlow from inside send()
    const { channel, count, size, water } = this;
    this.pumping = true;
    try {
      while (this.sent < count && channel.bufferedAmount < water.high) {
        channel.send(message(size, this.sent));
        this.sent++;
      }
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
    } finally {
      this.pumping = false;
    }
    if (this.poll && !this.stopped && this.sent < count) {
      // No bufferedamountlow from this library: look again in a millisecond.
      clearTimeout(this.poller);
      this.poller = setTimeout(() => {
        if (channel.bufferedAmount <= water.low) this.pump();
        else this.poller?.refresh();
      }, 1);
    }
  };
}

/**
 * Calls `onStall` when `progress()` has not moved for a whole `STALL_MS` (checked every
 * `STALL_MS`). Returns the function that stops watching.
 */
export function watchStall(progress: () => number, onStall: () => void): () => void {
  let last = -1;
  const timer = setInterval(() => {
    const now = progress();
    if (now === last) onStall();
    last = now;
  }, STALL_MS);
  return () => clearInterval(timer);
}
