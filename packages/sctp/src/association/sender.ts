/**
 * The data sender (RFC 9260 §6): cuts queued messages into DATA chunks as packets have room,
 * keeps them until the cumulative ack passes, processes SACKs, detects loss and retransmits,
 * abandons what PR-SCTP (RFC 3758) allows to lose and advances the peer with FORWARD TSN.
 *
 * Loss detection is RACK (RFC 8985, adapted to TSNs): a chunk is lost when a chunk sent after it
 * was acknowledged and a reordering window has passed since. Unlike the RFC 9260 §7.2.4 miss
 * counter it also finds lost retransmissions, which otherwise wait for T3-rtx, and with a tail
 * loss probe (RFC 8985 §7) a lost tail costs a round trip instead of an RTO and a collapsed
 * window. T3-rtx (§6.3.3) stays as the last resort.
 */
import { pad4 } from '../bytes.js';
import { DATA_HEADER_LENGTH, DataFlag, writeDataHeader } from '../chunks/data.js';
import { encodeForwardTsn, type ForwardTsnStream } from '../chunks/forward-tsn.js';
import type { SackView } from '../chunks/sack.js';
import type { PacketBuilder } from '../packet/builder.js';
import { COMMON_HEADER_LENGTH } from '../packet/packet.js';
import { tsnAdd, tsnDiff, tsnGt, tsnLt } from '../serial.js';
import { CongestionControl } from './congestion.js';
import { ChunkState, OutstandingQueue, type SentChunk } from './outstanding.js';
import { RtoEstimator } from './rto.js';
import { type OutgoingMessage, SendQueue } from './send-queue.js';

/** The most TSNs outstanding at once: what a receiver's gap blocks (16-bit offsets) can describe. */
const MAX_OUTSTANDING = 65535;
/** Do not cut a fragment smaller than this just to fill the end of a packet. */
const MIN_FILL_FRAGMENT = 256;
/** Assumed worst-case delayed-ack time of the peer, for the tail loss probe (RFC 8985 §7.2). */
const DELAYED_ACK_ALLOWANCE = 200;

export interface SenderStats {
  dataChunksSent: number;
  retransmissions: number;
  fastRecoveries: number;
  t3Expirations: number;
  tailLossProbes: number;
  abandonedMessages: number;
}

export class Sender {
  readonly queue = new SendQueue();
  readonly outstanding = new OutstandingQueue();
  readonly rto: RtoEstimator;
  cc: CongestionControl;
  readonly stats: SenderStats = {
    dataChunksSent: 0,
    retransmissions: 0,
    fastRecoveries: 0,
    t3Expirations: 0,
    tailLossProbes: 0,
    abandonedMessages: 0,
  };

  /** Next TSN to assign. */
  nextTsn = 0;
  /** The peer's cumulative TSN ack. */
  cumAck = 0;
  /** Bytes of user data in flight. */
  flight = 0;
  /** The peer's receiver window as we reckon it (§6.2.1). */
  peerRwnd = 0;
  /** Whether the peer speaks PR-SCTP; without it every message is reliable. */
  partialReliability = false;
  /** Consecutive T3-rtx expirations without progress (§8.1 error counter, data part). */
  errorCount = 0;

  t3Deadline = Number.POSITIVE_INFINITY;
  rackDeadline = Number.POSITIVE_INFINITY;
  tlpDeadline = Number.POSITIVE_INFINITY;

  /** Advanced.Peer.Ack.Point (RFC 3758 §3.5). */
  apap = 0;
  forwardTsnPending = false;

