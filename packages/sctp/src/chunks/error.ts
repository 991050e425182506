/** ERROR (RFC 9260 §3.3.10): error causes that do not end the association. */
import { concatParams } from '../params/param.js';
import { ChunkType, expectLength, newChunk } from './chunk.js';
import { decodeErrorCauses, type ErrorCause } from './error-causes.js';

export interface ErrorChunk {
  readonly causes: readonly ErrorCause[];
}

export function encodeError(causes: readonly Uint8Array[]): Uint8Array {
  const body = concatParams(causes);
  const b = newChunk(ChunkType.Error, 0, body.length);
  b.set(body, 4);
  return b;
}

export function decodeError(bytes: Uint8Array, offset: number, length: number): ErrorChunk {
  expectLength('ERROR', offset, length, 4);
  return { causes: decodeErrorCauses(bytes, offset + 4, offset + length) };
}
