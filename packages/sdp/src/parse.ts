/**
 * The lossless parser (RFC 8866 §5): splits a description into its lines, checks the framing
 * and keeps every line as written. What it checks: `<letter>=<value>` syntax, that the letter is
 * one RFC 8866 defines, v=0 / o= / s= as the first three lines and a t= line, no session-only
 * line inside an m= section, attribute names made of token characters, and the size caps of
 * {@link SdpLimits}. Values of known fields and attributes are checked by the typed reader
 * (`readDescription`), which reports the line number of the first bad one.
 */
import {
  KNOWN_TYPES,
  type SdpDocument,
  type SdpFieldType,
  type SdpLine,
  type SdpMediaSection,
  SESSION_ONLY_TYPES,
} from './document.js';
import { SdpParseError, type SdpParseErrorCode } from './errors.js';
import {
  DEFAULT_MAX_LENGTH,
  DEFAULT_MAX_LINE_LENGTH,
  DEFAULT_MAX_LINES,
  DEFAULT_MAX_MEDIA_SECTIONS,
  type SdpLimits,
} from './limits.js';
import { isTokenChar } from './text.js';

const HEADER: readonly string[] = ['v', 'o', 's'];

/**
 * Parses a session description into its lines. Accepts CRLF (what RFC 8866 and browsers use)
 * and bare LF; a missing final line ending is accepted too. Throws only {@link SdpParseError}.
 */
export function parseSdp(text: string, limits: SdpLimits = {}): SdpDocument {
  if (typeof text !== 'string') throw new SdpParseError('BAD_LINE', 0, '', 'a description is a string');
  const maxLength = limits.maxLength ?? DEFAULT_MAX_LENGTH;
  const maxLines = limits.maxLines ?? DEFAULT_MAX_LINES;
  const maxLineLength = limits.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  const maxMedia = limits.maxMediaSections ?? DEFAULT_MAX_MEDIA_SECTIONS;
  if (text.length > maxLength) {
    throw new SdpParseError('TOO_LARGE', 0, '', `${text.length} characters, more than ${maxLength}`);
  }
  const session: SdpLine[] = [];
  const media: SdpMediaSection[] = [];
  let current: SdpLine[] = session;
  let eol: '\r\n' | '\n' | undefined;
  let lineNumber = 0;
  let pos = 0;
  let sawTiming = false;
  // Positions of the next CR and of the first NUL: a line may contain neither (RFC 8866 §5).
  let nextCr = text.indexOf('\r');
  const nul = text.indexOf('\0');
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl === -1 ? text.length : nl;
    const crlf = nl !== -1 && end > pos && text.charCodeAt(end - 1) === 13;
    const lineEnd = crlf ? end - 1 : end;
    const start = pos;
    pos = nl === -1 ? text.length : nl + 1;
    lineNumber++;
    if (eol === undefined && nl !== -1) eol = crlf ? '\r\n' : '\n';
    if (lineNumber > maxLines)
      lineError('TOO_MANY_LINES', lineNumber, text, start, lineEnd, `more than ${maxLines} lines`);
    if (lineEnd - start > maxLineLength)
      lineError('LINE_TOO_LONG', lineNumber, text, start, lineEnd, `longer than ${maxLineLength} characters`);
    if (lineEnd - start < 2 || text.charCodeAt(start + 1) !== 61 /* = */)
      lineError('BAD_LINE', lineNumber, text, start, lineEnd, 'not <type>=<value>');
    while (nextCr !== -1 && nextCr < start) nextCr = text.indexOf('\r', nextCr + 1);
    if ((nextCr !== -1 && nextCr < lineEnd) || (nul >= start && nul < lineEnd)) {
      lineError('BAD_LINE', lineNumber, text, start, lineEnd, 'CR or NUL inside a line');
    }
    const type = text[start] as string;
    if (!KNOWN_TYPES.has(type))
      lineError('UNKNOWN_TYPE', lineNumber, text, start, lineEnd, `no line type "${type}" in RFC 8866`);
    const expected = HEADER[lineNumber - 1];
    if (expected !== undefined && type !== expected)
      lineError('MISSING_LINE', lineNumber, text, start, lineEnd, `line ${lineNumber} must be ${expected}=`);
    if (type === 'a') {
      current.push(parseAttributeLine(text, start, lineEnd, lineNumber));
      continue;
    }
    const value = text.slice(start + 2, lineEnd);
    if (type === 'v' && value !== '0')
      lineError('BAD_VALUE', lineNumber, text, start, lineEnd, 'only SDP version 0 exists (RFC 8866 §5.1)');
    if (type === 'm') {
      if (media.length >= maxMedia)
        lineError('TOO_MANY_MEDIA', lineNumber, text, start, lineEnd, `more than ${maxMedia} m= sections`);
      if (!sawTiming)
        lineError('MISSING_LINE', lineNumber, text, start, lineEnd, 'no t= line before the first m=');
      current = [];
      media.push({ m: value, lines: current });
      continue;
    }
    if (SESSION_ONLY_TYPES.has(type)) {
      if (current !== session)
        lineError('BAD_ORDER', lineNumber, text, start, lineEnd, `${type}= belongs to the session part`);
      if (lineNumber > 3 && (type === 'v' || type === 'o' || type === 's'))
        lineError('BAD_ORDER', lineNumber, text, start, lineEnd, `a second ${type}= line`);
      if (type === 't') sawTiming = true;
    }
    current.push({ type: type as SdpFieldType, value });
  }
  if (lineNumber < 3) {
    throw new SdpParseError('MISSING_LINE', lineNumber, '', 'a description starts with v=, o= and s=');
  }
  if (!sawTiming) throw new SdpParseError('MISSING_LINE', lineNumber, '', 'no t= line (RFC 8866 §5.9)');
  return { session, media, eol: eol ?? '\r\n' };
}

function parseAttributeLine(text: string, start: number, end: number, lineNumber: number): SdpLine {
  const nameStart = start + 2;
  let colon = -1;
  for (let i = nameStart; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 58 /* : */) {
      colon = i;
      break;
    }
    if (!isTokenChar(c))
      lineError('BAD_LINE', lineNumber, text, start, end, 'an attribute name is a token (RFC 8866 §9)');
  }
  const nameEnd = colon === -1 ? end : colon;
  if (nameEnd === nameStart)
    lineError('BAD_LINE', lineNumber, text, start, end, 'an attribute without a name');
  const name = text.slice(nameStart, nameEnd);
  return { type: 'a', name, value: colon === -1 ? undefined : text.slice(colon + 1, end) };
}

/**
 * Throws for line `lineNumber`, `text[start, end)`. A plain function rather than a closure per
 * line: under tsx (esbuild keepNames) every closure created costs an Object.defineProperty.
 */
function lineError(
  code: SdpParseErrorCode,
  lineNumber: number,
  text: string,
  start: number,
  end: number,
  detail: string,
): never {
  throw new SdpParseError(code, lineNumber, text.slice(start, end), detail);
}
