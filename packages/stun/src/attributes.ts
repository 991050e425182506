/**
 * Value formats of the typed attributes (RFC 8489 §14, RFC 8445 §16.1, RFC 8656 §18).
 * Decoders take the attribute's value bytes (a view, no copy) and the value's offset in the
 * message, so that errors can say where the bad field is. They throw only StunParseError.
 */
import { type AddressFamily, formatIp, type TransportAddress } from './address.js';
import { AddressFamilyByte, MAGIC_COOKIE } from './constants.js';
import { StunParseError } from './errors.js';

const decoder = new TextDecoder('utf-8', { fatal: false });

function need(value: Uint8Array, length: number, field: string, offset: number, exact = false): void {
  if (exact ? value.length !== length : value.length < length) {
    throw new StunParseError(
      'BAD_ATTRIBUTE',
      field,
      offset,
      `value has ${value.length} bytes, expected ${exact ? '' : 'at least '}${length}`,
    );
  }
}

/** UTF-8 text attributes: USERNAME, REALM, NONCE, SOFTWARE, ALTERNATE-DOMAIN. */
export function decodeText(value: Uint8Array): string {
  return decoder.decode(value);
}

export function decodeUint32(value: Uint8Array, field: string, offset: number): number {
  need(value, 4, field, offset, true);
  return (
    ((value[0] as number) * 0x1000000 +
      (((value[1] as number) << 16) | ((value[2] as number) << 8) | (value[3] as number))) >>>
    0
  );
}

/** ICE-CONTROLLED / ICE-CONTROLLING carry a 64-bit tie-breaker (RFC 8445 §16.1). */
export function decodeUint64(value: Uint8Array, field: string, offset: number): bigint {
  need(value, 8, field, offset, true);
  const view = new DataView(value.buffer, value.byteOffset, 8);
  return view.getBigUint64(0);
}

function familyOf(byte: number, field: string, offset: number): { family: AddressFamily; length: number } {
  if (byte === AddressFamilyByte.IPv4) return { family: 'IPv4', length: 4 };
  if (byte === AddressFamilyByte.IPv6) return { family: 'IPv6', length: 16 };
  throw new StunParseError('BAD_ADDRESS', field, offset + 1, `unknown address family 0x${byte.toString(16)}`);
}

/** MAPPED-ADDRESS / ALTERNATE-SERVER / RESPONSE-ORIGIN / OTHER-ADDRESS (RFC 8489 §14.1). */
export function decodeAddress(value: Uint8Array, field: string, offset: number): TransportAddress {
  need(value, 4, field, offset);
  const { family, length } = familyOf(value[1] as number, field, offset);
  need(value, 4 + length, field, offset, true);
  const port = ((value[2] as number) << 8) | (value[3] as number);
  return { family, address: formatIp(value.subarray(4, 4 + length)), port };
}

/**
 * XOR-MAPPED-ADDRESS / XOR-PEER-ADDRESS / XOR-RELAYED-ADDRESS (RFC 8489 §14.2): the port is
 * XORed with the cookie's top 16 bits, the address with the cookie (IPv4) or with the cookie
 * followed by the transaction id (IPv6), so that NATs rewriting addresses in payloads miss it.
 */
export function decodeXorAddress(
  value: Uint8Array,
  transactionId: Uint8Array,
  field: string,
  offset: number,
): TransportAddress {
  need(value, 4, field, offset);
  const { family, length } = familyOf(value[1] as number, field, offset);
  need(value, 4 + length, field, offset, true);
  const port = (((value[2] as number) << 8) | (value[3] as number)) ^ (MAGIC_COOKIE >>> 16);
  const addr = new Uint8Array(length);
  xorAddressBytes(value.subarray(4, 4 + length), transactionId, addr);
  return { family, address: formatIp(addr), port };
}

/** XORs 4 or 16 address bytes with cookie (+ transaction id) into `out`. Its own inverse. */
export function xorAddressBytes(
  src: Uint8Array,
  transactionId: Uint8Array,
  out: Uint8Array,
  outOffset = 0,
): void {
  for (let i = 0; i < src.length; i++) {
    const mask = i < 4 ? (MAGIC_COOKIE >>> (24 - i * 8)) & 0xff : (transactionId[i - 4] as number);
    out[outOffset + i] = (src[i] as number) ^ mask;
  }
}

export interface ErrorCodeValue {
  readonly code: number;
  readonly reason: string;
}

