/**
 * RE-CONFIG (RFC 6525 §3.1): one or two request/response parameters (§3.1: at most two, and
 * then of particular pairs). Parameter codecs live in `../params/`.
 */
import { SctpParseError } from '../errors.js';
import { concatParams, decodeParams, type RawParam } from '../params/param.js';
import { ChunkType, expectLength, newChunk } from './chunk.js';

export interface ReconfigChunk {
  readonly params: readonly RawParam[];
}

export function encodeReconfig(params: readonly Uint8Array[]): Uint8Array {
  const body = concatParams(params);
  const b = newChunk(ChunkType.ReConfig, 0, body.length);
  b.set(body, 4);
  return b;
}

export function decodeReconfig(bytes: Uint8Array, offset: number, length: number): ReconfigChunk {
  expectLength('RE-CONFIG', offset, length, 8);
  const params = decodeParams(bytes, offset + 4, offset + length, 'RE-CONFIG parameter');
  if (params.length > 2)
    throw new SctpParseError('TOO_MANY', 'RE-CONFIG parameters', offset, `${params.length}`);
  return { params };
}
