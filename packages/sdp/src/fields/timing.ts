/**
 * t= and r= (RFC 8866 §5.9, §5.10). WebRTC always writes `t=0 0` (an unbounded session); r= lines
 * that follow a t= line are kept with it, verbatim.
 */
import { badValue } from '../errors.js';
import { fields, uint } from '../text.js';

export interface Timing {
  /** NTP seconds; 0 means unbounded. */
  readonly start: number;
  readonly stop: number;
  /** The r= lines under this t= line, as written. */
  readonly repeats: readonly string[];
}

export function parseTiming(value: string): { start: number; stop: number } {
  const f = fields(value, 't=');
  if (f.length !== 2) badValue(`t= has 2 fields, not ${f.length}`);
  return {
    start: uint(f[0], Number.MAX_SAFE_INTEGER, 't= start-time'),
    stop: uint(f[1], Number.MAX_SAFE_INTEGER, 't= stop-time'),
  };
}

export function formatTiming(t: Timing): string {
  return `${t.start} ${t.stop}`;
}
