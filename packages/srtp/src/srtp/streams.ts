/**
 * Per-SSRC state of one direction of a session: the packet index (ROC and highest sequence
 * number), the replay windows, the next SRTCP index, and counters for getStats.
 *
 * Hostile input must not grow memory without bound, so:
 * - replay and ROC state exists only for SSRCs that sent an authentic packet (inbound) or that we
 *   protected (outbound), at most `maxStreams` of them; past that the oldest is forgotten;
 * - failures of SSRCs without state are counted in a small table of their own (oldest forgotten).
 */
import type { ReplayWindow } from './replay.js';

/** Counters of one SSRC in one direction. */
export interface SrtpStreamStats {
  readonly ssrc: number;
  /** RTP packets protected (outbound) or unprotected (inbound). */
  readonly packets: number;
  /** Their bytes, as RTP (without the SRTP tag). */
  readonly bytes: number;
  readonly rtcpPackets: number;
  readonly rtcpBytes: number;
  /** Dropped RTP packets, by reason. */
  readonly authFailures: number;
  readonly replays: number;
  readonly malformed: number;
  /** Dropped RTCP packets, by reason. */
  readonly rtcpAuthFailures: number;
  readonly rtcpReplays: number;
  readonly rtcpMalformed: number;
  /** Rollover counter of the highest packet index so far (undefined before the first packet). */
  readonly roc: number | undefined;
  /** Highest 48-bit SRTP packet index so far. */
  readonly highestIndex: number | undefined;
}

export class Counters {
  packets = 0;
  bytes = 0;
  rtcpPackets = 0;
  rtcpBytes = 0;
  authFailures = 0;
  replays = 0;
  malformed = 0;
  rtcpAuthFailures = 0;
  rtcpReplays = 0;
  rtcpMalformed = 0;

  addFrom(other: Counters): void {
    this.packets += other.packets;
    this.bytes += other.bytes;
    this.rtcpPackets += other.rtcpPackets;
    this.rtcpBytes += other.rtcpBytes;
    this.authFailures += other.authFailures;
    this.replays += other.replays;
    this.malformed += other.malformed;
    this.rtcpAuthFailures += other.rtcpAuthFailures;
    this.rtcpReplays += other.rtcpReplays;
    this.rtcpMalformed += other.rtcpMalformed;
  }

  snapshot(ssrc: number, top: number): SrtpStreamStats {
    return {
      ssrc,
      packets: this.packets,
      bytes: this.bytes,
      rtcpPackets: this.rtcpPackets,
      rtcpBytes: this.rtcpBytes,
      authFailures: this.authFailures,
      replays: this.replays,
      malformed: this.malformed,
      rtcpAuthFailures: this.rtcpAuthFailures,
      rtcpReplays: this.rtcpReplays,
      rtcpMalformed: this.rtcpMalformed,
      roc: top < 0 ? undefined : Math.floor(top / 0x10000),
      highestIndex: top < 0 ? undefined : top,
    };
  }
}

export class Stream {
  readonly counters = new Counters();
  /** Highest SRTP packet index so far (-1: none). Inbound: highest authenticated one. */
  rtpTop = -1;
  /** Inbound only. */
  rtpWindow: ReplayWindow | undefined;
  /** Outbound: the SRTCP index of the next packet. */
  rtcpNext = 0;
  /** Inbound only. */
  rtcpWindow: ReplayWindow | undefined;

  constructor(readonly ssrc: number) {}
}

/** Failure counters kept for SSRCs without state. */
export const MAX_STRANGERS = 64;

export class StreamTable {
  private readonly streams = new Map<number, Stream>();
  private readonly strangers = new Map<number, Counters>();

  constructor(private readonly maxStreams: number) {}

  get(ssrc: number): Stream | undefined {
    return this.streams.get(ssrc);
  }

  /** The state of `ssrc`, made now if needed (forgetting the oldest stream past the cap). */
  establish(ssrc: number): Stream {
    let stream = this.streams.get(ssrc);
    if (stream !== undefined) return stream;
    if (this.streams.size >= this.maxStreams) {
      const oldest = this.streams.keys().next().value;
      if (oldest !== undefined) this.streams.delete(oldest);
    }
    stream = new Stream(ssrc);
    const earlier = this.strangers.get(ssrc);
    if (earlier !== undefined) {
      stream.counters.addFrom(earlier);
      this.strangers.delete(ssrc);
    }
    this.streams.set(ssrc, stream);
    return stream;
  }

  /** Where to count a failure of `ssrc`. */
  counters(ssrc: number): Counters {
    const stream = this.streams.get(ssrc);
    if (stream !== undefined) return stream.counters;
    let c = this.strangers.get(ssrc);
    if (c === undefined) {
      if (this.strangers.size >= MAX_STRANGERS) {
        const oldest = this.strangers.keys().next().value;
        if (oldest !== undefined) this.strangers.delete(oldest);
      }
      c = new Counters();
      this.strangers.set(ssrc, c);
    }
    return c;
  }

  stats(ssrc: number): SrtpStreamStats | undefined {
    const stream = this.streams.get(ssrc);
    if (stream !== undefined) return stream.counters.snapshot(ssrc, stream.rtpTop);
    return this.strangers.get(ssrc)?.snapshot(ssrc, -1);
  }

  all(): Map<number, SrtpStreamStats> {
    const out = new Map<number, SrtpStreamStats>();
    for (const [ssrc, c] of this.strangers) out.set(ssrc, c.snapshot(ssrc, -1));
    for (const [ssrc, s] of this.streams) out.set(ssrc, s.counters.snapshot(ssrc, s.rtpTop));
    return out;
  }
}
