/**
 * Bundles chunks into one packet (RFC 9260 §6.10) of at most the path MTU. Packets are written
 * straight into a slab (see `../slab.ts`) and handed out as exact-length views with their
 * checksum: no copy, and no ArrayBuffer per packet. Each view is the caller's to keep.
 */
import { writeU16, writeU32 } from '../bytes.js';
import { Slab } from '../slab.js';
import { writeChecksum } from './checksum.js';
import { COMMON_HEADER_LENGTH } from './packet.js';

export class PacketBuilder {
  /** The packet being written (valid between {@link begin} and {@link finish}). */
  buf: Uint8Array;
  /** Bytes written so far, header included; 0 when no packet is open. */
  length = 0;
  private readonly slab: Slab;

  constructor(readonly capacity: number) {
    this.slab = new Slab(Math.max(65536, 4 * capacity));
    this.buf = new Uint8Array(0);
  }

  /** Starts a packet: writes the common header (checksum left for {@link finish}). */
  begin(sourcePort: number, destinationPort: number, verificationTag: number): void {
    const b = this.slab.reserve(this.capacity);
    this.buf = b;
    writeU16(b, 0, sourcePort);
    writeU16(b, 2, destinationPort);
    writeU32(b, 4, verificationTag);
    writeU32(b, 8, 0);
    this.length = COMMON_HEADER_LENGTH;
  }

  get open(): boolean {
    return this.length > 0;
  }

  /** Room left for chunks, padding included. */
  get remaining(): number {
    return this.capacity - this.length;
  }

  /** True when nothing but the header was written. */
  get empty(): boolean {
    return this.length <= COMMON_HEADER_LENGTH;
  }

  /** Appends an encoded chunk (already padded to 4 bytes). */
  append(chunk: Uint8Array): void {
    this.buf.set(chunk, this.length);
    this.length += chunk.length;
  }

  /** Returns the packet (its checksum written) and closes it. */
  finish(): Uint8Array {
    const out = this.slab.commit(this.buf, this.length);
    this.length = 0;
    writeChecksum(out);
    return out;
  }

  /** Drops the open packet. */
  discard(): void {
    this.length = 0;
  }
}
