/**
 * The RTP fixed header (RFC 3550 §5.1), its CSRC list, header extension block (§5.3.1, RFC 8285)
 * and padding, read and written in place on `Uint8Array`s.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * |                           timestamp                           |
 * |           synchronization source (SSRC) identifier            |
 * |            contributing source (CSRC) identifiers (CC)        |
 * |   defined by profile (X)      |           length (X)          |
 * |                  header extension (length * 4 bytes)          |
 *
 * Three ways in, from cheapest to friendliest:
 * - {@link rtpHeaderLength}: validates and returns where the payload starts (the SRTP hot path);
 * - {@link RtpView}: getters and setters straight on the bytes (no copy, nothing decoded up front);
 * - {@link decodeRtpPacket}: a plain object with every field and views of payload and extensions.
 */
import { readU16, readU32, writeU16, writeU32 } from '../bytes.js';
import { RtpEncodeError, RtpParseError } from '../errors.js';
import {
  chooseExtensionForm,
  decodeHeaderExtensions,
  type ExtensionForm,
  findHeaderExtension,
  headerExtensionsLength,
  type RtpHeaderExtension,
  writeHeaderExtensionBlock,
} from './extensions.js';

export const RTP_VERSION = 2;
/** The fixed part of the header, without CSRCs or extension. */
export const RTP_FIXED_HEADER_LENGTH = 12;
/** CC is 4 bits. */
export const MAX_CSRC_COUNT = 15;

/**
 * Length of the RTP header of `b[0, length)` (fixed part, CSRCs, extension block), or -1 when it
 * is not a valid RTP header: too short, version not 2, CSRCs or extension past `length`.
 * Allocates nothing: this is what SRTP runs on every packet.
 */
export function rtpHeaderLength(b: Uint8Array, length = b.length): number {
  if (length < RTP_FIXED_HEADER_LENGTH) return -1;
  const first = b[0] as number;
  if (first >> 6 !== RTP_VERSION) return -1;
  let n = RTP_FIXED_HEADER_LENGTH + (first & 0x0f) * 4;
  if (first & 0x10) {
    if (n + 4 > length) return -1;
    n += 4 + readU16(b, n + 2) * 4;
  }
  return n <= length ? n : -1;
}

/** Why {@link rtpHeaderLength} said -1: throws the matching RtpParseError. */
function explainHeader(b: Uint8Array, length: number): never {
  if (length < RTP_FIXED_HEADER_LENGTH)
    throw new RtpParseError('TRUNCATED', 'header', 0, `${length} bytes, need ${RTP_FIXED_HEADER_LENGTH}`);
  const first = b[0] as number;
  if (first >> 6 !== RTP_VERSION)
    throw new RtpParseError('BAD_VERSION', 'version', 0, `version ${first >> 6}, expected 2`);
  const afterCsrc = RTP_FIXED_HEADER_LENGTH + (first & 0x0f) * 4;
  if (afterCsrc > length)
    throw new RtpParseError('TRUNCATED', 'csrc', RTP_FIXED_HEADER_LENGTH, `CC=${first & 0x0f}`);
  if (afterCsrc + 4 > length)
    throw new RtpParseError('TRUNCATED', 'extension.header', afterCsrc, 'X=1 but no extension header');
  throw new RtpParseError(
    'TRUNCATED',
    'extension.length',
    afterCsrc + 2,
    `${readU16(b, afterCsrc + 2) * 4} bytes of extension past the end`,
  );
}

/**
 * Bytes of padding at the end of `b[0, length)` whose header is `headerLength` long: 0 when P is
 * clear; the last byte otherwise (RFC 3550 §5.1). Throws RtpParseError when the count is zero or
 * runs into the header.
 */
export function rtpPaddingLength(b: Uint8Array, headerLength: number, length = b.length): number {
  if (((b[0] as number) & 0x20) === 0) return 0;
  const count = length > headerLength ? (b[length - 1] as number) : 0;
  if (count === 0 || headerLength + count > length) {
    throw new RtpParseError('BAD_PADDING', 'padding', length - 1, `padding count ${count}`);
  }
  return count;
}

/**
 * An RTP packet read and written in place: every getter reads `bytes`, every setter writes them.
 * Construction validates the header once (and the padding count) and throws RtpParseError.
 */
export class RtpView {
  /** Where the payload starts: 12 + 4 * CC (+ 4 + extension bytes). */
  readonly headerLength: number;
  readonly paddingLength: number;

  constructor(readonly bytes: Uint8Array) {
    const n = rtpHeaderLength(bytes);
    if (n < 0) explainHeader(bytes, bytes.length);
    this.headerLength = n;
    this.paddingLength = rtpPaddingLength(bytes, n);
  }

