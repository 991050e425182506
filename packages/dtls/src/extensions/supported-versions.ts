/**
 * supported_versions (RFC 8446 §4.2.1), type 43, sent by DTLS 1.3 clients (RFC 9147 §5.3):
 *
 *   ClientHello:  ProtocolVersion versions<2..254>;     e.g. [0xfefc (DTLS 1.3), 0xfefd (DTLS 1.2)]
 *   ServerHello:  ProtocolVersion selected_version;     (DTLS 1.3 servers only)
 *
 * When the client sends it, the server must negotiate from this list and not from
 * legacy_version (RFC 8446 §4.2.1). A DTLS 1.2 server therefore checks that 0xfefd is listed and
 * answers with an ordinary 1.2 ServerHello, which "MUST NOT send the supported_versions
 * extension" (RFC 8446 §4.2.1).
 */
import { ExtensionType } from '../constants.js';
import { ByteReader } from '../reader.js';
import type { Extension } from './extension-list.js';
import { decodeU16List, encodeU16List } from './u16-list.js';

/** The ClientHello form. */
export function encodeSupportedVersions(versions: readonly number[]): Extension {
  return { type: ExtensionType.supported_versions, data: encodeU16List(versions, 1) };
}

/** The ClientHello form: the versions the client offers, in its preference order. */
export function decodeSupportedVersions(data: Uint8Array, offset = 0): number[] {
  return decodeU16List(data, offset, 'supported_versions', 1, 2, 127);
}

/** The ServerHello form: the one selected version. */
export function decodeSelectedVersion(data: Uint8Array, offset = 0): number {
  const r = new ByteReader(data, offset);
  const version = r.u16('supported_versions.selected_version');
  r.end('supported_versions');
  return version;
}

export function encodeSelectedVersion(version: number): Extension {
  return { type: ExtensionType.supported_versions, data: Uint8Array.of(version >>> 8, version & 0xff) };
}
