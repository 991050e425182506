/**
 * signature_algorithms (RFC 5246 §7.4.1.4.1, code points of RFC 8446 §4.2.3): type 13,
 * `SignatureScheme supported_signature_algorithms<2..2^16-2>` of uint16. We offer
 * ecdsa_secp256r1_sha256 (0x0403), rsa_pss_rsae_sha256 (0x0804) and rsa_pkcs1_sha256 (0x0401).
 * The same list format is the supported_signature_algorithms of CertificateRequest (§7.4.4).
 */
import { ExtensionType } from '../constants.js';
import type { Extension } from './extension-list.js';
import { decodeU16List, encodeU16List } from './u16-list.js';

/** A cap on the list; OpenSSL sends about 25. */
export const MAX_SIGNATURE_ALGORITHMS = 128;

export function encodeSignatureAlgorithms(schemes: readonly number[]): Extension {
  return { type: ExtensionType.signature_algorithms, data: encodeU16List(schemes, 2) };
}

export function decodeSignatureAlgorithms(data: Uint8Array, offset = 0): number[] {
  return decodeU16List(data, offset, 'signature_algorithms', 2, 2, MAX_SIGNATURE_ALGORITHMS);
}
