/**
 * extended_master_secret (RFC 7627 §5.1): type 23, always empty. Offered by the client and
 * echoed by the server; when both did, the master secret is the extended one (RFC 7627 §4).
 * WebRTC stacks all support it and ours always offers it.
 */
import { ExtensionType } from '../constants.js';
import { DtlsParseError } from '../errors.js';
import type { Extension } from './extension-list.js';

export function encodeExtendedMasterSecret(): Extension {
  return { type: ExtensionType.extended_master_secret, data: new Uint8Array(0) };
}

/** Checks that the extension is empty (RFC 7627 §5.1). */
export function decodeExtendedMasterSecret(data: Uint8Array, offset = 0): true {
  if (data.length !== 0) {
    throw new DtlsParseError(
      'BAD_VALUE',
      'extended_master_secret',
      offset,
      `must be empty, has ${data.length} bytes`,
    );
  }
  return true;
}
