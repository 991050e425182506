/**
 * a=msid (RFC 8830 §2) `<stream id> [<track id>]`, one per MediaStream the track belongs to
 * (`-` when none), and the session-level a=msid-semantic (the draft's `WMS *` / `WMS <ids>`,
 * which Chromium writes as `msid-semantic: WMS ...`, with a space after the colon).
 */
import { badValue } from '../errors.js';
import { fields, word } from '../text.js';

export interface Msid {
  readonly stream: string;
  readonly track?: string;
}

export function parseMsid(value: string): Msid {
  const f = fields(value, 'a=msid');
  if (f.length > 2) badValue('a=msid is <stream id> [<track id>]');
  const stream = word(f[0], 'msid stream id');
  return f.length === 1 ? { stream } : { stream, track: word(f[1], 'msid track id') };
}

export function formatMsid(m: Msid): string {
  return m.track === undefined ? m.stream : `${m.stream} ${m.track}`;
}

export interface MsidSemantic {
  /** `WMS` */
  readonly semantic: string;
  /** Stream ids, or `*`. */
  readonly identifiers: readonly string[];
}

export function parseMsidSemantic(value: string): MsidSemantic {
  const f = fields(value.trimStart(), 'a=msid-semantic');
  return { semantic: word(f[0], 'msid-semantic'), identifiers: f.slice(1) };
}

export function formatMsidSemantic(m: MsidSemantic): string {
  return m.identifiers.length === 0 ? m.semantic : `${m.semantic} ${m.identifiers.join(' ')}`;
}
