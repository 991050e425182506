/**
 * The SCTP common header checksum (RFC 9260 §6.8): CRC32c over the whole packet with the
 * checksum field taken as zero, stored least significant byte first (Appendix A: the reflected
 * CRC's bytes go out in the order they come off the register).
 */
import { crc32c, update, updateByte } from './crc32c.js';

export const CHECKSUM_OFFSET = 8;

/** CRC32c of `packet` as if its checksum field were zero, in one pass. */
export function packetChecksum(packet: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < CHECKSUM_OFFSET; i++) c = updateByte(c, packet[i] as number);
  for (let i = 0; i < 4; i++) c = updateByte(c, 0);
  return ~update(c, packet, CHECKSUM_OFFSET + 4, packet.length) >>> 0;
}

/** The checksum as stored in the packet. */
export function readChecksum(packet: Uint8Array): number {
  return (
    ((packet[8] as number) |
      ((packet[9] as number) << 8) |
      ((packet[10] as number) << 16) |
      ((packet[11] as number) << 24)) >>>
    0
  );
}

/** Computes and stores the checksum of a packet whose other fields are final. */
export function writeChecksum(packet: Uint8Array): void {
  packet[8] = 0;
  packet[9] = 0;
  packet[10] = 0;
  packet[11] = 0;
  const c = crc32c(packet);
  packet[8] = c;
  packet[9] = c >>> 8;
  packet[10] = c >>> 16;
  packet[11] = c >>> 24;
}

export function verifyChecksum(packet: Uint8Array): boolean {
  return packet.length >= 12 && packetChecksum(packet) === readChecksum(packet);
}
