/** b= (RFC 8866 §5.8): `<bwtype>:<bandwidth>`, e.g. `AS:2000` (kbit/s) or `TIAS:2000000` (bit/s, RFC 3890). */
import { badValue } from '../errors.js';
import { token, uint } from '../text.js';

export interface Bandwidth {
  readonly type: string;
  readonly value: number;
}

export function parseBandwidth(value: string): Bandwidth {
  const colon = value.indexOf(':');
  if (colon === -1) badValue('b= is <bwtype>:<bandwidth>');
  return {
    type: token(value.slice(0, colon), 'b= bwtype'),
    value: uint(value.slice(colon + 1), Number.MAX_SAFE_INTEGER, 'b= bandwidth'),
  };
}

export function formatBandwidth(b: Bandwidth): string {
  return `${b.type}:${b.value}`;
}
