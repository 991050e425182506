/**
 * CRC32c (Castagnoli, reflected polynomial 0x82F63B78), the SCTP checksum (RFC 9260 §6.8 and
 * Appendix A, RFC 3309). Slicing-by-8: eight 256-entry tables fold 8 input bytes per step, read as
 * two aligned 32-bit words where the platform is little-endian (every platform Node runs on in
 * practice; a byte-wise path covers the rest). ~1 GB/s on a current x86 core.
 */
const POLY = 0x82f63b78;
const TABLES = makeTables();
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function makeTables(): Uint32Array {
  const t = new Uint32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? POLY ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n] as number;
    for (let s = 1; s < 8; s++) {
      c = (t[c & 0xff] as number) ^ (c >>> 8);
      t[s * 256 + n] = c >>> 0;
    }
  }
  return t;
}

/** Folds eight bytes: the low word `lo` (already xored with the running CRC) and the high word `hi`. */
function fold8(t: Uint32Array, lo: number, hi: number): number {
  return (
    (t[1792 + (lo & 0xff)] as number) ^
    (t[1536 + ((lo >>> 8) & 0xff)] as number) ^
    (t[1280 + ((lo >>> 16) & 0xff)] as number) ^
    (t[1024 + (lo >>> 24)] as number) ^
    (t[768 + (hi & 0xff)] as number) ^
    (t[512 + ((hi >>> 8) & 0xff)] as number) ^
    (t[256 + ((hi >>> 16) & 0xff)] as number) ^
    (t[hi >>> 24] as number)
  );
}

// A word view over the whole ArrayBuffer of the last input: packets come out of slabs, so
// consecutive ones share a buffer and no view is created per call.
let viewBuffer: ArrayBufferLike | undefined;
let viewWords: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

function wordsOf(buffer: ArrayBufferLike): Uint32Array<ArrayBufferLike> {
  if (buffer !== viewBuffer) {
    viewBuffer = buffer;
    viewWords = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
  }
  return viewWords;
}

/**
 * CRC32c of `data[start, end)`, continuing from `crc` (pass a previous result to chain). The
 * value is the plain CRC; SCTP stores it least significant byte first ({@link writeChecksum}).
 */
export function crc32c(data: Uint8Array, start = 0, end = data.length, crc = 0): number {
  return ~update(~crc, data, start, end) >>> 0;
}

/** Folds `data[start, end)` into the raw (not inverted) register `c`. */
export function update(c: number, data: Uint8Array, start: number, end: number): number {
  const t = TABLES;
  let i = start;
  if (LITTLE_ENDIAN) {
    while (i < end && ((data.byteOffset + i) & 3) !== 0) {
      c = (t[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
      i++;
    }
    const pairs = (end - i) >>> 3;
    if (pairs > 0) {
      const w = wordsOf(data.buffer);
      let k = (data.byteOffset + i) >>> 2;
      for (const last = k + 2 * pairs; k < last; k += 2)
        c = fold8(t, c ^ (w[k] as number), w[k + 1] as number);
      i += pairs * 8;
    }
  } else {
    for (; i + 8 <= end; i += 8) {
      const lo =
        (data[i] as number) |
        ((data[i + 1] as number) << 8) |
        ((data[i + 2] as number) << 16) |
        ((data[i + 3] as number) << 24);
      const hi =
        (data[i + 4] as number) |
        ((data[i + 5] as number) << 8) |
        ((data[i + 6] as number) << 16) |
        ((data[i + 7] as number) << 24);
      c = fold8(t, c ^ lo, hi);
    }
  }
  for (; i < end; i++) c = (t[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return c;
}

/** One byte into the raw register. */
export function updateByte(c: number, byte: number): number {
  return (TABLES[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
}
