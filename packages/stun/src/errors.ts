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
