/** COOKIE ECHO (RFC 9260 §3.3.11): the State Cookie of the INIT ACK, echoed. */
import { ChunkType, expectLength, newChunk } from './chunk.js';

export interface CookieEchoChunk {
  /** The cookie (a view). */
  readonly cookie: Uint8Array;
}

export function encodeCookieEcho(cookie: Uint8Array): Uint8Array {
  const b = newChunk(ChunkType.CookieEcho, 0, cookie.length);
  b.set(cookie, 4);
  return b;
}

export function decodeCookieEcho(bytes: Uint8Array, offset: number, length: number): CookieEchoChunk {
  expectLength('COOKIE ECHO', offset, length, 4);
  return { cookie: bytes.subarray(offset + 4, offset + length) };
}
