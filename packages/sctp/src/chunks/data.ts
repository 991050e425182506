/**
 * DATA (RFC 9260 §3.3.1): one user message or a fragment of one.
 *
 *   type 0 | flags: I (RFC 7053) U B E | length
 *   TSN | stream identifier S | stream sequence number n | payload protocol identifier | user data
 *
 * The association reads DATA in place ({@link readData} into a reused view) and writes it
 * straight into the packet buffer ({@link writeDataHeader}); the object forms are for tests.
 */
import { readU16, readU32, writeU16, writeU32 } from '../bytes.js';
import { SctpParseError } from '../errors.js';
import { ChunkType, expectLength, newChunk } from './chunk.js';

export const DATA_HEADER_LENGTH = 16;

export const DataFlag = {
  /** E: last fragment. */
  End: 0x01,
  /** B: first fragment. */
  Begin: 0x02,
  /** U: unordered, the stream sequence number means nothing. */
  Unordered: 0x04,
  /** I: the receiver should SACK at once (RFC 7053 §3). */
  Immediate: 0x08,
} as const;

export interface DataChunk {
  readonly flags: number;
  readonly tsn: number;
  readonly streamId: number;
  readonly ssn: number;
  readonly ppid: number;
  readonly userData: Uint8Array;
}

/** A DATA chunk read in place: the user data is `bytes[payloadOffset, payloadOffset + payloadLength)`. */
export class DataChunkView {
  flags = 0;
  tsn = 0;
  streamId = 0;
  ssn = 0;
  ppid = 0;
  payloadOffset = 0;
  payloadLength = 0;
}

/** Reads the DATA chunk at `offset` (its header) of `length` into `out`. */
export function readData(bytes: Uint8Array, offset: number, length: number, out: DataChunkView): void {
  expectLength('DATA', offset, length, DATA_HEADER_LENGTH);
  if (length === DATA_HEADER_LENGTH) {
    // §6.2: a DATA chunk without user data is a protocol error (No User Data).
    throw new SctpParseError('BAD_CHUNK', 'DATA user data', offset, 'no user data');
  }
  out.flags = bytes[offset + 1] as number;
  out.tsn = readU32(bytes, offset + 4);
  out.streamId = readU16(bytes, offset + 8);
  out.ssn = readU16(bytes, offset + 10);
  out.ppid = readU32(bytes, offset + 12);
  out.payloadOffset = offset + DATA_HEADER_LENGTH;
  out.payloadLength = length - DATA_HEADER_LENGTH;
}

/** Writes a DATA header at `offset`; the caller copies `payloadLength` bytes of user data after it. */
export function writeDataHeader(
  b: Uint8Array,
  offset: number,
  flags: number,
  payloadLength: number,
  tsn: number,
  streamId: number,
  ssn: number,
  ppid: number,
): void {
  b[offset] = ChunkType.Data;
  b[offset + 1] = flags;
  writeU16(b, offset + 2, DATA_HEADER_LENGTH + payloadLength);
  writeU32(b, offset + 4, tsn);
  writeU16(b, offset + 8, streamId);
  writeU16(b, offset + 10, ssn);
  writeU32(b, offset + 12, ppid);
}

export function encodeData(c: DataChunk): Uint8Array {
  const b = newChunk(ChunkType.Data, c.flags, DATA_HEADER_LENGTH - 4 + c.userData.length);
  writeDataHeader(b, 0, c.flags, c.userData.length, c.tsn, c.streamId, c.ssn, c.ppid);
  b.set(c.userData, DATA_HEADER_LENGTH);
  return b;
}

export function decodeData(bytes: Uint8Array, offset: number, length: number): DataChunk {
  const v = new DataChunkView();
  readData(bytes, offset, length, v);
  return {
    flags: v.flags,
    tsn: v.tsn,
    streamId: v.streamId,
    ssn: v.ssn,
    ppid: v.ppid,
    userData: bytes.slice(v.payloadOffset, v.payloadOffset + v.payloadLength),
  };
}
