/** Looks inside packets on the wire (for taps that drop or count specific chunks). */
import { ChunkType, type DataChunk, decodeData, decodePacket } from '../../src/index.js';

export function chunkTypes(packet: Uint8Array): number[] {
  return decodePacket(packet, false).chunks.map((c) => c.type);
}

export function dataChunks(packet: Uint8Array): DataChunk[] {
  return decodePacket(packet, false)
    .chunks.filter((c) => c.type === ChunkType.Data)
    .map((c) => decodeData(packet, c.offset, c.length));
}

/** The 4-byte sequence number the test patterns carry, if this chunk starts a message. */
export function messageSeq(d: DataChunk): number | undefined {
  if (!(d.flags & 2) || d.userData.length < 4 || d.ppid === 50) return undefined;
  return new DataView(d.userData.buffer, d.userData.byteOffset, 4).getUint32(0);
}
