/**
 * Typed errors of @purertc/stun. Parsers throw only {@link StunParseError}; engines never throw on
 * network input (they drop and count), but report failures to their caller with the classes below.
 */

/** Why a STUN message (or one of its attributes) was rejected. */
export type StunParseErrorCode =
  | 'TRUNCATED'
  | 'NOT_STUN'
  | 'BAD_LENGTH'
  | 'TOO_LARGE'
  | 'TOO_MANY_ATTRIBUTES'
  | 'BAD_ATTRIBUTE'
  | 'BAD_ADDRESS';

/** A message or attribute that does not follow the wire format. `field` names what was wrong. */
export class StunParseError extends Error {
  override readonly name = 'StunParseError';
  constructor(
    readonly code: StunParseErrorCode,
    readonly field: string,
    readonly offset: number,
    detail: string,
  ) {
    super(`${field} at offset ${offset}: ${detail}`);
  }
}

/** A request that got no answer within the RFC 8489 §6.2.1 schedule (Rc sends, then Rm * RTO). */
export class StunTimeoutError extends Error {
  override readonly name = 'StunTimeoutError';
  constructor(readonly method: number) {
    super(`STUN request (method 0x${method.toString(16)}) timed out`);
  }
}

/**
 * An error response (class 0b11) to one of our requests, with its ERROR-CODE (RFC 8489 §14.8).
 * TURN failures such as 401 Unauthorized after credentials were sent, 403 Forbidden or
 * 486 Allocation Quota Reached arrive as this error.
 */
export class StunErrorResponse extends Error {
  override readonly name = 'StunErrorResponse';
  constructor(
    readonly code: number,
    readonly reason: string,
    readonly method: number,
  ) {
    super(`STUN error ${code} ${reason} (method 0x${method.toString(16)})`);
  }
}

/** An address string that is neither a dotted IPv4 nor an IPv6 literal. */
export class AddressParseError extends Error {
  override readonly name = 'AddressParseError';
  readonly code = 'BAD_ADDRESS';
  constructor(readonly input: string) {
    super(`not an IPv4 or IPv6 address: ${JSON.stringify(input)}`);
  }
}

/** Why the TURN client (RFC 8656) gave up on something, when no STUN error code says it. */
export type TurnErrorCode =
  /** A command that the allocation's state does not allow (allocate twice, send before allocating). */
  | 'INVALID_STATE'
  /** Responses that failed or lacked MESSAGE-INTEGRITY (RFC 8489 §9.2.5). */
  | 'INTEGRITY'
  /** A success response without the attributes RFC 8656 requires (e.g. XOR-RELAYED-ADDRESS). */
  | 'BAD_RESPONSE'
  /** The server's nonce cookie announced PASSWORD-ALGORITHMS but the list was missing (RFC 8489 §9.2.5). */
  | 'BID_DOWN'
  /** The allocation's lifetime ran out before a Refresh succeeded (RFC 8656 §8). */
  | 'ALLOCATION_EXPIRED'
  /** All 4096 channel numbers are in use or cooling down (RFC 8656 §12). */
  | 'NO_CHANNEL'
  /** The TCP/TLS stream carried bytes that are neither STUN nor ChannelData; framing is lost. */
  | 'STREAM_CORRUPT'
  /** The connection to the server closed; over TCP/TLS that ends the allocation (RFC 8656 §2.1). */
  | 'CONNECTION_CLOSED'
  /** The client was closed while the request was pending. */
  | 'CLOSED';

/** A TURN client failure that is not a STUN error response or timeout. */
export class TurnError extends Error {
  override readonly name = 'TurnError';
  constructor(
    readonly code: TurnErrorCode,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
