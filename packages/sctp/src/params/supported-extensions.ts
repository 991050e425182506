/**
 * Supported Extensions (RFC 5061 §4.2.7, type 0x8008): the chunk types beyond RFC 9260 a peer
 * speaks, one byte each. WebRTC needs RE-CONFIG (RFC 6525) and FORWARD TSN (RFC 3758).
 */
import { encodeParam, ParamType } from './param.js';

export function encodeSupportedExtensions(chunkTypes: readonly number[]): Uint8Array {
  return encodeParam(ParamType.SupportedExtensions, Uint8Array.from(chunkTypes));
}

export function decodeSupportedExtensions(value: Uint8Array): number[] {
  return Array.from(value);
}
