/**
 * The options of a {@link DtlsEndpoint} and their defaults, resolved once at construction. Bad
 * options throw here (RangeError, or DtlsError BAD_FINGERPRINT), never later on network input.
 */
import { type Fingerprint, parseFingerprint } from '../certificate/fingerprint.js';
import type { DtlsCertificate } from '../certificate/generate.js';
import { isCipherSuiteSupported, supportedCipherSuites } from '../cipher-suites.js';
import { isSupportedGroup, SUPPORTED_GROUPS } from '../crypto/ecdhe.js';
import { CookieSecrets } from '../handshake/cookie.js';
import { DEFAULT_MTU, MIN_MTU } from '../handshake/flight.js';
import type { ReassemblyLimits } from '../handshake/reassembler.js';
import type { RetransmitOptions } from '../handshake/retransmit.js';
import type { Dtls12Config } from '../handshake/v12/config.js';
import { SRTP_PROFILE_PREFERENCE, srtpProfileInfo } from '../keys/srtp.js';

/**
 * An expected peer fingerprint: SDP's `a=fingerprint` as `{ algorithm: 'sha-256', value:
 * 'AB:CD:...' }`, the whole attribute value as a string (`'sha-256 AB:CD:...'`), or parsed bytes.
 */
export type RemoteFingerprint = Fingerprint | string | { readonly algorithm: string; readonly value: string };

export interface DtlsEndpointOptions {
  readonly role: 'client' | 'server';
  /** Our certificate and key (`generateCertificate()`); ECDSA P-256 or RSA. */
  readonly certificate: DtlsCertificate;
  /**
   * The fingerprints signalled for the peer's certificate (RFC 8122 §5); one match suffices.
   * Leave out when signalling has not delivered them yet: 'connected' then waits for
   * `setRemoteFingerprints`.
   */
  readonly remoteFingerprints?: readonly RemoteFingerprint[];
  /** Largest datagram we send, in bytes (default 1200; at least 256). */
  readonly mtu?: number;
  /** DTLS-SRTP profiles (constants `SrtpProtectionProfile`) in our order of preference; [] for none. */
  readonly srtpProfiles?: readonly number[];
  /** Cipher suites (`CipherSuite`) in our order of preference (default: every suite this runtime runs). */
  readonly cipherSuites?: readonly number[];
  /** ECDHE groups (`NamedGroup`) in our order of preference (default X25519, then P-256). */
  readonly namedGroups?: readonly number[];
  /** 'require' (default) refuses peers without extended_master_secret (RFC 7627); 'prefer' allows them. */
  readonly extendedMasterSecret?: 'require' | 'prefer';
  /** Server: fail clients without a certificate (default true, as WebRTC needs). */
  readonly requireClientCertificate?: boolean;
  /**
   * Server: answer ClientHellos without a valid cookie with a HelloVerifyRequest (RFC 6347
   * §4.2.1; default true). `DtlsServer` checks cookies before it creates endpoints and turns this off.
   */
  readonly cookieExchange?: boolean;
  /** Server: cookie secrets to use (default: the endpoint's own). */
  readonly cookieSecrets?: CookieSecrets;
  /** The remote address as a string, bound into cookies (default ''). */
  readonly remoteKey?: string;
  /** Flight retransmission timer (RFC 6347 §4.2.4.1): initial 1000 ms, max 60 s, 7 retransmissions. */
  readonly retransmit?: RetransmitOptions;
  /** Caps of handshake reassembly. */
  readonly reassembly?: ReassemblyLimits;
  /** Records held back because they arrived early (next epoch before its keys, data before Finished); default 32. */
  readonly maxPendingRecords?: number;
  /** Anti-replay window per epoch (RFC 6347 §4.1.2.6; default 64). */
  readonly replayWindowSize?: number;
}

export interface ResolvedOptions {
  readonly config: Dtls12Config;
  readonly mtu: number;
  readonly retransmit: RetransmitOptions | undefined;
  readonly reassembly: ReassemblyLimits | undefined;
  readonly maxPendingRecords: number;
  readonly replayWindowSize: number | undefined;
}

export function parseRemoteFingerprints(list: readonly RemoteFingerprint[]): Fingerprint[] {
  return list.map((f) => {
    if (typeof f === 'string') return parseFingerprint(f);
    if (typeof f.value === 'string') return parseFingerprint(`${f.algorithm} ${f.value}`);
    return f as Fingerprint;
  });
}

export function resolveOptions(o: DtlsEndpointOptions): ResolvedOptions {
  if (o.role !== 'client' && o.role !== 'server') throw new RangeError(`role must be 'client' or 'server'`);
  const mtu = o.mtu ?? DEFAULT_MTU;
  if (!Number.isInteger(mtu) || mtu < MIN_MTU || mtu > 65507)
    throw new RangeError(`mtu must be ${MIN_MTU}..65507`);
  const cipherSuites = (o.cipherSuites ?? supportedCipherSuites()).filter(isCipherSuiteSupported);
  if (cipherSuites.length === 0) throw new RangeError('no usable cipher suite');
  const namedGroups = o.namedGroups ?? SUPPORTED_GROUPS;
  if (namedGroups.length === 0 || !namedGroups.every(isSupportedGroup)) {
    throw new RangeError('namedGroups must list X25519 and/or secp256r1');
  }
  const srtpProfiles = o.srtpProfiles ?? SRTP_PROFILE_PREFERENCE;
  if (!srtpProfiles.every((p) => srtpProfileInfo(p) !== undefined))
    throw new RangeError('unknown SRTP profile');
  const maxPendingRecords = o.maxPendingRecords ?? 32;
  if (!(maxPendingRecords >= 0)) throw new RangeError('maxPendingRecords must be >= 0');
  const cookieExchange = o.role === 'server' && (o.cookieExchange ?? true);
  return {
    config: {
      role: o.role,
      certificate: o.certificate,
      remoteFingerprints:
        o.remoteFingerprints === undefined ? undefined : parseRemoteFingerprints(o.remoteFingerprints),
      cipherSuites,
      namedGroups,
      srtpProfiles,
      extendedMasterSecret: o.extendedMasterSecret ?? 'require',
      requireClientCertificate: o.requireClientCertificate ?? true,
      cookies: cookieExchange ? (o.cookieSecrets ?? new CookieSecrets()) : undefined,
      remoteKey: o.remoteKey ?? '',
    },
    mtu,
    retransmit: o.retransmit,
    reassembly: o.reassembly,
    maxPendingRecords,
    replayWindowSize: o.replayWindowSize,
  };
}
