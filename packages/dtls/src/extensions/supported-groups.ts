/**
 * supported_groups, formerly elliptic_curves (RFC 8422 §5.1.1, RFC 7919): type 10,
 * `NamedGroup named_group_list<2..2^16-1>` of uint16. We implement x25519 (0x001d) and
 * secp256r1 (0x0017); other values (including GREASE) are kept and ignored by negotiation.
 */
import { ExtensionType } from '../constants.js';
import type { Extension } from './extension-list.js';
import { decodeU16List, encodeU16List } from './u16-list.js';

/** A cap on the list; browsers send 4-6 (GREASE included). */
export const MAX_SUPPORTED_GROUPS = 128;

export function encodeSupportedGroups(groups: readonly number[]): Extension {
  return { type: ExtensionType.supported_groups, data: encodeU16List(groups, 2) };
}

export function decodeSupportedGroups(data: Uint8Array, offset = 0): number[] {
  return decodeU16List(data, offset, 'supported_groups', 2, 2, MAX_SUPPORTED_GROUPS);
}
