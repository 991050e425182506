/**
 * Typed errors of @purertc/sctp. Parsers throw only {@link SctpParseError}; the association never
 * throws on network input (it drops, counts and goes on) and throws {@link SctpError} only when
 * the caller asks for something the association cannot do.
 */

/** Why a packet, chunk, parameter or DCEP message was rejected. */
export type SctpParseErrorCode =
  /** Shorter than its header or than a length field says. */
  | 'TRUNCATED'
  /** CRC32c mismatch (RFC 9260 §6.8). */
  | 'BAD_CHECKSUM'
  /** A length field below its minimum, or not fitting the enclosing structure. */
  | 'BAD_LENGTH'
  /** A chunk whose fields break RFC 9260 (e.g. DATA without user data). */
  | 'BAD_CHUNK'
  /** A parameter or error cause whose fields break its RFC. */
  | 'BAD_PARAMETER'
  /** More chunks or parameters than any sane peer sends. */
  | 'TOO_MANY'
  /** A DCEP message (RFC 8832 §5) that does not follow the wire format. */
  | 'BAD_DCEP';

/** Input that does not follow the wire format. `field` names what was wrong, `offset` where. */
export class SctpParseError extends Error {
  override readonly name = 'SctpParseError';
  constructor(
    readonly code: SctpParseErrorCode,
    readonly field: string,
    readonly offset: number,
    detail: string,
  ) {
    super(`${field} at offset ${offset}: ${detail}`);
  }
}

/** Why a call on the association was refused. The W3C layer maps these to DOMException names. */
export type SctpErrorCode =
  /** The association or channel is not in a state that allows this (InvalidStateError). */
  | 'INVALID_STATE'
  /** bufferedAmount would exceed the send buffer (RTCDataChannel.send: OperationError). */
  | 'SEND_BUFFER_FULL'
  /** Larger than the peer's max-message-size (RFC 8841 §6.1; RTCDataChannel.send: TypeError). */
  | 'MESSAGE_TOO_LARGE'
  /** No channel with that id. */
  | 'UNKNOWN_CHANNEL'
  /** The stream id is taken, or not yet free after a reset (OperationError). */
  | 'CHANNEL_ID_IN_USE'
  /** Every stream id of our parity is in use (OperationError). */
  | 'NO_CHANNEL_ID'
  /** An option out of range (TypeError / RangeError). */
  | 'INVALID_ARGUMENT';

export class SctpError extends Error {
  override readonly name = 'SctpError';
  constructor(
    readonly code: SctpErrorCode,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
