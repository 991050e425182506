/**
 * Encodes DNS messages (RFC 1035 §4.1) without name compression. RFC 6762 §18.14 says senders
 * SHOULD compress, but every receiver must accept uncompressed names (RFC 1035 §4.1.4 makes
 * compression a sender's option), and the messages mDNS for ICE sends carry one name once or
 * twice: compressing would save a few dozen bytes. Sizes are summed first so the message is
 * written into one exactly-sized buffer.
 */
import { MdnsParseError } from '../errors.js';
import { CLASS_TOP_BIT, HEADER_LENGTH, MAX_MESSAGE_SIZE } from './constants.js';
import type { DnsMessage, DnsQuestion, DnsRecord } from './message.js';
import { encodeName } from './name.js';

/** A message to encode: the sections may be left out when empty. */
export interface DnsMessageInit {
  readonly id?: number;
  readonly flags?: number;
  readonly questions?: readonly DnsQuestion[];
  readonly answers?: readonly DnsRecord[];
  readonly authorities?: readonly DnsRecord[];
  readonly additionals?: readonly DnsRecord[];
}

/**
 * The wire form of a message. Records are written from their `data` (RDATA); their `address`
 * is not consulted, so build A/AAAA records with `addressRecord`. Throws {@link MdnsParseError}
 * for a bad name, RDATA over 65535 bytes, or a message over 9000 bytes (RFC 6762 §17).
 */
export function encodeDnsMessage(message: DnsMessageInit | DnsMessage): Uint8Array {
  const questions = message.questions ?? [];
  const sections = [message.answers ?? [], message.authorities ?? [], message.additionals ?? []];
  for (const [i, count] of [questions.length, ...sections.map((s) => s.length)].entries()) {
    if (count > 0xffff) throw new MdnsParseError('TOO_MANY_RECORDS', 'section', i, `${count} entries`);
  }

  const questionNames = questions.map((q) => encodeName(q.name));
  // Each record with its encoded owner name, section by section.
  const encoded = sections.map((records) => records.map((r) => ({ r, name: encodeName(r.name) })));
  let size = HEADER_LENGTH;
  for (const n of questionNames) size += n.length + 4;
  for (const section of encoded) {
    for (const [i, { r, name }] of section.entries()) {
      if (r.data.length > 0xffff) {
        throw new MdnsParseError('TOO_LARGE', 'rdata', i, `RDATA of ${r.data.length} bytes exceeds 65535`);
      }
      size += name.length + 10 + r.data.length;
    }
  }
  if (size > MAX_MESSAGE_SIZE) {
    throw new MdnsParseError('TOO_LARGE', 'message', 0, `${size} bytes exceeds ${MAX_MESSAGE_SIZE}`);
  }

  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint16(0, (message.id ?? 0) & 0xffff);
  view.setUint16(2, (message.flags ?? 0) & 0xffff);
  view.setUint16(4, questions.length);
  for (const [s, section] of encoded.entries()) view.setUint16(6 + s * 2, section.length);
  let at = HEADER_LENGTH;
  for (const [i, q] of questions.entries()) {
    const name = questionNames[i] as Uint8Array;
    out.set(name, at);
    at += name.length;
    view.setUint16(at, q.type & 0xffff);
    view.setUint16(at + 2, (q.class & ~CLASS_TOP_BIT & 0xffff) | (q.unicastResponse ? CLASS_TOP_BIT : 0));
    at += 4;
  }
  for (const section of encoded) {
    for (const { r, name } of section) {
      out.set(name, at);
      at += name.length;
      view.setUint16(at, r.type & 0xffff);
      view.setUint16(at + 2, (r.class & ~CLASS_TOP_BIT & 0xffff) | (r.cacheFlush ? CLASS_TOP_BIT : 0));
      view.setUint32(at + 4, Math.min(Math.max(0, Math.floor(r.ttl)), 0x7fffffff));
      view.setUint16(at + 8, r.data.length);
      out.set(r.data, at + 10);
      at += 10 + r.data.length;
    }
  }
  return out;
}
