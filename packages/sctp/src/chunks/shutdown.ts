/** SHUTDOWN (RFC 9260 §3.3.8): starts a graceful close, carrying the sender's cumulative TSN ack. */
import { readU32, writeU32 } from '../bytes.js';
import { ChunkType, expectLength, newChunk } from './chunk.js';

export interface ShutdownChunk {
  readonly cumulativeTsnAck: number;
}

export function encodeShutdown(cumulativeTsnAck: number): Uint8Array {
  const b = newChunk(ChunkType.Shutdown, 0, 4);
  writeU32(b, 4, cumulativeTsnAck);
  return b;
}

export function decodeShutdown(bytes: Uint8Array, offset: number, length: number): ShutdownChunk {
  expectLength('SHUTDOWN', offset, length, 8, true);
  return { cumulativeTsnAck: readU32(bytes, offset + 4) };
}
