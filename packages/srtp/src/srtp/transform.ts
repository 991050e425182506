/**
 * What a profile does to one packet, for one direction and one master key: the session handles
 * parsing, packet indices, replay and statistics; a transform only encrypts and authenticates.
 *
 * Every method writes into `out`, which may be `src` itself (same buffer, same offset: in place).
 * `out` holds the result: for protect `src.length` plus the trailer the profile adds, for
 * unprotect `src.length` minus it. Unprotect writes nothing to `out` unless the packet
 * authenticates.
 */

export interface SrtpTransform {
  /** Bytes SRTP appends (the authentication tag). */
  readonly rtpTagLength: number;
  /** Bytes SRTCP appends (E || SRTCP index, and the tag). */
  readonly rtcpTrailerLength: number;
  /** Where the E || SRTCP index word sits, counted back from the end of an SRTCP packet. */
  readonly rtcpIndexFromEnd: number;

  /** Protects the RTP packet `src` (header `headerLength` bytes) with packet index `index`; returns the length. */
  protectRtp(src: Uint8Array, headerLength: number, out: Uint8Array, ssrc: number, index: number): number;
  /** Verifies and decrypts; returns the RTP packet's length in `out`, or -1 when authentication fails. */
  unprotectRtp(src: Uint8Array, headerLength: number, out: Uint8Array, ssrc: number, index: number): number;
  /** Protects the compound RTCP packet `src` with SRTCP index `index`; returns the length. */
  protectRtcp(src: Uint8Array, out: Uint8Array, ssrc: number, index: number, encrypt: boolean): number;
  /** Verifies and decrypts; returns the RTCP packet's length in `out`, or -1 when authentication fails. */
  unprotectRtcp(src: Uint8Array, out: Uint8Array, ssrc: number, index: number, encrypted: boolean): number;
}

/** True when `a` and `b` start at the same byte of the same memory (an in-place operation). */
export function sameStart(a: Uint8Array, b: Uint8Array): boolean {
  return a.buffer === b.buffer && a.byteOffset === b.byteOffset;
}

/** Copies `src[0, n)` to `out[0, n)`, without making a view when it can (headers are short). */
export function copyPrefix(src: Uint8Array, out: Uint8Array, n: number): void {
  if (n > 64 || src.buffer === out.buffer) {
    // TypedArray.set copies overlapping ranges correctly; a byte loop would not.
    out.set(src.subarray(0, n));
    return;
  }
  for (let i = 0; i < n; i++) out[i] = src[i] as number;
}
