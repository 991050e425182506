/** a=rtcp (RFC 3605 §2.1) `<port> [<nettype> <addrtype> <connection-address>]`. */
import { badValue } from '../errors.js';
import { fields, token, UINT16, uint, word } from '../text.js';

export interface Rtcp {
  readonly port: number;
  readonly netType?: string;
  readonly addrType?: string;
  readonly address?: string;
}

export function parseRtcp(value: string): Rtcp {
  const f = fields(value, 'a=rtcp');
  const port = uint(f[0], UINT16, 'rtcp port');
  if (f.length === 1) return { port };
  if (f.length !== 4) badValue('a=rtcp is <port> [<nettype> <addrtype> <address>]');
  return {
    port,
    netType: token(f[1], 'rtcp nettype'),
    addrType: token(f[2], 'rtcp addrtype'),
    address: word(f[3], 'rtcp address'),
  };
}

export function formatRtcp(r: Rtcp): string {
  if (r.netType === undefined || r.addrType === undefined || r.address === undefined) return `${r.port}`;
  return `${r.port} ${r.netType} ${r.addrType} ${r.address}`;
}
