/**
 * HEARTBEAT (RFC 9260 §3.3.5) and HEARTBEAT ACK (§3.3.6): one Heartbeat Info parameter that the
 * ACK echoes verbatim.
 */
import { SctpParseError } from '../errors.js';
import { encodeHeartbeatInfo } from '../params/heartbeat-info.js';
import { decodeParams, ParamType } from '../params/param.js';
import { ChunkType, expectLength, newChunk } from './chunk.js';

export interface HeartbeatChunk {
  /** The Heartbeat Info value. */
  readonly info: Uint8Array;
}

export function encodeHeartbeatLike(type: number, info: Uint8Array): Uint8Array {
  const p = encodeHeartbeatInfo(info);
  const b = newChunk(type, 0, p.length);
  b.set(p, 4);
  return b;
}

export function decodeHeartbeatLike(
  name: string,
  bytes: Uint8Array,
  offset: number,
  length: number,
): HeartbeatChunk {
  expectLength(name, offset, length, 8);
  const params = decodeParams(bytes, offset + 4, offset + length);
  const info = params.find((p) => p.type === ParamType.HeartbeatInfo);
  if (info === undefined)
    throw new SctpParseError('BAD_CHUNK', `${name} info`, offset + 4, 'no Heartbeat Info');
  return { info: info.value };
}

export function encodeHeartbeat(info: Uint8Array): Uint8Array {
  return encodeHeartbeatLike(ChunkType.Heartbeat, info);
}

export function decodeHeartbeat(bytes: Uint8Array, offset: number, length: number): HeartbeatChunk {
  return decodeHeartbeatLike('HEARTBEAT', bytes, offset, length);
}
