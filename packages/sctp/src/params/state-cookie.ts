/**
 * State Cookie (RFC 9260 §3.3.3.1, type 7): opaque to the peer, echoed back in COOKIE ECHO. Its
 * content and signature are ours (see `../association/cookie.ts`).
 */
import { encodeParam, ParamType } from './param.js';

export function encodeStateCookie(cookie: Uint8Array): Uint8Array {
  return encodeParam(ParamType.StateCookie, cookie);
}
