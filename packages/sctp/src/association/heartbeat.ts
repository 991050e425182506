/**
 * Path heartbeats (RFC 9260 §8.3): when no data has gone out for HB.interval plus a jittered RTO,
 * send a HEARTBEAT; its ACK is an RTT sample and proof of life. Every heartbeat still unanswered
 * when the next one is due counts toward Association.Max.Retrans (§8.1). The Heartbeat Info is
 * our send time and a random nonce, so a stale or forged ACK does nothing.
 */
import { randomFillSync } from 'node:crypto';
import { readU32 } from '../bytes.js';
import { encodeHeartbeat } from '../chunks/heartbeat.js';

const INFO_LENGTH = 16;

export class Heartbeat {
  deadline = Number.POSITIVE_INFINITY;
  private outstanding = false;
  private nonce = new Uint8Array(8);
  private sentAt = 0;

  constructor(
    readonly interval: number,
    private readonly random: () => number,
  ) {}

  /** (Re)arms the timer from `now` (called when data goes out, or after a heartbeat). */
  schedule(now: number, rto: number): void {
    if (this.interval <= 0 || !Number.isFinite(this.interval)) {
      this.deadline = Number.POSITIVE_INFINITY;
      return;
    }
    // §8.3: RTO + HB.interval, with RTO jittered by +/- 50 %.
    this.deadline = now + this.interval + rto * (0.5 + this.random());
  }

  stop(): void {
    this.deadline = Number.POSITIVE_INFINITY;
    this.outstanding = false;
  }

  /**
   * The timer fired: returns the HEARTBEAT to send, and whether the previous one went
   * unanswered (an error for §8.1's counter).
   */
  fire(now: number, rto: number): { chunk: Uint8Array; missed: boolean } {
    const missed = this.outstanding;
    randomFillSync(this.nonce);
    this.sentAt = now;
    this.outstanding = true;
    const info = new Uint8Array(INFO_LENGTH);
    new DataView(info.buffer).setFloat64(0, now);
    info.set(this.nonce, 8);
    this.schedule(now, rto);
    return { chunk: encodeHeartbeat(info), missed };
  }

  /** A HEARTBEAT ACK: the RTT if it answers our latest heartbeat, else undefined. */
  onAck(info: Uint8Array, now: number): number | undefined {
    if (!this.outstanding || info.length !== INFO_LENGTH) return undefined;
    if (readU32(info, 8) !== readU32(this.nonce, 0) || readU32(info, 12) !== readU32(this.nonce, 4))
      return undefined;
    this.outstanding = false;
    return now - this.sentAt;
  }
}
