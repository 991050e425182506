/**
 * The lossless layer: a description as its ordered lines (RFC 8866 §5). Every line is kept as
 * written, known or not, so `serializeSdp(parseSdp(text)) === text` for any description with
 * one kind of line ending and a final one (every browser's). Typed views of these lines are in
 * `model/read.ts`; edits are pure functions returning new documents (`edit.ts`).
 */

/** The type letters of RFC 8866 §5 other than `a`. */
export type SdpFieldType = 'v' | 'o' | 's' | 'i' | 'u' | 'e' | 'p' | 'c' | 'b' | 't' | 'r' | 'z' | 'k' | 'm';

/** A `<type>=<value>` line other than an attribute. */
export interface SdpField {
  readonly type: SdpFieldType;
  readonly value: string;
}

/** An `a=<name>` (property) or `a=<name>:<value>` (value) attribute line (RFC 8866 §5.13). */
export interface SdpAttribute {
  readonly type: 'a';
  readonly name: string;
  /** Undefined for a property attribute; `''` for `a=name:` with nothing after the colon. */
  readonly value: string | undefined;
}

export type SdpLine = SdpField | SdpAttribute;

/** One media description: its m= value and the lines after it, up to the next m=. */
export interface SdpMediaSection {
  /** The m= line's value: `<media> <port>[/<n>] <proto> <fmt> ...`. */
  readonly m: string;
  readonly lines: readonly SdpLine[];
}

export interface SdpDocument {
  /** Session-level lines, from v= to the first m=. */
  readonly session: readonly SdpLine[];
  readonly media: readonly SdpMediaSection[];
  /** The line ending the text used (CRLF as RFC 8866 §5 and browsers; LF accepted). */
  readonly eol: '\r\n' | '\n';
}

/** Session-level field types: they may not appear inside an m= section (RFC 8866 §5). */
export const SESSION_ONLY_TYPES: ReadonlySet<string> = new Set(['v', 'o', 's', 'u', 'e', 'p', 't', 'r', 'z']);

/** Every field type letter RFC 8866 §5 defines, `a` and `m` included. */
export const KNOWN_TYPES: ReadonlySet<string> = new Set([
  'v',
  'o',
  's',
  'i',
  'u',
  'e',
  'p',
  'c',
  'b',
  't',
  'r',
  'z',
  'k',
  'a',
  'm',
]);

/** `a=name[:value]` as a line. */
export function attribute(name: string, value?: string): SdpAttribute {
  return { type: 'a', name, value };
}

/** A non-attribute line. */
export function field(type: SdpFieldType, value: string): SdpField {
  return { type, value };
}

/** The text of one line without its line ending. */
export function lineText(line: SdpLine): string {
  if (line.type === 'a') return line.value === undefined ? `a=${line.name}` : `a=${line.name}:${line.value}`;
  return `${line.type}=${line.value}`;
}
