/**
 * Builds STUN messages into one preallocated buffer (RFC 8489 §5, §14). A writer is reusable:
 * `reset()` starts a new message, the add methods append attributes with their padding, and
 * `finish()` returns a view of the bytes. Integrity and fingerprint are computed over exactly
 * what was written, in place, so the hot path (ICE checks, TURN ChannelData is separate)
 * allocates only what node:crypto's HMAC allocates.
 */
import { randomFillSync } from 'node:crypto';
import { type AddressFamily, parseIp, type TransportAddress } from './address.js';
import { xorAddressBytes } from './attributes.js';
import {
  AddressFamilyByte,
  AttributeType,
  HEADER_LENGTH,
  MAGIC_COOKIE,
  type StunClass,
  TRANSACTION_ID_LENGTH,
} from './constants.js';
import { StunParseError } from './errors.js';
import { computeFingerprint, computeHmac } from './integrity.js';
import { joinMessageType } from './message.js';

const encoder = new TextEncoder();

// randomFillSync costs ~3 us a call on Node however few bytes it fills, as much as the HMAC of
// a whole message, so transaction ids come from a pool filled 4 KiB at a time (still the CSPRNG).
const idPool = new Uint8Array(4096);
let idPoolOffset = idPool.length;

/** Copies 12 fresh random bytes into `out` at `offset` (RFC 8489 §5: uniformly random ids). */
export function fillTransactionId(out: Uint8Array, offset = 0): void {
  if (idPoolOffset + TRANSACTION_ID_LENGTH > idPool.length) {
    randomFillSync(idPool);
    idPoolOffset = 0;
  }
  out.set(idPool.subarray(idPoolOffset, idPoolOffset + TRANSACTION_ID_LENGTH), offset);
  // Never hand out the same bytes twice.
  idPool.fill(0, idPoolOffset, idPoolOffset + TRANSACTION_ID_LENGTH);
  idPoolOffset += TRANSACTION_ID_LENGTH;
}

/** A fresh random 96-bit transaction id. */
export function newTransactionId(): Uint8Array {
  const id = new Uint8Array(TRANSACTION_ID_LENGTH);
  fillTransactionId(id);
  return id;
}

export class StunWriter {
  private buf: Uint8Array;
  private view: DataView;
  private length = 0;

  /** `capacity` bytes are reserved up front; the buffer grows (doubling) only if a message needs it. */
  constructor(capacity = 1500) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  /** Starts a new message (with a fresh random transaction id unless one is given). The bytes returned by an earlier `finish()` are overwritten. */
  reset(method: number, messageClass: StunClass, transactionId?: Uint8Array): this {
    if (transactionId !== undefined && transactionId.length !== TRANSACTION_ID_LENGTH) {
      throw new RangeError(`transaction id must be 12 bytes, got ${transactionId.length}`);
    }
    this.view.setUint16(0, joinMessageType(method, messageClass));
    this.view.setUint16(2, 0);
    this.view.setUint32(4, MAGIC_COOKIE);
    if (transactionId === undefined) fillTransactionId(this.buf, 8);
    else this.buf.set(transactionId, 8);
    this.length = HEADER_LENGTH;
    return this;
  }

  /** The transaction id of the message being written (a view). */
  get transactionId(): Uint8Array {
    return this.buf.subarray(8, 20);
  }

  private ensure(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buf.length) return;
    if (need > 0xffff + HEADER_LENGTH) {
      throw new StunParseError('TOO_LARGE', 'message', this.length, 'a STUN message is at most 65555 bytes');
    }
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Appends an attribute header and reserves `valueLength` padded bytes; returns the value offset. */
  private begin(type: number, valueLength: number): number {
    if (valueLength > 0xffff) throw new RangeError(`attribute 0x${type.toString(16)} value too long`);
    const padded = (valueLength + 3) & ~3;
    this.ensure(4 + padded);
    const at = this.length;
    this.view.setUint16(at, type);
    this.view.setUint16(at + 2, valueLength);
    // Padding bytes are zero (RFC 8489 §14: the content of padding is ignored on receipt).
    this.buf.fill(0, at + 4 + valueLength, at + 4 + padded);
    this.length = at + 4 + padded;
    this.view.setUint16(2, this.length - HEADER_LENGTH);
    return at + 4;
  }

  /** Any attribute from its raw value bytes (unknown types included). */
  add(type: number, value: Uint8Array): this {
    const at = this.begin(type, value.length);
    this.buf.set(value, at);
    return this;
  }

  addText(type: number, text: string): this {
    return this.add(type, encoder.encode(text));
  }

  addUint32(type: number, value: number): this {
    // begin() may grow the buffer, so take the offset before touching this.view.
    const at = this.begin(type, 4);
    this.view.setUint32(at, value >>> 0);
    return this;
  }

  addUint64(type: number, value: bigint): this {
    const at = this.begin(type, 8);
    this.view.setBigUint64(at, BigInt.asUintN(64, value));
    return this;
  }

  /** A zero-length flag attribute such as USE-CANDIDATE or DONT-FRAGMENT. */
  addFlag(type: number): this {
    this.begin(type, 0);
    return this;
  }

