/**
 * Which local addresses get a host candidate (RFC 8445 §5.1.1.1). The rules real peers expect:
 * no loopback and no IPv6 link-local addresses by default, except that loopback is used when it is
 * the only thing there (a machine with no network, a CI container, a test on 127.0.0.1), so that
 * two agents on such a machine still connect; IPv4 before IPv6 within an interface; interfaces in
 * the order the OS lists them (their index feeds the local preference of RFC 8445 §5.1.2.1).
 */
import { networkInterfaces } from 'node:os';
import type { AddressFamily } from '@purertc/stun';

export interface HostAddressOptions {
  /** Include loopback addresses: always, never, or only when nothing else exists ('auto', default). */
  readonly loopback?: boolean | 'auto';
  /** Include IPv6 link-local (fe80::/10) addresses; their zone makes them unusable across hosts (default false). */
  readonly linkLocal?: boolean;
  /** Include IPv6 at all (default true). */
  readonly ipv6?: boolean;
  /** Keep only interfaces this predicate accepts (by name and address). */
  readonly filter?: (interfaceName: string, address: string) => boolean;
  /** Use exactly these addresses instead of enumerating interfaces (they must be local). */
  readonly addresses?: readonly string[];
}

export interface HostAddress {
  readonly interfaceName: string;
  readonly interfaceIndex: number;
  readonly family: AddressFamily;
  readonly address: string;
  readonly loopback: boolean;
}

type InterfaceMap = ReturnType<typeof networkInterfaces>;

function isLinkLocal(address: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(address);
}

/** The addresses to gather host candidates on, from `interfaces` (default: node:os). */
export function hostAddresses(
  options: HostAddressOptions = {},
  interfaces: InterfaceMap = networkInterfaces(),
): HostAddress[] {
  const all: HostAddress[] = [];
  let index = 0;
  for (const [name, list] of Object.entries(interfaces)) {
    for (const info of list ?? []) {
      const family: AddressFamily = info.family === 'IPv6' ? 'IPv6' : 'IPv4';
      all.push({
        interfaceName: name,
        interfaceIndex: index,
        family,
        address: info.address,
        loopback: info.internal,
      });
    }
    index++;
  }
  if (options.addresses !== undefined) {
    const wanted = new Set(options.addresses);
    return all.filter((a) => wanted.has(a.address));
  }
  const usable = all.filter(
    (a) =>
      (options.ipv6 !== false || a.family === 'IPv4') &&
      (options.linkLocal === true || !isLinkLocal(a.address)) &&
      (options.filter === undefined || options.filter(a.interfaceName, a.address)),
  );
  const loopback = options.loopback ?? 'auto';
  const external = usable.filter((a) => !a.loopback);
  const chosen = loopback === true ? usable : loopback === false || external.length > 0 ? external : usable;
  return chosen.sort(
    (x, y) =>
      x.interfaceIndex - y.interfaceIndex || (x.family === y.family ? 0 : x.family === 'IPv4' ? -1 : 1),
  );
}
