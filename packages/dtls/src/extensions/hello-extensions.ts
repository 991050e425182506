/**
 * The extensions of a ClientHello or ServerHello as one typed object: the extensions this
 * package understands are decoded into fields, everything else (key_share, psk_key_exchange_modes,
 * pre_shared_key, cookie of a DTLS 1.3 ClientHello, GREASE, ...) is kept in `other` untouched, in
 * wire order, so that negotiation can ignore it and a server can still see what was offered.
 *
 * Encoding writes the typed fields in a fixed order, then `other`.
 */
import { ExtensionType } from '../constants.js';
import type { ByteReader } from '../reader.js';
import type { ByteWriter } from '../writer.js';
import { decodeEcPointFormats, encodeEcPointFormats } from './ec-point-formats.js';
import { decodeExtendedMasterSecret, encodeExtendedMasterSecret } from './extended-master-secret.js';
import { type Extension, MAX_EXTENSIONS, readExtensionList, writeExtensionList } from './extension-list.js';
import { decodeRenegotiationInfo, encodeRenegotiationInfo } from './renegotiation-info.js';
import { decodeSignatureAlgorithms, encodeSignatureAlgorithms } from './signature-algorithms.js';
import { decodeSupportedGroups, encodeSupportedGroups } from './supported-groups.js';
import {
  decodeSelectedVersion,
  decodeSupportedVersions,
  encodeSelectedVersion,
  encodeSupportedVersions,
} from './supported-versions.js';
import { decodeUseSrtp, encodeUseSrtp, type UseSrtp } from './use-srtp.js';

export interface HelloExtensions {
  /** extended_master_secret present (RFC 7627). */
  readonly extendedMasterSecret?: boolean;
  /** renegotiation_info's renegotiated_connection (empty on an initial handshake, RFC 5746). */
  readonly renegotiationInfo?: Uint8Array;
  readonly supportedGroups?: readonly number[];
  readonly ecPointFormats?: readonly number[];
  readonly signatureAlgorithms?: readonly number[];
  readonly useSrtp?: UseSrtp;
  /**
   * supported_versions: the client's list in a ClientHello; in a ServerHello the selected
   * version as a one-element list.
   */
  readonly supportedVersions?: readonly number[];
  /** Every other extension, in wire order. */
  readonly other?: readonly Extension[];
}

/** Which hello the extensions belong to (supported_versions has two forms). */
export type HelloKind = 'client_hello' | 'server_hello';

/** Reads the (optional) extensions block that ends a hello. */
export function readHelloExtensions(
  r: ByteReader,
  kind: HelloKind,
  maxExtensions: number = MAX_EXTENSIONS,
): HelloExtensions {
  const list = readExtensionList(r, maxExtensions);
  const result: {
    -readonly [K in keyof HelloExtensions]: HelloExtensions[K];
  } = {};
  const other: Extension[] = [];
  for (const extension of list) {
    const { data, offset } = extension;
    switch (extension.type) {
      case ExtensionType.extended_master_secret:
        result.extendedMasterSecret = decodeExtendedMasterSecret(data, offset);
        break;
      case ExtensionType.renegotiation_info:
        result.renegotiationInfo = decodeRenegotiationInfo(data, offset);
        break;
      case ExtensionType.supported_groups:
        result.supportedGroups = decodeSupportedGroups(data, offset);
        break;
      case ExtensionType.ec_point_formats:
        result.ecPointFormats = decodeEcPointFormats(data, offset);
        break;
      case ExtensionType.signature_algorithms:
        result.signatureAlgorithms = decodeSignatureAlgorithms(data, offset);
        break;
      case ExtensionType.use_srtp:
        result.useSrtp = decodeUseSrtp(data, offset);
        break;
      case ExtensionType.supported_versions:
        result.supportedVersions =
          kind === 'client_hello'
            ? decodeSupportedVersions(data, offset)
            : [decodeSelectedVersion(data, offset)];
        break;
      default:
        other.push({ type: extension.type, data });
    }
  }
  if (other.length > 0) result.other = other;
  return result;
}

/** The typed fields and `other` as a list of extensions, in the order they are written. */
export function helloExtensionList(extensions: HelloExtensions, kind: HelloKind): Extension[] {
  const out: Extension[] = [];
  if (extensions.extendedMasterSecret) out.push(encodeExtendedMasterSecret());
  if (extensions.renegotiationInfo !== undefined)
    out.push(encodeRenegotiationInfo(extensions.renegotiationInfo));
  if (extensions.supportedGroups !== undefined) out.push(encodeSupportedGroups(extensions.supportedGroups));
  if (extensions.ecPointFormats !== undefined) out.push(encodeEcPointFormats(extensions.ecPointFormats));
  if (extensions.signatureAlgorithms !== undefined)
    out.push(encodeSignatureAlgorithms(extensions.signatureAlgorithms));
  if (extensions.useSrtp !== undefined) out.push(encodeUseSrtp(extensions.useSrtp));
  if (extensions.supportedVersions !== undefined) {
    if (kind === 'client_hello') {
      out.push(encodeSupportedVersions(extensions.supportedVersions));
    } else {
      const [selected] = extensions.supportedVersions;
      if (selected === undefined || extensions.supportedVersions.length !== 1) {
        throw new RangeError('a ServerHello selects exactly one version');
      }
      out.push(encodeSelectedVersion(selected));
    }
  }
  const seen = new Set(out.map((e) => e.type));
  for (const extension of extensions.other ?? []) {
    if (seen.has(extension.type)) throw new RangeError(`extension ${extension.type} given twice`);
    seen.add(extension.type);
    out.push(extension);
  }
  return out;
}

/** Writes the extensions block of a hello (omitted when there are no extensions). */
export function writeHelloExtensions(w: ByteWriter, extensions: HelloExtensions, kind: HelloKind): void {
  writeExtensionList(w, helloExtensionList(extensions, kind));
}
