/**
 * Error causes (RFC 9260 §3.3.10), the value of ERROR and ABORT chunks: code, length, info.
 */
import { readU16, readU32, writeU16, writeU32 } from '../bytes.js';
import { decodeParams, encodeParam } from '../params/param.js';

export const ErrorCauseCode = {
  InvalidStreamIdentifier: 1,
  MissingMandatoryParameter: 2,
  StaleCookie: 3,
  OutOfResource: 4,
  UnresolvableAddress: 5,
  UnrecognizedChunkType: 6,
  InvalidMandatoryParameter: 7,
  UnrecognizedParameters: 8,
  NoUserData: 9,
  CookieReceivedWhileShuttingDown: 10,
  RestartWithNewAddresses: 11,
  UserInitiatedAbort: 12,
  ProtocolViolation: 13,
} as const;

export interface ErrorCause {
  readonly code: number;
  /** The cause-specific information (a view). */
  readonly info: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeErrorCause(code: number, info: Uint8Array = new Uint8Array(0)): Uint8Array {
  return encodeParam(code, info);
}

export function decodeErrorCauses(bytes: Uint8Array, start: number, end: number): ErrorCause[] {
  return decodeParams(bytes, start, end, 'error cause').map((p) => ({ code: p.type, info: p.value }));
}

/** User-Initiated Abort (§3.3.10.12) with an optional reason, truncated to 256 bytes. */
export function userInitiatedAbort(reason = ''): Uint8Array {
  return encodeErrorCause(ErrorCauseCode.UserInitiatedAbort, encoder.encode(reason).subarray(0, 256));
}

/** Protocol Violation (§3.3.10.13) with a short explanation. */
export function protocolViolation(text: string): Uint8Array {
  return encodeErrorCause(ErrorCauseCode.ProtocolViolation, encoder.encode(text).subarray(0, 256));
}

/** Stale Cookie (§3.3.10.3): how late the cookie came, in microseconds. */
export function staleCookie(stalenessMicros: number): Uint8Array {
  const v = new Uint8Array(4);
  writeU32(v, 0, Math.min(0xffffffff, Math.max(0, Math.round(stalenessMicros))));
  return encodeErrorCause(ErrorCauseCode.StaleCookie, v);
}

/** Unrecognized Chunk Type (§3.3.10.6): the chunk as received (header included). */
export function unrecognizedChunk(chunk: Uint8Array): Uint8Array {
  return encodeErrorCause(ErrorCauseCode.UnrecognizedChunkType, chunk.subarray(0, 512));
}

/** Unrecognized Parameters (§3.3.10.8): the parameters as received. */
export function unrecognizedParameters(params: Uint8Array): Uint8Array {
  return encodeErrorCause(ErrorCauseCode.UnrecognizedParameters, params);
}

/** Invalid Stream Identifier (§3.3.10.1). */
export function invalidStreamIdentifier(streamId: number): Uint8Array {
  const v = new Uint8Array(4);
  writeU16(v, 0, streamId);
  return encodeErrorCause(ErrorCauseCode.InvalidStreamIdentifier, v);
}

/** Missing Mandatory Parameter (§3.3.10.2). */
export function missingMandatoryParameter(types: readonly number[]): Uint8Array {
  const v = new Uint8Array(4 + 2 * types.length);
  writeU32(v, 0, types.length);
  types.forEach((t, i) => {
    writeU16(v, 4 + 2 * i, t);
  });
  return encodeErrorCause(ErrorCauseCode.MissingMandatoryParameter, v);
}

/** No User Data (§3.3.10.9): the TSN of the empty DATA chunk. */
export function noUserData(tsn: number): Uint8Array {
  const v = new Uint8Array(4);
  writeU32(v, 0, tsn);
  return encodeErrorCause(ErrorCauseCode.NoUserData, v);
}

/** Out of Resource (§3.3.10.4). */
export function outOfResource(): Uint8Array {
  return encodeErrorCause(ErrorCauseCode.OutOfResource);
}

/** A human-readable line for one cause, for 'closed' and 'error' events. */
export function describeErrorCause(c: ErrorCause): string {
  const name = Object.entries(ErrorCauseCode).find(([, v]) => v === c.code)?.[0] ?? `cause ${c.code}`;
  if (c.code === ErrorCauseCode.UserInitiatedAbort || c.code === ErrorCauseCode.ProtocolViolation) {
    return c.info.length > 0 ? `${name}: ${decoder.decode(c.info)}` : name;
  }
  if (c.code === ErrorCauseCode.StaleCookie && c.info.length >= 4)
    return `${name} (${readU32(c.info, 0)} us)`;
  if (c.code === ErrorCauseCode.InvalidStreamIdentifier && c.info.length >= 2) {
    return `${name} ${readU16(c.info, 0)}`;
  }
  return name;
}
