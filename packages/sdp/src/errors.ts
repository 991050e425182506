/**
 * Typed errors of @purertc/sdp. Parsers throw only {@link SdpParseError}; the JSEP functions
 * throw only {@link JsepError}. Neither ever throws a stray TypeError or RangeError on input.
 */

/** Why a session description (or one of its lines) was rejected. */
export type SdpParseErrorCode =
  /** The text is longer than `maxLength`. */
  | 'TOO_LARGE'
  /** More lines than `maxLines`. */
  | 'TOO_MANY_LINES'
  /** One line longer than `maxLineLength`. */
  | 'LINE_TOO_LONG'
  /** More m= sections than `maxMediaSections`. */
  | 'TOO_MANY_MEDIA'
  /** Not `<letter>=<value>`, an empty line, or a NUL/CR inside a line (RFC 8866 §5). */
  | 'BAD_LINE'
  /** A type letter RFC 8866 does not define; §5 says to reject the whole description. */
  | 'UNKNOWN_TYPE'
  /** v=, o=, s= or t= missing, or v= o= s= not the first three lines (RFC 8866 §5). */
  | 'MISSING_LINE'
  /** A session-level line (v o s u e p t r z) inside an m= section, or a duplicate of one. */
  | 'BAD_ORDER'
  /** A known field or attribute whose value does not follow its grammar. */
  | 'BAD_VALUE';

/**
 * A description that does not parse. `lineNumber` is 1-based (0 when the input was a single
 * value, e.g. a candidate string) and `line` is the offending line without its line ending.
 */
export class SdpParseError extends Error {
  override readonly name = 'SdpParseError';
  constructor(
    readonly code: SdpParseErrorCode,
    readonly lineNumber: number,
    readonly line: string,
    readonly detail: string,
  ) {
    super(lineNumber > 0 ? `line ${lineNumber} ${JSON.stringify(clip(line))}: ${detail}` : detail);
  }

  /** The same error, placed at a line of a description. */
  at(lineNumber: number, line: string): SdpParseError {
    return new SdpParseError(this.code, lineNumber, line, this.detail);
  }
}

function clip(line: string): string {
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

/** Throws a BAD_VALUE error for one value; the reader adds the line number. */
export function badValue(detail: string): never {
  throw new SdpParseError('BAD_VALUE', 0, '', detail);
}

/**
 * Why a JSEP function refused its input. The W3C layer maps these to DOMException names:
 * INVALID_STATE → InvalidStateError, INVALID_DESCRIPTION and INVALID_PARAMETERS →
 * InvalidAccessError (or OperationError where the spec says so).
 */
export type JsepErrorCode =
  /** The signaling state does not allow this step (JSEP §4.1.x, W3C §4.3.1). */
  | 'INVALID_STATE'
  /** A description that breaks a JSEP rule (missing ICE credentials, duplicate mid...). */
  | 'INVALID_DESCRIPTION'
  /** Inputs that contradict each other (two codecs with one payload type, no free one...). */
  | 'INVALID_PARAMETERS';

export class JsepError extends Error {
  override readonly name = 'JsepError';
  constructor(
    readonly code: JsepErrorCode,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
