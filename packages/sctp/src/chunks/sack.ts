/**
 * SACK (RFC 9260 §3.3.4): the cumulative TSN ack, the receiver window, gap ack blocks (offsets
 * from the cumulative ack, inclusive) and duplicate TSNs.
 *
 *   type 3 | flags 0 | length
 *   cumulative TSN ack | a_rwnd | number of gap blocks N | number of duplicates X
 *   N x (gap start | gap end) | X x duplicate TSN
 */
import { readU16, readU32, writeU16, writeU32 } from '../bytes.js';
import { SctpParseError } from '../errors.js';
import { ChunkType, expectLength } from './chunk.js';

export const SACK_HEADER_LENGTH = 16;

export interface GapBlock {
  readonly start: number;
  readonly end: number;
}

export interface SackChunk {
  readonly cumulativeTsnAck: number;
  readonly arwnd: number;
  readonly gapBlocks: readonly GapBlock[];
  readonly duplicates: readonly number[];
}

/** A SACK read in place into reusable arrays. */
export class SackView {
  cumulativeTsnAck = 0;
  arwnd = 0;
  gapCount = 0;
  dupCount = 0;
  gapStarts = new Uint16Array(64);
  gapEnds = new Uint16Array(64);
  duplicates = new Uint32Array(16);
}

export function sackLength(gapCount: number, dupCount: number): number {
  return SACK_HEADER_LENGTH + 4 * gapCount + 4 * dupCount;
}

export function readSack(bytes: Uint8Array, offset: number, length: number, out: SackView): void {
  expectLength('SACK', offset, length, SACK_HEADER_LENGTH);
  const gaps = readU16(bytes, offset + 12);
  const dups = readU16(bytes, offset + 14);
  if (length !== sackLength(gaps, dups)) {
    throw new SctpParseError(
      'BAD_LENGTH',
      'SACK length',
      offset + 2,
      `${length} does not match ${gaps} gap blocks and ${dups} duplicates`,
    );
  }
  out.cumulativeTsnAck = readU32(bytes, offset + 4);
  out.arwnd = readU32(bytes, offset + 8);
  if (gaps > out.gapStarts.length) {
    out.gapStarts = new Uint16Array(gaps);
    out.gapEnds = new Uint16Array(gaps);
  }
  if (dups > out.duplicates.length) out.duplicates = new Uint32Array(dups);
  let o = offset + SACK_HEADER_LENGTH;
  for (let i = 0; i < gaps; i++, o += 4) {
    const start = readU16(bytes, o);
    const end = readU16(bytes, o + 2);
    if (start === 0 || end < start) {
      throw new SctpParseError(
        'BAD_CHUNK',
        'SACK gap block',
        o,
        `[${start}, ${end}] is not a block after the ack`,
      );
    }
    out.gapStarts[i] = start;
    out.gapEnds[i] = end;
  }
  for (let i = 0; i < dups; i++, o += 4) out.duplicates[i] = readU32(bytes, o);
  out.gapCount = gaps;
  out.dupCount = dups;
}

/** Writes a SACK at `offset`; returns its length (a multiple of 4). */
export function writeSack(
  b: Uint8Array,
  offset: number,
  cumulativeTsnAck: number,
  arwnd: number,
  gapStarts: ArrayLike<number>,
  gapEnds: ArrayLike<number>,
  gapCount: number,
  duplicates: ArrayLike<number>,
  dupCount: number,
): number {
  const length = sackLength(gapCount, dupCount);
  b[offset] = ChunkType.Sack;
  b[offset + 1] = 0;
  writeU16(b, offset + 2, length);
  writeU32(b, offset + 4, cumulativeTsnAck);
  writeU32(b, offset + 8, arwnd);
  writeU16(b, offset + 12, gapCount);
  writeU16(b, offset + 14, dupCount);
  let o = offset + SACK_HEADER_LENGTH;
  for (let i = 0; i < gapCount; i++, o += 4) {
    writeU16(b, o, gapStarts[i] as number);
    writeU16(b, o + 2, gapEnds[i] as number);
  }
  for (let i = 0; i < dupCount; i++, o += 4) writeU32(b, o, duplicates[i] as number);
  return length;
}

export function encodeSack(c: SackChunk): Uint8Array {
  const b = new Uint8Array(sackLength(c.gapBlocks.length, c.duplicates.length));
  writeSack(
    b,
    0,
    c.cumulativeTsnAck,
    c.arwnd,
    c.gapBlocks.map((g) => g.start),
    c.gapBlocks.map((g) => g.end),
    c.gapBlocks.length,
    c.duplicates,
    c.duplicates.length,
  );
  return b;
}

export function decodeSack(bytes: Uint8Array, offset: number, length: number): SackChunk {
  const v = new SackView();
  readSack(bytes, offset, length, v);
  const gapBlocks: GapBlock[] = [];
  for (let i = 0; i < v.gapCount; i++)
    gapBlocks.push({ start: v.gapStarts[i] as number, end: v.gapEnds[i] as number });
  return {
    cumulativeTsnAck: v.cumulativeTsnAck,
    arwnd: v.arwnd,
    gapBlocks,
    duplicates: Array.from(v.duplicates.subarray(0, v.dupCount)),
  };
}
