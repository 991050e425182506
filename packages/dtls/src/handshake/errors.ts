/**
 * Failures of the handshake engine and the endpoint (errors.ts covers the codecs and crypto;
 * these are the connection's own). A `DtlsHandshakeError` is a `DtlsError`, so one
 * `instanceof DtlsError` catches every failure of the package; each carries a `code` for
 * programs and the `alert` (RFC 5246 §7.2) that reports it to the peer when it ends the connection.
 */
import { AlertDescription, alertName } from '../alert.js';
import { DtlsError } from '../errors.js';

export type DtlsHandshakeErrorCode =
  /** The flight was retransmitted the maximum number of times without an answer (RFC 6347 §4.2.4). */
  | 'HANDSHAKE_TIMEOUT'
  /** The peer sent a fatal alert (its description is in `peerAlert`). */
  | 'ALERT_RECEIVED'
  /** A handshake message that the state does not allow (RFC 5246 §7.2.2 unexpected_message). */
  | 'UNEXPECTED_MESSAGE'
  /** The peer's Finished.verify_data is wrong (RFC 5246 §7.4.9: decrypt_error). */
  | 'BAD_FINISHED'
  /** A required extension is absent, e.g. extended_master_secret (RFC 7627 §5.2, §5.3). */
  | 'MISSING_EXTENSION'
  /** The client sent no certificate though one is required (WebRTC, RFC 8827 §6.5). */
  | 'NO_CERTIFICATE'
  /** A ServerHello that answers something we did not offer (RFC 5246 §7.4.1.3, §7.4.1.4). */
  | 'ILLEGAL_PARAMETER'
  /** An operation on a closed or failed endpoint, or before the handshake completed. */
  | 'INVALID_STATE';

export class DtlsHandshakeError extends DtlsError {
  override readonly name: string = 'DtlsHandshakeError';
  declare readonly code: DtlsHandshakeErrorCode;
  constructor(
    code: DtlsHandshakeErrorCode,
    /** The alert description to send if this error ends the connection. */
    alert: AlertDescription,
    detail: string,
    /** For ALERT_RECEIVED: the description the peer sent. */
    readonly peerAlert?: number,
  ) {
    super(code, alert, detail);
  }

  static alertReceived(description: number): DtlsHandshakeError {
    return new DtlsHandshakeError(
      'ALERT_RECEIVED',
      AlertDescription.close_notify,
      `peer sent fatal alert ${alertName(description)} (${description})`,
      description,
    );
  }
}
