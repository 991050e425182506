/**
 * Big-endian reads and writes on plain `Uint8Array`s, the network byte order of every RTP, RTCP
 * and SRTP field (RFC 3550 §4). Plain functions: no DataView per packet, and V8 inlines them.
 */

export function readU16(b: Uint8Array, o: number): number {
  return ((b[o] as number) << 8) | (b[o + 1] as number);
}

export function readU24(b: Uint8Array, o: number): number {
  return ((b[o] as number) << 16) | ((b[o + 1] as number) << 8) | (b[o + 2] as number);
}

export function readU32(b: Uint8Array, o: number): number {
  return (
    (((b[o] as number) << 24) |
      ((b[o + 1] as number) << 16) |
      ((b[o + 2] as number) << 8) |
      (b[o + 3] as number)) >>>
    0
  );
}

export function writeU16(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v;
}

export function writeU24(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 16;
  b[o + 1] = v >>> 8;
  b[o + 2] = v;
}

export function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}

/** `n` rounded up to a multiple of 4: RTP header extensions and RTCP packets are 32-bit aligned. */
export function pad4(n: number): number {
  return (n + 3) & ~3;
}

const utf8Decoder = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

/** UTF-8 text of SDES items and BYE reasons; invalid sequences become U+FFFD, never an exception. */
export function decodeUtf8(b: Uint8Array): string {
  return utf8Decoder.decode(b);
}

export function encodeUtf8(s: string): Uint8Array {
  return utf8Encoder.encode(s);
}
