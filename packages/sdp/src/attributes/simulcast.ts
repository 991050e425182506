/**
 * a=simulcast (RFC 8853 §5.1): `send <list> [recv <list>]` (either order). A list is streams
 * separated by `;`, each a `,`-separated set of alternative rids; `~` marks a paused one.
 * `send h;m;l` is three simulcast streams; `send 1,2;3` two streams, the first with two formats.
 */
import { badValue } from '../errors.js';
import { fields } from '../text.js';
import { isRidId } from './rid.js';

export interface SimulcastRid {
  readonly rid: string;
  readonly paused: boolean;
}

/** One simulcast stream: its alternatives, in preference order. */
export type SimulcastStream = readonly SimulcastRid[];

export interface Simulcast {
  readonly send?: readonly SimulcastStream[];
  readonly recv?: readonly SimulcastStream[];
}

export function parseSimulcast(value: string): Simulcast {
  const f = fields(value, 'a=simulcast');
  if (f.length !== 2 && f.length !== 4) badValue('a=simulcast is <send|recv> <list> [<send|recv> <list>]');
  let send: SimulcastStream[] | undefined;
  let recv: SimulcastStream[] | undefined;
  for (let i = 0; i < f.length; i += 2) {
    const list = parseList(f[i + 1] as string);
    if (f[i] === 'send' && send === undefined) send = list;
    else if (f[i] === 'recv' && recv === undefined) recv = list;
    else badValue('a=simulcast: one send and one recv list at most');
  }
  if (send === undefined) return { recv };
  return recv === undefined ? { send } : { send, recv };
}

function parseList(list: string): SimulcastStream[] {
  return list.split(';').map((stream) =>
    stream.split(',').map((alt) => {
      const paused = alt.startsWith('~');
      const rid = paused ? alt.slice(1) : alt;
      if (!isRidId(rid)) badValue(`simulcast rid ${JSON.stringify(rid)}`);
      return { rid, paused };
    }),
  );
}

function formatList(streams: readonly SimulcastStream[]): string {
  return streams.map((s) => s.map((a) => (a.paused ? `~${a.rid}` : a.rid)).join(',')).join(';');
}

/** Writes send first, then recv. */
export function formatSimulcast(s: Simulcast): string {
  const parts: string[] = [];
  if (s.send !== undefined) parts.push(`send ${formatList(s.send)}`);
  if (s.recv !== undefined) parts.push(`recv ${formatList(s.recv)}`);
  return parts.join(' ');
}
