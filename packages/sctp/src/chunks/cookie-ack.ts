/** COOKIE ACK (RFC 9260 §3.3.12): no value. */
import { ChunkType, expectLength, newChunk } from './chunk.js';

export function encodeCookieAck(): Uint8Array {
  return newChunk(ChunkType.CookieAck, 0, 0);
}

export function decodeCookieAck(_bytes: Uint8Array, offset: number, length: number): void {
  expectLength('COOKIE ACK', offset, length, 4, true);
}
