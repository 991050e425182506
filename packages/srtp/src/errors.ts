/**
 * Typed errors of @purertc/srtp.
 *
 * - Parsers throw only {@link RtpParseError} (RTP) or {@link RtcpParseError} (RTCP), with a `code`,
 *   the offending `field` and its byte `offset`.
 * - Encoders throw {@link RtpEncodeError} / {@link RtcpEncodeError} for values that do not fit the
 *   wire format (an extension id of 16 in the one-byte form, 32 CSRCs...).
 * - {@link SrtpSession} never throws on network input: `unprotect` and `unprotectRtcp` return an
 *   {@link SrtpFailure} (see `srtp/result.ts`) and count it per SSRC. Only caller mistakes throw
 *   {@link SrtpError}: a bad key length, an RTP packet of our own that does not parse, an output
 *   buffer too small for `protect`, an exhausted packet index.
 */

/** Why an RTP or RTCP packet was rejected. */
export type ParseErrorCode =
  /** Fewer bytes than a header or a length field announces. */
  | 'TRUNCATED'
  /** Version field other than 2 (RFC 3550 §5.1, §6.4.1). */
  | 'BAD_VERSION'
  /** A length field that disagrees with the bytes present or with the packet type. */
  | 'BAD_LENGTH'
  /** A padding count of zero or larger than the packet (RFC 3550 §5.1). */
  | 'BAD_PADDING'
  /** A header extension element that overruns its block (RFC 8285 §4.2, §4.3). */
  | 'BAD_EXTENSION'
  /** A field value the format does not allow (an SDES chunk without terminator, a REMB id...). */
  | 'BAD_FIELD'
  /** More items than the parser's cap (hostile input must not grow our memory without bound). */
  | 'TOO_LARGE';

abstract class PacketParseError extends Error {
  constructor(
    readonly code: ParseErrorCode,
    readonly field: string,
    readonly offset: number,
    detail: string,
  ) {
    super(`${field} at offset ${offset}: ${detail}`);
  }
}

/** An RTP packet (RFC 3550 §5.1, RFC 8285) that does not follow the wire format. */
export class RtpParseError extends PacketParseError {
  override readonly name = 'RtpParseError';
}

/** An RTCP packet (RFC 3550 §6, RFC 4585, RFC 5104...) that does not follow the wire format. */
export class RtcpParseError extends PacketParseError {
  override readonly name = 'RtcpParseError';
}

/** A value that cannot be written in the RTP wire format. `field` names it. */
export class RtpEncodeError extends Error {
  override readonly name = 'RtpEncodeError';
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
  }
}

/** A value that cannot be written in the RTCP wire format. `field` names it. */
export class RtcpEncodeError extends Error {
  override readonly name = 'RtcpEncodeError';
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
  }
}

/** Why an SRTP session refused to do something its caller asked (never network input). */
export type SrtpErrorCode =
  /** Unknown protection profile id. */
  | 'BAD_PROFILE'
  /** Master key, salt or keying material of the wrong length for the profile. */
  | 'BAD_KEY'
  /** A bad option (replay window size, stream cap...). */
  | 'BAD_OPTION'
  /** The RTP/RTCP packet handed to `protect`/`protectRtcp` does not parse. */
  | 'MALFORMED'
  /** The output buffer cannot hold the result. */
  | 'BUFFER_TOO_SMALL'
  /** 2^48 SRTP or 2^31 SRTCP packets under one key (RFC 3711 §9.2): re-key. */
  | 'INDEX_EXHAUSTED';

export class SrtpError extends Error {
  override readonly name = 'SrtpError';
  constructor(
    readonly code: SrtpErrorCode,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
