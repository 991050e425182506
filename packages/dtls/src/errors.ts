/**
 * Typed errors of @purertc/dtls.
 *
 * Every error carries a `code` (what went wrong, for programs) and the TLS `alert` description
 * (RFC 5246 §7.2.2, RFC 6347 §4.1.2.7) that the handshake engine should send when the error is
 * fatal to a connection. Parsers throw only {@link DtlsParseError} (a `DtlsError` that also names
 * the offending field and its byte offset); crypto and certificate helpers throw `DtlsError`.
 * The record layer never throws on network input: it drops and counts (see record/record-layer.ts).
 *
 * The handshake engine may append codes to {@link DtlsErrorCode} for its own failures.
 */

import { AlertDescription } from './alert.js';
import type { DtlsHandshakeErrorCode } from './handshake/errors.js';

/** Why a wire structure was rejected by a parser. */
export type DtlsParseErrorCode =
  /** The input ended inside a field. */
  | 'TRUNCATED'
  /** A length prefix disagrees with the bytes around it or with the structure's rules. */
  | 'BAD_LENGTH'
  /** A vector or message is longer than this implementation accepts (a cap against hostile input). */
  | 'TOO_LARGE'
  /** More entries (extensions, cipher suites, certificates...) than this implementation accepts. */
  | 'TOO_MANY'
  /** A field holds a value the protocol forbids (e.g. a non-empty extended_master_secret). */
  | 'BAD_VALUE'
  /** The same extension type twice in one hello (RFC 5246 §7.4.1.4). */
  | 'DUPLICATE_EXTENSION'
  /** Bytes left over after the structure ended. */
  | 'TRAILING_BYTES';

export type DtlsErrorCode =
  | DtlsParseErrorCode
  /** The handshake engine's own codes (handshake/errors.ts): timeouts, alerts, bad Finished... */
  | DtlsHandshakeErrorCode
  /** The peer's ECDHE public value is not a valid point, or a low-order one (RFC 8422 §5.11, RFC 7748 §6.1). */
  | 'INVALID_PEER_KEY'
  /** A named group that this implementation does not implement. */
  | 'UNSUPPORTED_GROUP'
  /** A signature scheme that does not fit the key, or that this implementation lacks. */
  | 'UNSUPPORTED_SIGNATURE_SCHEME'
  /** A handshake signature (ServerKeyExchange, CertificateVerify) did not verify. */
  | 'BAD_SIGNATURE'
  /** A certificate that cannot be parsed or whose key cannot be used. */
  | 'BAD_CERTIFICATE'
  /** A certificate with a key type this implementation does not accept (only EC P-256 and RSA). */
  | 'UNSUPPORTED_CERTIFICATE'
  /** The peer's certificate does not match the fingerprint from signalling (RFC 8122 §5). */
  | 'FINGERPRINT_MISMATCH'
  /** A fingerprint string (SDP a=fingerprint) that does not parse. */
  | 'BAD_FINGERPRINT'
  /** A private key (or PKCS#8 blob) that cannot be used for signing. */
  | 'BAD_KEY'
  /** A cipher suite this runtime cannot run (e.g. ChaCha20-Poly1305 on a runtime without it). */
  | 'UNSUPPORTED_CIPHER_SUITE'
  /** The 48-bit record sequence number of an epoch ran out (RFC 6347 §4.1). */
  | 'SEQUENCE_EXHAUSTED'
  /** An API call that the object's state does not allow (e.g. sealing in an epoch without keys). */
  | 'INVALID_STATE'
  /** Negotiation found nothing in common (RFC 5246 §7.2.2 handshake_failure). */
  | 'HANDSHAKE_FAILURE'
  /** The peer does not offer DTLS 1.2 (RFC 5246 §7.2.2 protocol_version). */
  | 'PROTOCOL_VERSION';

/** A DTLS failure with the alert that reports it to the peer. */
export class DtlsError extends Error {
  override readonly name: string = 'DtlsError';
  constructor(
    readonly code: DtlsErrorCode,
    /** The alert description (RFC 5246 §7.2) to send if this error ends the connection. */
    readonly alert: AlertDescription,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/**
 * A wire structure that does not follow its format. `field` names what was wrong and `offset`
 * is its byte offset in the buffer the parser was given (a handshake body, a record, a datagram).
 */
export class DtlsParseError extends DtlsError {
  override readonly name: string = 'DtlsParseError';
  constructor(
    override readonly code: DtlsParseErrorCode,
    readonly field: string,
    readonly offset: number,
    detail: string,
    alert: AlertDescription = code === 'BAD_VALUE'
      ? AlertDescription.illegal_parameter
      : AlertDescription.decode_error,
  ) {
    super(code, alert, `${field} at offset ${offset}: ${detail}`);
  }
}
