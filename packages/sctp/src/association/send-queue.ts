/**
 * Messages waiting for their first transmission, per outgoing stream. Streams share the
 * association by weighted fair queueing on their priority (RFC 8831 §6.4, RFC 8260 §3.6's WFQ
 * scheduler), done as self-clocked fair queueing: each head message gets a finish tag, start +
 * size / weight, and the smallest tag goes next. Equal priorities share bytes equally; 512
 * gets twice what 256 gets. Without I-DATA (RFC 8260) the fragments of a message take
 * consecutive TSNs (RFC 9260 §6.9), so a message that started going out is finished before
 * another starts. Fragments are cut just in time, when a packet has room: a message costs one
 * object until then, and what is still queued is exactly RTCDataChannel.bufferedAmount.
 */
export class OutgoingMessage {
  /** Stream sequence number, assigned with the first TSN (ordered messages only). */
  ssn = 0;
  /** Bytes already cut into fragments (and given TSNs). */
  offset = 0;
  /** TSNs of the first and last fragment cut so far; valid once `offset > 0`. */
  firstTsn = 0;
  lastTsn = 0;
  abandoned = false;

  constructor(
    readonly streamId: number,
    readonly ppid: number,
    readonly data: Uint8Array,
    readonly ordered: boolean,
    /** PR-SCTP (RFC 3758) limit on retransmissions; -1 for none. */
    readonly maxRetransmits: number,
    /** PR-SCTP lifetime: abandoned if not delivered by then (ms, same clock as `now`). */
    readonly expiry: number,
    /** Counted in bufferedAmount (false for protocol messages such as DCEP). */
    readonly counted = true,
  ) {}

  get started(): boolean {
    return this.offset > 0;
  }

  get remaining(): number {
    return this.data.length - this.offset;
  }
}

export class OutboundStream {
  readonly queue: OutgoingMessage[] = [];
  head = 0;
  /** Bytes queued and not yet sent once: bufferedAmount. */
  buffered = 0;
  lowThreshold = 0;
  nextSsn = 0;
  scheduled = false;
  /** Scheduling weight: the channel's RFC 8832 priority (256 is normal). */
  weight = 256;
  /** Finish tag of the head message (SCFQ), valid while scheduled. */
  finish = 0;

  constructor(readonly id: number) {}

  get pending(): number {
    return this.queue.length - this.head;
  }

  peek(): OutgoingMessage | undefined {
    return this.queue[this.head];
  }

  shift(): void {
    this.queue[this.head] = undefined as unknown as OutgoingMessage;
    this.head++;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}

export class SendQueue {
  readonly streams = new Map<number, OutboundStream>();
  /** Streams with queued messages. */
  private active: OutboundStream[] = [];
  /** SCFQ virtual time: the finish tag of the message last taken. */
  private virtualTime = 0;
  /** The message being cut into fragments; it must finish before another starts. */
  current: OutgoingMessage | undefined;
  totalBuffered = 0;
  /** Streams whose bufferedAmount fell to or below their low threshold, in order. */
  readonly lowCrossings: number[] = [];

  stream(id: number): OutboundStream {
    let s = this.streams.get(id);
    if (s === undefined) {
      s = new OutboundStream(id);
      this.streams.set(id, s);
    }
    return s;
  }

  /** Sets a stream's weight (its channel's priority; at least 1). */
  setWeight(id: number, weight: number): void {
    this.stream(id).weight = Math.max(1, weight);
  }

  enqueue(m: OutgoingMessage): void {
    const s = this.stream(m.streamId);
    s.queue.push(m);
    if (m.counted) {
      s.buffered += m.data.length;
      this.totalBuffered += m.data.length;
    }
    if (!s.scheduled) {
      s.scheduled = true;
      s.finish = this.virtualTime + m.data.length / s.weight;
      this.active.push(s);
    }
  }

  get empty(): boolean {
    return this.current === undefined && this.active.length === 0;
  }

  /** True when nothing of stream `id` waits for a TSN. */
  drained(id: number): boolean {
    const s = this.streams.get(id);
    return s === undefined || (s.pending === 0 && this.current?.streamId !== id);
  }

  /**
   * The message to cut the next fragment from: the current one, or the head message with the
   * smallest finish tag. Unsent messages whose lifetime is over are dropped on the way (they
   * never took a TSN or an SSN, so the peer needs no FORWARD TSN for them).
   */
  next(now: number): OutgoingMessage | undefined {
    if (this.current !== undefined) return this.current;
    while (this.active.length > 0) {
      let best = 0;
      for (let i = 1; i < this.active.length; i++) {
        if ((this.active[i] as OutboundStream).finish < (this.active[best] as OutboundStream).finish)
          best = i;
      }
      const s = this.active[best] as OutboundStream;
      const m = s.peek() as OutgoingMessage;
      s.shift();
      this.virtualTime = s.finish;
      const following = s.peek();
      if (following === undefined) {
        s.scheduled = false;
        this.active[best] = this.active[this.active.length - 1] as OutboundStream;
        this.active.pop();
      } else {
        s.finish += following.data.length / s.weight;
      }
      if (now > m.expiry) {
        m.abandoned = true;
        this.release(s, m, m.data.length);
        continue;
      }
      this.current = m;
      return m;
    }
    return undefined;
  }

  /** `length` bytes of the current message went out as a fragment. */
  consume(m: OutgoingMessage, length: number): void {
    m.offset += length;
    this.release(this.stream(m.streamId), m, length);
    if (m.offset >= m.data.length && this.current === m) this.current = undefined;
  }

  /** Drops what was not sent of an abandoned message (PR-SCTP, RFC 3758 §3.5). */
  dropRemainder(m: OutgoingMessage): void {
    const rest = m.remaining;
    m.offset = m.data.length;
    if (this.current === m) this.current = undefined;
    if (rest > 0) this.release(this.stream(m.streamId), m, rest);
  }

  /** Drops what is queued on one stream (a channel closed before its data could go). */
  dropStream(id: number): void {
    const s = this.streams.get(id);
    if (s === undefined) return;
    while (s.pending > 0) {
      const m = s.peek() as OutgoingMessage;
      s.shift();
      m.abandoned = true;
      this.release(s, m, m.data.length);
    }
    if (s.scheduled) {
      s.scheduled = false;
      this.active = this.active.filter((x) => x !== s);
    }
  }

  /** Drops everything queued (abort, restart). */
  clear(): void {
    for (const s of this.streams.values()) {
      s.queue.length = 0;
      s.head = 0;
      s.buffered = 0;
      s.scheduled = false;
    }
    this.active = [];
    this.current = undefined;
    this.totalBuffered = 0;
  }

  private release(s: OutboundStream, m: OutgoingMessage, bytes: number): void {
    if (!m.counted) return;
    const before = s.buffered;
    s.buffered -= bytes;
    this.totalBuffered -= bytes;
    if (before > s.lowThreshold && s.buffered <= s.lowThreshold) this.lowCrossings.push(s.id);
  }
}
