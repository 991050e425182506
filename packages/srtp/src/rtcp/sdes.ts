/**
 * Source description (RFC 3550 §6.5), PT 202, RC = number of chunks. Each chunk is an SSRC/CSRC
 * followed by items (type, length, UTF-8 text), ended by at least one null octet and padded to
 * the next 32-bit boundary:
 *
 * |                          SSRC/CSRC_1                          |
 * |    CNAME=1    |     length    | user and domain name        ...
 * |     0 (end)   |   padding to 32 bits                          |
 */
import { decodeUtf8, encodeUtf8, pad4, readU32, writeU32 } from '../bytes.js';
import { RtcpEncodeError, RtcpParseError } from '../errors.js';
import {
  ensureRoom,
  need,
  RTCP_HEADER_LENGTH,
  type RtcpBody,
  RtcpPacketType,
  writeRtcpHeader,
} from './header.js';

/** SDES item types (RFC 3550 §6.5.1–6.5.8). */
export const SdesItemType = {
  END: 0,
  CNAME: 1,
  NAME: 2,
  EMAIL: 3,
  PHONE: 4,
  LOC: 5,
  TOOL: 6,
  NOTE: 7,
  PRIV: 8,
} as const;

export interface SdesItem {
  /** 1..255 ({@link SdesItemType}); 0 ends the list and is never an item. */
  readonly type: number;
  /** The item's text (UTF-8 on the wire, at most 255 bytes). */
  readonly text: string;
}

export interface SdesChunk {
  readonly source: number;
  readonly items: readonly SdesItem[];
}

export interface SourceDescription {
  readonly type: 'sdes';
  readonly chunks: readonly SdesChunk[];
}

export function decodeSourceDescription(body: RtcpBody): SourceDescription {
  const { bytes: b, start, end } = body;
  const chunks: SdesChunk[] = [];
  let pos = start;
  for (let c = 0; c < body.count; c++) {
    need(body, pos, 4, 'sdes.chunk');
    const source = readU32(b, pos);
    pos += 4;
    const items: SdesItem[] = [];
    for (;;) {
      if (pos >= end)
        throw new RtcpParseError('BAD_FIELD', 'sdes.item', pos, 'chunk has no terminating null octet');
      const type = b[pos] as number;
      if (type === SdesItemType.END) {
        pos = start + pad4(pos + 1 - start); // the null octet, then padding to 32 bits
        break;
      }
      need(body, pos, 2, 'sdes.item');
      const length = b[pos + 1] as number;
      need(body, pos + 2, length, 'sdes.item.text');
      items.push({ type, text: decodeUtf8(b.subarray(pos + 2, pos + 2 + length)) });
      pos += 2 + length;
    }
    chunks.push({ source, items });
  }
  return { type: 'sdes', chunks };
}

function chunkLength(items: readonly Uint8Array[]): number {
  let n = 4;
  for (const t of items) n += 2 + t.length;
  return pad4(n + 1);
}

function encodeItems(chunks: readonly SdesChunk[]): Uint8Array[][] {
  if (chunks.length > 31) throw new RtcpEncodeError('sdes.chunks', `${chunks.length} chunks, at most 31`);
  return chunks.map((chunk) =>
    chunk.items.map((item) => {
      if (!Number.isInteger(item.type) || item.type < 1 || item.type > 255)
        throw new RtcpEncodeError('sdes.item.type', `${item.type} is not 1..255`);
      const text = encodeUtf8(item.text);
      if (text.length > 255) throw new RtcpEncodeError('sdes.item.text', `${text.length} bytes, at most 255`);
      return text;
    }),
  );
}

export function sourceDescriptionLength(p: Omit<SourceDescription, 'type'>): number {
  let n = RTCP_HEADER_LENGTH;
  for (const items of encodeItems(p.chunks)) n += chunkLength(items);
  return n;
}

export function writeSourceDescription(
  p: Omit<SourceDescription, 'type'>,
  out: Uint8Array,
  offset: number,
): number {
  const encoded = encodeItems(p.chunks);
  let length = RTCP_HEADER_LENGTH;
  for (const items of encoded) length += chunkLength(items);
  ensureRoom(out, offset, length, 'SDES');
  writeRtcpHeader(out, offset, p.chunks.length, RtcpPacketType.SDES, length);
  let pos = offset + RTCP_HEADER_LENGTH;
  p.chunks.forEach((chunk, c) => {
    const items = encoded[c] as Uint8Array[];
    const chunkEnd = pos + chunkLength(items);
    writeU32(out, pos, chunk.source);
    pos += 4;
    chunk.items.forEach((item, i) => {
      const text = items[i] as Uint8Array;
      out[pos] = item.type;
      out[pos + 1] = text.length;
      out.set(text, pos + 2);
      pos += 2 + text.length;
    });
    out.fill(0, pos, chunkEnd); // null octet and padding
    pos = chunkEnd;
  });
  return length;
}
