/**
 * A growable big-endian writer for handshake messages and extensions (RFC 5246 §4). Handshake
 * messages are built a few times per connection, so clarity wins over zero-copy here; the record
 * hot path (record/) writes into caller buffers without this class.
 */

export class ByteWriter {
  private buf: Uint8Array;
  private len = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  get length(): number {
    return this.len;
  }

  private ensure(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.len));
    this.buf = grown;
  }

  u8(value: number): this {
    this.ensure(1);
    this.buf[this.len++] = value & 0xff;
    return this;
  }

  u16(value: number): this {
    this.ensure(2);
    this.buf[this.len++] = (value >>> 8) & 0xff;
    this.buf[this.len++] = value & 0xff;
    return this;
  }

  u24(value: number): this {
    this.ensure(3);
    this.buf[this.len++] = (value >>> 16) & 0xff;
    this.buf[this.len++] = (value >>> 8) & 0xff;
    this.buf[this.len++] = value & 0xff;
    return this;
  }

  /** A 48-bit integer (0 ≤ value < 2^48). */
  u48(value: number): this {
    const high = Math.floor(value / 0x100000000);
    this.u16(high);
    const low = value - high * 0x100000000;
    this.ensure(4);
    this.buf[this.len++] = (low >>> 24) & 0xff;
    this.buf[this.len++] = (low >>> 16) & 0xff;
    this.buf[this.len++] = (low >>> 8) & 0xff;
    this.buf[this.len++] = low & 0xff;
    return this;
  }

  bytes(value: Uint8Array): this {
    this.ensure(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
    return this;
  }

  /**
   * A vector with a `lengthBytes`-byte length prefix (RFC 5246 §4.3). Throws RangeError when the
   * value does not fit the prefix: that is a bug of the caller, not hostile input.
   */
  vector(lengthBytes: 1 | 2 | 3, value: Uint8Array): this {
    const max = lengthBytes === 1 ? 0xff : lengthBytes === 2 ? 0xffff : 0xffffff;
    if (value.length > max)
      throw new RangeError(`vector of ${value.length} bytes exceeds ${lengthBytes}-byte length`);
    if (lengthBytes === 1) this.u8(value.length);
    else if (lengthBytes === 2) this.u16(value.length);
    else this.u24(value.length);
    return this.bytes(value);
  }

  /** Reserves a length prefix; write the vector's content, then call {@link endVector} with the marker. */
  beginVector(lengthBytes: 1 | 2 | 3): number {
    this.ensure(lengthBytes);
    const marker = this.len;
    this.len += lengthBytes;
    // One number carries both the prefix's position and its size (1..3 fits in the low 2 bits).
    return marker * 4 + lengthBytes;
  }

  endVector(marker: number): this {
    const lengthBytes = marker % 4;
    const at = (marker - lengthBytes) / 4;
    const length = this.len - at - lengthBytes;
    const max = lengthBytes === 1 ? 0xff : lengthBytes === 2 ? 0xffff : 0xffffff;
    if (length > max) throw new RangeError(`vector of ${length} bytes exceeds ${lengthBytes}-byte length`);
    for (let i = lengthBytes - 1, v = length; i >= 0; i--, v >>>= 8) this.buf[at + i] = v & 0xff;
    return this;
  }

  /** A copy of the bytes written so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