  private xmitSeq = 0;
  /** Bytes acknowledged so far (cumulative and gap), and when that last grew: delivery rate samples. */
  private delivered = 0;
  private deliveredTime = 0;
  private rackXmitSeq = 0;
  private rackRtt = 0;
  /**
   * The highest TSN the latest SACK says anything about. A receiver with more gaps than fit in
   * a packet reports the lowest ones (§3.3.4); chunks above this may have arrived unreported,
   * so RACK must not call them lost.
   */
  private rackTsnLimit = 0;
  /** Chunks in state Departed. */
  private departed = 0;
  /** When the latest SACK arrived. */
  private lastSackTime = Number.NEGATIVE_INFINITY;
  /**
   * The previous SACK's gap blocks as absolute TSNs (start, end pairs): their chunks are
   * already Acked, so a SACK that repeats them (most do, grown by a TSN or two) costs only what
   * is new in it instead of a walk over the whole window.
   */
  private prevGaps = new Uint32Array(128);
  private prevGapCount = 0;
  private reoWndMult = 1;
  private reoBumpTsn = 0;
  private recoveriesSinceBump = 0;
  private tlpOutstanding = false;
  /** Once per recovery episode the first retransmissions may exceed cwnd (§7.2.4 step 3). */
  private rtxBypass = false;
  /** A tail loss probe lets one packet of new data past cwnd (RFC 8985 §7.3). */
  private probeBypass = false;
  private lastDataSent = Number.NEGATIVE_INFINITY;
  private readonly maxPayload: number;

  constructor(
    readonly mtu: number,
    rtoInitial: number,
    rtoMin: number,
    rtoMax: number,
    /** Loss differentiation on (see congestion.ts), or plain RFC 9260 reactions to every loss. */
    private readonly lossTolerant = true,
  ) {
    this.rto = new RtoEstimator(rtoInitial, rtoMin, rtoMax);
    this.maxPayload = (mtu - COMMON_HEADER_LENGTH - DATA_HEADER_LENGTH) & ~3;
    this.cc = new CongestionControl(mtu, 0);
  }

  /** Starts (or restarts) sending from our initial TSN to a peer with the given window. */
  start(initialTsn: number, peerArwnd: number, partialReliability: boolean): void {
    this.nextTsn = initialTsn;
    this.cumAck = tsnAdd(initialTsn, -1);
    this.apap = this.cumAck;
    this.outstanding.reset(initialTsn);
    this.flight = 0;
    this.peerRwnd = peerArwnd;
    this.partialReliability = partialReliability;
    this.cc = new CongestionControl(this.mtu, peerArwnd);
    this.cc.lossTolerant = this.lossTolerant;
    this.t3Deadline = Number.POSITIVE_INFINITY;
    this.rackDeadline = Number.POSITIVE_INFINITY;
    this.tlpDeadline = Number.POSITIVE_INFINITY;
    this.rackXmitSeq = 0;
    this.rackTsnLimit = this.cumAck;
    this.reoBumpTsn = this.cumAck;
    this.departed = 0;
    this.prevGapCount = 0;
  }

  /** Nothing queued and nothing outstanding. */
  get idle(): boolean {
    return this.outstanding.count === 0 && this.queue.empty;
  }

  /** The next timer deadline of the sender. */
  get deadline(): number {
    return Math.min(this.t3Deadline, this.rackDeadline, this.tlpDeadline);
  }

  /** Whether {@link writeData} would write something now (cwnd, rwnd and queues permitting). */
  canSend(): boolean {
    if (this.outstanding.hasLost) return this.flight < this.cc.cwnd || this.rtxBypass;
    return (
      !this.queue.empty &&
      (this.flight < this.cc.cwnd || this.probeBypass) &&
      this.outstanding.count < MAX_OUTSTANDING
    );
  }

