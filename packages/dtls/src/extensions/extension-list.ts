/**
 * The extensions block of ClientHello and ServerHello (RFC 5246 §7.4.1.4):
 *
 *   struct { ExtensionType extension_type; opaque extension_data<0..2^16-1>; } Extension;
 *   Extension extensions<0..2^16-1>;      // the whole block may be absent (RFC 5246 §7.4.1.2)
 *
 * Capped at {@link MAX_EXTENSIONS} entries; a type that appears twice is an error (§7.4.1.4:
 * "There MUST NOT be more than one extension of the same type").
 */
import { DtlsParseError } from '../errors.js';
import type { ByteReader } from '../reader.js';
import type { ByteWriter } from '../writer.js';

export interface Extension {
  readonly type: number;
  /** extension_data (a view when decoded). */
  readonly data: Uint8Array;
}

/** A decoded extension with the offset of its extension_data, for error offsets. */
export interface ExtensionAt extends Extension {
  readonly offset: number;
}

/** Browsers send about 15; 64 leaves room for GREASE and anything new. */
export const MAX_EXTENSIONS = 64;

/**
 * Reads the extensions block if there is one (an absent block is an empty list). Expects the
 * block to end the message: trailing bytes are an error.
 */
export function readExtensionList(r: ByteReader, maxExtensions: number = MAX_EXTENSIONS): ExtensionAt[] {
  if (r.remaining === 0) return [];
  const block = r.subReader(2, 'extensions', 0, 0xffff);
  r.end('extensions');
  const out: ExtensionAt[] = [];
  const seen = new Set<number>();
  while (block.remaining > 0) {
    const at = block.offset;
    if (out.length >= maxExtensions) {
      throw new DtlsParseError('TOO_MANY', 'extensions', at, `more than ${maxExtensions} extensions`);
    }
    const type = block.u16('extension.type');
    if (seen.has(type)) {
      throw new DtlsParseError(
        'DUPLICATE_EXTENSION',
        'extension.type',
        at,
        `extension ${type} appears twice`,
      );
    }
    seen.add(type);
    const offset = block.offset + 2;
    const data = block.vector(2, `extension(${type}).data`, 0, 0xffff);
    out.push({ type, data, offset });
  }
  return out;
}

/** Writes the extensions block; nothing at all when `extensions` is empty (RFC 5246 §7.4.1.2 allows omitting it). */
export function writeExtensionList(w: ByteWriter, extensions: readonly Extension[]): void {
  if (extensions.length === 0) return;
  const marker = w.beginVector(2);
  for (const extension of extensions) {
    w.u16(extension.type);
    w.vector(2, extension.data);
  }
  w.endVector(marker);
}
