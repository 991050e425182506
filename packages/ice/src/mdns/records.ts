/** Building the records an mDNS responder for ICE sends: A/AAAA (RFC 1035 §3.4.1, RFC 3596) and NSEC (RFC 6762 §6.1). */
import { addressFamily, parseIp } from '@purertc/stun';
import { DnsClass, DnsType } from './constants.js';
import type { DnsRecord } from './message.js';
import { encodeName } from './name.js';

/** An A record for an IPv4 address or an AAAA record for an IPv6 one (a `%zone` is dropped). */
export function addressRecord(name: string, address: string, ttl: number, cacheFlush = true): DnsRecord {
  const data = parseIp(address);
  return {
    name,
    type: addressFamily(address) === 'IPv4' ? DnsType.A : DnsType.AAAA,
    class: DnsClass.IN,
    cacheFlush,
    ttl,
    data,
    address: address.split('%')[0] as string,
  };
}

/**
 * An NSEC record in the restricted form of RFC 6762 §6.1: the next-domain name is the record's
 * own name, uncompressed, and one bitmap window (window 0, RFC 4034 §4.1.2) lists the types that
 * exist; every type not listed is asserted not to exist, which lets a querier stop waiting for it.
 */
export function nsecRecord(
  name: string,
  types: readonly number[],
  ttl: number,
  cacheFlush = true,
): DnsRecord {
  let highest = 0;
  for (const t of types) {
    if (t <= 0 || t > 255)
      throw new RangeError(`NSEC in the RFC 6762 §6.1 form lists types 1..255, not ${t}`);
    if (t > highest) highest = t;
  }
  const next = encodeName(name);
  const bitmapLength = types.length === 0 ? 0 : (highest >> 3) + 1;
  const data = new Uint8Array(next.length + (bitmapLength === 0 ? 0 : 2 + bitmapLength));
  data.set(next, 0);
  if (bitmapLength > 0) {
    data[next.length] = 0; // window block 0: types 0..255
    data[next.length + 1] = bitmapLength;
    // Bit 0 of the first octet is type 0, bit 7 of it type 7, and so on (RFC 4034 §4.1.2).
    for (const t of types) {
      const at = next.length + 2 + (t >> 3);
      data[at] = (data[at] as number) | (0x80 >> (t & 7));
    }
  }
  return { name, type: DnsType.NSEC, class: DnsClass.IN, cacheFlush, ttl, data };
}