/** ERROR-CODE (RFC 8489 §14.8): class (hundreds) in 3 bits, number (0..99) in a byte. */
export function decodeErrorCode(value: Uint8Array, offset: number): ErrorCodeValue {
  need(value, 4, 'ERROR-CODE', offset);
  const cls = (value[2] as number) & 0x07;
  const num = value[3] as number;
  if (cls < 3 || cls > 6 || num > 99) {
    throw new StunParseError('BAD_ATTRIBUTE', 'ERROR-CODE', offset + 2, `invalid code ${cls}${num}`);
  }
  return { code: cls * 100 + num, reason: decoder.decode(value.subarray(4)) };
}

/** UNKNOWN-ATTRIBUTES (RFC 8489 §14.13): a list of 16-bit types. */
export function decodeUnknownAttributes(value: Uint8Array, offset: number): number[] {
  if (value.length % 2 !== 0) {
    throw new StunParseError('BAD_ATTRIBUTE', 'UNKNOWN-ATTRIBUTES', offset, 'odd length');
  }
  const types: number[] = [];
  for (let i = 0; i < value.length; i += 2)
    types.push(((value[i] as number) << 8) | (value[i + 1] as number));
  return types;
}

export interface PasswordAlgorithmValue {
  readonly algorithm: number;
  readonly parameters: Uint8Array;
}

/** One PASSWORD-ALGORITHM entry: algorithm, length, parameters padded to 4 (RFC 8489 §14.11). */
function readAlgorithm(
  value: Uint8Array,
  at: number,
  field: string,
  offset: number,
): { entry: PasswordAlgorithmValue; next: number } {
  if (at + 4 > value.length)
    throw new StunParseError('BAD_ATTRIBUTE', field, offset + at, 'truncated algorithm');
  const algorithm = ((value[at] as number) << 8) | (value[at + 1] as number);
  const len = ((value[at + 2] as number) << 8) | (value[at + 3] as number);
  const end = at + 4 + len;
  if (end > value.length)
    throw new StunParseError('BAD_ATTRIBUTE', field, offset + at + 2, 'parameters overrun');
  return { entry: { algorithm, parameters: value.subarray(at + 4, end) }, next: end + ((4 - (len % 4)) % 4) };
}

export function decodePasswordAlgorithm(value: Uint8Array, offset: number): PasswordAlgorithmValue {
  return readAlgorithm(value, 0, 'PASSWORD-ALGORITHM', offset).entry;
}

/** PASSWORD-ALGORITHMS (RFC 8489 §14.11): the list the server offers, in its order. */
export function decodePasswordAlgorithms(value: Uint8Array, offset: number): PasswordAlgorithmValue[] {
  const list: PasswordAlgorithmValue[] = [];
  let at = 0;
  while (at < value.length) {
    const { entry, next } = readAlgorithm(value, at, 'PASSWORD-ALGORITHMS', offset);
    list.push(entry);
    at = next;
  }
  return list;
}

/** CHANNEL-NUMBER (RFC 8656 §18.1): 16 bits, then 16 reserved bits. */
export function decodeChannelNumber(value: Uint8Array, offset: number): number {
  need(value, 4, 'CHANNEL-NUMBER', offset, true);
  return ((value[0] as number) << 8) | (value[1] as number);
}

/** REQUESTED-TRANSPORT (RFC 8656 §18.8): protocol number, then 24 reserved bits. */
export function decodeRequestedTransport(value: Uint8Array, offset: number): number {
  need(value, 4, 'REQUESTED-TRANSPORT', offset, true);
  return value[0] as number;
}

/** REQUESTED-ADDRESS-FAMILY / ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §18.6, §18.11). */
export function decodeRequestedAddressFamily(
  value: Uint8Array,
  field: string,
  offset: number,
): AddressFamily {
  need(value, 4, field, offset, true);
  return familyOf(value[0] as number, field, offset - 1).family;
}

/** EVEN-PORT (RFC 8656 §18.7): the R bit asks to reserve the next port too. */
export function decodeEvenPort(value: Uint8Array, offset: number): { reserveNext: boolean } {
  need(value, 1, 'EVEN-PORT', offset, true);
  return { reserveNext: ((value[0] as number) & 0x80) !== 0 };
}

/** RESERVATION-TOKEN (RFC 8656 §18.10): 8 opaque bytes. */
export function decodeReservationToken(value: Uint8Array, offset: number): Uint8Array {
  need(value, 8, 'RESERVATION-TOKEN', offset, true);
  return value;
}
