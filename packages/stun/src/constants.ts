/** STUN protocol numbers (RFC 8489 §5, §14, §18; RFC 8445 §16.1; RFC 8656 §17-18). */

/** The fixed value in bytes 4..7 of every RFC 5389/8489 message (RFC 8489 §5). */
export const MAGIC_COOKIE = 0x2112a442;
export const HEADER_LENGTH = 20;
export const TRANSACTION_ID_LENGTH = 12;

/** Message classes, the C1C0 bits of the message type (RFC 8489 §5). */
export const StunClass = {
  Request: 0b00,
  Indication: 0b01,
  SuccessResponse: 0b10,
  ErrorResponse: 0b11,
} as const;
export type StunClass = (typeof StunClass)[keyof typeof StunClass];

/** Methods: Binding from RFC 8489, the rest from TURN (RFC 8656 §17). */
export const StunMethod = {
  Binding: 0x001,
  Allocate: 0x003,
  Refresh: 0x004,
  Send: 0x006,
  Data: 0x007,
  CreatePermission: 0x008,
  ChannelBind: 0x009,
} as const;
export type StunMethod = (typeof StunMethod)[keyof typeof StunMethod];

/** Attribute types. 0x0000-0x7FFF are comprehension-required, 0x8000-0xFFFF optional (RFC 8489 §14). */
export const AttributeType = {
  MappedAddress: 0x0001,
  Username: 0x0006,
  MessageIntegrity: 0x0008,
  ErrorCode: 0x0009,
  UnknownAttributes: 0x000a,
  ChannelNumber: 0x000c,
  Lifetime: 0x000d,
  XorPeerAddress: 0x0012,
  Data: 0x0013,
  Realm: 0x0014,
  Nonce: 0x0015,
  XorRelayedAddress: 0x0016,
  RequestedAddressFamily: 0x0017,
  EvenPort: 0x0018,
  RequestedTransport: 0x0019,
  DontFragment: 0x001a,
  MessageIntegritySha256: 0x001c,
  PasswordAlgorithm: 0x001d,
  Userhash: 0x001e,
  XorMappedAddress: 0x0020,
  ReservationToken: 0x0022,
  Priority: 0x0024,
  UseCandidate: 0x0025,
  AdditionalAddressFamily: 0x8000,
  AddressErrorCode: 0x8001,
  PasswordAlgorithms: 0x8002,
  AlternateDomain: 0x8003,
  Icmp: 0x8004,
  Software: 0x8022,
  AlternateServer: 0x8023,
  Fingerprint: 0x8028,
  IceControlled: 0x8029,
  IceControlling: 0x802a,
  ResponseOrigin: 0x802b,
  OtherAddress: 0x802c,
} as const;
export type AttributeType = (typeof AttributeType)[keyof typeof AttributeType];

const knownTypes = new Set<number>(Object.values(AttributeType));

/** True for the attribute types this package understands. */
export function isKnownAttribute(type: number): boolean {
  return knownTypes.has(type);
}

/** RFC 8489 §14: types below 0x8000 must be understood or the request rejected with 420. */
export function isComprehensionRequired(type: number): boolean {
  return type < 0x8000;
}

/** PASSWORD-ALGORITHM values (RFC 8489 §18.5). */
export const PasswordAlgorithm = {
  MD5: 0x0001,
  SHA256: 0x0002,
} as const;
export type PasswordAlgorithm = (typeof PasswordAlgorithm)[keyof typeof PasswordAlgorithm];

/** Frequently used ERROR-CODE values (RFC 8489 §14.8, RFC 8656 §18, RFC 8445 §7.3.1.1). */
export const ErrorCode = {
  TryAlternate: 300,
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  UnknownAttribute: 420,
  AllocationMismatch: 437,
  StaleNonce: 438,
  AddressFamilyNotSupported: 440,
  WrongCredentials: 441,
  UnsupportedTransportProtocol: 442,
  PeerAddressFamilyMismatch: 443,
  AllocationQuotaReached: 486,
  RoleConflict: 487,
  ServerError: 500,
  InsufficientCapacity: 508,
} as const;

/** REQUESTED-TRANSPORT protocol numbers (RFC 8656 §18.8): the IANA protocol number. */
export const TransportProtocol = { UDP: 17, TCP: 6 } as const;

/** ADDRESS family octets used inside address attributes (RFC 8489 §14.1). */
export const AddressFamilyByte = { IPv4: 0x01, IPv6: 0x02 } as const;
