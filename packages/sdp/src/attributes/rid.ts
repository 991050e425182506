/**
 * a=rid (RFC 8851 §10): `<rid-id> send|recv [pt=<fmt>,...;]<restriction>=<value>;...`.
 * Restrictions are `max-width`, `max-height`, `max-fps`, `max-fs`, `max-br`, `max-pps`,
 * `max-bpp`, `depend` and extensions; they are kept in order as written.
 */
import { badValue } from '../errors.js';
import { token } from '../text.js';

export type RidDirection = 'send' | 'recv';

export interface RidRestriction {
  readonly name: string;
  readonly value?: string;
}

export interface Rid {
  /** 1*(alpha-numeric / "-" / "_") (RFC 8851 §10). */
  readonly id: string;
  readonly direction: RidDirection;
  /** The `pt=` list; empty when absent (every format of the section). */
  readonly payloadTypes: readonly string[];
  readonly restrictions: readonly RidRestriction[];
}

const RID_ID = /^[A-Za-z0-9_-]+$/;

export function isRidId(s: string): boolean {
  return s.length > 0 && s.length <= 255 && RID_ID.test(s);
}

export function parseRid(value: string): Rid {
  const sp = value.indexOf(' ');
  const id = sp === -1 ? value : value.slice(0, sp);
  if (!isRidId(id)) badValue(`rid id ${JSON.stringify(id)}: letters, digits, - and _`);
  const rest = sp === -1 ? '' : value.slice(sp + 1);
  const sp2 = rest.indexOf(' ');
  const dir = sp2 === -1 ? rest : rest.slice(0, sp2);
  if (dir !== 'send' && dir !== 'recv') badValue('a=rid direction is send or recv');
  if (sp2 === -1) return { id, direction: dir, payloadTypes: [], restrictions: [] };
  let payloadTypes: string[] = [];
  const restrictions: RidRestriction[] = [];
  const params = rest.slice(sp2 + 1).split(';');
  for (let i = 0; i < params.length; i++) {
    const p = params[i] as string;
    const eq = p.indexOf('=');
    const name = token(eq === -1 ? p : p.slice(0, eq), 'rid parameter');
    if (name === 'pt') {
      if (i !== 0 || eq === -1) badValue('rid: pt= comes first and has a value (RFC 8851 §10)');
      payloadTypes = p.slice(eq + 1).split(',');
      for (const pt of payloadTypes) token(pt, 'rid pt');
    } else {
      restrictions.push(eq === -1 ? { name } : { name, value: p.slice(eq + 1) });
    }
  }
  return { id, direction: dir, payloadTypes, restrictions };
}

export function formatRid(r: Rid): string {
  const params: string[] = [];
  if (r.payloadTypes.length > 0) params.push(`pt=${r.payloadTypes.join(',')}`);
  for (const x of r.restrictions) params.push(x.value === undefined ? x.name : `${x.name}=${x.value}`);
  return params.length === 0 ? `${r.id} ${r.direction}` : `${r.id} ${r.direction} ${params.join(';')}`;
}
