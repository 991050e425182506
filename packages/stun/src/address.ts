/**
 * IP address text <-> bytes, written here instead of depending on the `ip` package (which has
 * an unfixed advisory). `node:net`'s isIPv4/isIPv6 decide what a string is; the byte conversion
 * is ours. Output text follows RFC 5952 (lowercase, longest zero run compressed).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { AddressParseError } from './errors.js';

export type AddressFamily = 'IPv4' | 'IPv6';

/** An IP address and port, shaped like node:dgram's `rinfo` so adapters pass it through. */
export interface TransportAddress {
  readonly family: AddressFamily;
  readonly address: string;
  readonly port: number;
}

/** "IPv4" or "IPv6" for an address literal; throws {@link AddressParseError} otherwise. */
export function addressFamily(address: string): AddressFamily {
  const bare = stripZone(address);
  if (isIPv4(bare)) return 'IPv4';
  if (isIPv6(bare)) return 'IPv6';
  throw new AddressParseError(address);
}

/** 4 or 16 bytes of an IPv4 or IPv6 literal (a `%zone` suffix is ignored). */
export function parseIp(address: string): Uint8Array {
  const bare = stripZone(address);
  if (isIPv4(bare)) return parseIPv4(bare);
  if (isIPv6(bare)) return parseIPv6(bare);
  throw new AddressParseError(address);
}

/** Text form of 4 or 16 address bytes. */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (bytes.length === 16) return formatIPv6(bytes);
  throw new AddressParseError(`<${bytes.length} bytes>`);
}

function stripZone(address: string): string {
  const pct = address.indexOf('%');
  return pct < 0 ? address : address.slice(0, pct);
}

function parseIPv4(text: string): Uint8Array {
  const out = new Uint8Array(4);
  const parts = text.split('.');
  for (let i = 0; i < 4; i++) out[i] = Number(parts[i]);
  return out;
}

function parseIPv6(text: string): Uint8Array {
  const out = new Uint8Array(16);
  // An embedded dotted IPv4 tail (::ffff:1.2.3.4) fills the last four bytes.
  let tail = text;
  let end = 16;
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) >= 0) {
    out.set(parseIPv4(text.slice(lastColon + 1)), 12);
    tail = text.slice(0, lastColon + 1);
    // "::1.2.3.4" leaves "::" and "a::1.2.3.4" leaves "a::"; a lone trailing ':' goes.
    if (tail.endsWith(':') && !tail.endsWith('::')) tail = tail.slice(0, -1);
    end = 12;
  }
  const gap = tail.indexOf('::');
  const head = gap < 0 ? tail : tail.slice(0, gap);
  const rest = gap < 0 ? '' : tail.slice(gap + 2);
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === '' ? [] : rest.split(':');
  let offset = 0;
  for (const g of headGroups) {
    const v = Number.parseInt(g, 16);
    out[offset++] = v >> 8;
    out[offset++] = v & 0xff;
  }
  offset = end - restGroups.length * 2;
  for (const g of restGroups) {
    const v = Number.parseInt(g, 16);
    out[offset++] = v >> 8;
    out[offset++] = v & 0xff;
  }
  return out;
}

function formatIPv6(b: Uint8Array): string {
  // RFC 5952 §5: IPv4-mapped addresses keep their dotted tail, as node:dgram reports them.
  if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) {
    return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  }
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] as number) << 8) | (b[i + 1] as number));
  // RFC 5952 §4.2: compress the longest run of two or more zero groups, the first on a tie.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLen).join(':');
  return `${left}::${right}`;
}

/**
 * The canonical form of a transport address (RFC 5952 text for IPv6), so that "::1" from a
 * caller, "0:0:0:0:0:0:0:1" typed elsewhere and an address decoded from an attribute meet in one
 * map key. `family` is derived when left out. Throws AddressParseError for a non-literal address,
 * RangeError for a port outside 0..65535.
 */
export function canonicalAddress(a: {
  address: string;
  port: number;
  family?: AddressFamily;
}): TransportAddress {
  if (!Number.isInteger(a.port) || a.port < 0 || a.port > 0xffff) {
    throw new RangeError(`port ${a.port} is not 0..65535`);
  }
  // Valid IPv4 text is already canonical: skip the byte round trip on this per-packet path.
  if (a.family !== 'IPv6' && isIPv4(a.address)) {
    return a.family === 'IPv4'
      ? (a as TransportAddress)
      : { family: 'IPv4', address: a.address, port: a.port };
  }
  return { family: addressFamily(a.address), address: formatIp(parseIp(a.address)), port: a.port };
}

/** `address|port`, a Map key for a canonical transport address. */
export function transportKey(a: { address: string; port: number }): string {
  return `${a.address}|${a.port}`;
}
