/**
 * Bundles chunks into one packet (RFC 9260 §6.10) of at most the path MTU. Packets are written
 * straight into a slab (see `../slab.ts`) and handed out as exact-length views with their
 * checksum: no copy, and no ArrayBuffer per packet. Each view is the caller's to keep.
 */
import { writeU16, writeU32 } from '../bytes.js';
import { Slab } from '../slab.js';
import { writeChecksum } from './checksum.js';
import { COMMON_HEADER_LENGTH } from './packet.js';
import { requiresCrc32c } from './zero-checksum.js';

/** Largest slab packets share; see {@link PacketBuilder}'s constructor. */
const SHARED_SLAB_SIZE = 65536;

/**
 * The slab every builder of the process writes its packets into (see `../slab.ts`): a packet
 * is sent, or sealed into a DTLS record, soon after it is built, so one slab serves every
 * association, where one per builder kept 64 KiB alive per idle association.
 */
const packets = new Slab(SHARED_SLAB_SIZE);

const NO_PACKET = new Uint8Array(0);

export class PacketBuilder {
  /** The packet being written (valid between {@link begin} and {@link finish}). */
  buf: Uint8Array;
  /** Bytes written so far, header included; 0 when no packet is open. */
  length = 0;
  /**
   * The peer accepts zero checksums (RFC 9653 §5.2): {@link finish} leaves the field at zero and
   * computes no CRC32c, except for the packets that must carry one (INIT, COOKIE ECHO).
   */
  zeroChecksum = false;
  private readonly slab: Slab;

  constructor(readonly capacity: number) {
    // Packets of over a quarter of the shared slab would each get a buffer of their own there.
    this.slab = 4 * capacity <= SHARED_SLAB_SIZE ? packets : new Slab(4 * capacity);
    this.buf = NO_PACKET;
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

  /** Returns the packet (its checksum written, or left zero: see {@link zeroChecksum}) and closes it. */
  finish(): Uint8Array {
    const out = this.slab.commit(this.buf, this.length);
    this.buf = NO_PACKET;
    this.length = 0;
    if (!this.zeroChecksum || requiresCrc32c(out)) writeChecksum(out);
    return out;
  }

  /** Drops the open packet. */
  discard(): void {
    this.slab.commit(this.buf, 0);
    this.buf = NO_PACKET;
    this.length = 0;
  }
}
