/**
 * Handshake message reassembly (RFC 6347 §4.2.2, §4.2.3; the same rules hold in RFC 9147 §5.5):
 * a message may arrive in fragments, out of order, duplicated, overlapping, interleaved with
 * fragments of the next messages. Messages are handed out strictly in message_seq order.
 *
 * Everything input can grow is capped: a message longer than `maxMessageLength` is refused, at
 * most `maxMessagesAhead` future messages are buffered, and the bodies being assembled never
 * total more than `maxBufferedBytes` (a message's full length counts from its first fragment).
 * A fragment that breaks a cap, or contradicts earlier fragments of its message (type, length
 * or epoch), is dropped; the peer's retransmission fills the gap later.
 */

/** One fragment as the handshake header (RFC 6347 §4.2.2) describes it. */
export interface HandshakeFragmentIn {
  readonly msgType: number;
  /** Length of the whole message body. */
  readonly length: number;
  readonly messageSeq: number;
  readonly fragmentOffset: number;
  /** fragment_length bytes of the body, starting at fragmentOffset. */
  readonly fragment: Uint8Array;
}

/** A whole handshake message, in order. */
export interface ReassembledMessage {
  readonly msgType: number;
  readonly messageSeq: number;
  readonly body: Uint8Array;
  /** The epoch of the records that carried it (Finished must come under the new keys). */
  readonly epoch: number;
}

export interface ReassemblyLimits {
  /** Longest handshake message body accepted, in bytes (default 32 KiB). */
  readonly maxMessageLength?: number;
  /** Cap on the bytes of all messages being assembled or waiting (default 128 KiB). */
  readonly maxBufferedBytes?: number;
  /** How far beyond the next expected message_seq fragments are kept (default 16). */
  readonly maxMessagesAhead?: number;
}

export const DEFAULT_MAX_HANDSHAKE_MESSAGE = 32 * 1024;
export const DEFAULT_MAX_HANDSHAKE_BUFFER = 128 * 1024;
export const DEFAULT_MAX_MESSAGES_AHEAD = 16;

/** What became of a fragment. */
export type FragmentVerdict =
  /** Kept (possibly completing a message: call `pop()`). */
  | 'buffered'
  /** Already had all of it: a duplicate of a fragment still waiting. */
  | 'duplicate'
  /** A message we already handed out: the peer is retransmitting (RFC 6347 §4.2.4). */
  | 'old'
  /** Dropped: breaks a cap or contradicts earlier fragments. */
  | 'dropped';

interface Pending {
  readonly msgType: number;
  readonly epoch: number;
  readonly body: Uint8Array;
  /** Covered byte ranges, sorted and merged: [start0, end0, start1, end1, ...]. */
  ranges: number[];
}

export class HandshakeReassembler {
  readonly maxMessageLength: number;
  readonly maxBufferedBytes: number;
  readonly maxMessagesAhead: number;
  private readonly pending = new Map<number, Pending>();
  private buffered = 0;
  /** The message_seq handed out next. */
  private next = 0;

  constructor(limits: ReassemblyLimits = {}) {
    this.maxMessageLength = limits.maxMessageLength ?? DEFAULT_MAX_HANDSHAKE_MESSAGE;
    this.maxBufferedBytes = limits.maxBufferedBytes ?? DEFAULT_MAX_HANDSHAKE_BUFFER;
    this.maxMessagesAhead = limits.maxMessagesAhead ?? DEFAULT_MAX_MESSAGES_AHEAD;
  }

  /** The message_seq expected next. */
  get nextSeq(): number {
    return this.next;
  }

  /** Bytes currently reserved for messages being assembled. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /**
   * Expect `seq` next and forget anything before it (after a HelloVerifyRequest the client's
   * next ClientHello, and so the server's answer, move on in sequence).
   */
  skipTo(seq: number): void {
    for (const [s, p] of this.pending) {
      if (s < seq) {
        this.pending.delete(s);
        this.buffered -= p.body.length;
      }
    }
    this.next = Math.max(this.next, seq);
  }

  push(f: HandshakeFragmentIn, epoch: number): FragmentVerdict {
    const seq = f.messageSeq;
    if (seq < this.next) return 'old';
    if (seq >= this.next + this.maxMessagesAhead) return 'dropped';
    const start = f.fragmentOffset;
    const end = start + f.fragment.length;
    if (f.length > this.maxMessageLength || end > f.length) return 'dropped';
    let p = this.pending.get(seq);
    if (p === undefined) {
      if (this.buffered + f.length > this.maxBufferedBytes) return 'dropped';
      p = { msgType: f.msgType, epoch, body: new Uint8Array(f.length), ranges: [] };
      this.pending.set(seq, p);
      this.buffered += f.length;
      p.body.set(f.fragment, start);
      p.ranges = addRange(p.ranges, start, end);
      return 'buffered';
    }
    if (p.msgType !== f.msgType || p.body.length !== f.length || p.epoch !== epoch) {
      return 'dropped';
    }
    if (covers(p.ranges, start, end)) return 'duplicate';
    p.body.set(f.fragment, start);
    p.ranges = addRange(p.ranges, start, end);
    return 'buffered';
  }

  /** The next message in sequence once all its bytes are in, else undefined. */
  pop(): ReassembledMessage | undefined {
    const p = this.pending.get(this.next);
    if (p === undefined || !complete(p)) return undefined;
    this.pending.delete(this.next);
    this.buffered -= p.body.length;
    return { msgType: p.msgType, messageSeq: this.next++, body: p.body, epoch: p.epoch };
  }
}

function complete(p: Pending): boolean {
  if (p.body.length === 0) return true;
  return p.ranges.length === 2 && p.ranges[0] === 0 && p.ranges[1] === p.body.length;
}

/** True when [start, end) lies inside one covered range (an empty fragment adds nothing). */
function covers(ranges: readonly number[], start: number, end: number): boolean {
  if (start === end) return true;
  for (let i = 0; i < ranges.length; i += 2) {
    if (ranges[i]! <= start && end <= ranges[i + 1]!) return true;
  }
  return false;
}

/** Adds [start, end) to sorted, merged ranges, merging overlapping and touching neighbours. */
function addRange(ranges: readonly number[], start: number, end: number): number[] {
  if (start === end) return ranges.slice();
  const out: number[] = [];
  let s = start;
  let e = end;
  let placed = false;
  for (let i = 0; i < ranges.length; i += 2) {
    const rs = ranges[i]!;
    const re = ranges[i + 1]!;
    if (re < s) {
      out.push(rs, re);
    } else if (e < rs) {
      if (!placed) {
        out.push(s, e);
        placed = true;
      }
      out.push(rs, re);
    } else {
      s = Math.min(s, rs);
      e = Math.max(e, re);
    }
  }
  if (!placed) out.push(s, e);
  return out;
}
