/** INIT ACK (RFC 9260 §3.3.3): the INIT layout; its State Cookie parameter is mandatory. */
import { SctpParseError } from '../errors.js';
import { ParamType } from '../params/param.js';
import { ChunkType } from './chunk.js';
import { decodeInitLike, encodeInitLike, type InitChunk } from './init.js';

export function encodeInitAck(c: Omit<InitChunk, 'params'>, params: readonly Uint8Array[]): Uint8Array {
  return encodeInitLike(ChunkType.InitAck, c, params);
}

export function decodeInitAck(bytes: Uint8Array, offset: number, length: number): InitChunk {
  const c = decodeInitLike('INIT ACK', bytes, offset, length);
  if (!c.params.some((p) => p.type === ParamType.StateCookie)) {
    throw new SctpParseError('BAD_CHUNK', 'INIT ACK state cookie', offset, 'missing');
  }
  return c;
}
