/** a=group (RFC 5888 §5) `<semantics> *(SP <identification-tag>)`, e.g. `BUNDLE 0 1 2` (RFC 8843). */
import { fields, token } from '../text.js';

export interface Group {
  /** `BUNDLE`, `LS`, `FID`... */
  readonly semantics: string;
  /** The mids, in order: the first of a BUNDLE group is its tagged m= section (RFC 8843 §7). */
  readonly mids: readonly string[];
}

export function parseGroup(value: string): Group {
  const f = fields(value, 'a=group');
  return { semantics: token(f[0], 'group semantics'), mids: f.slice(1).map((m) => token(m, 'group mid')) };
}

export function formatGroup(g: Group): string {
  return g.mids.length === 0 ? g.semantics : `${g.semantics} ${g.mids.join(' ')}`;
}
