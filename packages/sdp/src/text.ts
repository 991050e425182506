/**
 * Small value readers shared by the field and attribute codecs. They throw SdpParseError
 * (BAD_VALUE, without a line: the typed reader adds it).
 */
import { badValue } from './errors.js';

/** RFC 8866 §9 token-char: %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E. */
export function isTokenChar(c: number): boolean {
  return (
    c === 0x21 ||
    (c >= 0x23 && c <= 0x27) ||
    c === 0x2a ||
    c === 0x2b ||
    c === 0x2d ||
    c === 0x2e ||
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x5e && c <= 0x7e)
  );
}

/** A non-empty RFC 8866 token. */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenChar(s.charCodeAt(i))) return false;
  return true;
}

/** A token, or a BAD_VALUE error naming `what`. */
export function token(s: string | undefined, what: string): string {
  if (s === undefined || !isToken(s)) badValue(`${what}: expected a token, got ${JSON.stringify(s ?? '')}`);
  return s;
}

/** Visible characters only (no space, no control): %x21-7E plus any non-ASCII. */
export function isVisible(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return false;
  }
  return true;
}

/** A non-empty run of visible characters, or a BAD_VALUE error. */
export function word(s: string | undefined, what: string): string {
  if (s === undefined || !isVisible(s))
    badValue(`${what}: expected a non-empty word, got ${JSON.stringify(s ?? '')}`);
  return s;
}

/** Decimal digits only, at most `max`; no sign, no exponent, no spaces. */
export function uint(s: string | undefined, max: number, what: string): number {
  if (s === undefined || s.length === 0 || s.length > 16) badValue(`${what}: expected a number`);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) badValue(`${what}: expected digits, got ${JSON.stringify(s)}`);
  }
  const n = Number(s);
  if (n > max) badValue(`${what}: ${s} is more than ${max}`);
  return n;
}

/** Decimal digits of any length (up to 40) as a bigint: o= session id and version. */
export function bigUint(s: string | undefined, what: string): bigint {
  if (s === undefined || s.length === 0 || s.length > 40) badValue(`${what}: expected a number`);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) badValue(`${what}: expected digits, got ${JSON.stringify(s)}`);
  }
  return BigInt(s);
}

/** Splits on single spaces; an empty part (two spaces, a leading or trailing one) is an error. */
export function fields(s: string, what: string): string[] {
  const parts: string[] = [];
  let pos = 0;
  for (;;) {
    const sp = s.indexOf(' ', pos);
    const end = sp === -1 ? s.length : sp;
    if (end === pos) badValue(`${what}: fields are separated by one space`);
    parts.push(s.slice(pos, end));
    if (sp === -1) return parts;
    pos = sp + 1;
  }
}

/** Visible words separated by single spaces (no leading, trailing or double space). */
export function words(s: string, what: string): string {
  let prevSpace = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x20) {
      if (prevSpace) badValue(`${what}: words are separated by one space`);
      prevSpace = true;
    } else if (c < 0x20 || c === 0x7f) {
      badValue(`${what}: control character`);
    } else {
      prevSpace = false;
    }
  }
  if (prevSpace) badValue(`${what}: expected words`);
  return s;
}

export const UINT16 = 0xffff;
export const UINT32 = 0xffffffff;

/** Like {@link uint} over `s[start, end)`, without cutting the substring out. */
export function uintIn(s: string, start: number, end: number, max: number, what: string): number {
  if (end <= start || end - start > 16) badValue(`${what}: expected a number`);
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) badValue(`${what}: expected digits, got ${JSON.stringify(s.slice(start, end))}`);
    n = n * 10 + d;
  }
  if (n > max) badValue(`${what}: ${s.slice(start, end)} is more than ${max}`);
  return n;
}

/** `s[start, end)` when it is a token, else a BAD_VALUE error. */
export function tokenIn(s: string, start: number, end: number, what: string): string {
  if (end <= start) badValue(`${what}: expected a token`);
  for (let i = start; i < end; i++) {
    if (!isTokenChar(s.charCodeAt(i)))
      badValue(`${what}: expected a token, got ${JSON.stringify(s.slice(start, end))}`);
  }
  return s.slice(start, end);
}