  get version(): number {
    return (this.bytes[0] as number) >> 6;
  }
  get padding(): boolean {
    return ((this.bytes[0] as number) & 0x20) !== 0;
  }
  get hasExtension(): boolean {
    return ((this.bytes[0] as number) & 0x10) !== 0;
  }
  get csrcCount(): number {
    return (this.bytes[0] as number) & 0x0f;
  }
  get marker(): boolean {
    return ((this.bytes[1] as number) & 0x80) !== 0;
  }
  set marker(value: boolean) {
    this.bytes[1] = ((this.bytes[1] as number) & 0x7f) | (value ? 0x80 : 0);
  }
  get payloadType(): number {
    return (this.bytes[1] as number) & 0x7f;
  }
  set payloadType(value: number) {
    this.bytes[1] = ((this.bytes[1] as number) & 0x80) | (value & 0x7f);
  }
  get sequenceNumber(): number {
    return readU16(this.bytes, 2);
  }
  set sequenceNumber(value: number) {
    writeU16(this.bytes, 2, value);
  }
  get timestamp(): number {
    return readU32(this.bytes, 4);
  }
  set timestamp(value: number) {
    writeU32(this.bytes, 4, value);
  }
  get ssrc(): number {
    return readU32(this.bytes, 8);
  }
  set ssrc(value: number) {
    writeU32(this.bytes, 8, value);
  }
  /** CSRC `i` (0-based); throws RangeError past CC. */
  csrc(i: number): number {
    if (!(i >= 0 && i < this.csrcCount)) throw new RangeError(`CSRC ${i} of ${this.csrcCount}`);
    return readU32(this.bytes, 12 + 4 * i);
  }
  setCsrc(i: number, value: number): void {
    if (!(i >= 0 && i < this.csrcCount)) throw new RangeError(`CSRC ${i} of ${this.csrcCount}`);
    writeU32(this.bytes, 12 + 4 * i, value);
  }
  /** The "defined by profile" field of the extension block; undefined when X is clear. */
  get extensionProfile(): number | undefined {
    return this.hasExtension ? readU16(this.bytes, 12 + 4 * this.csrcCount) : undefined;
  }
  /** The extension block's data (after its 4-byte header), a view; undefined when X is clear. */
  get extensionData(): Uint8Array | undefined {
    if (!this.hasExtension) return undefined;
    return this.bytes.subarray(12 + 4 * this.csrcCount + 4, this.headerLength);
  }
  /** Data of RFC 8285 element `id` (a view) or undefined. Throws RtpParseError on a broken block. */
  extension(id: number): Uint8Array | undefined {
    if (!this.hasExtension) return undefined;
    const at = 12 + 4 * this.csrcCount;
    return findHeaderExtension(readU16(this.bytes, at), this.bytes, id, at + 4, this.headerLength);
  }
  /** All RFC 8285 elements (views), in wire order. */
  extensions(): RtpHeaderExtension[] {
    if (!this.hasExtension) return [];
    const at = 12 + 4 * this.csrcCount;
    return decodeHeaderExtensions(readU16(this.bytes, at), this.bytes, at + 4, this.headerLength);
  }
  get payloadLength(): number {
    return this.bytes.length - this.headerLength - this.paddingLength;
  }
  /** The payload without padding, a view. */
  get payload(): Uint8Array {
    return this.bytes.subarray(this.headerLength, this.bytes.length - this.paddingLength);
  }
}

/** The raw extension block of RFC 3550 §5.3.1: profile field and data (a view). */
export interface RtpExtensionBlock {
  readonly profile: number;
  readonly data: Uint8Array;
}

export interface RtpHeader {
  readonly marker: boolean;
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly csrcs: readonly number[];
  /** The raw extension block; undefined when X is clear. */
  readonly extension: RtpExtensionBlock | undefined;
  /** Its RFC 8285 elements (empty for other profiles). */
  readonly extensions: readonly RtpHeaderExtension[];
  /** Bytes of the header: where the payload starts. */
  readonly headerLength: number;
  /** Bytes of padding at the end (0 when P is clear). */
  readonly paddingLength: number;
}

export interface RtpPacket {
  readonly header: RtpHeader;
  /** The payload without padding, a view into the input. */
  readonly payload: Uint8Array;
}

/** Decodes a whole RTP packet; throws RtpParseError. Payload and extensions are views. */
export function decodeRtpPacket(bytes: Uint8Array): RtpPacket {
  const view = new RtpView(bytes);
  const csrcs: number[] = [];
  for (let i = 0; i < view.csrcCount; i++) csrcs.push(view.csrc(i));
  const profile = view.extensionProfile;
  const data = view.extensionData;
  return {
    header: {
      marker: view.marker,
      payloadType: view.payloadType,
      sequenceNumber: view.sequenceNumber,
      timestamp: view.timestamp,
      ssrc: view.ssrc,
      csrcs,
      extension: profile === undefined || data === undefined ? undefined : { profile, data },
      extensions: view.extensions(),
      headerLength: view.headerLength,
      paddingLength: view.paddingLength,
    },
    payload: view.payload,
  };
}

