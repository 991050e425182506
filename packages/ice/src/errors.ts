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
