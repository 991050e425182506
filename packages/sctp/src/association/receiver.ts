/**
 * The data receiver (RFC 9260 §6.2): takes DATA chunks within the TSN window and the receive
 * buffer, hands them to reassembly, and decides when to SACK: at once for out-of-order data,
 * duplicates, a gap just filled, the I bit (RFC 7053) and every second packet; otherwise after
 * the delayed-ack timer (§6.2: at most 200 ms by default, never more than 500 ms).
 *
 * Memory: everything stored (reassembly, messages not yet polled by the application) counts
 * against `capacity`, which is also what a_rwnd advertises. Chunks are refused (not marked, so
 * the sender retransmits) once the buffer is full, with headroom for the overhead we count and
 * the sender does not, and more of it for the next in-order TSN so the window can always move.
 */
import type { DataChunkView } from '../chunks/data.js';
import { DataFlag } from '../chunks/data.js';
import type { ForwardTsnChunk } from '../chunks/forward-tsn.js';
import { SACK_HEADER_LENGTH, writeSack } from '../chunks/sack.js';
import { tsnAdd } from '../serial.js';
import { type Deliver, type Oversize, PIECE_OVERHEAD, Reassembly } from './reassembly.js';
import { TsnStatus, TsnTracker } from './tsn-tracker.js';

const MAX_DUPLICATES = 32;
const MAX_GAP_BLOCKS = 256;
/** writeSack's gap blocks, filled and written out within one call: every receiver shares them. */
const GAP_STARTS = new Uint16Array(MAX_GAP_BLOCKS);
const GAP_ENDS = new Uint16Array(MAX_GAP_BLOCKS);

export interface ReceiverStats {
  dataChunksReceived: number;
  duplicateChunks: number;
  /** Dropped: outside the TSN window. */
  outOfWindowChunks: number;
  /** Dropped: no room in the receive buffer. */
  noBufferChunks: number;
  sacksSent: number;
}

export class Receiver {
  readonly tracker = new TsnTracker();
  readonly reassembly: Reassembly;
  readonly stats: ReceiverStats = {
    dataChunksReceived: 0,
    duplicateChunks: 0,
    outOfWindowChunks: 0,
    noBufferChunks: 0,
    sacksSent: 0,
  };
  /** Bytes delivered to the event queue and not yet polled; they still hold receive buffer. */
  undelivered = 0;

  /** A SACK is owed. */
  sackNeeded = false;
  /** ...and it should go now rather than at {@link sackDeadline}. */
  sackImmediate = false;
  sackDeadline = Number.POSITIVE_INFINITY;
  private packetsSinceSack = 0;
  private newDataInPacket = false;
  private gapsBeforePacket = false;
  private lastAdvertised = 0;
  private readonly duplicates = new Uint32Array(MAX_DUPLICATES);
  private dupCount = 0;
  private readonly gapStarts = GAP_STARTS;
  private readonly gapEnds = GAP_ENDS;

  constructor(
    readonly capacity: number,
    maxMessageSize: number,
    readonly sackDelay: number,
    deliver: Deliver,
    oversize: Oversize,
  ) {
    this.reassembly = new Reassembly(maxMessageSize, deliver, oversize);
    this.lastAdvertised = capacity;
  }

  start(peerInitialTsn: number): void {
    this.tracker.reset(peerInitialTsn);
    this.reassembly.clear();
    this.sackNeeded = false;
    this.sackImmediate = false;
    this.sackDeadline = Number.POSITIVE_INFINITY;
    this.packetsSinceSack = 0;
    this.dupCount = 0;
  }

  /** Receive buffer in use. */
  get used(): number {
    return this.reassembly.held + this.undelivered;
  }

  /** The window to advertise (§6.2). */
  get arwnd(): number {
    return Math.max(0, this.capacity - this.used);
  }

  /** Called before the chunks of each packet. */
  beginPacket(): void {
    this.newDataInPacket = false;
    this.gapsBeforePacket = this.tracker.hasGaps;
  }