/** What {@link writeRtpPacket} writes. */
export interface RtpPacketInit {
  readonly marker?: boolean;
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly csrcs?: readonly number[];
  /** RFC 8285 elements; the form is chosen by {@link chooseExtensionForm} unless `extensionForm` says. */
  readonly extensions?: readonly RtpHeaderExtension[];
  readonly extensionForm?: ExtensionForm;
  /** A raw RFC 3550 extension block instead of `extensions` (data length a multiple of 4). */
  readonly extension?: RtpExtensionBlock;
  readonly payload: Uint8Array;
  /** Bytes of padding to append, 0..255 (RFC 3550 §5.1); the last one holds the count. */
  readonly paddingLength?: number;
}

function extensionBlockLength(p: RtpPacketInit): number {
  if (p.extension !== undefined) return 4 + p.extension.data.length;
  if (p.extensions !== undefined && p.extensions.length > 0) {
    return 4 + headerExtensionsLength(p.extensions, p.extensionForm ?? chooseExtensionForm(p.extensions));
  }
  return 0;
}

/** Bytes {@link writeRtpPacket} will write for `p`. */
export function rtpPacketLength(p: RtpPacketInit): number {
  return (
    RTP_FIXED_HEADER_LENGTH +
    4 * (p.csrcs?.length ?? 0) +
    extensionBlockLength(p) +
    p.payload.length +
    (p.paddingLength ?? 0)
  );
}

/**
 * Writes `p` into `out` at `offset`; returns the bytes written. Throws RtpEncodeError for values
 * that do not fit (16 CSRCs, a payload type of 128...) and RangeError when `out` is too small.
 */
export function writeRtpPacket(out: Uint8Array, offset: number, p: RtpPacketInit): number {
  const csrcs = p.csrcs ?? [];
  const padding = p.paddingLength ?? 0;
  if (csrcs.length > MAX_CSRC_COUNT) throw new RtpEncodeError('csrcs', `${csrcs.length} CSRCs, at most 15`);
  if (!Number.isInteger(p.payloadType) || p.payloadType < 0 || p.payloadType > 127)
    throw new RtpEncodeError('payloadType', `${p.payloadType} is not 0..127`);
  if (!Number.isInteger(padding) || padding < 0 || padding > 255)
    throw new RtpEncodeError('paddingLength', `${padding} is not 0..255`);
  if (p.extension !== undefined && p.extension.data.length % 4 !== 0)
    throw new RtpEncodeError('extension.data', `${p.extension.data.length} bytes is not a multiple of 4`);
  const total = rtpPacketLength(p);
  if (offset + total > out.length) throw new RangeError(`RTP packet of ${total} bytes does not fit`);
  const hasExtension = p.extension !== undefined || (p.extensions !== undefined && p.extensions.length > 0);
  out[offset] = 0x80 | (padding > 0 ? 0x20 : 0) | (hasExtension ? 0x10 : 0) | csrcs.length;
  out[offset + 1] = (p.marker ? 0x80 : 0) | p.payloadType;
  writeU16(out, offset + 2, p.sequenceNumber);
  writeU32(out, offset + 4, p.timestamp);
  writeU32(out, offset + 8, p.ssrc);
  let pos = offset + RTP_FIXED_HEADER_LENGTH;
  for (const c of csrcs) {
    writeU32(out, pos, c);
    pos += 4;
  }
  if (p.extension !== undefined) {
    writeU16(out, pos, p.extension.profile);
    writeU16(out, pos + 2, p.extension.data.length / 4);
    out.set(p.extension.data, pos + 4);
    pos += 4 + p.extension.data.length;
  } else if (p.extensions !== undefined && p.extensions.length > 0) {
    pos += writeHeaderExtensionBlock(
      out,
      pos,
      p.extensions,
      p.extensionForm ?? chooseExtensionForm(p.extensions),
    );
  }
  out.set(p.payload, pos);
  pos += p.payload.length;
  if (padding > 0) {
    out.fill(0, pos, pos + padding - 1);
    out[pos + padding - 1] = padding;
    pos += padding;
  }
  return pos - offset;
}

/** {@link writeRtpPacket} into a new buffer of the exact size. */
export function encodeRtpPacket(p: RtpPacketInit): Uint8Array {
  const out = new Uint8Array(rtpPacketLength(p));
  writeRtpPacket(out, 0, p);
  return out;
}
