/**
 * Bulk transfer over a virtual link: each side sends `bytes` in messages of `messageSize` on
 * one channel, keeping its send buffer topped up, and the other side checks every message byte
 * for byte against the pattern it must carry.
 */
import type { SctpAssociation, SctpEvent } from '../../src/index.js';
import type { Side, VirtualLink } from './virtual-link.js';

export interface BulkOptions {
  readonly bytes: number;
  readonly messageSize: number;
  /** Which sides send (default both). */
  readonly senders?: readonly Side[];
  readonly ordered?: boolean;
  /** Virtual time limit in ms (default 1 hour). */
  readonly timeLimit?: number;
  /** Keep roughly this much queued per sender (default 1 MiB). */
  readonly queued?: number;
}

export interface BulkResult {
  /** Bytes received and verified per receiving side. */
  readonly received: Record<Side, number>;
  readonly messages: Record<Side, number>;
  /** Virtual ms from the first send until the last message arrived. */
  readonly elapsed: number;
  readonly mismatches: number;
  readonly outOfOrder: number;
}

const BLOCK = (() => {
  const b = new Uint8Array(1 << 20);
  let x = 0x12345678;
  for (let i = 0; i < b.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x;
  }
  return b;
})();

function patternOffset(side: Side, seq: number, size: number): number {
  const span = BLOCK.length - size - 4;
  return ((seq * 7919 + (side === 'a' ? 0 : 104729)) % Math.max(1, span)) >>> 0;
}

/**
 * The content of message `seq` from `side`: its sequence number (4 bytes) then a slice of a
 * fixed pseudo-random block at an offset that depends on both, so that a misplaced or corrupted
 * byte anywhere shows.
 */
export function pattern(side: Side, seq: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  const o = patternOffset(side, seq, size);
  out.set(BLOCK.subarray(o, o + size));
  if (size >= 4) new DataView(out.buffer).setUint32(0, seq);
  return out;
}

/** Whether `data` is exactly message `seq` from `side` of `size` bytes. */
export function checkPattern(side: Side, seq: number, size: number, data: Uint8Array): boolean {
  if (data.length !== size) return false;
  if (size >= 4 && new DataView(data.buffer, data.byteOffset, 4).getUint32(0) !== seq) return false;
  const o = patternOffset(side, seq, size);
  const head = Math.min(4, size);
  return (
    Buffer.compare(
      Buffer.from(data.buffer, data.byteOffset + head, size - head),
      Buffer.from(BLOCK.buffer, BLOCK.byteOffset + o + head, size - head),
    ) === 0
  );
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.length === b.length &&
    Buffer.compare(
      Buffer.from(a.buffer, a.byteOffset, a.length),
      Buffer.from(b.buffer, b.byteOffset, b.length),
    ) === 0
  );
}

export function bulkTransfer(link: VirtualLink<SctpAssociation>, o: BulkOptions): BulkResult {
  const senders = o.senders ?? ['a', 'b'];
  const queued = o.queued ?? 1024 * 1024;
  const total = Math.ceil(o.bytes / o.messageSize);
  const channel = link.a.createChannel(
    { label: 'bulk', ordered: o.ordered ?? true, negotiated: true, id: 1 },
    link.now,
  );
  link.b.createChannel({ label: 'bulk', ordered: o.ordered ?? true, negotiated: true, id: 1 }, link.now);
  const id = channel.id;
  const sent: Record<Side, number> = { a: 0, b: 0 };
  const received: Record<Side, number> = { a: 0, b: 0 };
  const messages: Record<Side, number> = { a: 0, b: 0 };
  const expectNext: Record<Side, number> = { a: 0, b: 0 };
  let mismatches = 0;
  let outOfOrder = 0;
  const ordered = o.ordered ?? true;
  const seen: Record<Side, Set<number>> = { a: new Set(), b: new Set() };

  const top = (side: Side) => {
    const ep = link.endpoint(side);
    while (sent[side] < total && ep.bufferedAmount(id) < queued) {
      const seq = sent[side]++;
      const size = Math.min(o.messageSize, o.bytes - seq * o.messageSize);
      ep.send(id, pattern(side, seq, size), true, link.now);
    }
  };
  const previous = link.onEvent;
  link.onEvent = (side: Side, e: SctpEvent) => {
    if (e.type === 'message') {
      const from: Side = side === 'a' ? 'b' : 'a';
      const seq = new DataView(e.data.buffer, e.data.byteOffset, 4).getUint32(0);
      const size = Math.min(o.messageSize, o.bytes - seq * o.messageSize);
      if (!checkPattern(from, seq, size, e.data)) mismatches++;
      if (ordered) {
        if (seq !== expectNext[side]) outOfOrder++;
        expectNext[side] = seq + 1;
      } else if (seen[side].has(seq)) {
        outOfOrder++;
      } else {
        seen[side].add(seq);
      }
      received[side] += e.data.length;
      messages[side]++;
    } else if (e.type === 'buffered-amount-low') {
      top(side);
    } else if (e.type === 'closed') {
      throw new Error(`${side} closed: ${e.reason} ${e.detail}`);
    }
  };
  for (const s of senders) {
    link.endpoint(s).setBufferedAmountLowThreshold(id, queued >>> 1);
    top(s);
  }
  const start = link.now;
  const receivers = senders.map((s): Side => (s === 'a' ? 'b' : 'a'));
  link.run(() => receivers.every((r) => messages[r] === total), start + (o.timeLimit ?? 3_600_000));
  link.onEvent = previous;
  return { received, messages, elapsed: link.now - start, mismatches, outOfOrder };
}
