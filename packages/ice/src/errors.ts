/** Typed errors of @purertc/ice. */

/** A candidate attribute (RFC 8839 §5.1) that does not parse; `field` names the bad part. */
export class IceCandidateParseError extends Error {
  override readonly name = 'IceCandidateParseError';
  readonly code = 'BAD_CANDIDATE';
  constructor(
    readonly field: string,
    readonly input: string,
    detail: string,
  ) {
    super(
      `candidate ${field}: ${detail} in ${JSON.stringify(input.length > 200 ? `${input.slice(0, 200)}...` : input)}`,
    );
  }
}

/** Why a DNS/mDNS message or a DNS name was rejected (RFC 1035 §4.1, RFC 6762 §18). */
export type MdnsParseErrorCode =
  /** The message or a field ended before its stated length. */
  | 'TRUNCATED'
  /** Larger than an mDNS message may be (RFC 6762 §17: 9000 bytes). */
  | 'TOO_LARGE'
  /** More questions or records than the decoder's cap. */
  | 'TOO_MANY_RECORDS'
  /** A label with a reserved length prefix (0x40/0x80, RFC 6891 §5), empty, or over 63 octets. */
  | 'BAD_LABEL'
  /** A compression pointer that does not point backwards or chains too deep (RFC 1035 §4.1.4). */
  | 'BAD_POINTER'
  /** A name over 255 octets on the wire (RFC 1035 §2.3.4). */
  | 'NAME_TOO_LONG'
  /** RDATA whose length does not fit its type (A is 4 bytes, AAAA 16). */
  | 'BAD_RDATA';

/** A DNS message, record or name that does not follow the wire format. `field` names what was wrong. */
export class MdnsParseError extends Error {
  override readonly name = 'MdnsParseError';
  constructor(
    readonly code: MdnsParseErrorCode,
    readonly field: string,
    /** Byte offset in the message (or character offset in a text name) where the problem lies. */
    readonly offset: number,
    detail: string,
  ) {
    super(`${field} at offset ${offset}: ${detail}`);
  }
}

/** Why an mDNS resolution or the mDNS service failed. */
export type MdnsErrorCode =
  /** No response within the resolver's timeout: the name's owner is not on this link. */
  | 'TIMEOUT'
  /** Not a name we resolve: not under `.local`, or not a valid DNS name. */
  | 'INVALID_NAME'
  /** Too many names pending, or too many registered (every such list has a cap). */
  | 'OVERLOADED'
  /** No address family could join the mDNS group: no multicast-capable interface or route. */
  | 'NO_MULTICAST'
  /** Every query for the name failed to leave the host (EPERM, ENETUNREACH, ...). */
  | 'SEND_FAILED'
  /** The service was closed while the resolution was pending. */
  | 'CLOSED';

/** An mDNS resolution or service failure; `cause` carries the socket error when there is one. */
export class MdnsError extends Error {
  override readonly name = 'MdnsError';
  constructor(
    readonly code: MdnsErrorCode,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${detail}`, options);
  }
}
