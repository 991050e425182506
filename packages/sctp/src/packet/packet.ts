/**
 * SCTP packet framing (RFC 9260 §3): the 12-byte common header, then chunks, each a type, flags,
 * a length that excludes padding, and a value padded to 4 bytes. {@link PacketReader} checks the
 * checksum and the framing of every chunk once, into reusable typed arrays, so that the
 * association then reads chunk fields in place without allocating per packet. Chunk values are
 * decoded by the codecs in `../chunks/`.
 */
import { pad4, readU16, readU32 } from '../bytes.js';
import { SctpParseError } from '../errors.js';
import { packetChecksum, readChecksum } from './checksum.js';
import { checksumFieldIsZero, requiresCrc32c } from './zero-checksum.js';

export const COMMON_HEADER_LENGTH = 12;
export const CHUNK_HEADER_LENGTH = 4;
/** Largest packet accepted: a DTLS record carries at most 2^14 bytes, UDP 65507. */
export const MAX_PACKET_LENGTH = 65536;

/** Where one chunk sits in a packet. */
export interface ChunkRef {
  readonly type: number;
  readonly flags: number;
  /** Offset of the chunk header in the packet. */
  readonly offset: number;
  /** The chunk's length field: header plus value, without padding. */
  readonly length: number;
}

export interface DecodedPacket {
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly verificationTag: number;
  readonly checksum: number;
  readonly chunks: readonly ChunkRef[];
}

/**
 * Validates a packet and indexes its chunks. One reader is reused packet after packet; after
 * {@link parse} the arrays hold `count` chunks.
 */
export class PacketReader {
  sourcePort = 0;
  destinationPort = 0;
  verificationTag = 0;
  count = 0;
  types = new Uint8Array(64);
  flags = new Uint8Array(64);
  offsets = new Int32Array(64);
  lengths = new Int32Array(64);
  /**
   * We announced that we accept zero checksums (RFC 9653 §5.1): a packet whose checksum field is
   * zero is then taken without computing its CRC32c (§5.3), unless it is one that must carry a
   * correct one (INIT, COOKIE ECHO: §5.2). A non-zero field is verified as always.
   */
  acceptZeroChecksum = false;

  /**
   * Checks length, checksum (unless `verify` is false; see also {@link acceptZeroChecksum}) and
   * chunk framing. Throws SctpParseError; on success the header fields and chunk arrays describe
   * `packet`.
   */
  parse(packet: Uint8Array, verify = true): void {
    this.count = 0;
    const n = packet.length;
    if (n < COMMON_HEADER_LENGTH + CHUNK_HEADER_LENGTH) {
      throw new SctpParseError('TRUNCATED', 'packet', 0, `${n} bytes is shorter than a header and one chunk`);
    }
    if (n > MAX_PACKET_LENGTH) throw new SctpParseError('BAD_LENGTH', 'packet', 0, `${n} bytes is too large`);
    const zero = verify && this.acceptZeroChecksum && checksumFieldIsZero(packet);
    if (verify && !zero && packetChecksum(packet) !== readChecksum(packet)) {
      throw new SctpParseError('BAD_CHECKSUM', 'checksum', 8, 'CRC32c mismatch');
    }
    if (zero && requiresCrc32c(packet) && packetChecksum(packet) !== 0) {
      throw new SctpParseError('BAD_CHECKSUM', 'checksum', 8, 'zero, in a packet that must carry a CRC32c');
    }
    let o = COMMON_HEADER_LENGTH;
    let count = 0;
    while (o < n) {
      if (o + CHUNK_HEADER_LENGTH > n) {
        throw new SctpParseError('TRUNCATED', 'chunk header', o, `${n - o} bytes left`);
      }
      const length = readU16(packet, o + 2);
      if (length < CHUNK_HEADER_LENGTH) {
        throw new SctpParseError('BAD_LENGTH', 'chunk length', o + 2, `${length} is below 4`);
      }
      if (o + length > n) {
        throw new SctpParseError('TRUNCATED', 'chunk', o, `length ${length} runs past the packet end`);
      }
      if (count === this.types.length) this.grow();
      this.types[count] = packet[o] as number;
      this.flags[count] = packet[o + 1] as number;
      this.offsets[count] = o;
      this.lengths[count] = length;
      count++;
      // The last chunk's padding may be missing; any other padding must be present (§3.2).
      o += pad4(length);
    }
    this.sourcePort = readU16(packet, 0);
    this.destinationPort = readU16(packet, 2);
    this.verificationTag = readU32(packet, 4);
    this.count = count;
  }

  private grow(): void {
    const size = this.types.length * 2;
    const types = new Uint8Array(size);
    const flags = new Uint8Array(size);
    const offsets = new Int32Array(size);
    const lengths = new Int32Array(size);
    types.set(this.types);
    flags.set(this.flags);
    offsets.set(this.offsets);
    lengths.set(this.lengths);
    this.types = types;
    this.flags = flags;
    this.offsets = offsets;
    this.lengths = lengths;
  }
}

/** Validates a packet and lists its chunks: the allocating convenience form of {@link PacketReader}. */
export function decodePacket(packet: Uint8Array, verify = true): DecodedPacket {
  const r = new PacketReader();
  r.parse(packet, verify);
  const chunks: ChunkRef[] = [];
  for (let i = 0; i < r.count; i++) {
    chunks.push({
      type: r.types[i] as number,
      flags: r.flags[i] as number,
      offset: r.offsets[i] as number,
      length: r.lengths[i] as number,
    });
  }
  return {
    sourcePort: r.sourcePort,
    destinationPort: r.destinationPort,
    verificationTag: r.verificationTag,
    checksum: readChecksum(packet),
    chunks,
  };
}
