/** SHUTDOWN COMPLETE (RFC 9260 §3.3.13): no value; flag T as in ABORT. */
import { FLAG_T } from './abort.js';
import { ChunkType, expectLength, newChunk } from './chunk.js';

export interface ShutdownCompleteChunk {
  readonly reflected: boolean;
}

export function encodeShutdownComplete(reflected: boolean): Uint8Array {
  return newChunk(ChunkType.ShutdownComplete, reflected ? FLAG_T : 0, 0);
}

export function decodeShutdownComplete(
  bytes: Uint8Array,
  offset: number,
  length: number,
): ShutdownCompleteChunk {
  expectLength('SHUTDOWN COMPLETE', offset, length, 4, true);
  return { reflected: ((bytes[offset + 1] as number) & FLAG_T) !== 0 };
}
