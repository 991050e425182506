/**
 * FORWARD TSN (RFC 3758 §3.2): moves the receiver's cumulative TSN past abandoned data, and
 * each ordered stream's expected SSN past the abandoned messages on it.
 *
 *   type 192 | flags 0 | length | new cumulative TSN | (stream id | stream sequence) ...
 */
import { readU16, readU32, writeU16, writeU32 } from '../bytes.js';
import { SctpParseError } from '../errors.js';
import { ChunkType, expectLength, newChunk } from './chunk.js';

export interface ForwardTsnStream {
  readonly streamId: number;
  readonly ssn: number;
}

export interface ForwardTsnChunk {
  readonly newCumulativeTsn: number;
  readonly streams: readonly ForwardTsnStream[];
}

export function encodeForwardTsn(c: ForwardTsnChunk): Uint8Array {
  const b = newChunk(ChunkType.ForwardTsn, 0, 4 + 4 * c.streams.length);
  writeU32(b, 4, c.newCumulativeTsn);
  c.streams.forEach((s, i) => {
    writeU16(b, 8 + 4 * i, s.streamId);
    writeU16(b, 10 + 4 * i, s.ssn);
  });
  return b;
}

export function decodeForwardTsn(bytes: Uint8Array, offset: number, length: number): ForwardTsnChunk {
  expectLength('FORWARD TSN', offset, length, 8);
  if ((length - 8) % 4 !== 0) {
    throw new SctpParseError(
      'BAD_LENGTH',
      'FORWARD TSN length',
      offset + 2,
      `${length} leaves a partial stream entry`,
    );
  }
  const streams: ForwardTsnStream[] = [];
  for (let o = offset + 8; o < offset + length; o += 4) {
    streams.push({ streamId: readU16(bytes, o), ssn: readU16(bytes, o + 2) });
  }
  return { newCumulativeTsn: readU32(bytes, offset + 4), streams };
}
