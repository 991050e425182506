/** Which local addresses get host candidates (RFC 8445 §5.1.1.1 and what real peers expect). */
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { hostAddresses } from '../src/index.js';

function iface(address: string, family: 'IPv4' | 'IPv6', internal = false): NetworkInterfaceInfo {
  return {
    address,
    family,
    internal,
    netmask: '',
    mac: '00:00:00:00:00:00',
    cidr: null,
    scopeid: 0,
  } as NetworkInterfaceInfo;
}

const machine = {
  lo: [iface('127.0.0.1', 'IPv4', true), iface('::1', 'IPv6', true)],
  eth0: [iface('fe80::1', 'IPv6'), iface('2001:db8::5', 'IPv6'), iface('192.0.2.7', 'IPv4')],
  wlan0: [iface('198.51.100.3', 'IPv4')],
};

describe('hostAddresses', () => {
  it('skips loopback and link-local by default, IPv4 first within an interface, OS order across', () => {
    expect(hostAddresses({}, machine).map((a) => a.address)).toEqual([
      '192.0.2.7',
      '2001:db8::5',
      '198.51.100.3',
    ]);
    expect(hostAddresses({}, machine).map((a) => a.interfaceIndex)).toEqual([1, 1, 2]);
  });

  it('uses loopback when it is all there is, or when asked', () => {
    expect(hostAddresses({}, { lo: machine.lo }).map((a) => a.address)).toEqual(['127.0.0.1', '::1']);
    expect(hostAddresses({ loopback: true }, machine).map((a) => a.address)).toContain('127.0.0.1');
    expect(hostAddresses({ loopback: false }, { lo: machine.lo })).toEqual([]);
  });

  it('honours link-local, IPv6, filter and explicit address options', () => {
    expect(hostAddresses({ linkLocal: true }, machine).map((a) => a.address)).toContain('fe80::1');
    expect(hostAddresses({ ipv6: false }, machine).map((a) => a.address)).toEqual([
      '192.0.2.7',
      '198.51.100.3',
    ]);
    expect(hostAddresses({ filter: (name) => name === 'wlan0' }, machine).map((a) => a.address)).toEqual([
      '198.51.100.3',
    ]);
    expect(hostAddresses({ addresses: ['127.0.0.1'] }, machine).map((a) => a.address)).toEqual(['127.0.0.1']);
  });
});
