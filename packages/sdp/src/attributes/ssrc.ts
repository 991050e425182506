/**
 * a=ssrc (RFC 5576 §4.1) `<ssrc-id> <attribute>[:<value>]` and a=ssrc-group (RFC 5576 §4.2)
 * `<semantics> <ssrc-id> ...`: FID pairs a stream with its RTX repair stream (RFC 4588),
 * SIM lists simulcast layers (Chromium's legacy form), FEC-FR a FlexFEC stream.
 */
import { badValue } from '../errors.js';
import { fields, token, UINT32, uint, word } from '../text.js';

export interface SsrcAttribute {
  readonly ssrc: number;
  /** `cname`, `msid`, `mslabel`, `label`, ... */
  readonly attribute: string;
  /** Everything after the colon, as written (`msid` values contain a space). */
  readonly value?: string;
}

export function parseSsrc(value: string): SsrcAttribute {
  const sp = value.indexOf(' ');
  if (sp === -1) badValue('a=ssrc is <ssrc-id> <attribute>[:<value>]');
  const ssrc = uint(value.slice(0, sp), UINT32, 'ssrc id');
  const rest = value.slice(sp + 1);
  const colon = rest.indexOf(':');
  if (colon === -1) return { ssrc, attribute: token(rest, 'ssrc attribute') };
  return { ssrc, attribute: token(rest.slice(0, colon), 'ssrc attribute'), value: rest.slice(colon + 1) };
}

export function formatSsrc(s: SsrcAttribute): string {
  return s.value === undefined ? `${s.ssrc} ${s.attribute}` : `${s.ssrc} ${s.attribute}:${s.value}`;
}

export interface SsrcGroup {
  readonly semantics: string;
  readonly ssrcs: readonly number[];
}

export function parseSsrcGroup(value: string): SsrcGroup {
  const f = fields(value, 'a=ssrc-group');
  const semantics = word(f[0], 'ssrc-group semantics');
  return { semantics, ssrcs: f.slice(1).map((s) => uint(s, UINT32, 'ssrc-group ssrc')) };
}

export function formatSsrcGroup(g: SsrcGroup): string {
  return g.ssrcs.length === 0 ? g.semantics : `${g.semantics} ${g.ssrcs.join(' ')}`;
}
