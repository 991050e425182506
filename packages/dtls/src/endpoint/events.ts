/** What a {@link DtlsEndpoint} reports through `pollEvent()`. */
import type { CipherSuiteInfo } from '../cipher-suites.js';
import type { DtlsError } from '../errors.js';
import type { DtlsHandshakeError } from '../handshake/errors.js';
import type { SrtpProfileInfo } from '../keys/srtp.js';

export interface DtlsConnectedEvent {
  readonly type: 'connected';
  readonly cipherSuite: CipherSuiteInfo;
  /** The ECDHE group (`NamedGroup`). */
  readonly namedGroup: number;
  /** The SRTP protection profile chosen by use_srtp (RFC 5764 §4.1.1), if any. */
  readonly srtpProfile: SrtpProfileInfo | undefined;
  /**
   * The DTLS-SRTP keying material (RFC 5764 §4.2): the RFC 5705 exporter with label
   * "EXTRACTOR-dtls_srtp", 2 * (key + salt) bytes of the profile; undefined without a profile.
   * Split it with `splitSrtpKeyingMaterial`.
   */
  readonly keyingMaterial: Uint8Array | undefined;
  /** The peer's certificate (DER); empty only for a server that did not require one. */
  readonly peerCertificate: Uint8Array;
  /** The peer's whole certificate chain, its own first. */
  readonly peerCertificates: readonly Uint8Array[];
  readonly extendedMasterSecret: boolean;
}

export type DtlsEvent =
  | DtlsConnectedEvent
  /** One record of application data. */
  | { readonly type: 'data'; readonly data: Uint8Array }
  /** A failure that ended the endpoint (a 'closed' event follows). */
  | { readonly type: 'error'; readonly error: DtlsError | DtlsHandshakeError }
  /**
   * The endpoint is closed: by `close()` ('local'), by the peer's close_notify ('remote'), or by
   * an error ('error').
   */
  | { readonly type: 'closed'; readonly reason: 'local' | 'remote' | 'error' };

export type DtlsEndpointState = 'new' | 'handshaking' | 'connected' | 'closed' | 'failed';
