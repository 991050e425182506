/**
 * The Alert protocol (RFC 5246 §7.2, RFC 6347 §4.1.2.7): content type 21, two bytes
 * `level, description`. In DTLS an alert is a record like any other: it is protected once the
 * epoch has keys and it is never retransmitted.
 */
import { DtlsParseError } from './errors.js';

export const AlertLevel = {
  warning: 1,
  fatal: 2,
} as const;
export type AlertLevel = (typeof AlertLevel)[keyof typeof AlertLevel];

/** Alert descriptions (RFC 5246 §7.2, RFC 8446 §6 for the later registrations). */
export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  decryption_failed: 21,
  record_overflow: 22,
  decompression_failure: 30,
  handshake_failure: 40,
  no_certificate: 41,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  export_restriction: 60,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  no_renegotiation: 100,
  missing_extension: 109,
  unsupported_extension: 110,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  unknown_psk_identity: 115,
  certificate_required: 116,
  no_application_protocol: 120,
} as const;
/** An alert description; a peer may send values not listed above, so any byte is a valid description. */
export type AlertDescription = (typeof AlertDescription)[keyof typeof AlertDescription] | (number & {});

export interface Alert {
  readonly level: number;
  readonly description: number;
}

export const ALERT_LENGTH = 2;

const names = new Map<number, string>(Object.entries(AlertDescription).map(([name, value]) => [value, name]));

/** The RFC name of an alert description (`bad_record_mac`), or `unknown(<n>)`. */
export function alertName(description: number): string {
  return names.get(description) ?? `unknown(${description})`;
}

/** Encodes an alert record payload. */
export function encodeAlert(alert: Alert): Uint8Array {
  return Uint8Array.of(alert.level & 0xff, alert.description & 0xff);
}

/**
 * Decodes an alert record payload. Exactly two bytes: RFC 5246 §6.2.1 allows one record to carry
 * several alerts, but no implementation does and RFC 8446 §5.1 forbids it, so more is an error.
 * Unknown levels are kept (the caller treats anything but `warning` as fatal, RFC 5246 §7.2).
 */
export function decodeAlert(payload: Uint8Array): Alert {
  if (payload.length < ALERT_LENGTH) {
    throw new DtlsParseError(
      'TRUNCATED',
      'alert',
      payload.length,
      `alert needs 2 bytes, got ${payload.length}`,
    );
  }
  if (payload.length > ALERT_LENGTH) {
    throw new DtlsParseError('TRAILING_BYTES', 'alert', ALERT_LENGTH, `alert has ${payload.length} bytes`);
  }
  return { level: payload[0] as number, description: payload[1] as number };
}

/**
 * Whether an alert ends the connection: any fatal alert (and any unknown level, RFC 5246 §7.2),
 * and close_notify, which is sent as a warning (RFC 5246 §7.2.1).
 */
export function alertClosesConnection(alert: Alert): boolean {
  return alert.level !== AlertLevel.warning || alert.description === AlertDescription.close_notify;
}
