/**
 * A decoded STUN message (RFC 8489 §5, §14). Decoding validates the header and the attribute
 * framing once and indexes the attributes; typed values are decoded on access. The message keeps
 * views into the input bytes (no copies), so integrity and fingerprint are checked over exactly
 * the bytes that arrived.
 */
import type { AddressFamily, TransportAddress } from './address.js';
import {
  decodeAddress,
  decodeChannelNumber,
  decodeErrorCode,
  decodeEvenPort,
  decodePasswordAlgorithm,
  decodePasswordAlgorithms,
  decodeRequestedAddressFamily,
  decodeRequestedTransport,
  decodeReservationToken,
  decodeText,
  decodeUint32,
  decodeUint64,
  decodeUnknownAttributes,
  decodeXorAddress,
  type ErrorCodeValue,
  type PasswordAlgorithmValue,
} from './attributes.js';
import {
  AttributeType,
  HEADER_LENGTH,
  isComprehensionRequired,
  isKnownAttribute,
  MAGIC_COOKIE,
  type StunClass,
} from './constants.js';
import { StunParseError } from './errors.js';

/** One attribute as it stood in the message: its type, its value (a view) and where it began. */
export interface StunAttribute {
  readonly type: number;
  readonly value: Uint8Array;
  /** Offset of the attribute's 4-byte header in the message. */
  readonly offset: number;
}

export interface DecodeOptions {
  /** Reject messages larger than this many bytes (default 8192: far above any ICE or TURN control message). */
  readonly maxSize?: number;
  /** Reject messages with more attributes than this (default 128). */
  readonly maxAttributes?: number;
}

export const DEFAULT_MAX_MESSAGE_SIZE = 8192;
export const DEFAULT_MAX_ATTRIBUTES = 128;

/** Splits the 14-bit message type into method and class (RFC 8489 §5, figure 3). */
export function splitMessageType(type: number): { method: number; messageClass: StunClass } {
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const messageClass = (((type & 0x0100) >> 7) | ((type & 0x0010) >> 4)) as StunClass;
  return { method, messageClass };
}

/** Interleaves method and class bits into the message type (RFC 8489 §5). */
export function joinMessageType(method: number, messageClass: StunClass): number {
  return (
    (method & 0x000f) |
    ((method & 0x0070) << 1) |
    ((method & 0x0f80) << 2) |
    ((messageClass & 0b01) << 4) |
    ((messageClass & 0b10) << 7)
  );
}

/**
 * Cheap test for RFC 7983 demultiplexing and ICE: top two bits zero, magic cookie present and
 * a length that is a multiple of 4 matching the datagram. Does not look at attributes.
 */
export function isStunMessage(data: Uint8Array): boolean {
  if (data.length < HEADER_LENGTH || ((data[0] as number) & 0xc0) !== 0) return false;
  const length = ((data[2] as number) << 8) | (data[3] as number);
  if (length % 4 !== 0 || length + HEADER_LENGTH !== data.length) return false;
  return readU32(data, 4) === MAGIC_COOKIE;
}

/**
 * For stream transports (TCP, TLS), where STUN frames itself by its length field (RFC 8489
 * §6.2.2): the total size of the message starting at `data[0]`, or undefined if fewer than 4
 * bytes are there yet.
 */
export function stunFrameLength(data: Uint8Array): number | undefined {
  if (data.length < 4) return undefined;
  return HEADER_LENGTH + (((data[2] as number) << 8) | (data[3] as number));
}

function readU32(data: Uint8Array, at: number): number {
  return (
    ((data[at] as number) * 0x1000000 +
      (((data[at + 1] as number) << 16) | ((data[at + 2] as number) << 8) | (data[at + 3] as number))) >>>
    0
  );
}

