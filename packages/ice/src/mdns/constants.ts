/**
 * Numbers of the DNS wire format (RFC 1035 §3.2, §4.1) and of Multicast DNS (RFC 6762) that the
 * codec and the engines share.
 */
import type { AddressFamily, TransportAddress } from '@purertc/stun';

/** RFC 6762 §3: queries and responses go to UDP port 5353. */
export const MDNS_PORT = 5353;
/** RFC 6762 §3: the IPv4 link-local group. */
export const MDNS_IPV4_GROUP = '224.0.0.251';
/** RFC 6762 §3: the IPv6 link-local group (FF02::FB). */
export const MDNS_IPV6_GROUP = 'ff02::fb';

/** Where a multicast query or response for `family` is sent (RFC 6762 §3, §5.1, §6). */
export function mdnsGroup(family: AddressFamily, port = MDNS_PORT): TransportAddress {
  return { family, address: family === 'IPv4' ? MDNS_IPV4_GROUP : MDNS_IPV6_GROUP, port };
}

/** RR TYPE values (RFC 1035 §3.2.2, RFC 3596 §2.1 for AAAA, RFC 4034 §4 for NSEC). */
export const DnsType = {
  A: 1,
  PTR: 12,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  NSEC: 47,
  /** QTYPE "*" (RFC 1035 §3.2.3): every type the responder has for the name. */
  ANY: 255,
} as const;

/** CLASS values (RFC 1035 §3.2.4, §3.2.5). */
export const DnsClass = {
  IN: 1,
  /** QCLASS "*". */
  ANY: 255,
} as const;

/**
 * The top bit of a question's class is the "unicast response" (QU) bit (RFC 6762 §5.4) and the
 * top bit of a record's class is the "cache-flush" bit (RFC 6762 §10.2); the codec splits them off.
 */
export const CLASS_TOP_BIT = 0x8000;

/** Header flag bits (RFC 1035 §4.1.1): the 16-bit word after the ID. */
export const DnsFlag = {
  /** Query (0) or response (1). */
  QR: 0x8000,
  /** Authoritative answer: every mDNS response sets it (RFC 6762 §18.4). */
  AA: 0x0400,
  /** Truncated: in an mDNS query, more known answers follow (RFC 6762 §7.2, §18.5). */
  TC: 0x0200,
  RD: 0x0100,
  RA: 0x0080,
} as const;

/** OPCODE sits in bits 11..14 of the flags word (RFC 1035 §4.1.1). */
export function opcodeOf(flags: number): number {
  return (flags >> 11) & 0x0f;
}

/** RCODE is the low four bits of the flags word (RFC 1035 §4.1.1). */
export function rcodeOf(flags: number): number {
  return flags & 0x0f;
}

/** The fixed header: ID, flags, and four 16-bit section counts (RFC 1035 §4.1.1). */
export const HEADER_LENGTH = 12;
/** RFC 1035 §2.3.4: a name is at most 255 octets on the wire, a label at most 63. */
export const MAX_NAME_LENGTH = 255;
export const MAX_LABEL_LENGTH = 63;
/**
 * RFC 6762 §17: an mDNS message MUST NOT exceed 9000 bytes including the IP and UDP headers, so a
 * larger payload is not mDNS whatever it claims.
 */
export const MAX_MESSAGE_SIZE = 9000;
/** Host-name records live 120 s (RFC 6762 §10: "a host name ... SHOULD be 120 seconds"). */
export const HOST_RECORD_TTL = 120;