  /**
   * Appends DATA chunks to the open packet: retransmissions first (lowest TSN first), then new
   * fragments, while cwnd (§7.2), the peer's rwnd (§6.1) and the packet allow. Returns how many.
   */
  writeData(b: PacketBuilder, now: number): number {
    let written = 0;
    const out = this.outstanding;
    let rtxWritten = false;
    for (;;) {
      const c = out.peekLost();
      if (c === undefined) break;
      const m = c.message as OutgoingMessage;
      if (
        this.partialReliability &&
        ((m.maxRetransmits >= 0 && c.sends > m.maxRetransmits) || now > m.expiry)
      ) {
        this.abandon(m);
        continue;
      }
      if (this.flight >= this.cc.cwnd && !this.rtxBypass) return written;
      const size = DATA_HEADER_LENGTH + pad4(c.length);
      if (size > b.remaining) break;
      this.writeChunk(b, c, m);
      out.shiftLost();
      c.state = ChunkState.InFlight;
      c.sends++;
      this.sent(c, now);
      this.stats.retransmissions++;
      rtxWritten = true;
      written++;
    }
    if (rtxWritten) this.rtxBypass = false;
    if (out.hasLost) return written;

    const bypass = this.probeBypass;
    this.probeBypass = false;
    for (;;) {
      if ((this.flight >= this.cc.cwnd && !bypass) || out.count >= MAX_OUTSTANDING) break;
      const m = this.queue.next(now);
      if (m === undefined) break;
      if (m.started && this.partialReliability && now > m.expiry) {
        this.abandon(m);
        continue;
      }
      const rest = m.remaining;
      const room = (b.remaining - DATA_HEADER_LENGTH) & ~3;
      let len: number;
      if (rest <= room) len = rest;
      else if (rest > this.maxPayload && room >= MIN_FILL_FRAGMENT) len = Math.min(room, this.maxPayload);
      else break;
      // §6.1 A: within the peer's window, except that one chunk may probe a closed window.
      if (len > this.peerRwnd && this.flight > 0) break;
      if (out.count === 0 && now - this.lastDataSent > this.rto.rto) this.cc.onIdle();
      const c = out.push();
      const tsn = this.nextTsn;
      this.nextTsn = tsnAdd(tsn, 1);
      let flags = m.ordered ? 0 : DataFlag.Unordered;
      if (!m.started) {
        flags |= DataFlag.Begin;
        m.firstTsn = tsn;
        if (m.ordered) {
          const s = this.queue.stream(m.streamId);
          m.ssn = s.nextSsn;
          s.nextSsn = (s.nextSsn + 1) & 0xffff;
        }
      }
      if (m.offset + len === m.data.length) flags |= DataFlag.End;
      this.cc.onSent(1);
      m.lastTsn = tsn;
      c.message = m;
      c.offset = m.offset;
      c.length = len;
      c.flags = flags;
      c.state = ChunkState.InFlight;
      c.sends = 1;
      this.writeChunk(b, c, m);
      this.queue.consume(m, len);
      this.sent(c, now);
      written++;
    }
    return written;
  }

  private writeChunk(b: PacketBuilder, c: SentChunk, m: OutgoingMessage): void {
    const o = b.length;
    writeDataHeader(b.buf, o, c.flags, c.length, c.tsn, m.streamId, m.ssn, m.ppid);
    b.buf.set(m.data.subarray(c.offset, c.offset + c.length), o + DATA_HEADER_LENGTH);
    let end = o + DATA_HEADER_LENGTH + c.length;
    const padded = o + DATA_HEADER_LENGTH + pad4(c.length);
    while (end < padded) b.buf[end++] = 0;
    b.length = padded;
  }

  private sent(c: SentChunk, now: number): void {
    c.sentTime = now;
    c.xmitSeq = ++this.xmitSeq;
    if (this.outstanding.first === null) this.deliveredTime = now;
    c.deliveredAtSend = this.delivered;
    c.deliveredTimeAtSend = this.deliveredTime;
    this.outstanding.link(c);
    this.flight += c.length;
    this.peerRwnd = Math.max(0, this.peerRwnd - c.length);
    this.lastDataSent = now;
    this.stats.dataChunksSent++;
    // §6.3.2 R1: start T3-rtx if it is not running.
    if (this.t3Deadline === Number.POSITIVE_INFINITY) this.t3Deadline = now + this.rto.rto;
    this.armTlp(now);
  }

