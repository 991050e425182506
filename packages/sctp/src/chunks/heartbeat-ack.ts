/** HEARTBEAT ACK (RFC 9260 §3.3.6): the Heartbeat Info of the HEARTBEAT it answers. */
import { ChunkType } from './chunk.js';
import { decodeHeartbeatLike, encodeHeartbeatLike, type HeartbeatChunk } from './heartbeat.js';

export function encodeHeartbeatAck(info: Uint8Array): Uint8Array {
  return encodeHeartbeatLike(ChunkType.HeartbeatAck, info);
}

export function decodeHeartbeatAck(bytes: Uint8Array, offset: number, length: number): HeartbeatChunk {
  return decodeHeartbeatLike('HEARTBEAT ACK', bytes, offset, length);
}
