/**
 * RTCConfiguration (webrtc-pc §4.2.1) with its checks (§4.4.1.3 "set the configuration"), plus
 * the few purertc extensions a Node peer needs (which host addresses to gather on, shorter
 * consent timeouts for tests). Unknown members are ignored, as browsers do.
 */
import type { HostAddressOptions, IceServerConfig } from '@purertc/ice';
import { parseServerUrl, ServerUrlError } from '@purertc/ice';
import { RTCCertificate } from './certificate.js';
import { invalidAccess, syntaxError } from './errors.js';

export type RTCIceTransportPolicy = 'relay' | 'all';
export type RTCBundlePolicy = 'balanced' | 'max-compat' | 'max-bundle';
export type RTCRtcpMuxPolicy = 'require';

export interface RTCIceServer {
  readonly urls: string | readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

export interface RTCConfiguration {
  readonly iceServers?: readonly RTCIceServer[];
  readonly iceTransportPolicy?: RTCIceTransportPolicy;
  readonly bundlePolicy?: RTCBundlePolicy;
  readonly rtcpMuxPolicy?: RTCRtcpMuxPolicy;
  readonly certificates?: readonly RTCCertificate[];
  readonly iceCandidatePoolSize?: number;
  /** purertc: which local addresses get host candidates (default: non-loopback, or loopback when alone). */
  readonly hostAddresses?: HostAddressOptions;
  /** purertc: hide host addresses behind mDNS `.local` names (default false in Node). */
  readonly mdnsHostNames?: boolean;
  /** purertc: ms without input before iceConnectionState 'disconnected' (default 5000). */
  readonly iceDisconnectedTimeout?: number;
  /** purertc: ms without consent before 'failed' (RFC 7675 §5.1; default 30000). */
  readonly iceConsentTimeout?: number;
  /** purertc: interval of consent checks in ms (default 5000). */
  readonly iceConsentInterval?: number;
}

/** The configuration as stored and returned by getConfiguration(). */
export interface ResolvedConfiguration {
  readonly iceServers: RTCIceServer[];
  readonly iceTransportPolicy: RTCIceTransportPolicy;
  readonly bundlePolicy: RTCBundlePolicy;
  readonly rtcpMuxPolicy: RTCRtcpMuxPolicy;
  readonly certificates: RTCCertificate[];
  readonly iceCandidatePoolSize: number;
  readonly hostAddresses?: HostAddressOptions;
  readonly mdnsHostNames: boolean;
  readonly iceDisconnectedTimeout?: number;
  readonly iceConsentTimeout?: number;
  readonly iceConsentInterval?: number;
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new TypeError(`${name}: '${String(value)}' is not one of ${allowed.join(', ')}`);
}

function positive(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new TypeError(`${name} must be a positive number`);
  return value;
}

/** §4.4.1.3 steps for iceServers: every URL parses, TURN URLs carry username and credential. */
function checkIceServers(servers: unknown): RTCIceServer[] {
  if (servers === undefined) return [];
  if (!Array.isArray(servers)) throw new TypeError('iceServers must be a sequence');
  return servers.map((server: unknown) => {
    if (server === null || typeof server !== 'object') throw new TypeError('RTCIceServer must be an object');
    const s = server as RTCIceServer;
    const urls = typeof s.urls === 'string' ? [s.urls] : Array.isArray(s.urls) ? [...s.urls] : undefined;
    if (urls === undefined || urls.length === 0) throw syntaxError('RTCIceServer.urls is empty');
    for (const url of urls) {
      let parsed: ReturnType<typeof parseServerUrl>;
      try {
        parsed = parseServerUrl(String(url));
      } catch (e) {
        if (e instanceof ServerUrlError) throw syntaxError(`${url}: ${e.message}`);
        throw e;
      }
      if (parsed.scheme.startsWith('turn') && (s.username === undefined || s.credential === undefined)) {
        throw invalidAccess(`${url}: a TURN server needs username and credential`);
      }
    }
    return {
      urls: typeof s.urls === 'string' ? s.urls : [...urls],
      ...(s.username === undefined ? {} : { username: String(s.username) }),
      ...(s.credential === undefined ? {} : { credential: String(s.credential) }),
    };
  });
}

export function resolveConfiguration(c: RTCConfiguration = {}): ResolvedConfiguration {
  if (c === null || typeof c !== 'object') throw new TypeError('RTCConfiguration must be an object');
  const certificates = [...(c.certificates ?? [])];
  for (const cert of certificates) {
    if (!(cert instanceof RTCCertificate)) throw new TypeError('certificates must be RTCCertificate objects');
    if (cert.expires <= Date.now()) throw invalidAccess('an RTCCertificate in the configuration has expired');
  }
  const pool = c.iceCandidatePoolSize ?? 0;
  if (!Number.isInteger(pool) || pool < 0 || pool > 255)
    throw new TypeError('iceCandidatePoolSize must be an octet');
  return {
    iceServers: checkIceServers(c.iceServers),
    iceTransportPolicy: oneOf('iceTransportPolicy', c.iceTransportPolicy, ['all', 'relay'], 'all'),
    bundlePolicy: oneOf('bundlePolicy', c.bundlePolicy, ['balanced', 'max-compat', 'max-bundle'], 'balanced'),
    rtcpMuxPolicy: oneOf('rtcpMuxPolicy', c.rtcpMuxPolicy, ['require'], 'require'),
    certificates,
    iceCandidatePoolSize: pool,
    ...(c.hostAddresses === undefined ? {} : { hostAddresses: c.hostAddresses }),
    mdnsHostNames: c.mdnsHostNames === true,
    ...(c.iceDisconnectedTimeout === undefined
      ? {}
      : { iceDisconnectedTimeout: positive('iceDisconnectedTimeout', c.iceDisconnectedTimeout) }),
    ...(c.iceConsentTimeout === undefined
      ? {}
      : { iceConsentTimeout: positive('iceConsentTimeout', c.iceConsentTimeout) }),
    ...(c.iceConsentInterval === undefined
      ? {}
      : { iceConsentInterval: positive('iceConsentInterval', c.iceConsentInterval) }),
  };
}

/**
 * setConfiguration (§4.4.1.4 "set the configuration" with an existing one): certificates and
 * bundlePolicy / rtcpMuxPolicy may not change (InvalidModificationError).
 */
export function updateConfiguration(
  current: ResolvedConfiguration,
  next: RTCConfiguration,
  gathering: boolean,
): ResolvedConfiguration {
  const resolved = resolveConfiguration(next);
  const modified = (what: string): DOMException =>
    new DOMException(`${what} cannot change after construction`, 'InvalidModificationError');
  if (next.certificates !== undefined) {
    const same =
      resolved.certificates.length === current.certificates.length &&
      resolved.certificates.every((c, i) => c === current.certificates[i]);
    if (!same) throw modified('certificates');
  }
  if (resolved.bundlePolicy !== current.bundlePolicy) throw modified('bundlePolicy');
  if (resolved.rtcpMuxPolicy !== current.rtcpMuxPolicy) throw modified('rtcpMuxPolicy');
  // §4.4.1.4 step: the pool size may change until setLocalDescription has started gathering.
  if (resolved.iceCandidatePoolSize !== current.iceCandidatePoolSize && gathering) {
    throw modified('iceCandidatePoolSize');
  }
  return { ...resolved, certificates: current.certificates };
}

export function toIceServerConfigs(servers: readonly RTCIceServer[]): IceServerConfig[] {
  return servers.map((s) => ({ urls: s.urls, username: s.username, credential: s.credential }));
}
