/**
 * Zero checksums on the packet (RFC 9653): once the peer has announced that it accepts them, a
 * packet may leave its checksum field at zero instead of carrying a CRC32c (§5.2), except packets
 * that must carry a correct one whatever was announced; and a receiver that announced acceptance
 * takes a zero field without computing anything (§5.3). The decisions (who announced what) are the
 * association's; these are the two per-packet tests, a few byte reads each.
 */
import { ChunkType } from '../chunks/chunk.js';
import { CHECKSUM_OFFSET } from './checksum.js';

/** Whether the checksum field of the common header holds zero. */
export function checksumFieldIsZero(packet: Uint8Array): boolean {
  return (
    ((packet[CHECKSUM_OFFSET] as number) |
      (packet[CHECKSUM_OFFSET + 1] as number) |
      (packet[CHECKSUM_OFFSET + 2] as number) |
      (packet[CHECKSUM_OFFSET + 3] as number)) ===
    0
  );
}

/**
 * Whether a packet must carry a correct CRC32c even to a peer that accepts zero checksums: one
 * holding an INIT or a COOKIE ECHO (RFC 9653 §5.2). Both come first in their packets (INIT alone,
 * RFC 9260 §6.10; COOKIE ECHO first, §5.1 D), so the first chunk's type decides. (The other
 * packets that need one, answers to out-of-the-blue packets, are known as such by the association.)
 */
export function requiresCrc32c(packet: Uint8Array): boolean {
  const first = packet[12];
  return first === ChunkType.Init || first === ChunkType.CookieEcho;
}