  /** One DATA chunk, read in place from `bytes`. */
  onData(d: DataChunkView, bytes: Uint8Array): void {
    this.stats.dataChunksReceived++;
    this.sackNeeded = true;
    const status = this.tracker.status(d.tsn);
    if (status === TsnStatus.Duplicate) {
      this.stats.duplicateChunks++;
      if (this.dupCount < MAX_DUPLICATES) this.duplicates[this.dupCount++] = d.tsn;
      this.sackImmediate = true;
      return;
    }
    if (status === TsnStatus.OutOfWindow) {
      this.stats.outOfWindowChunks++;
      return;
    }
    const cost = d.payloadLength + PIECE_OVERHEAD;
    const inOrder = d.tsn === tsnAdd(this.tracker.cumulative, 1);
    const limit = this.capacity + (inOrder ? this.capacity >>> 2 : this.capacity >>> 4);
    if (this.used + cost > limit) {
      this.stats.noBufferChunks++;
      this.sackImmediate = true;
      return;
    }
    this.tracker.mark(d.tsn);
    this.newDataInPacket = true;
    if (d.flags & DataFlag.Immediate) this.sackImmediate = true;
    this.reassembly.push(d.streamId, d.ssn, d.flags, d.ppid, d.tsn, bytes, d.payloadOffset, d.payloadLength);
  }

  /** After the chunks of a packet: the delayed-ack rules of §6.2. */
  endPacket(now: number): void {
    if (!this.sackNeeded) return;
    if (this.newDataInPacket) this.packetsSinceSack++;
    if (this.tracker.hasGaps || this.gapsBeforePacket || this.packetsSinceSack >= 2)
      this.sackImmediate = true;
    if (!this.sackImmediate && this.sackDeadline === Number.POSITIVE_INFINITY) {
      this.sackDeadline = now + this.sackDelay;
    }
  }

  /** FORWARD TSN (RFC 3758 §3.6): always answered with a SACK at once. */
  onForwardTsn(f: ForwardTsnChunk): void {
    this.sackNeeded = true;
    this.sackImmediate = true;
    if (this.tracker.forward(f.newCumulativeTsn)) this.reassembly.forward(f.newCumulativeTsn, f.streams);
  }

  /** The application took `bytes` of delivered messages: maybe tell the sender the window opened. */
  consumed(bytes: number): void {
    this.undelivered -= bytes;
    const now = this.arwnd;
    // A window update (§6.2) when the last advertised window was small and has grown a lot.
    if (this.lastAdvertised < this.capacity >>> 1 && now - this.lastAdvertised >= this.capacity >>> 2) {
      this.sackNeeded = true;
      this.sackImmediate = true;
    }
  }

  /** Whether a SACK should be written now. */
  sackDue(now: number): boolean {
    return this.sackNeeded && (this.sackImmediate || now >= this.sackDeadline);
  }

  /**
   * Writes the SACK at `offset` of `buf` with at most `room` bytes, dropping gap blocks and
   * duplicates beyond what fits; returns its length.
   */
  writeSack(buf: Uint8Array, offset: number, room: number): number {
    if (room < SACK_HEADER_LENGTH) return 0;
    const slots = (room - SACK_HEADER_LENGTH) >>> 2;
    const gaps = this.tracker.hasGaps
      ? this.tracker.gapBlocks(this.gapStarts, this.gapEnds, Math.min(MAX_GAP_BLOCKS, slots))
      : 0;
    const dups = Math.min(this.dupCount, slots - gaps);
    const arwnd = this.arwnd;
    const n = writeSack(
      buf,
      offset,
      this.tracker.cumulative,
      arwnd,
      this.gapStarts,
      this.gapEnds,
      gaps,
      this.duplicates,
      dups,
    );
    this.lastAdvertised = arwnd;
    this.dupCount = 0;
    this.sackNeeded = false;
    this.sackImmediate = false;
    this.sackDeadline = Number.POSITIVE_INFINITY;
    this.packetsSinceSack = 0;
    this.stats.sacksSent++;
    return n;
  }
}