/** Decodes one STUN message that fills `data` exactly. Throws only {@link StunParseError}. */
export function decodeStunMessage(data: Uint8Array, options: DecodeOptions = {}): StunMessage {
  const maxSize = options.maxSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  const maxAttributes = options.maxAttributes ?? DEFAULT_MAX_ATTRIBUTES;
  if (data.length < HEADER_LENGTH) {
    throw new StunParseError(
      'TRUNCATED',
      'header',
      0,
      `${data.length} bytes is shorter than the 20-byte header`,
    );
  }
  if (data.length > maxSize) {
    throw new StunParseError(
      'TOO_LARGE',
      'message',
      0,
      `${data.length} bytes exceeds the limit of ${maxSize}`,
    );
  }
  if (((data[0] as number) & 0xc0) !== 0) {
    throw new StunParseError('NOT_STUN', 'message type', 0, 'the two most significant bits must be zero');
  }
  if (readU32(data, 4) !== MAGIC_COOKIE) {
    throw new StunParseError('NOT_STUN', 'magic cookie', 4, 'not 0x2112A442');
  }
  const length = ((data[2] as number) << 8) | (data[3] as number);
  if (length % 4 !== 0) {
    throw new StunParseError('BAD_LENGTH', 'message length', 2, `${length} is not a multiple of 4`);
  }
  if (length + HEADER_LENGTH !== data.length) {
    throw new StunParseError(
      'BAD_LENGTH',
      'message length',
      2,
      `header says ${length} bytes of attributes, ${data.length - HEADER_LENGTH} present`,
    );
  }

  const attributes: StunAttribute[] = [];
  let integrity = -1;
  let integritySha256 = -1;
  let fingerprint = -1;
  let at = HEADER_LENGTH;
  while (at < data.length) {
    if (at + 4 > data.length)
      throw new StunParseError('TRUNCATED', 'attribute header', at, 'fewer than 4 bytes left');
    const type = ((data[at] as number) << 8) | (data[at + 1] as number);
    const valueLength = ((data[at + 2] as number) << 8) | (data[at + 3] as number);
    const end = at + 4 + valueLength;
    if (end > data.length) {
      throw new StunParseError(
        'BAD_LENGTH',
        `attribute 0x${type.toString(16).padStart(4, '0')} length`,
        at + 2,
        `${valueLength} overruns the message`,
      );
    }
    if (fingerprint >= 0) {
      throw new StunParseError('BAD_ATTRIBUTE', 'FINGERPRINT', fingerprint, 'must be the last attribute');
    }
    // RFC 8489 §14.5/§14.6: after MESSAGE-INTEGRITY only MESSAGE-INTEGRITY-SHA256 and FINGERPRINT
    // count; after MESSAGE-INTEGRITY-SHA256 only FINGERPRINT. Anything else there is ignored.
    const afterIntegrity = integritySha256 >= 0 || integrity >= 0;
    const counts =
      !afterIntegrity ||
      type === AttributeType.Fingerprint ||
      (type === AttributeType.MessageIntegritySha256 && integritySha256 < 0);
    if (counts) {
      if (attributes.length >= maxAttributes) {
        throw new StunParseError('TOO_MANY_ATTRIBUTES', 'attributes', at, `more than ${maxAttributes}`);
      }
      attributes.push({ type, value: data.subarray(at + 4, end), offset: at });
      if (type === AttributeType.MessageIntegrity) integrity = at;
      else if (type === AttributeType.MessageIntegritySha256) integritySha256 = at;
      else if (type === AttributeType.Fingerprint) fingerprint = at;
    }
    at = end + ((4 - (valueLength % 4)) % 4);
  }
  if (at !== data.length)
    throw new StunParseError('BAD_LENGTH', 'attribute padding', at, 'padding overruns the message');

  const { method, messageClass } = splitMessageType(((data[0] as number) << 8) | (data[1] as number));
  return new StunMessage(
    data,
    method,
    messageClass,
    data.subarray(8, 20),
    attributes,
    integrity,
    integritySha256,
    fingerprint,
  );
}

export class StunMessage {
  constructor(
    /** The exact bytes the message was decoded from. */
    readonly raw: Uint8Array,
    readonly method: number,
    readonly messageClass: StunClass,
    /** The 96-bit transaction id (a view into `raw`). */
    readonly transactionId: Uint8Array,
    /** Attributes in wire order; those RFC 8489 says to ignore (after the integrity attributes) are left out. */
    readonly attributes: readonly StunAttribute[],
    /** Offsets of the MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT attributes, or -1. */
    readonly integrityOffset: number,
    readonly integritySha256Offset: number,
    readonly fingerprintOffset: number,
  ) {}

  /** The first attribute of this type, if any. */
  attribute(type: number): StunAttribute | undefined {
    for (const a of this.attributes) if (a.type === type) return a;
    return undefined;
  }

  /** The value bytes of the first attribute of this type (a view into `raw`). */
  get(type: number): Uint8Array | undefined {
    return this.attribute(type)?.value;
  }

  has(type: number): boolean {
    return this.attribute(type) !== undefined;
  }

  /**
   * Comprehension-required attribute types (< 0x8000) this package does not know. A server
   * answers a request that has any with 420 and UNKNOWN-ATTRIBUTES (RFC 8489 §6.3.1.1).
   */
  unknownComprehensionRequired(): number[] {
    const out: number[] = [];
    for (const a of this.attributes) {
      if (isComprehensionRequired(a.type) && !isKnownAttribute(a.type) && !out.includes(a.type))
        out.push(a.type);
    }
    return out;
  }

  private text(type: number): string | undefined {
    const v = this.get(type);
    return v === undefined ? undefined : decodeText(v);
  }

  private address(type: number, field: string, xor: boolean): TransportAddress | undefined {
    const a = this.attribute(type);
    if (a === undefined) return undefined;
    return xor
      ? decodeXorAddress(a.value, this.transactionId, field, a.offset + 4)
      : decodeAddress(a.value, field, a.offset + 4);
  }

  private u32(type: number, field: string): number | undefined {
    const a = this.attribute(type);
    return a === undefined ? undefined : decodeUint32(a.value, field, a.offset + 4);
  }

  private u64(type: number, field: string): bigint | undefined {
    const a = this.attribute(type);
    return a === undefined ? undefined : decodeUint64(a.value, field, a.offset + 4);
  }

