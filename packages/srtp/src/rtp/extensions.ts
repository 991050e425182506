/**
 * RTP header extensions (RFC 8285): the elements inside the extension block of RFC 3550 §5.3.1.
 *
 * One-byte form (§4.2), "defined by profile" 0xBEDE: each element is a byte ID (4 bits) | L (4
 * bits, length - 1), then 1..16 bytes. ID 0 is a padding byte; ID 15 ends processing.
 *
 * Two-byte form (§4.3), profile 0x100 followed by 4 "appbits" (0x1000..0x100F): ID byte, length
 * byte (0..255), data. ID 0 is a padding byte.
 *
 * Any other profile is an RFC 3550 block we cannot look into: {@link decodeHeaderExtensions}
 * returns no elements for it and the raw block stays reachable through the header.
 */
import { pad4, writeU16 } from '../bytes.js';
import { RtpEncodeError, RtpParseError } from '../errors.js';

export const ONE_BYTE_PROFILE = 0xbede;
export const TWO_BYTE_PROFILE = 0x1000;

/** Which RFC 8285 form an extension block uses. */
export type ExtensionForm = 'one-byte' | 'two-byte';

/** One RFC 8285 element. `data` is a view into the packet after decoding. */
export interface RtpHeaderExtension {
  /** Local identifier: 1..14 in the one-byte form, 1..255 in the two-byte form. */
  readonly id: number;
  readonly data: Uint8Array;
}

export function isOneByteProfile(profile: number): boolean {
  return profile === ONE_BYTE_PROFILE;
}

/** 0x1000..0x100F: the low 4 bits are application bits (RFC 8285 §4.3). */
export function isTwoByteProfile(profile: number): boolean {
  return (profile & 0xfff0) === TWO_BYTE_PROFILE;
}

/** Cap on elements decoded from one block (a 1-byte element per byte would allow ~262k). */
export const MAX_HEADER_EXTENSIONS = 256;

/**
 * Calls `visit(id, from, to)` for each element of the block `b[start, end)`; stops early when
 * `visit` returns true. Throws RtpParseError on an element that overruns the block.
 */
function walk(
  profile: number,
  b: Uint8Array,
  start: number,
  end: number,
  visit: (id: number, from: number, to: number) => boolean,
): void {
  const oneByte = isOneByteProfile(profile);
  if (!oneByte && !isTwoByteProfile(profile)) return;
  let pos = start;
  let count = 0;
  while (pos < end) {
    const first = b[pos] as number;
    if (oneByte) {
      const id = first >> 4;
      if (id === 0) {
        pos++; // padding byte (§4.2)
        continue;
      }
      if (id === 15) return; // "the parser MUST stop parsing" (§4.2)
      const len = (first & 0x0f) + 1;
      if (pos + 1 + len > end) {
        throw new RtpParseError('BAD_EXTENSION', 'extension.element', pos, `id ${id} needs ${len} bytes`);
      }
      if (++count > MAX_HEADER_EXTENSIONS) {
        throw new RtpParseError('TOO_LARGE', 'extension.element', pos, `more than ${MAX_HEADER_EXTENSIONS}`);
      }
      if (visit(id, pos + 1, pos + 1 + len)) return;
      pos += 1 + len;
    } else {
      if (first === 0) {
        pos++; // padding byte (§4.3)
        continue;
      }
      if (pos + 2 > end) {
        throw new RtpParseError('BAD_EXTENSION', 'extension.element', pos, `id ${first} without length`);
      }
      const len = b[pos + 1] as number;
      if (pos + 2 + len > end) {
        throw new RtpParseError('BAD_EXTENSION', 'extension.element', pos, `id ${first} needs ${len} bytes`);
      }
      if (++count > MAX_HEADER_EXTENSIONS) {
        throw new RtpParseError('TOO_LARGE', 'extension.element', pos, `more than ${MAX_HEADER_EXTENSIONS}`);
      }
      if (visit(first, pos + 2, pos + 2 + len)) return;
      pos += 2 + len;
    }
  }
}