  /** Processes a SACK (§6.2.1, §7.2, RFC 8985 §6). */
  onSack(s: SackView, now: number): void {
    const out = this.outstanding;
    const cum = s.cumulativeTsnAck;
    // §6.2.1 D-i: an older cumulative ack is a reordered SACK; one beyond what we sent is bogus.
    if (tsnLt(cum, this.cumAck) || tsnDiff(cum, this.cumAck) > out.count) return;
    const flightBefore = this.flight;
    const cumAdvanced = cum !== this.cumAck;
    let bytesAcked = 0;
    let minRtt = Number.POSITIVE_INFINITY;
    // The RTT of the most recently sent chunk this SACK acknowledges that was sent once (Karn).
    let sample = -1;
    let sampleSeq = 0;
    // And the delivered counter when the most recently sent acknowledged chunk went out (BBR's
    // delivery rate sample: bytes delivered since then, over the time since then).
    let rateSeq = 0;
    let rateDelivered = 0;
    let rateTime = 0;

    while (this.cumAck !== cum) {
      const c = out.at(0);
      if (c.state === ChunkState.Departed) this.departed--;
      if (c.state === ChunkState.InFlight || c.state === ChunkState.Lost || c.state === ChunkState.Departed) {
        bytesAcked += c.length;
        if (c.state === ChunkState.InFlight) this.flight -= c.length;
        this.rackUpdate(c, now);
        if (c.xmitSeq > rateSeq) {
          rateSeq = c.xmitSeq;
          rateDelivered = c.deliveredAtSend;
          rateTime = c.deliveredTimeAtSend;
        }
        if (c.sends === 1) {
          const rtt = now - c.sentTime;
          if (rtt < minRtt) minRtt = rtt;
          if (c.xmitSeq > sampleSeq) {
            sampleSeq = c.xmitSeq;
            sample = rtt;
          }
        }
      }
      out.shift();
      out.release(c);
      this.cumAck = tsnAdd(this.cumAck, 1);
    }

    let p = 0;
    const prev = this.prevGaps;
    const prevCount = this.prevGapCount;
    for (let g = 0; g < s.gapCount; g++) {
      const start = s.gapStarts[g] as number;
      const end = Math.min(s.gapEnds[g] as number, out.count);
      for (let off = start; off <= end; off++) {
        // Skip what the previous SACK's blocks covered (offsets from the new cumulative ack).
        while (p < prevCount && tsnDiff(prev[2 * p + 1] as number, cum) < off) p++;
        if (p < prevCount && tsnDiff(prev[2 * p] as number, cum) <= off) {
          off = tsnDiff(prev[2 * p + 1] as number, cum);
          continue;
        }
        const c = out.at(off - 1);
        if (c.state === ChunkState.Acked || c.state === ChunkState.Abandoned) continue;
        if (c.state === ChunkState.Departed) this.departed--;
        bytesAcked += c.length;
        if (c.state === ChunkState.InFlight) {
          this.flight -= c.length;
          out.unlink(c);
        }
        c.state = ChunkState.Acked;
        this.rackUpdate(c, now);
        if (c.xmitSeq > rateSeq) {
          rateSeq = c.xmitSeq;
          rateDelivered = c.deliveredAtSend;
          rateTime = c.deliveredTimeAtSend;
        }
        if (c.sends === 1) {
          const rtt = now - c.sentTime;
          if (rtt < minRtt) minRtt = rtt;
          if (c.xmitSeq > sampleSeq) {
            sampleSeq = c.xmitSeq;
            sample = rtt;
          }
        }
      }
    }

    if (s.gapCount * 2 > this.prevGaps.length) this.prevGaps = new Uint32Array(s.gapCount * 2);
    for (let g = 0; g < s.gapCount; g++) {
      this.prevGaps[2 * g] = tsnAdd(cum, s.gapStarts[g] as number);
      this.prevGaps[2 * g + 1] = tsnAdd(cum, s.gapEnds[g] as number);
    }
    this.prevGapCount = s.gapCount;
    const reported = s.gapCount > 0 ? Math.min(s.gapEnds[s.gapCount - 1] as number, out.count) : 0;
    this.rackTsnLimit = tsnAdd(cum, reported);
    this.lastSackTime = now;
    // Departed chunks this SACK reports on and does not acknowledge are lost, and so is the
    // one right above the cumulative ack, which is missing by definition.
    for (let i = 0; i < Math.max(1, reported) && i < out.count && this.departed > 0; i++) {
      const c = out.at(i);
      if (c.state === ChunkState.Departed) {
        this.departed--;
        c.state = ChunkState.Lost;
        out.pushLost(c);
      }
    }
    // RTT on every SACK, not once per round trip (§6.3.1 C4 asks for at most that): while a
    // queue fills, a once-per-RTT SRTT lags so far behind that T3-rtx fires before the first
    // retransmission can be acknowledged. Linux TCP samples every ACK for the same reason.
    if (sample >= 0) this.rto.sample(sample);
    if (bytesAcked > 0) {
      this.errorCount = 0;
      this.tlpOutstanding = false;
    }
    // Duplicates mean we retransmitted what had arrived: widen the reordering window (RFC 8985 §6.2).
    if (s.dupCount > 0 && tsnGt(cum, this.reoBumpTsn)) {
      this.reoWndMult = Math.min(this.reoWndMult + 1, 4);
      this.reoBumpTsn = tsnAdd(this.nextTsn, -1);
      this.recoveriesSinceBump = 0;
    }

    let rate = 0;
    if (bytesAcked > 0) {
      this.delivered += bytesAcked;
      this.deliveredTime = now;
      if (rateSeq > 0 && now > rateTime) rate = (this.delivered - rateDelivered) / (now - rateTime);
    }
    this.cc.onAck(bytesAcked, cumAdvanced, cum, flightBefore, minRtt, tsnAdd(this.nextTsn, -1), rate);
    this.detectLoss(now);

    // §6.2.1 D-ii/iii: the window is what the peer offers minus what is still in flight.
    this.peerRwnd = Math.max(0, s.arwnd - this.flight);

    // §6.3.2 R2/R3.
    if (out.count === 0) this.t3Deadline = Number.POSITIVE_INFINITY;
    else if (cumAdvanced) this.t3Deadline = now + this.rto.rto;

    if (this.partialReliability) {
      if (tsnLt(this.apap, this.cumAck)) this.apap = this.cumAck;
      this.advanceAckPoint();
      // RFC 3758 §3.5 C3: the peer is behind our ack point: (re)send FORWARD TSN.
      if (tsnGt(this.apap, this.cumAck)) this.forwardTsnPending = true;
    }
    this.armTlp(now);
  }

