/**
 * What a DTLS 1.2 handshake is configured with (the endpoint resolves its options into this)
 * and what a completed handshake yields.
 */

import type { Fingerprint } from '../../certificate/fingerprint.js';
import type { DtlsCertificate } from '../../certificate/generate.js';
import type { CipherSuiteInfo } from '../../cipher-suites.js';
import type { SrtpProfileInfo } from '../../keys/srtp.js';
import type { CookieSecrets } from '../cookie.js';

export interface Dtls12Config {
  readonly role: 'client' | 'server';
  readonly certificate: DtlsCertificate;
  /** Expected peer fingerprints; undefined until signalling provides them (checked later). */
  remoteFingerprints: readonly Fingerprint[] | undefined;
  /** Cipher suites in our order of preference (already filtered to those this runtime runs). */
  readonly cipherSuites: readonly number[];
  /** ECDHE groups in our order of preference. */
  readonly namedGroups: readonly number[];
  /** SRTP protection profiles in our order of preference; empty: no use_srtp. */
  readonly srtpProfiles: readonly number[];
  /** 'require': refuse peers without extended_master_secret (RFC 7627 §5.2, §5.3). */
  readonly extendedMasterSecret: 'require' | 'prefer';
  /** Server: fail a client that sends no certificate (WebRTC always authenticates both sides). */
  readonly requireClientCertificate: boolean;
  /** Server: HelloVerifyRequest secrets; undefined when a stateless front already checked the cookie. */
  readonly cookies: CookieSecrets | undefined;
  /** A key for the remote address, bound into cookies. */
  readonly remoteKey: string;
}

export interface Dtls12Result {
  readonly cipherSuite: CipherSuiteInfo;
  readonly namedGroup: number;
  /** The negotiated SRTP protection profile (RFC 5764 §4.1.1), if any. */
  readonly srtpProfile: SrtpProfileInfo | undefined;
  readonly extendedMasterSecret: boolean;
  readonly masterSecret: Uint8Array;
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  /** The peer's certificate chain (DER), its own first. Empty only for a server not requiring one. */
  readonly peerCertificates: readonly Uint8Array[];
}
