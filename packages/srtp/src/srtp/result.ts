/**
 * What `unprotect` and `unprotectRtcp` return when they drop a packet. Network input never makes
 * an SRTP session throw: a failure is a plain object (no Error, no stack trace to capture under a
 * flood), counted in the session's statistics for its SSRC.
 */

export type SrtpFailureCode =
  /** Too short, not version 2, a header that runs past the tag: nothing to authenticate. */
  | 'MALFORMED'
  /** The authentication tag does not match (wrong key, corrupted or forged packet). */
  | 'AUTH_FAILED'
  /** The packet index was accepted before, or is older than the replay window (RFC 3711 §3.3.2). */
  | 'REPLAYED'
  /** The caller's output buffer is smaller than the packet. */
  | 'BUFFER_TOO_SMALL';

export interface SrtpFailure {
  readonly code: SrtpFailureCode;
  /** The SSRC the packet named, when it was long enough to name one. */
  readonly ssrc: number | undefined;
  readonly detail: string;
}

/** Narrows an `unprotect` result: true for a dropped packet. */
export function isSrtpFailure(result: Uint8Array | SrtpFailure): result is SrtpFailure {
  return !(result instanceof Uint8Array);
}

export function failure(code: SrtpFailureCode, ssrc: number | undefined, detail: string): SrtpFailure {
  return { code, ssrc, detail };
}
