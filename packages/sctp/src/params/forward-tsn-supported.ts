/** Forward-TSN-Supported (RFC 3758 §3.1, type 0xC000): no value; the sender speaks PR-SCTP. */
import { encodeParam, ParamType } from './param.js';

export function encodeForwardTsnSupported(): Uint8Array {
  return encodeParam(ParamType.ForwardTsnSupported, new Uint8Array(0));
}