  /** MAPPED-ADDRESS form (RFC 8489 §14.1): also ALTERNATE-SERVER, RESPONSE-ORIGIN, OTHER-ADDRESS. */
  addAddress(type: number, address: TransportAddress): this {
    const ip = parseIp(address.address);
    const at = this.begin(type, 4 + ip.length);
    this.buf[at] = 0;
    this.buf[at + 1] = ip.length === 4 ? AddressFamilyByte.IPv4 : AddressFamilyByte.IPv6;
    this.view.setUint16(at + 2, address.port);
    this.buf.set(ip, at + 4);
    return this;
  }

  /** XOR-MAPPED-ADDRESS form (RFC 8489 §14.2): also XOR-PEER-ADDRESS, XOR-RELAYED-ADDRESS. */
  addXorAddress(type: number, address: TransportAddress): this {
    const ip = parseIp(address.address);
    const at = this.begin(type, 4 + ip.length);
    this.buf[at] = 0;
    this.buf[at + 1] = ip.length === 4 ? AddressFamilyByte.IPv4 : AddressFamilyByte.IPv6;
    this.view.setUint16(at + 2, address.port ^ (MAGIC_COOKIE >>> 16));
    xorAddressBytes(ip, this.buf.subarray(8, 20), this.buf, at + 4);
    return this;
  }

  /** ERROR-CODE (RFC 8489 §14.8). */
  addErrorCode(code: number, reason: string): this {
    const text = encoder.encode(reason);
    const at = this.begin(AttributeType.ErrorCode, 4 + text.length);
    this.view.setUint16(at, 0);
    this.buf[at + 2] = Math.floor(code / 100) & 0x07;
    this.buf[at + 3] = code % 100;
    this.buf.set(text, at + 4);
    return this;
  }

  /** UNKNOWN-ATTRIBUTES (RFC 8489 §14.13). */
  addUnknownAttributes(types: readonly number[]): this {
    const at = this.begin(AttributeType.UnknownAttributes, types.length * 2);
    for (let i = 0; i < types.length; i++) this.view.setUint16(at + i * 2, types[i] as number);
    return this;
  }

  /** PASSWORD-ALGORITHMS (list) or PASSWORD-ALGORITHM (one), RFC 8489 §14.11-14.12. */
  addPasswordAlgorithms(
    type: typeof AttributeType.PasswordAlgorithms | typeof AttributeType.PasswordAlgorithm,
    algorithms: readonly { algorithm: number; parameters?: Uint8Array }[],
  ): this {
    let size = 0;
    for (const a of algorithms) size += 4 + (((a.parameters?.length ?? 0) + 3) & ~3);
    let at = this.begin(type, size);
    for (const a of algorithms) {
      const params = a.parameters ?? new Uint8Array(0);
      this.view.setUint16(at, a.algorithm);
      this.view.setUint16(at + 2, params.length);
      this.buf.set(params, at + 4);
      const padded = (params.length + 3) & ~3;
      this.buf.fill(0, at + 4 + params.length, at + 4 + padded);
      at += 4 + padded;
    }
    return this;
  }

  /** CHANNEL-NUMBER (RFC 8656 §18.1). */
  addChannelNumber(channel: number): this {
    const at = this.begin(AttributeType.ChannelNumber, 4);
    this.view.setUint16(at, channel);
    this.view.setUint16(at + 2, 0);
    return this;
  }

  /** REQUESTED-TRANSPORT (RFC 8656 §18.8): 17 for UDP. */
  addRequestedTransport(protocol: number): this {
    const at = this.begin(AttributeType.RequestedTransport, 4);
    this.view.setUint32(at, (protocol & 0xff) << 24);
    return this;
  }

  /** REQUESTED-ADDRESS-FAMILY or ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §18.6, §18.11). */
  addAddressFamily(
    type: typeof AttributeType.RequestedAddressFamily | typeof AttributeType.AdditionalAddressFamily,
    family: AddressFamily,
  ): this {
    const at = this.begin(type, 4);
    this.view.setUint32(at, (family === 'IPv4' ? AddressFamilyByte.IPv4 : AddressFamilyByte.IPv6) << 24);
    return this;
  }

  /** EVEN-PORT (RFC 8656 §18.7). */
  addEvenPort(reserveNext: boolean): this {
    const at = this.begin(AttributeType.EvenPort, 1);
    this.buf[at] = reserveNext ? 0x80 : 0;
    return this;
  }

  /**
   * MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 with the short-term password or the long-term
   * key (see credentials.ts). Only MESSAGE-INTEGRITY-SHA256 and FINGERPRINT may follow.
   */
  addMessageIntegrity(key: Uint8Array): this {
    const at = this.begin(AttributeType.MessageIntegrity, 20);
    this.buf.set(computeHmac('sha1', key, this.buf, at - 4, 20), at);
    return this;
  }

  /** MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6), optionally truncated to 16..28 bytes. */
  addMessageIntegritySha256(key: Uint8Array, length = 32): this {
    if (length < 16 || length > 32 || length % 4 !== 0)
      throw new RangeError('length must be 16..32, a multiple of 4');
    const at = this.begin(AttributeType.MessageIntegritySha256, length);
    this.buf.set(computeHmac('sha256', key, this.buf, at - 4, length).subarray(0, length), at);
    return this;
  }

  /** FINGERPRINT (RFC 8489 §14.7); always the last attribute. */
  addFingerprint(): this {
    const at = this.begin(AttributeType.Fingerprint, 4);
    this.view.setUint32(at, computeFingerprint(this.buf, at - 4));
    return this;
  }

  /** Bytes written so far: a view into the writer's buffer, valid until the next `reset()`. */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /** A copy of the message that outlives the writer. */
  finishCopy(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
