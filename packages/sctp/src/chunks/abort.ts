/**
 * ABORT (RFC 9260 §3.3.7): ends the association at once. Flag T: the verification tag is the
 * sender's own (reflected), used when it has no TCB for us.
 */
import { concatParams } from '../params/param.js';
import { ChunkType, expectLength, newChunk } from './chunk.js';
import { decodeErrorCauses, type ErrorCause } from './error-causes.js';

export const FLAG_T = 0x01;

export interface AbortChunk {
  readonly reflected: boolean;
  readonly causes: readonly ErrorCause[];
}

export function encodeAbort(reflected: boolean, causes: readonly Uint8Array[] = []): Uint8Array {
  const body = concatParams(causes);
  const b = newChunk(ChunkType.Abort, reflected ? FLAG_T : 0, body.length);
  b.set(body, 4);
  return b;
}

export function decodeAbort(bytes: Uint8Array, offset: number, length: number): AbortChunk {
  expectLength('ABORT', offset, length, 4);
  return {
    reflected: ((bytes[offset + 1] as number) & FLAG_T) !== 0,
    causes: decodeErrorCauses(bytes, offset + 4, offset + length),
  };
}
