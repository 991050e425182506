/**
 * ec_point_formats (RFC 8422 §5.1.2): type 11, `ECPointFormat ec_point_format_list<1..2^8-1>`
 * of uint8. Only uncompressed (0) is defined now; if the extension is present it must contain it
 * (§5.1.2), which {@link decodeEcPointFormats} leaves to the caller to check with `includes(0)`.
 */
import { EcPointFormat, ExtensionType } from '../constants.js';
import { ByteReader } from '../reader.js';
import { ByteWriter } from '../writer.js';
import type { Extension } from './extension-list.js';

export function encodeEcPointFormats(formats: readonly number[] = [EcPointFormat.uncompressed]): Extension {
  const w = new ByteWriter(1 + formats.length);
  const marker = w.beginVector(1);
  for (const format of formats) w.u8(format);
  w.endVector(marker);
  return { type: ExtensionType.ec_point_formats, data: w.finish() };
}

export function decodeEcPointFormats(data: Uint8Array, offset = 0): number[] {
  const r = new ByteReader(data, offset);
  const list = r.subReader(1, 'ec_point_formats', 1, 255);
  r.end('ec_point_formats');
  return Array.from(list.rest());
}
