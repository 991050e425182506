/** SHUTDOWN ACK (RFC 9260 §3.3.9): no value. */
import { ChunkType, expectLength, newChunk } from './chunk.js';

export function encodeShutdownAck(): Uint8Array {
  return newChunk(ChunkType.ShutdownAck, 0, 0);
}

export function decodeShutdownAck(_bytes: Uint8Array, offset: number, length: number): void {
  expectLength('SHUTDOWN ACK', offset, length, 4, true);
}
