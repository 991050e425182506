/**
 * Variable-length parameters (RFC 9260 §3.2.1): type, length (header included, padding
 * excluded), value padded to 4 bytes. Error causes (§3.3.10) share the layout. The upper two bits
 * of an unknown parameter type say what to do with it, as for chunks.
 */
import { pad4, readU16, writeU16 } from '../bytes.js';
import { SctpParseError } from '../errors.js';

export const ParamType = {
  HeartbeatInfo: 1,
  Ipv4Address: 5,
  Ipv6Address: 6,
  StateCookie: 7,
  UnrecognizedParameter: 8,
  CookiePreservative: 9,
  HostNameAddress: 11,
  SupportedAddressTypes: 12,
  /** RFC 6525 §4.1. */
  OutgoingSsnResetRequest: 13,
  /** RFC 6525 §4.2. */
  IncomingSsnResetRequest: 14,
  /** RFC 6525 §4.3. */
  SsnTsnResetRequest: 15,
  /** RFC 6525 §4.4. */
  ReconfigResponse: 16,
  /** RFC 6525 §4.5. */
  AddOutgoingStreamsRequest: 17,
  /** RFC 6525 §4.6. */
  AddIncomingStreamsRequest: 18,
  /** RFC 9653 §4. */
  ZeroChecksumAcceptable: 0x8001,
  /** RFC 5061 §4.2.7. */
  SupportedExtensions: 0x8008,
  /** RFC 3758 §3.1. */
  ForwardTsnSupported: 0xc000,
} as const;

/** What to do with a parameter of unknown type (RFC 9260 §3.2.1). */
export const UnknownParamAction = {
  /** 00: stop processing this chunk's parameters. */
  Stop: 0,
  /** 01: stop, and report it (Unrecognized Parameter). */
  StopAndReport: 1,
  /** 10: skip it and continue. */
  Skip: 2,
  /** 11: skip, continue, and report it. */
  SkipAndReport: 3,
} as const;
export type UnknownParamAction = (typeof UnknownParamAction)[keyof typeof UnknownParamAction];

export function unknownParamAction(type: number): UnknownParamAction {
  return ((type >>> 14) & 3) as UnknownParamAction;
}

/** One parameter as it stood in its chunk. */
export interface RawParam {
  readonly type: number;
  /** The value (a view into the input). */
  readonly value: Uint8Array;
  /** The whole parameter, header included, padding excluded (a view): what gets reported back. */
  readonly raw: Uint8Array;
  readonly offset: number;
}

/** No chunk needs more; an INIT of 1200 bytes holds at most 300. */
export const MAX_PARAMS = 512;

/** Splits `bytes[start, end)` into parameters, checking the framing. */
export function decodeParams(bytes: Uint8Array, start: number, end: number, field = 'parameter'): RawParam[] {
  const out: RawParam[] = [];
  let o = start;
  while (o < end) {
    if (o + 4 > end) throw new SctpParseError('TRUNCATED', `${field} header`, o, `${end - o} bytes left`);
    const type = readU16(bytes, o);
    const length = readU16(bytes, o + 2);
    if (length < 4) throw new SctpParseError('BAD_LENGTH', `${field} length`, o + 2, `${length} is below 4`);
    if (o + length > end) {
      throw new SctpParseError('TRUNCATED', field, o, `length ${length} runs past the chunk end`);
    }
    if (out.length === MAX_PARAMS) throw new SctpParseError('TOO_MANY', field, o, `more than ${MAX_PARAMS}`);
    out.push({
      type,
      value: bytes.subarray(o + 4, o + length),
      raw: bytes.subarray(o, o + length),
      offset: o,
    });
    o += pad4(length);
  }
  return out;
}

/** One parameter (or error cause), padded to 4 bytes. */
export function encodeParam(type: number, value: Uint8Array): Uint8Array {
  const b = new Uint8Array(pad4(4 + value.length));
  writeU16(b, 0, type);
  writeU16(b, 2, 4 + value.length);
  b.set(value, 4);
  return b;
}

/** Concatenates encoded (padded) parameters. */
export function concatParams(params: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of params) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of params) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
