/**
 * Reassembly and delivery order (RFC 9260 §6.5, §6.6, §6.9). Without I-DATA the fragments of one
 * message carry consecutive TSNs, and ordered ones share the stream sequence number, so:
 *
 * - an ordered message is collected under its (stream, SSN): it is complete when its first and
 *   last fragments and every TSN between them are present, a constant-time check per fragment;
 *   complete messages wait for their turn in SSN order;
 * - an unordered fragment is kept by TSN on its stream and the message around it is looked for
 *   by walking the neighbouring TSNs (forward to the E fragment first, so in-order arrival costs
 *   one lookup per fragment);
 * - a single-fragment message in order (the common case) is delivered at once, never stored.
 *
 * Every stored byte is counted in {@link held} (plus an overhead per piece), which the receiver
 * holds against its cap. Input from the network never throws here: what breaks the rules is dropped.
 */
import { DataFlag } from '../chunks/data.js';
import { ssnAdd, ssnDiff, tsnAdd, tsnDiff, tsnLte } from '../serial.js';
import { Slab } from '../slab.js';

/** Bytes counted for each stored fragment or message beyond its payload. */
export const PIECE_OVERHEAD = 64;

class Fragment {
  constructor(
    readonly tsn: number,
    readonly flags: number,
    readonly ppid: number,
    readonly data: Uint8Array,
  ) {}
}

class OrderedGroup {
  begin = 0;
  end = 0;
  hasBegin = false;
  hasEnd = false;
  bytes = 0;
  count = 0;
  /** Lowest TSN seen, for FORWARD TSN. */
  minTsn = 0;
  /** Too large: fragments are counted (to know when the message is over) but not kept. */
  discarding = false;
  readonly fragments: Fragment[] = [];
}

interface ReadyMessage {
  readonly ppid: number;
  readonly data: Uint8Array;
}

/**
 * Slabs shared by every association of the process (see `../slab.ts`), so an idle association
 * pins none of its own. Fragments wait here until their message is whole (short-lived: 64 KiB
 * slabs are fine); whole small messages go to the application, which may keep them for good:
 * small slabs, so a kept message pins at most 8 KiB (Node's Buffer pool makes the same trade).
 */
const FRAGMENTS = new Slab(65536);
const MESSAGES = new Slab(8192);

/** Skipped in order but never delivered: a message dropped for its size. */
const TOMBSTONE: ReadyMessage = { ppid: 0, data: new Uint8Array(0) };

class InboundStream {
  nextSsn = 0;
  readonly groups = new Map<number, OrderedGroup>();
  readonly ready = new Map<number, ReadyMessage>();
  readonly unordered = new Map<number, Fragment>();
  /** Deferred reset (RFC 6525 §5.2.2): data above this TSN waits until the reset is done. */
  resetAfter: number | undefined;
  deferred: Fragment[] = [];
  deferredSsns: number[] = [];
}

export type Deliver = (streamId: number, ppid: number, data: Uint8Array) => void;
/** A message larger than the limit arrived on `streamId` (RFC 8831 §6.6: reset the stream). */
export type Oversize = (streamId: number) => void;

export class Reassembly {
  /** Bytes stored here (payload plus {@link PIECE_OVERHEAD} per piece). */
  held = 0;
  /** Fragments and messages dropped as protocol violations. */
  dropped = 0;
  private readonly streams = new Map<number, InboundStream>();
  private readonly fragments = FRAGMENTS;
  private readonly messages = MESSAGES;

  constructor(
    readonly maxMessageSize: number,
    private readonly deliver: Deliver,
    private readonly oversize: Oversize,
  ) {}

  private stream(id: number): InboundStream {
    let s = this.streams.get(id);
    if (s === undefined) {
      s = new InboundStream();
      this.streams.set(id, s);
    }
    return s;
  }

  /** One new DATA chunk (its TSN was new and within the window). */
  push(
    streamId: number,
    ssn: number,
    flags: number,
    ppid: number,
    tsn: number,
    bytes: Uint8Array,
    offset: number,
    length: number,
  ): void {
    const s = this.stream(streamId);
    if (s.resetAfter !== undefined && tsnDiff(tsn, s.resetAfter) > 0) {
      s.deferred.push(
        new Fragment(tsn, flags, ppid, this.fragments.copy(bytes.subarray(offset, offset + length))),
      );
      s.deferredSsns.push(ssn);
      this.held += length + PIECE_OVERHEAD;
      return;
    }
    this.add(streamId, s, ssn, flags, ppid, tsn, bytes.subarray(offset, offset + length), true);
  }

