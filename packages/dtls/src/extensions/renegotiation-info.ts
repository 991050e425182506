/**
 * renegotiation_info (RFC 5746 §3.2): type 0xff01, `opaque renegotiated_connection<0..255>`.
 * We never renegotiate, so on the initial handshake it is empty both ways (§3.4, §3.6); a client
 * may send the TLS_EMPTY_RENEGOTIATION_INFO_SCSV cipher suite instead (§3.3). A non-empty value
 * on an initial handshake must abort it (handshake_failure) — the engine's check.
 */
import { ExtensionType } from '../constants.js';
import { ByteReader } from '../reader.js';
import { ByteWriter } from '../writer.js';
import type { Extension } from './extension-list.js';

/** Encodes renegotiation_info (empty `renegotiatedConnection` for an initial handshake). */
export function encodeRenegotiationInfo(renegotiatedConnection: Uint8Array = new Uint8Array(0)): Extension {
  return {
    type: ExtensionType.renegotiation_info,
    data: new ByteWriter(1 + renegotiatedConnection.length).vector(1, renegotiatedConnection).finish(),
  };
}

/** Returns renegotiated_connection (empty on an initial handshake). */
export function decodeRenegotiationInfo(data: Uint8Array, offset = 0): Uint8Array {
  const r = new ByteReader(data, offset);
  const value = r.vector(1, 'renegotiation_info.renegotiated_connection', 0, 255);
  r.end('renegotiation_info');
  return value;
}
