/**
 * A vector of uint16 values (named groups, signature schemes, versions), the shape several
 * extensions share: a 1- or 2-byte length prefix, an even length, a minimum and a cap.
 */
import { DtlsParseError } from '../errors.js';
import { ByteReader } from '../reader.js';
import { ByteWriter } from '../writer.js';

export function encodeU16List(values: readonly number[], lengthBytes: 1 | 2): Uint8Array {
  const w = new ByteWriter(lengthBytes + 2 * values.length);
  const marker = w.beginVector(lengthBytes);
  for (const value of values) w.u16(value);
  w.endVector(marker);
  return w.finish();
}

/** Decodes a whole extension_data that is exactly one such vector. */
export function decodeU16List(
  data: Uint8Array,
  offset: number,
  field: string,
  lengthBytes: 1 | 2,
  minBytes: number,
  maxEntries: number,
): number[] {
  const r = new ByteReader(data, offset);
  const list = r.subReader(lengthBytes, field, minBytes, 2 * maxEntries);
  if (list.remaining % 2 !== 0)
    throw new DtlsParseError('BAD_LENGTH', field, offset, `odd length ${list.remaining}`);
  const out: number[] = [];
  while (list.remaining > 0) out.push(list.u16(field));
  r.end(field);
  return out;
}
