/** c= (RFC 8866 §5.7): `<nettype> <addrtype> <connection-address>`. JSEP writes `IN IP4 0.0.0.0`. */
import { badValue } from '../errors.js';
import { fields, token, word } from '../text.js';

export interface Connection {
  readonly netType: string;
  readonly addrType: string;
  /** As written, with a `/ttl` or `/count` suffix if any (multicast). */
  readonly address: string;
}

export function parseConnection(value: string): Connection {
  const f = fields(value, 'c=');
  if (f.length !== 3) badValue(`c= has 3 fields, not ${f.length}`);
  return {
    netType: token(f[0], 'c= nettype'),
    addrType: token(f[1], 'c= addrtype'),
    address: word(f[2], 'c= address'),
  };
}

export function formatConnection(c: Connection): string {
  return `${c.netType} ${c.addrType} ${c.address}`;
}