  private add(
    streamId: number,
    s: InboundStream,
    ssn: number,
    flags: number,
    ppid: number,
    tsn: number,
    payload: Uint8Array,
    copy: boolean,
  ): void {
    const whole = (flags & (DataFlag.Begin | DataFlag.End)) === (DataFlag.Begin | DataFlag.End);
    if (flags & DataFlag.Unordered) {
      if (whole) {
        if (payload.length > this.maxMessageSize) this.tooLarge(streamId);
        else this.deliver(streamId, ppid, copy ? this.messages.copy(payload) : payload);
        return;
      }
      this.addUnordered(
        streamId,
        s,
        new Fragment(tsn, flags, ppid, copy ? this.fragments.copy(payload) : payload),
      );
      return;
    }
    const ahead = ssnDiff(ssn, s.nextSsn);
    if (ahead < 0 || s.ready.has(ssn) || (whole && s.groups.has(ssn))) {
      this.dropped++;
      return;
    }
    if (whole) {
      if (payload.length > this.maxMessageSize) {
        this.tooLarge(streamId);
        this.skip(streamId, s, ssn);
        return;
      }
      const data = copy ? this.messages.copy(payload) : payload;
      if (ahead === 0) {
        this.deliver(streamId, ppid, data);
        s.nextSsn = ssnAdd(s.nextSsn, 1);
        this.drainReady(streamId, s);
      } else {
        s.ready.set(ssn, { ppid, data });
        this.held += data.length + PIECE_OVERHEAD;
      }
      return;
    }
    this.addOrdered(
      streamId,
      s,
      ssn,
      new Fragment(tsn, flags, ppid, copy ? this.fragments.copy(payload) : payload),
    );
  }

  private addOrdered(streamId: number, s: InboundStream, ssn: number, f: Fragment): void {
    let g = s.groups.get(ssn);
    if (g === undefined) {
      g = new OrderedGroup();
      g.minTsn = f.tsn;
      s.groups.set(ssn, g);
    }
    if (f.flags & DataFlag.Begin) {
      if (g.hasBegin) {
        this.violation(s, ssn, g);
        return;
      }
      g.hasBegin = true;
      g.begin = f.tsn;
    }
    if (f.flags & DataFlag.End) {
      if (g.hasEnd) {
        this.violation(s, ssn, g);
        return;
      }
      g.hasEnd = true;
      g.end = f.tsn;
    }
    g.count++;
    if (tsnDiff(f.tsn, g.minTsn) < 0) g.minTsn = f.tsn;
    if (!g.discarding) {
      g.fragments.push(f);
      g.bytes += f.data.length;
      this.held += f.data.length + PIECE_OVERHEAD;
      if (g.bytes > this.maxMessageSize) {
        // RFC 8831 §6.6: too large. Keep counting its fragments, drop their bytes.
        for (const x of g.fragments) this.held -= x.data.length + PIECE_OVERHEAD;
        g.fragments.length = 0;
        g.discarding = true;
        this.tooLarge(streamId);
      }
    }
    if (!g.hasBegin || !g.hasEnd) return;
    const span = tsnDiff(g.end, g.begin) + 1;
    if (span !== g.count) {
      if (span < g.count || span <= 0) this.violation(s, ssn, g);
      return;
    }
    if (g.discarding) {
      s.groups.delete(ssn);
      this.skip(streamId, s, ssn);
      return;
    }
    // Complete: every fragment must lie within [begin, end] (TSNs are unique, so then all are there).
    const parts: Fragment[] = new Array(span);
    for (const fr of g.fragments) {
      const i = tsnDiff(fr.tsn, g.begin);
      if (i < 0 || i >= span || parts[i] !== undefined) {
        this.violation(s, ssn, g);
        return;
      }
      parts[i] = fr;
    }
    this.dropGroup(s, ssn, g);
    const data = concat(parts, g.bytes);
    const ppid = (parts[span - 1] as Fragment).ppid;
    if (ssn === s.nextSsn) {
      this.deliver(streamId, ppid, data);
      s.nextSsn = ssnAdd(s.nextSsn, 1);
      this.drainReady(streamId, s);
    } else {
      s.ready.set(ssn, { ppid, data });
      this.held += data.length + PIECE_OVERHEAD;
    }
  }

  private addUnordered(streamId: number, s: InboundStream, f: Fragment): void {
    const map = s.unordered;
    map.set(f.tsn, f);
    this.held += f.data.length + PIECE_OVERHEAD;
    // Forward to the E fragment: any missing TSN or a new B before it means not yet.
    let end = f.tsn;
    let bytes = 0;
    for (let n = 0; ; n++) {
      const x = map.get(end);
      if (x === undefined || (n > 0 && x.flags & DataFlag.Begin)) return;
      bytes += x.data.length;
      if (x.flags & DataFlag.End) break;
      end = tsnAdd(end, 1);
    }
    let begin = f.tsn;
    if (!(f.flags & DataFlag.Begin)) {
      for (;;) {
        begin = tsnAdd(begin, -1);
        const x = map.get(begin);
        if (x === undefined || x.flags & DataFlag.End) return;
        bytes += x.data.length;
        if (x.flags & DataFlag.Begin) break;
      }
    }
    const span = tsnDiff(end, begin) + 1;
    const parts: Fragment[] = new Array(span);
    for (let i = 0; i < span; i++) {
      const t = tsnAdd(begin, i);
      parts[i] = map.get(t) as Fragment;
      map.delete(t);
    }
    this.held -= bytes + span * PIECE_OVERHEAD;
    if (bytes > this.maxMessageSize) {
      this.tooLarge(streamId);
      return;
    }
    this.deliver(streamId, (parts[span - 1] as Fragment).ppid, concat(parts, bytes));
  }