/**
 * The RFC 8285 elements of an extension block `b[start, end)` (views into `b`), in wire order.
 * Empty for a profile that is neither form. Throws RtpParseError on an element that overruns.
 */
export function decodeHeaderExtensions(
  profile: number,
  b: Uint8Array,
  start = 0,
  end = b.length,
): RtpHeaderExtension[] {
  const out: RtpHeaderExtension[] = [];
  walk(profile, b, start, end, (id, from, to) => {
    out.push({ id, data: b.subarray(from, to) });
    return false;
  });
  return out;
}

/** The data of the first element with `id` (a view), or undefined. Throws like the decoder. */
export function findHeaderExtension(
  profile: number,
  b: Uint8Array,
  id: number,
  start = 0,
  end = b.length,
): Uint8Array | undefined {
  let found: Uint8Array | undefined;
  walk(profile, b, start, end, (eid, from, to) => {
    if (eid !== id) return false;
    found = b.subarray(from, to);
    return true;
  });
  return found;
}

/** The form that can carry all `extensions`: one-byte when every id is 1..14 and length 1..16. */
export function chooseExtensionForm(extensions: readonly RtpHeaderExtension[]): ExtensionForm {
  for (const e of extensions) {
    if (e.id < 1 || e.id > 14 || e.data.length < 1 || e.data.length > 16) return 'two-byte';
  }
  return 'one-byte';
}

function checkElement(e: RtpHeaderExtension, form: ExtensionForm): void {
  if (form === 'one-byte') {
    if (!Number.isInteger(e.id) || e.id < 1 || e.id > 14)
      throw new RtpEncodeError('extension.id', `${e.id} is not 1..14 (one-byte form)`);
    if (e.data.length < 1 || e.data.length > 16)
      throw new RtpEncodeError('extension.data', `${e.data.length} bytes is not 1..16 (one-byte form)`);
  } else {
    if (!Number.isInteger(e.id) || e.id < 1 || e.id > 255)
      throw new RtpEncodeError('extension.id', `${e.id} is not 1..255 (two-byte form)`);
    if (e.data.length > 255)
      throw new RtpEncodeError('extension.data', `${e.data.length} bytes is more than 255 (two-byte form)`);
  }
}

/** Bytes of the element data, padded to 32 bits (without the 4-byte block header). */
export function headerExtensionsLength(
  extensions: readonly RtpHeaderExtension[],
  form: ExtensionForm,
): number {
  const per = form === 'one-byte' ? 1 : 2;
  let n = 0;
  for (const e of extensions) n += per + e.data.length;
  return pad4(n);
}

/**
 * Writes the whole extension block (profile, length in words, elements, zero padding) at
 * `offset`; returns the bytes written. Throws RtpEncodeError when an element does not fit `form`.
 */
export function writeHeaderExtensionBlock(
  out: Uint8Array,
  offset: number,
  extensions: readonly RtpHeaderExtension[],
  form: ExtensionForm,
): number {
  for (const e of extensions) checkElement(e, form);
  const body = headerExtensionsLength(extensions, form);
  if (body / 4 > 0xffff) throw new RtpEncodeError('extension.length', `${body} bytes is too long`);
  writeU16(out, offset, form === 'one-byte' ? ONE_BYTE_PROFILE : TWO_BYTE_PROFILE);
  writeU16(out, offset + 2, body / 4);
  let pos = offset + 4;
  for (const e of extensions) {
    if (form === 'one-byte') {
      out[pos++] = (e.id << 4) | (e.data.length - 1);
    } else {
      out[pos++] = e.id;
      out[pos++] = e.data.length;
    }
    out.set(e.data, pos);
    pos += e.data.length;
  }
  out.fill(0, pos, offset + 4 + body);
  return 4 + body;
}
