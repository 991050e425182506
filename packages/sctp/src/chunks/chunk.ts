/**
 * What every chunk shares (RFC 9260 §3.2): type, flags, length, a value padded to 4 bytes, and
 * the rule for types a receiver does not know, carried in the type's two upper bits.
 */
import { pad4, writeU16 } from '../bytes.js';
import { SctpParseError } from '../errors.js';

export const ChunkType = {
  Data: 0,
  Init: 1,
  InitAck: 2,
  Sack: 3,
  Heartbeat: 4,
  HeartbeatAck: 5,
  Abort: 6,
  Shutdown: 7,
  ShutdownAck: 8,
  Error: 9,
  CookieEcho: 10,
  CookieAck: 11,
  ShutdownComplete: 14,
  /** RFC 6525 §3.1. */
  ReConfig: 130,
  /** RFC 3758 §3.2. */
  ForwardTsn: 192,
} as const;

/** What to do with a chunk of unknown type (RFC 9260 §3.2, the upper two bits of the type). */
export const UnknownChunkAction = {
  /** 00: stop processing the packet, discard it. */
  Stop: 0,
  /** 01: stop, discard, and report it in an ERROR chunk (Unrecognized Chunk Type). */
  StopAndReport: 1,
  /** 10: skip the chunk, continue with the next. */
  Skip: 2,
  /** 11: skip, continue, and report it. */
  SkipAndReport: 3,
} as const;
export type UnknownChunkAction = (typeof UnknownChunkAction)[keyof typeof UnknownChunkAction];

export function unknownChunkAction(type: number): UnknownChunkAction {
  return ((type >>> 6) & 3) as UnknownChunkAction;
}

const KNOWN = new Set<number>(Object.values(ChunkType));

export function isKnownChunkType(type: number): boolean {
  return KNOWN.has(type);
}

/** A zeroed chunk with its header written: `valueLength` bytes of value, padded to 4. */
export function newChunk(type: number, flags: number, valueLength: number): Uint8Array {
  const length = 4 + valueLength;
  const b = new Uint8Array(pad4(length));
  b[0] = type;
  b[1] = flags;
  writeU16(b, 2, length);
  return b;
}

/** Throws unless the chunk's length is at least `min` (and exactly `min` when `exact`). */
export function expectLength(name: string, offset: number, length: number, min: number, exact = false): void {
  if (length < min || (exact && length !== min)) {
    throw new SctpParseError(
      'BAD_LENGTH',
      `${name} length`,
      offset + 2,
      `${length} where ${exact ? '' : 'at least '}${min} is required`,
    );
  }
}