  get mappedAddress(): TransportAddress | undefined {
    return this.address(AttributeType.MappedAddress, 'MAPPED-ADDRESS', false);
  }
  get xorMappedAddress(): TransportAddress | undefined {
    return this.address(AttributeType.XorMappedAddress, 'XOR-MAPPED-ADDRESS', true);
  }
  get alternateServer(): TransportAddress | undefined {
    return this.address(AttributeType.AlternateServer, 'ALTERNATE-SERVER', false);
  }
  get responseOrigin(): TransportAddress | undefined {
    return this.address(AttributeType.ResponseOrigin, 'RESPONSE-ORIGIN', false);
  }
  get otherAddress(): TransportAddress | undefined {
    return this.address(AttributeType.OtherAddress, 'OTHER-ADDRESS', false);
  }
  get xorRelayedAddress(): TransportAddress | undefined {
    return this.address(AttributeType.XorRelayedAddress, 'XOR-RELAYED-ADDRESS', true);
  }
  /** All XOR-PEER-ADDRESS attributes (CreatePermission may carry several, RFC 8656 §9.1). */
  get xorPeerAddresses(): TransportAddress[] {
    const out: TransportAddress[] = [];
    for (const a of this.attributes) {
      if (a.type === AttributeType.XorPeerAddress) {
        out.push(decodeXorAddress(a.value, this.transactionId, 'XOR-PEER-ADDRESS', a.offset + 4));
      }
    }
    return out;
  }
  get xorPeerAddress(): TransportAddress | undefined {
    return this.address(AttributeType.XorPeerAddress, 'XOR-PEER-ADDRESS', true);
  }
  get username(): string | undefined {
    return this.text(AttributeType.Username);
  }
  get userhash(): Uint8Array | undefined {
    return this.get(AttributeType.Userhash);
  }
  get realm(): string | undefined {
    return this.text(AttributeType.Realm);
  }
  get nonce(): string | undefined {
    return this.text(AttributeType.Nonce);
  }
  get software(): string | undefined {
    return this.text(AttributeType.Software);
  }
  get alternateDomain(): string | undefined {
    return this.text(AttributeType.AlternateDomain);
  }
  get errorCode(): ErrorCodeValue | undefined {
    const a = this.attribute(AttributeType.ErrorCode);
    return a === undefined ? undefined : decodeErrorCode(a.value, a.offset + 4);
  }
  get unknownAttributes(): number[] | undefined {
    const a = this.attribute(AttributeType.UnknownAttributes);
    return a === undefined ? undefined : decodeUnknownAttributes(a.value, a.offset + 4);
  }
  get passwordAlgorithms(): PasswordAlgorithmValue[] | undefined {
    const a = this.attribute(AttributeType.PasswordAlgorithms);
    return a === undefined ? undefined : decodePasswordAlgorithms(a.value, a.offset + 4);
  }
  get passwordAlgorithm(): PasswordAlgorithmValue | undefined {
    const a = this.attribute(AttributeType.PasswordAlgorithm);
    return a === undefined ? undefined : decodePasswordAlgorithm(a.value, a.offset + 4);
  }
  get priority(): number | undefined {
    return this.u32(AttributeType.Priority, 'PRIORITY');
  }
  get useCandidate(): boolean {
    return this.has(AttributeType.UseCandidate);
  }
  get iceControlling(): bigint | undefined {
    return this.u64(AttributeType.IceControlling, 'ICE-CONTROLLING');
  }
  get iceControlled(): bigint | undefined {
    return this.u64(AttributeType.IceControlled, 'ICE-CONTROLLED');
  }
  get channelNumber(): number | undefined {
    const a = this.attribute(AttributeType.ChannelNumber);
    return a === undefined ? undefined : decodeChannelNumber(a.value, a.offset + 4);
  }
  /** LIFETIME in seconds (RFC 8656 §18.2). */
  get lifetime(): number | undefined {
    return this.u32(AttributeType.Lifetime, 'LIFETIME');
  }
  get data(): Uint8Array | undefined {
    return this.get(AttributeType.Data);
  }
  get requestedTransport(): number | undefined {
    const a = this.attribute(AttributeType.RequestedTransport);
    return a === undefined ? undefined : decodeRequestedTransport(a.value, a.offset + 4);
  }
  get requestedAddressFamily(): AddressFamily | undefined {
    const a = this.attribute(AttributeType.RequestedAddressFamily);
    return a === undefined
      ? undefined
      : decodeRequestedAddressFamily(a.value, 'REQUESTED-ADDRESS-FAMILY', a.offset + 4);
  }
  get evenPort(): { reserveNext: boolean } | undefined {
    const a = this.attribute(AttributeType.EvenPort);
    return a === undefined ? undefined : decodeEvenPort(a.value, a.offset + 4);
  }
  get dontFragment(): boolean {
    return this.has(AttributeType.DontFragment);
  }
  get reservationToken(): Uint8Array | undefined {
    const a = this.attribute(AttributeType.ReservationToken);
    return a === undefined ? undefined : decodeReservationToken(a.value, a.offset + 4);
  }
}
