/**
 * RTP header extensions in offers and answers (RFC 8285 §7, RFC 8829 §5.2.1, §5.3.1): one id per
 * URI across the offer (so a BUNDLE group demultiplexes with one map), the answer keeps the
 * offerer's ids for the URIs it supports, and directions intersect like media directions.
 */
import type { Direction } from '../attributes/direction.js';
import type { Extmap } from '../attributes/extmap.js';
import { JsepError } from '../errors.js';
import { answerDirection } from './directions.js';

export interface HeaderExtensionSpec {
  readonly uri: string;
  /** A fixed id (e.g. one negotiated before); others are allocated 1-14, then 16-255. */
  readonly id?: number;
  /** Absent means sendrecv. */
  readonly direction?: Direction;
}

export class ExtensionIdAllocator {
  private readonly byUri = new Map<string, number>();
  private readonly used = new Map<number, string>();

  reserve(uri: string, id: number): number {
    const owner = this.used.get(id);
    if (owner !== undefined && owner !== uri) {
      throw new JsepError('INVALID_PARAMETERS', `extension id ${id} is both ${owner} and ${uri}`);
    }
    if (id < 1 || id > 255 || id === 15)
      throw new JsepError('INVALID_PARAMETERS', `extension id ${id} (RFC 8285 §4)`);
    this.used.set(id, uri);
    if (!this.byUri.has(uri)) this.byUri.set(uri, id);
    return id;
  }

  allocate(uri: string): number {
    const known = this.byUri.get(uri);
    if (known !== undefined) return known;
    for (let id = 1; id <= 255; id++) {
      if (id !== 15 && !this.used.has(id)) return this.reserve(uri, id);
    }
    throw new JsepError('INVALID_PARAMETERS', 'no header extension id left (RFC 8285 §4)');
  }
}

/** The offer's a=extmap lines for one transceiver. */
export function offerExtmaps(specs: readonly HeaderExtensionSpec[], ids: ExtensionIdAllocator): Extmap[] {
  for (const s of specs) if (s.id !== undefined) ids.reserve(s.uri, s.id);
  return specs.map((s) => {
    const id = s.id ?? ids.allocate(s.uri);
    return s.direction === undefined || s.direction === 'sendrecv'
      ? { id, uri: s.uri }
      : { id, uri: s.uri, direction: s.direction };
  });
}

/** The answer's a=extmap lines: offered URIs we support, the offerer's ids, intersected directions. */
export function answerExtmaps(offered: readonly Extmap[], local: readonly HeaderExtensionSpec[]): Extmap[] {
  const out: Extmap[] = [];
  for (const o of offered) {
    const spec = local.find((l) => l.uri === o.uri);
    if (spec === undefined) continue;
    const direction = answerDirection(o.direction ?? 'sendrecv', spec.direction ?? 'sendrecv');
    if (direction === 'inactive') continue;
    out.push(
      direction === 'sendrecv' && o.direction === undefined
        ? { id: o.id, uri: o.uri }
        : { id: o.id, uri: o.uri, direction },
    );
  }
  return out;
}
