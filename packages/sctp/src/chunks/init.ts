/**
 * INIT (RFC 9260 §3.3.2): starts an association. INIT ACK (§3.3.3) has the same layout and
 * adds the mandatory State Cookie, so both are coded here and `init-ack.ts` names the second.
 *
 *   type 1 | flags 0 | length
 *   initiate tag | a_rwnd | outbound streams | inbound streams | initial TSN | parameters
 */
import { readU16, readU32, writeU16, writeU32 } from '../bytes.js';
import { SctpParseError } from '../errors.js';
import {
  concatParams,
  decodeParams,
  ParamType,
  type RawParam,
  UnknownParamAction,
  unknownParamAction,
} from '../params/param.js';
import { decodeSupportedExtensions } from '../params/supported-extensions.js';
import { decodeZeroChecksumAcceptable } from '../params/zero-checksum-acceptable.js';
import { ChunkType, expectLength, newChunk } from './chunk.js';

export const INIT_FIXED_LENGTH = 20;

export interface InitChunk {
  readonly initiateTag: number;
  readonly arwnd: number;
  readonly outboundStreams: number;
  readonly inboundStreams: number;
  readonly initialTsn: number;
  /** Every parameter, in order (views into the input when decoded). */
  readonly params: readonly RawParam[];
}

/** The parameters of an INIT or INIT ACK, sorted out by the rules of RFC 9260 §3.2.1. */
export interface InitParams {
  readonly stateCookie: Uint8Array | undefined;
  readonly supportedExtensions: readonly number[];
  readonly forwardTsnSupported: boolean;
  /**
   * The Error Detection Method Identifier of a Zero Checksum Acceptable parameter (RFC 9653 §4):
   * the sender accepts packets with a zero checksum under that method. Undefined when absent or
   * malformed (a wrong length is skipped like the unknown type it would be to an older peer, so
   * the peer simply gets CRC32c; the first well-formed one counts if it is repeated).
   */
  readonly zeroChecksumEdmid: number | undefined;
  /** Unknown parameters whose type asks to be reported (upper bits 01 or 11). */
  readonly unrecognized: readonly RawParam[];
}

/** Parameter types we understand in INIT and INIT ACK (addresses are meaningless over DTLS). */
const KNOWN_INIT_PARAMS = new Set<number>([
  ParamType.Ipv4Address,
  ParamType.Ipv6Address,
  ParamType.StateCookie,
  ParamType.CookiePreservative,
  ParamType.HostNameAddress,
  ParamType.SupportedAddressTypes,
  ParamType.SupportedExtensions,
  ParamType.ForwardTsnSupported,
  ParamType.UnrecognizedParameter,
  ParamType.ZeroChecksumAcceptable,
]);

export function readInitParams(params: readonly RawParam[]): InitParams {
  let stateCookie: Uint8Array | undefined;
  let supportedExtensions: number[] = [];
  let forwardTsnSupported = false;
  let zeroChecksumEdmid: number | undefined;
  const unrecognized: RawParam[] = [];
  for (const p of params) {
    if (!KNOWN_INIT_PARAMS.has(p.type)) {
      const action = unknownParamAction(p.type);
      if (action === UnknownParamAction.StopAndReport || action === UnknownParamAction.SkipAndReport) {
        unrecognized.push(p);
      }
      if (action === UnknownParamAction.Stop || action === UnknownParamAction.StopAndReport) break;
      continue;
    }
    if (p.type === ParamType.StateCookie) stateCookie = p.value;
    else if (p.type === ParamType.SupportedExtensions)
      supportedExtensions = decodeSupportedExtensions(p.value);
    else if (p.type === ParamType.ForwardTsnSupported) forwardTsnSupported = true;
    else if (p.type === ParamType.ZeroChecksumAcceptable && zeroChecksumEdmid === undefined) {
      zeroChecksumEdmid = readEdmid(p);
    }
  }
  return { stateCookie, supportedExtensions, forwardTsnSupported, zeroChecksumEdmid, unrecognized };
}

function readEdmid(p: RawParam): number | undefined {
  try {
    return decodeZeroChecksumAcceptable(p.value, p.offset);
  } catch (e) {
    if (e instanceof SctpParseError) return undefined;
    throw e;
  }
}

export function encodeInitLike(
  type: number,
  c: Omit<InitChunk, 'params'>,
  params: readonly Uint8Array[],
): Uint8Array {
  const body = concatParams(params);
  const b = newChunk(type, 0, INIT_FIXED_LENGTH - 4 + body.length);
  writeU32(b, 4, c.initiateTag);
  writeU32(b, 8, c.arwnd);
  writeU16(b, 12, c.outboundStreams);
  writeU16(b, 14, c.inboundStreams);
  writeU32(b, 16, c.initialTsn);
  b.set(body, INIT_FIXED_LENGTH);
  return b;
}

export function decodeInitLike(name: string, bytes: Uint8Array, offset: number, length: number): InitChunk {
  expectLength(name, offset, length, INIT_FIXED_LENGTH);
  const initiateTag = readU32(bytes, offset + 4);
  const outboundStreams = readU16(bytes, offset + 12);
  const inboundStreams = readU16(bytes, offset + 14);
  // §3.3.2: a zero tag or zero stream counts are invalid mandatory parameters.
  if (initiateTag === 0) throw new SctpParseError('BAD_CHUNK', `${name} initiate tag`, offset + 4, 'zero');
  if (outboundStreams === 0 || inboundStreams === 0) {
    throw new SctpParseError('BAD_CHUNK', `${name} stream counts`, offset + 12, 'zero streams');
  }
  return {
    initiateTag,
    arwnd: readU32(bytes, offset + 8),
    outboundStreams,
    inboundStreams,
    initialTsn: readU32(bytes, offset + 16),
    params: decodeParams(bytes, offset + INIT_FIXED_LENGTH, offset + length),
  };
}

export function encodeInit(c: Omit<InitChunk, 'params'>, params: readonly Uint8Array[] = []): Uint8Array {
  return encodeInitLike(ChunkType.Init, c, params);
}

export function decodeInit(bytes: Uint8Array, offset: number, length: number): InitChunk {
  return decodeInitLike('INIT', bytes, offset, length);
}
