/**
 * A bounds-checked cursor over a wire structure (RFC 5246 §4 presentation language: big-endian
 * integers, vectors with 1-, 2- or 3-byte length prefixes). Every read names the field it reads,
 * so a failure becomes a {@link DtlsParseError} with that field and the absolute offset: the
 * parsers built on it throw nothing else. Reads return `subarray` views, never copies.
 */
import { DtlsParseError } from './errors.js';

export class ByteReader {
  private pos = 0;

  /**
   * @param buf the bytes to read
   * @param base offset of `buf[0]` in the buffer the caller knows, so nested readers report
   *   offsets relative to the outermost structure
   */
  constructor(
    readonly buf: Uint8Array,
    readonly base = 0,
  ) {}

  /** The absolute offset of the next byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number, field: string): void {
    if (this.buf.length - this.pos < n) {
      throw new DtlsParseError(
        'TRUNCATED',
        field,
        this.base + this.pos,
        `needs ${n} byte(s), ${this.buf.length - this.pos} left`,
      );
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.buf[this.pos++] as number;
  }

  u16(field: string): number {
    this.need(2, field);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return ((b[p] as number) << 8) | (b[p + 1] as number);
  }

  u24(field: string): number {
    this.need(3, field);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 3;
    return ((b[p] as number) << 16) | ((b[p + 1] as number) << 8) | (b[p + 2] as number);
  }

  u32(field: string): number {
    this.need(4, field);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return (
      (b[p] as number) * 0x1000000 +
      (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number))
    );
  }

  /** A 48-bit integer (DTLS record sequence numbers); exact as a JS number. */
  u48(field: string): number {
    this.need(6, field);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 6;
    const high = ((b[p] as number) << 8) | (b[p + 1] as number);
    const low =
      (b[p + 2] as number) * 0x1000000 +
      (((b[p + 3] as number) << 16) | ((b[p + 4] as number) << 8) | (b[p + 5] as number));
    return high * 0x100000000 + low;
  }

  /** `n` bytes as a view. */
  bytes(n: number, field: string): Uint8Array {
    this.need(n, field);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** The rest of the input as a view. */
  rest(): Uint8Array {
    const out = this.buf.subarray(this.pos);
    this.pos = this.buf.length;
    return out;
  }

  /**
   * A vector `<min..max>` with a `lengthBytes`-byte length prefix (RFC 5246 §4.3). `max` is the
   * smaller of the wire maximum and this implementation's cap; a longer vector is `TOO_LARGE`,
   * a shorter one than `min` is `BAD_LENGTH`.
   */
  vector(lengthBytes: 1 | 2 | 3, field: string, min: number, max: number): Uint8Array {
    const at = this.offset;
    const length = lengthBytes === 1 ? this.u8(field) : lengthBytes === 2 ? this.u16(field) : this.u24(field);
    if (length < min)
      throw new DtlsParseError('BAD_LENGTH', field, at, `length ${length} below minimum ${min}`);
    if (length > max)
      throw new DtlsParseError('TOO_LARGE', field, at, `length ${length} above maximum ${max}`);
    return this.bytes(length, field);
  }

  /** Like {@link vector}, as a reader whose offsets continue this one's. */
  subReader(lengthBytes: 1 | 2 | 3, field: string, min: number, max: number): ByteReader {
    const lengthAt = this.pos;
    const value = this.vector(lengthBytes, field, min, max);
    return new ByteReader(value, this.base + lengthAt + lengthBytes);
  }

  /** Throws `TRAILING_BYTES` unless every byte was read. */
  end(field: string): void {
    if (this.pos !== this.buf.length) {
      throw new DtlsParseError(
        'TRAILING_BYTES',
        field,
        this.base + this.pos,
        `${this.buf.length - this.pos} byte(s) left`,
      );
    }
  }
}
