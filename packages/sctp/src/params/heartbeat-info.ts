/**
 * Heartbeat Info (RFC 9260 §3.3.5, type 1): sender-specific, echoed verbatim in HEARTBEAT ACK.
 */
import { encodeParam, ParamType } from './param.js';

export function encodeHeartbeatInfo(info: Uint8Array): Uint8Array {
  return encodeParam(ParamType.HeartbeatInfo, info);
}
