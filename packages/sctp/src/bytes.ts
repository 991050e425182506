/**
 * Big-endian reads and writes on plain `Uint8Array`s, the network byte order of every SCTP and
 * DCEP field (RFC 9260 §3). Plain functions on the byte array: no DataView to allocate per
 * packet, and V8 inlines them on the hot path.
 */

export function readU16(b: Uint8Array, o: number): number {
  return ((b[o] as number) << 8) | (b[o + 1] as number);
}

export function readU32(b: Uint8Array, o: number): number {
  return (
    (((b[o] as number) << 24) |
      ((b[o + 1] as number) << 16) |
      ((b[o + 2] as number) << 8) |
      (b[o + 3] as number)) >>>
    0
  );
}

export function writeU16(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v;
}

export function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}

/** `n` rounded up to a multiple of 4: chunks and parameters are padded to 4 bytes (RFC 9260 §3.2). */
export function pad4(n: number): number {
  return (n + 3) & ~3;
}
