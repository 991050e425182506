/**
 * a=extmap (RFC 8285 §7): `<id>[/<direction>] <URI> [<extension attributes>]`. IDs 1-14 fit the
 * one-byte header form, 1-255 the two-byte form; 4096-4351 are for negotiation only (§7).
 */
import { badValue } from '../errors.js';
import { uintIn, word, words } from '../text.js';
import { type Direction, parseDirection } from './direction.js';

export interface Extmap {
  readonly id: number;
  /** Absent means sendrecv. */
  readonly direction?: Direction;
  readonly uri: string;
  /** Anything after the URI, as written (e.g. the `hdrext` parameters of some extensions). */
  readonly attributes?: string;
}

export function parseExtmap(value: string): Extmap {
  const sp = value.indexOf(' ');
  if (sp <= 0) badValue('a=extmap is <id>[/<direction>] <uri>');
  const slash = value.lastIndexOf('/', sp);
  const id = uintIn(value, 0, slash === -1 ? sp : slash, 4351, 'extmap id');
  if (id === 0) badValue('extmap id 0 is reserved (RFC 8285 §4.2)');
  const direction = slash === -1 ? undefined : parseDirection(value.slice(slash + 1, sp));
  const sp2 = value.indexOf(' ', sp + 1);
  const uri = word(value.slice(sp + 1, sp2 === -1 ? value.length : sp2), 'extmap uri');
  if (sp2 === -1) return { id, direction, uri, attributes: undefined };
  const attributes = value.slice(sp2 + 1);
  words(attributes, 'extmap attributes');
  return { id, direction, uri, attributes };
}

export function formatExtmap(e: Extmap): string {
  const head = e.direction === undefined ? `${e.id}` : `${e.id}/${e.direction}`;
  return e.attributes === undefined ? `${head} ${e.uri}` : `${head} ${e.uri} ${e.attributes}`;
}
