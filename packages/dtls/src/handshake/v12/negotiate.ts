/**
 * What a DTLS 1.2 server picks from a ClientHello (RFC 5246 §7.4.1.3, RFC 8422 §5.1, RFC 5764
 * §4.1.1, RFC 7627 §5.3, RFC 5746 §3.6): always our preference among what the client offers.
 * Pure functions, so the rules can be tested without a handshake.
 */
import { AlertDescription } from '../../alert.js';
import { type CipherSuiteInfo, cipherSuiteInfo } from '../../cipher-suites.js';
import {
  CompressionMethod,
  EcPointFormat,
  NamedGroup,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
} from '../../constants.js';
import type { SigningKey } from '../../crypto/keys.js';
import { chooseSignatureScheme } from '../../crypto/signature.js';
import { DtlsError } from '../../errors.js';
import { type ClientHello, offersDtls12 } from '../../messages/client-hello.js';
import { DtlsHandshakeError } from '../errors.js';

export interface ServerChoices {
  readonly suite: CipherSuiteInfo;
  readonly namedGroup: number;
  /** The scheme that signs our ServerKeyExchange. */
  readonly signatureScheme: number;
  readonly extendedMasterSecret: boolean;
  /** The client signalled RFC 5746 support: answer with an empty renegotiation_info. */
  readonly secureRenegotiation: boolean;
  /** Echo ec_point_formats (RFC 8422 §5.2: only if the client sent it). */
  readonly pointFormats: boolean;
  readonly srtpProfile: number | undefined;
}

export interface ServerPreferences {
  readonly cipherSuites: readonly number[];
  readonly namedGroups: readonly number[];
  readonly srtpProfiles: readonly number[];
  readonly extendedMasterSecret: 'require' | 'prefer';
  readonly key: SigningKey;
}

function failure(detail: string): DtlsError {
  return new DtlsError('HANDSHAKE_FAILURE', AlertDescription.handshake_failure, detail);
}

export function negotiateServer(ch: ClientHello, prefs: ServerPreferences): ServerChoices {
  const ext = ch.extensions;
  // A DTLS 1.3 ClientHello lists its versions in supported_versions; we answer 1.2 if listed
  // (RFC 8446 §4.2.1, RFC 9147 §5.3), without supported_versions in the ServerHello.
  if (!offersDtls12(ch)) {
    throw new DtlsError(
      'PROTOCOL_VERSION',
      AlertDescription.protocol_version,
      'the client does not offer DTLS 1.2',
    );
  }
  if (!ch.compressionMethods.includes(CompressionMethod.null)) {
    throw new DtlsError('BAD_VALUE', AlertDescription.illegal_parameter, 'null compression not offered');
  }
  const keyType = prefs.key.type === 'rsa' ? 'rsa' : 'ecdsa';
  const suite = prefs.cipherSuites
    .map((id) => cipherSuiteInfo(id))
    .find(
      (info) => info !== undefined && info.authentication === keyType && ch.cipherSuites.includes(info.id),
    );
  if (suite === undefined) throw failure('no cipher suite in common');

  // RFC 8422 §4: without supported_groups the client supports any curve; secp256r1 is the one
  // every ECC implementation has.
  const offeredGroups = ext.supportedGroups ?? [NamedGroup.secp256r1];
  const namedGroup = prefs.namedGroups.find((g) => offeredGroups.includes(g));
  if (namedGroup === undefined) throw failure('no ECDHE group in common');
  if (ext.ecPointFormats !== undefined && !ext.ecPointFormats.includes(EcPointFormat.uncompressed)) {
    throw new DtlsError('BAD_VALUE', AlertDescription.illegal_parameter, 'uncompressed points not offered');
  }

  // Without signature_algorithms the default is SHA-1 (RFC 5246 §7.4.1.4.1), which we do not do.
  const signatureScheme = chooseSignatureScheme(prefs.key, ext.signatureAlgorithms ?? []);
  if (signatureScheme === undefined) throw failure('no signature scheme in common');

  const extendedMasterSecret = ext.extendedMasterSecret === true;
  if (!extendedMasterSecret && prefs.extendedMasterSecret === 'require') {
    throw new DtlsHandshakeError(
      'MISSING_EXTENSION',
      AlertDescription.handshake_failure,
      'the client does not offer extended_master_secret (RFC 7627)',
    );
  }

  const info = ext.renegotiationInfo;
  if (info !== undefined && info.length !== 0)
    throw failure('renegotiation_info not empty on an initial handshake');
  const secureRenegotiation =
    info !== undefined || ch.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);

  // RFC 5764 §4.1.1: pick one of the client's profiles; ours decide the order. No common
  // profile: no use_srtp in the answer (the client then decides whether to go on).
  const offeredSrtp = ext.useSrtp?.profiles;
  const srtpProfile =
    offeredSrtp === undefined ? undefined : prefs.srtpProfiles.find((p) => offeredSrtp.includes(p));

  return {
    suite,
    namedGroup,
    signatureScheme,
    extendedMasterSecret,
    secureRenegotiation,
    pointFormats: ext.ecPointFormats !== undefined,
    srtpProfile,
  };
}