  private rackUpdate(c: SentChunk, now: number): void {
    const rtt = now - c.sentTime;
    // A retransmitted chunk acked sooner than any RTT seen was acked for its original send.
    if (c.sends > 1 && rtt < this.rto.minRtt) return;
    if (c.xmitSeq > this.rackXmitSeq) {
      this.rackXmitSeq = c.xmitSeq;
      this.rackRtt = rtt;
    }
  }

  private reorderWindow(): number {
    const base = this.rto.hasSample ? this.rto.minRtt : this.rackRtt;
    const w = (this.reoWndMult * base) / 4;
    return Math.max(1, this.rto.hasSample ? Math.min(w, this.rto.srtt) : w);
  }

  /**
   * RACK (RFC 8985 §6.2): chunks sent before the latest delivered one, and older than a
   * reordering window, are lost. Above what the SACK could report, such chunks (and any chunk
   * whose ack is overdue while SACKs keep coming) have left the network, fate unknown: they
   * leave the flight as Departed, so that a truncated SACK cannot freeze the window.
   */
  private detectLoss(now: number): void {
    const out = this.outstanding;
    this.rackDeadline = Number.POSITIVE_INFINITY;
    if (this.rackXmitSeq === 0) return;
    const reo = this.reorderWindow();
    let lost = 0;
    let c = out.first;
    while (c !== null) {
      const next = c.next;
      const deadline = c.sentTime + this.rackRtt + reo;
      if (c.xmitSeq < this.rackXmitSeq) {
        if (now < deadline) {
          this.rackDeadline = deadline;
          break;
        }
      } else if (this.lastSackTime < deadline || !tsnGt(c.tsn, this.rackTsnLimit)) {
        // Sent after the newest delivered chunk, and no SACK is late for it yet.
        break;
      }
      if (tsnGt(c.tsn, this.rackTsnLimit)) {
        out.unlink(c);
        c.state = ChunkState.Departed;
        this.departed++;
        this.flight -= c.length;
      } else {
        this.markLost(c);
        lost++;
      }
      c = next;
    }
    if (lost > 0) this.onLossDetected(lost);
  }