  private drainReady(streamId: number, s: InboundStream): void {
    for (;;) {
      const m = s.ready.get(s.nextSsn);
      if (m === undefined) return;
      s.ready.delete(s.nextSsn);
      s.nextSsn = ssnAdd(s.nextSsn, 1);
      if (m === TOMBSTONE) continue;
      this.held -= m.data.length + PIECE_OVERHEAD;
      this.deliver(streamId, m.ppid, m.data);
    }
  }

  /** An ordered message was dropped for its size: its SSN is skipped when its turn comes. */
  private skip(streamId: number, s: InboundStream, ssn: number): void {
    if (ssn === s.nextSsn) {
      s.nextSsn = ssnAdd(s.nextSsn, 1);
      this.drainReady(streamId, s);
    } else {
      s.ready.set(ssn, TOMBSTONE);
    }
  }

  private tooLarge(streamId: number): void {
    this.dropped++;
    this.oversize(streamId);
  }

  private violation(s: InboundStream, ssn: number, g: OrderedGroup): void {
    this.dropped++;
    this.dropGroup(s, ssn, g);
  }

  private dropGroup(s: InboundStream, ssn: number, g: OrderedGroup): void {
    for (const f of g.fragments) this.held -= f.data.length + PIECE_OVERHEAD;
    g.fragments.length = 0;
    s.groups.delete(ssn);
  }

  /**
   * FORWARD TSN (RFC 3758 §3.6): fragments at or below `newCum` can no longer complete; listed
   * ordered streams skip to after the given SSN and deliver what waited behind it.
   */
  forward(newCum: number, streams: readonly { streamId: number; ssn: number }[]): void {
    for (const { streamId, ssn } of streams) {
      const s = this.streams.get(streamId);
      if (s === undefined || ssnDiff(ssn, s.nextSsn) < 0) continue;
      for (const [k, g] of s.groups) if (ssnDiff(k, ssn) <= 0) this.dropGroup(s, k, g);
      for (const [k, m] of s.ready) {
        if (ssnDiff(k, ssn) <= 0) {
          s.ready.delete(k);
          if (m !== TOMBSTONE) this.held -= m.data.length + PIECE_OVERHEAD;
        }
      }
      s.nextSsn = ssnAdd(ssn, 1);
    }
    for (const [streamId, s] of this.streams) {
      for (const [t, f] of s.unordered) {
        if (tsnLte(t, newCum)) {
          s.unordered.delete(t);
          this.held -= f.data.length + PIECE_OVERHEAD;
        }
      }
      for (const [k, g] of s.groups) {
        if (tsnLte(g.minTsn, newCum)) this.dropGroup(s, k, g);
      }
      this.drainReady(streamId, s);
    }
  }

  /** RFC 6525 §5.2.2: data above `lastTsn` on `streamId` waits until {@link resetStream}. */
  deferReset(streamId: number, lastTsn: number): void {
    this.stream(streamId).resetAfter = lastTsn;
  }

  /** Resets an incoming stream (RFC 6525 §5.2.2): the next SSN is 0; deferred data goes through. */
  resetStream(streamId: number): void {
    const s = this.stream(streamId);
    for (const [k, g] of s.groups) this.dropGroup(s, k, g);
    for (const m of s.ready.values()) if (m !== TOMBSTONE) this.held -= m.data.length + PIECE_OVERHEAD;
    s.ready.clear();
    for (const f of s.unordered.values()) this.held -= f.data.length + PIECE_OVERHEAD;
    s.unordered.clear();
    s.nextSsn = 0;
    s.resetAfter = undefined;
    const deferred = s.deferred;
    const ssns = s.deferredSsns;
    s.deferred = [];
    s.deferredSsns = [];
    for (let i = 0; i < deferred.length; i++) {
      const f = deferred[i] as Fragment;
      this.held -= f.data.length + PIECE_OVERHEAD;
      this.add(streamId, s, ssns[i] as number, f.flags, f.ppid, f.tsn, f.data, false);
    }
  }

  /** Drops everything (abort, restart). */
  clear(): void {
    this.streams.clear();
    this.held = 0;
  }
}

function concat(parts: readonly Fragment[], total: number): Uint8Array {
  if (parts.length === 1) return (parts[0] as Fragment).data;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p.data, o);
    o += p.data.length;
  }
  return out;
}
