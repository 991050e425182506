/**
 * Small allocations carved out of shared slabs, as Node's Buffer pool does. A fresh ArrayBuffer
 * costs V8 a malloc'd backing store and external-memory bookkeeping: microseconds, which for a
 * packet or a fragment of a kilobyte is more than the rest of the work on it. A view into a
 * slab costs an object. The price: a live view keeps its whole slab alive, so slabs are kept
 * small and anything larger than a quarter of one gets its own buffer.
 *
 * A slab can be shared by every association of the process (a module-level instance): Node runs
 * JavaScript on one thread and the engines are synchronous, so each view is handed out before
 * anyone else allocates, and an idle association then pins no slab of its own.
 */
const EMPTY = new ArrayBuffer(0);

export class Slab {
  private buffer: ArrayBuffer = EMPTY;
  /** Starts "full", so the first allocation makes the first slab: an idle owner costs nothing. */
  private offset: number;

  constructor(readonly size = 65536) {
    this.offset = size;
  }

  /** `length` bytes (contents unspecified), 8-byte aligned. */
  alloc(length: number): Uint8Array {
    if (length > this.size >>> 2) return new Uint8Array(length);
    if (this.offset + length > this.size) {
      this.buffer = new ArrayBuffer(this.size);
      this.offset = 0;
    }
    const v = new Uint8Array(this.buffer, this.offset, length);
    this.offset = (this.offset + length + 7) & ~7;
    return v;
  }

  /** A copy of `src` in the slab. */
  copy(src: Uint8Array): Uint8Array {
    const v = this.alloc(src.length);
    v.set(src);
    return v;
  }

  /**
   * Reserves `capacity` bytes to write into; {@link commit} then keeps the first `length` of
   * them. The region is taken at once, so a slab shared by several writers never hands the same
   * bytes out twice, even if their reserve/commit pairs interleave.
   */
  reserve(capacity: number): Uint8Array {
    if (capacity > this.size >>> 2) return new Uint8Array(capacity);
    if (this.offset + capacity > this.size) {
      this.buffer = new ArrayBuffer(this.size);
      this.offset = 0;
    }
    const v = new Uint8Array(this.buffer, this.offset, capacity);
    this.offset = (this.offset + capacity + 7) & ~7;
    return v;
  }

  /**
   * Keeps `length` bytes of the region {@link reserve} returned (0 to drop it). The rest goes
   * back to the slab when nothing was reserved after the region; otherwise it is left unused.
   */
  commit(region: Uint8Array, length: number): Uint8Array {
    if (region.buffer === this.buffer && ((region.byteOffset + region.length + 7) & ~7) === this.offset) {
      this.offset = (region.byteOffset + length + 7) & ~7;
    }
    return region.subarray(0, length);
  }
}
