/**
 * ChannelData messages (RFC 8656 §12.4): TURN's compact framing for data on a bound channel,
 * 4 bytes of header instead of a 36+ byte Send/Data indication.
 *
 *   0                   1                   2                   3
 *   |         Channel Number        |            Length             |
 *   |                       Application Data                        |
 *
 * Channel numbers are 0x4000..0x4FFF (§12). Over UDP the datagram may carry padding after the
 * data; over TCP/TLS each message is padded to a multiple of 4 bytes (§12.5) so the stream
 * stays aligned.
 */
import { StunParseError } from '../errors.js';

export const MIN_CHANNEL = 0x4000;
export const MAX_CHANNEL = 0x4fff;
export const CHANNEL_DATA_HEADER = 4;

export interface ChannelData {
  readonly channel: number;
  /** The application data: a view into the input. */
  readonly data: Uint8Array;
}

/** RFC 7983 / RFC 8656 §12: the first two bits 0b01 mark ChannelData (0x4000..0x7FFF). */
export function isChannelData(bytes: Uint8Array): boolean {
  return bytes.length >= CHANNEL_DATA_HEADER && ((bytes[0] as number) & 0xc0) === 0x40;
}

export function isValidChannel(channel: number): boolean {
  return Number.isInteger(channel) && channel >= MIN_CHANNEL && channel <= MAX_CHANNEL;
}

/**
 * Decodes one ChannelData message at the start of `bytes` (extra bytes after it, the UDP
 * padding, are ignored). Throws StunParseError naming the bad field.
 */
export function decodeChannelData(bytes: Uint8Array): ChannelData {
  if (bytes.length < CHANNEL_DATA_HEADER) {
    throw new StunParseError('TRUNCATED', 'ChannelData header', 0, `${bytes.length} bytes`);
  }
  const channel = ((bytes[0] as number) << 8) | (bytes[1] as number);
  if (!isValidChannel(channel)) {
    throw new StunParseError(
      'BAD_ATTRIBUTE',
      'ChannelData channel number',
      0,
      `0x${channel.toString(16)} is outside 0x4000-0x4FFF`,
    );
  }
  const length = ((bytes[2] as number) << 8) | (bytes[3] as number);
  if (CHANNEL_DATA_HEADER + length > bytes.length) {
    throw new StunParseError(
      'BAD_LENGTH',
      'ChannelData length',
      2,
      `${length} overruns the ${bytes.length}-byte message`,
    );
  }
  return { channel, data: bytes.subarray(CHANNEL_DATA_HEADER, CHANNEL_DATA_HEADER + length) };
}

/** Size of an encoded ChannelData message; `padded` for stream transports (§12.5). */
export function channelDataSize(dataLength: number, padded: boolean): number {
  const size = CHANNEL_DATA_HEADER + dataLength;
  return padded ? (size + 3) & ~3 : size;
}

/**
 * Writes a ChannelData message into `out` (allocated when not given) and returns the view of
 * the written bytes. Callers on the hot path pass a reusable buffer.
 */
export function encodeChannelData(
  channel: number,
  data: Uint8Array,
  padded = false,
  out?: Uint8Array,
): Uint8Array {
  if (!isValidChannel(channel))
    throw new RangeError(`channel number 0x${channel.toString(16)} is outside 0x4000-0x4FFF`);
  if (data.length > 0xffff) throw new RangeError('ChannelData carries at most 65535 bytes');
  const size = channelDataSize(data.length, padded);
  const buf = out ?? new Uint8Array(size);
  if (buf.length < size) throw new RangeError(`output buffer of ${buf.length} bytes is smaller than ${size}`);
  buf[0] = channel >> 8;
  buf[1] = channel & 0xff;
  buf[2] = data.length >> 8;
  buf[3] = data.length & 0xff;
  buf.set(data, CHANNEL_DATA_HEADER);
  buf.fill(0, CHANNEL_DATA_HEADER + data.length, size);
  return buf.subarray(0, size);
}

/**
 * Stream framing (TCP/TLS, RFC 8656 §12.5 and RFC 8489 §6.2.2): the size of the message
 * (STUN or padded ChannelData) at the start of `bytes`, or undefined if its header is not all
 * there yet. Throws StunParseError if the first bits are neither STUN (0b00) nor ChannelData (0b01).
 */
export function streamFrameLength(bytes: Uint8Array): number | undefined {
  if (bytes.length < 4) return undefined;
  const first = (bytes[0] as number) & 0xc0;
  const length = ((bytes[2] as number) << 8) | (bytes[3] as number);
  if (first === 0x00) return 20 + length;
  if (first === 0x40) return (CHANNEL_DATA_HEADER + length + 3) & ~3;
  throw new StunParseError('NOT_STUN', 'stream frame', 0, 'neither STUN nor ChannelData');
}