  private markLost(c: SentChunk): void {
    this.outstanding.unlink(c);
    c.state = ChunkState.Lost;
    this.flight -= c.length;
    this.outstanding.pushLost(c);
  }

  private onLossDetected(chunks: number): void {
    const reduced = this.cc.onLoss(tsnAdd(this.nextTsn, -1), chunks, this.rto.minRtt);
    if (!reduced) return;
    this.rtxBypass = true;
    this.stats.fastRecoveries++;
    if (++this.recoveriesSinceBump >= 16) this.reoWndMult = 1;
  }

  /** Runs the sender's timers due at `now` (the caller checks `errorCount` against §8.1's limit). */
  onTimeout(now: number): void {
    if (now >= this.rackDeadline) this.detectLoss(now);
    if (now >= this.tlpDeadline && this.tlpDeadline <= this.t3Deadline) {
      // RFC 8985 §7.3: the probe goes first, and T3-rtx restarts behind it.
      this.onTailLossProbe();
      this.t3Deadline = now + this.rto.rto;
    } else if (now >= this.t3Deadline) {
      this.onT3(now);
    }
  }

  /** §6.3.3: T3-rtx expired. */
  private onT3(now: number): void {
    const out = this.outstanding;
    this.t3Deadline = Number.POSITIVE_INFINITY;
    this.tlpDeadline = Number.POSITIVE_INFINITY;
    if (out.count === 0) return;
    this.stats.t3Expirations++;
    this.errorCount++;
    this.prevGapCount = 0;
    this.rto.backOff();
    this.cc.onRetransmissionTimeout();
    for (let c = out.first; c !== null; ) {
      const next = c.next;
      this.markLost(c);
      c = next;
    }
    for (let i = 0; i < out.count && this.departed > 0; i++) {
      const c = out.at(i);
      if (c.state === ChunkState.Departed) {
        this.departed--;
        c.state = ChunkState.Lost;
        out.pushLost(c);
      }
    }
    // A gap-acked chunk below every other was reneged on (§6.2.1): send it again too.
    const head = out.at(0);
    if (head.state === ChunkState.Acked) {
      head.state = ChunkState.Lost;
      out.pushLost(head);
    }
    out.sortLost();
    this.rtxBypass = false;
    if (this.partialReliability && tsnGt(this.apap, this.cumAck)) this.forwardTsnPending = true;
    // Restarted by the retransmission (R1); if nothing can be sent, keep the timer going.
    this.t3Deadline = now + this.rto.rto;
  }

  /** RFC 8985 §7.3: probe with new data if any can go, else send the latest chunk again. */
  private onTailLossProbe(): void {
    this.tlpDeadline = Number.POSITIVE_INFINITY;
    const last = this.outstanding.last;
    if (last === null || this.tlpOutstanding) return;
    this.tlpOutstanding = true;
    this.stats.tailLossProbes++;
    if (!this.queue.empty && this.peerRwnd > 0) {
      this.probeBypass = true;
    } else {
      this.markLost(last);
      this.rtxBypass = true;
    }
  }

