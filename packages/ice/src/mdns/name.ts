/**
 * DNS names between text and the wire (RFC 1035 §3.1, §4.1.4). On the wire a name is a sequence
 * of length-prefixed labels ending in a zero octet, or in a two-octet compression pointer to an
 * earlier occurrence of the rest of the name. In text, labels are joined by '.', without the
 * trailing root dot; a '.' or '\' inside a label is escaped with '\' (the master-file convention of
 * RFC 1035 §5.1), so a label can never pass for two.
 *
 * Labels are UTF-8 (RFC 6762 §16). Names compare case-insensitively for ASCII letters only
 * (RFC 6762 §16, RFC 4343): see {@link nameKey}.
 */
import { MdnsParseError } from '../errors.js';
import { HEADER_LENGTH, MAX_LABEL_LENGTH, MAX_NAME_LENGTH } from './constants.js';

/**
 * A compression pointer may only point strictly before the labels that led to it (so decoding
 * always terminates); this caps how many a name may chain as well, since 255 octets of name never
 * need more than a few.
 */
const MAX_POINTERS = 32;

const utf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

export interface DecodedName {
  /** The name in text form (see the module comment). */
  readonly name: string;
  /** Offset just past the name where it was written (after the pointer, if it ended in one). */
  readonly end: number;
}

function escapeLabel(label: string): string {
  return label.includes('.') || label.includes('\\') ? label.replace(/[.\\]/g, '\\$&') : label;
}

/**
 * Reads the name at `offset` of a whole message, following compression pointers. Throws
 * {@link MdnsParseError} naming `field` for anything malformed: a name running past the end,
 * reserved label types, pointers into the header or forwards, or more than 255 octets.
 */
export function readName(bytes: Uint8Array, offset: number, field = 'name'): DecodedName {
  let pos = offset;
  // Where the labels being read began: a pointer must land strictly before it (RFC 1035 §4.1.4
  // "a prior occurrence of the same name"); requiring that, not just "before the pointer", is
  // what rules out loops such as a pointer to its own label.
  let segmentStart = offset;
  let end = -1;
  let pointers = 0;
  let wireLength = 1; // the root octet
  let text = '';
  for (;;) {
    if (pos >= bytes.length) throw new MdnsParseError('TRUNCATED', field, pos, 'name runs past the end');
    const len = bytes[pos] as number;
    if (len === 0) {
      if (end < 0) end = pos + 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= bytes.length) throw new MdnsParseError('TRUNCATED', field, pos, 'pointer cut short');
      const target = ((len & 0x3f) << 8) | (bytes[pos + 1] as number);
      if (target < HEADER_LENGTH || target >= segmentStart) {
        throw new MdnsParseError('BAD_POINTER', field, pos, `pointer to ${target} does not point backwards`);
      }
      if (++pointers > MAX_POINTERS)
        throw new MdnsParseError('BAD_POINTER', field, pos, 'pointer chain too deep');
      if (end < 0) end = pos + 2;
      pos = target;
      segmentStart = target;
      continue;
    }
    if (kind !== 0) {
      // 0x40 (extended label types, RFC 6891 §5) and 0x80 are reserved.
      throw new MdnsParseError('BAD_LABEL', field, pos, `reserved label type 0x${kind.toString(16)}`);
    }
    if (pos + 1 + len > bytes.length)
      throw new MdnsParseError('TRUNCATED', field, pos, 'label runs past the end');
    wireLength += 1 + len;
    if (wireLength > MAX_NAME_LENGTH) {
      throw new MdnsParseError('NAME_TOO_LONG', field, pos, `name exceeds ${MAX_NAME_LENGTH} octets`);
    }
    const label = escapeLabel(utf8.decode(bytes.subarray(pos + 1, pos + 1 + len)));
    text = text === '' ? label : `${text}.${label}`;
    pos += 1 + len;
  }
  return { name: text, end };
}

/** Splits a text name into its unescaped labels, each with where it starts; a trailing root dot is allowed. */
function splitLabels(name: string): { text: string; at: number }[] {
  const labels: { text: string; at: number }[] = [];
  if (name === '' || name === '.') return labels;
  let current = '';
  let start = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name[i] as string;
    if (c === '\\') {
      if (i + 1 >= name.length) throw new MdnsParseError('BAD_LABEL', 'name', i, 'dangling escape');
      current += name[++i];
    } else if (c === '.') {
      if (i === start) throw new MdnsParseError('BAD_LABEL', 'name', i, 'empty label');
      labels.push({ text: current, at: start });
      current = '';
      start = i + 1;
    } else {
      current += c;
    }
  }
  // "a.local." ends in the root dot: nothing after it.
  if (start < name.length) labels.push({ text: current, at: start });
  return labels;
}

/**
 * The uncompressed wire form of a text name (RFC 1035 §3.1). Throws {@link MdnsParseError} with
 * BAD_LABEL for an empty or over-63-octet label and NAME_TOO_LONG past 255 octets; `offset` is
 * then a character offset into `name`.
 */
export function encodeName(name: string): Uint8Array {
  const labels: Uint8Array[] = [];
  let size = 1;
  for (const { text, at } of splitLabels(name)) {
    const l = encoder.encode(text);
    if (l.length > MAX_LABEL_LENGTH) {
      throw new MdnsParseError(
        'BAD_LABEL',
        'name',
        at,
        `label of ${l.length} octets exceeds ${MAX_LABEL_LENGTH}`,
      );
    }
    size += 1 + l.length;
    if (size > MAX_NAME_LENGTH) {
      throw new MdnsParseError('NAME_TOO_LONG', 'name', at, `name exceeds ${MAX_NAME_LENGTH} octets`);
    }
    labels.push(l);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const l of labels) {
    out[at++] = l.length;
    out.set(l, at);
    at += l.length;
  }
  out[at] = 0;
  return out;
}

/**
 * The form in which names are compared: ASCII letters lowered (RFC 6762 §16: mDNS names match
 * case-insensitively for ASCII only, not by Unicode case folding) and the root dot dropped.
 */
export function nameKey(name: string): string {
  let n = name;
  if (n.endsWith('.')) {
    // Drop the root dot, but not an escaped one ("a\." is a label ending in '.').
    let slashes = 0;
    for (let i = n.length - 2; i >= 0 && n[i] === '\\'; i--) slashes++;
    if (slashes % 2 === 0) n = n.slice(0, -1);
  }
  return n.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** Whether a name lies under `.local` (RFC 6762 §3), the only names we ever query or answer. */
export function isLocalName(name: string): boolean {
  const key = nameKey(name);
  const dot = key.length - '.local'.length;
  if (dot <= 0 || !key.endsWith('.local')) return false;
  // The dot must separate labels, not be an escaped '.' inside one ("x\.local" is one label).
  let slashes = 0;
  for (let i = dot - 1; i >= 0 && key[i] === '\\'; i--) slashes++;
  return slashes % 2 === 0;
}
