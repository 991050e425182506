/**
 * Small allocations carved out of shared slabs, as Node's Buffer pool does. A fresh ArrayBuffer
 * costs V8 a malloc'd backing store and external-memory bookkeeping: microseconds, which for a
 * packet or a fragment of a kilobyte is more than the rest of the work on it. A view into a
 * slab costs an object. The price: a live view keeps its whole slab alive, so slabs are kept
 * small and anything larger than a quarter of one gets its own buffer.
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
   * Reserves up to `capacity` bytes to write into; {@link commit} then keeps the first `length`
   * of them (an aligned prefix), the rest goes back to the slab.
   */
  reserve(capacity: number): Uint8Array {
    if (capacity > this.size >>> 2) return new Uint8Array(capacity);
    if (this.offset + capacity > this.size) {
      this.buffer = new ArrayBuffer(this.size);
      this.offset = 0;
    }
    return new Uint8Array(this.buffer, this.offset, capacity);
  }

  /** Keeps `length` bytes of the region {@link reserve} returned. */
  commit(region: Uint8Array, length: number): Uint8Array {
    if (region.buffer === this.buffer && region.byteOffset === this.offset) {
      this.offset = (this.offset + length + 7) & ~7;
    }
    return region.subarray(0, length);
  }
}