  private armTlp(now: number): void {
    if (this.outstanding.first === null || !this.rto.hasSample || this.tlpOutstanding) {
      this.tlpDeadline = Number.POSITIVE_INFINITY;
      return;
    }
    let pto = 2 * this.rto.srtt;
    if (this.flight <= this.maxPayload) pto += DELAYED_ACK_ALLOWANCE;
    pto = Math.max(pto, 10);
    // RFC 8985 §7.2: never later than the RTO would fire; the probe takes its place.
    this.tlpDeadline = Math.min(now + pto, this.t3Deadline);
  }

  /** Gives up a message (RFC 3758 §3.5): all its fragments, sent or not. */
  abandon(m: OutgoingMessage): void {
    if (m.abandoned) return;
    m.abandoned = true;
    this.stats.abandonedMessages++;
    const out = this.outstanding;
    if (m.started) {
      for (let t = m.firstTsn; ; t = tsnAdd(t, 1)) {
        const c = out.get(t);
        if (c !== undefined && c.message === m) {
          if (c.state === ChunkState.InFlight) {
            out.unlink(c);
            this.flight -= c.length;
          } else if (c.state === ChunkState.Departed) {
            this.departed--;
          }
          c.state = ChunkState.Abandoned;
        }
        if (t === m.lastTsn) break;
      }
    }
    if (m.remaining > 0) this.queue.dropRemainder(m);
    this.advanceAckPoint();
  }

  /** RFC 3758 §3.5 C2: move the ack point over abandoned chunks. */
  private advanceAckPoint(): void {
    if (tsnLt(this.apap, this.cumAck)) this.apap = this.cumAck;
    let t = this.apap;
    for (;;) {
      const c = this.outstanding.get(tsnAdd(t, 1));
      if (c === undefined || c.state !== ChunkState.Abandoned) break;
      t = tsnAdd(t, 1);
    }
    if (t !== this.apap) {
      this.apap = t;
      this.forwardTsnPending = true;
    }
  }

  /**
   * The FORWARD TSN chunk for the current ack point (RFC 3758 §3.2), listing the highest
   * abandoned SSN of every ordered stream it skips; at most `maxStreams` entries (the ack point
   * stops short if more streams would be needed).
   */
  forwardTsnChunk(maxStreams: number): Uint8Array | undefined {
    this.forwardTsnPending = false;
    if (!tsnGt(this.apap, this.cumAck)) return undefined;
    const streams = new Map<number, number>();
    let newCum = this.cumAck;
    for (let t = tsnAdd(this.cumAck, 1); tsnDiff(t, this.apap) <= 0; t = tsnAdd(t, 1)) {
      const c = this.outstanding.get(t);
      const m = c?.message;
      if (m?.ordered && !streams.has(m.streamId) && streams.size === maxStreams) break;
      if (m?.ordered) streams.set(m.streamId, m.ssn);
      newCum = t;
    }
    const list: ForwardTsnStream[] = [];
    for (const [streamId, ssn] of streams) list.push({ streamId, ssn });
    return encodeForwardTsn({ newCumulativeTsn: newCum, streams: list });
  }

  /** The SHUTDOWN chunk's cumulative ack (ours as receiver) is processed as a SACK without gaps (§9.2). */
  onShutdownAck(cum: number, now: number, scratch: SackView): void {
    scratch.cumulativeTsnAck = cum;
    scratch.arwnd = this.peerRwnd + this.flight;
    scratch.gapCount = 0;
    scratch.dupCount = 0;
    this.onSack(scratch, now);
  }

  /** Drops everything (abort, restart). */
  clear(): void {
    this.queue.clear();
    this.outstanding.reset(this.nextTsn);
    this.cumAck = tsnAdd(this.nextTsn, -1);
    this.flight = 0;
    this.departed = 0;
    this.t3Deadline = Number.POSITIVE_INFINITY;
    this.rackDeadline = Number.POSITIVE_INFINITY;
    this.tlpDeadline = Number.POSITIVE_INFINITY;
  }
}
