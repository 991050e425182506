/** Two associations on a virtual link, connected, with helpers to collect what each side got. */
import { SctpAssociation, type SctpAssociationOptions, type SctpEvent } from '../../src/index.js';
import { type LinkOptions, type Side, VirtualLink } from './virtual-link.js';

export interface PairOptions extends LinkOptions {
  readonly options?: SctpAssociationOptions;
  readonly a?: SctpAssociationOptions;
  readonly b?: SctpAssociationOptions;
  /** Who sends INIT: 'a', 'b' or 'both' (the WebRTC way). Default 'a'. */
  readonly initiator?: Side | 'both';
}

export function makePair(o: PairOptions = {}): VirtualLink<SctpAssociation> {
  const a = new SctpAssociation({ role: 'client', ...o.options, ...o.a });
  const b = new SctpAssociation({ role: 'server', ...o.options, ...o.b });
  return new VirtualLink(a, b, o);
}

/** Connects and runs until both sides are open. */
export function connect(link: VirtualLink<SctpAssociation>, initiator: Side | 'both' = 'a'): void {
  if (initiator === 'a' || initiator === 'both') link.a.connect(link.now);
  if (initiator === 'b' || initiator === 'both') link.b.connect(link.now);
  const opened = { a: false, b: false };
  link.run(() => {
    for (const s of ['a', 'b'] as const) if (link.events[s].some((e) => e.type === 'open')) opened[s] = true;
    return opened.a && opened.b;
  }, link.now + 60_000);
  if (!opened.a || !opened.b)
    throw new Error(`handshake did not complete: ${link.a.state} / ${link.b.state}`);
}

export function eventsOf<T extends SctpEvent['type']>(
  link: VirtualLink<SctpAssociation>,
  side: Side,
  type: T,
): Extract<SctpEvent, { type: T }>[] {
  return link.events[side].filter((e): e is Extract<SctpEvent, { type: T }> => e.type === type);
}

export function text(data: Uint8Array): string {
  return new TextDecoder().decode(data);
}
