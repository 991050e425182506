/**
 * ICE candidates: their priority and foundation (RFC 8445 §5.1.2, §5.1.1.3) and the
 * `candidate` attribute of SDP and trickle (RFC 8839 §5.1), parsed and serialized losslessly
 * (unknown extension pairs such as `network-id 1` are kept in order).
 */
import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { IceCandidateParseError } from './errors.js';

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';
export type CandidateTransport = 'udp' | 'tcp';
export type TcpType = 'active' | 'passive' | 'so';

export interface IceCandidate {
  readonly foundation: string;
  /** 1 for RTP (the only component with rtcp-mux and BUNDLE), 2 for RTCP. */
  readonly component: number;
  readonly transport: CandidateTransport;
  readonly priority: number;
  /** An IP literal, or an mDNS name ending in `.local` (RFC 8839 §5.1, draft-ietf-mmusic-mdns-ice-candidates). */
  readonly address: string;
  readonly port: number;
  readonly type: CandidateType;
  readonly relatedAddress?: string | undefined;
  readonly relatedPort?: number | undefined;
  readonly tcpType?: TcpType | undefined;
  /** Extension attributes in their order: `generation`, `ufrag`, `network-id`, `network-cost`, and unknown ones. */
  readonly extensions?: ReadonlyArray<readonly [string, string]> | undefined;
}

/** RFC 8445 §5.1.2.2 recommended type preferences. */
export const TYPE_PREFERENCE: Readonly<Record<CandidateType, number>> = {
  host: 126,
  prflx: 110,
  srflx: 100,
  relay: 0,
};

/**
 * RFC 8445 §5.1.2.1: priority = 2^24 * type preference + 2^8 * local preference + (256 - component).
 * `localPreference` (0..65535) orders candidates of the same type, e.g. by interface or IP family.
 */
export function candidatePriority(type: CandidateType, localPreference: number, component = 1): number {
  return (TYPE_PREFERENCE[type] * 0x1000000 + (localPreference & 0xffff) * 0x100 + (256 - component)) >>> 0;
}

/**
 * RFC 8445 §5.1.1.3: candidates share a foundation when they have the same type, base IP,
 * STUN/TURN server and transport; it lets frozen pairs thaw together. We hash those into a short
 * token (ice-char only, at most 32 chars).
 */
export function candidateFoundation(
  type: CandidateType,
  baseAddress: string,
  transport: CandidateTransport,
  server = '',
): string {
  const h = createHash('sha256').update(`${type}|${baseAddress}|${transport}|${server}`).digest();
  return String(h.readUInt32BE(0));
}

/** True for an mDNS host name as browsers put in candidates (RFC 6762 `.local`). */
export function isMdnsName(address: string): boolean {
  return address.toLowerCase().endsWith('.local');
}

const TYPES = new Set<CandidateType>(['host', 'srflx', 'prflx', 'relay']);
const TCP_TYPES = new Set<TcpType>(['active', 'passive', 'so']);
const ICE_CHARS = /^[A-Za-z0-9+/]{1,32}$/;

function fail(field: string, input: string, detail: string): never {
  throw new IceCandidateParseError(field, input, detail);
}

function parseIntField(text: string | undefined, field: string, input: string, max: number): number {
  if (text === undefined || !/^\d{1,10}$/.test(text))
    fail(field, input, `${JSON.stringify(text)} is not a number`);
  const n = Number(text);
  if (n > max) fail(field, input, `${n} exceeds ${max}`);
  return n;
}

function checkAddress(address: string | undefined, field: string, input: string): string {
  if (address === undefined || address === '') fail(field, input, 'missing');
  if (isIPv4(address) || isIPv6(address) || isMdnsName(address)) return address;
  // RFC 8839 also allows an FQDN; we do not resolve arbitrary names (the agent ignores them),
  // but keep them parseable so descriptions round-trip.
  if (/^[A-Za-z0-9.-]{1,253}$/.test(address)) return address;
  return fail(field, input, `${JSON.stringify(address)} is not an address`);
}

/**
 * Parses `candidate:...` (with or without a leading `a=`), as in SDP or in a trickled
 * RTCIceCandidate. Throws {@link IceCandidateParseError} naming the bad field.
 */
export function parseCandidate(text: string): IceCandidate {
  const input = text;
  let s = text.trim();
  if (s.length > 1024) fail('line', input, 'longer than 1024 characters');
  if (s.startsWith('a=')) s = s.slice(2);
  if (!s.startsWith('candidate:')) fail('prefix', input, 'does not start with "candidate:"');
  const f = s.slice('candidate:'.length).split(/\s+/);
  if (f.length < 8) fail('line', input, `${f.length} fields, at least 8 expected`);
  const foundation = f[0] as string;
  if (!ICE_CHARS.test(foundation)) fail('foundation', input, 'must be 1-32 ice-chars');
  const component = parseIntField(f[1], 'component', input, 256);
  if (component < 1) fail('component', input, 'must be 1..256');
  const transportText = (f[2] as string).toLowerCase();
  if (transportText !== 'udp' && transportText !== 'tcp')
    fail('transport', input, `unsupported ${JSON.stringify(f[2])}`);
  const transport: CandidateTransport = transportText;
  const priority = parseIntField(f[3], 'priority', input, 0xffffffff);
  const address = checkAddress(f[4], 'connection-address', input);
  const port = parseIntField(f[5], 'port', input, 65535);
  if (f[6] !== 'typ') fail('typ', input, `expected "typ", got ${JSON.stringify(f[6])}`);
  const type = f[7] as CandidateType;
  if (!TYPES.has(type)) fail('cand-type', input, `unknown ${JSON.stringify(f[7])}`);

  let relatedAddress: string | undefined;
  let relatedPort: number | undefined;
  let tcpType: TcpType | undefined;
  const extensions: Array<readonly [string, string]> = [];
  for (let i = 8; i < f.length; i += 2) {
    const name = f[i] as string;
    const value = f[i + 1];
    if (value === undefined) fail(name, input, 'extension without a value');
    if (name === 'raddr') relatedAddress = checkAddress(value, 'raddr', input);
    else if (name === 'rport') relatedPort = parseIntField(value, 'rport', input, 65535);
    else if (name === 'tcptype') {
      if (!TCP_TYPES.has(value as TcpType)) fail('tcptype', input, `unknown ${JSON.stringify(value)}`);
      tcpType = value as TcpType;
    } else {
      if (extensions.length >= 16) fail('extensions', input, 'more than 16');
      extensions.push([name, value]);
    }
  }
  return {
    foundation,
    component,
    transport,
    priority,
    address,
    port,
    type,
    relatedAddress,
    relatedPort,
    tcpType,
    extensions: extensions.length > 0 ? extensions : undefined,
  };
}

/** `candidate:...` without the `a=` prefix, as RTCIceCandidate.candidate carries it. */
export function serializeCandidate(c: IceCandidate): string {
  let s = `candidate:${c.foundation} ${c.component} ${c.transport} ${c.priority} ${c.address} ${c.port} typ ${c.type}`;
  if (c.relatedAddress !== undefined) s += ` raddr ${c.relatedAddress}`;
  if (c.relatedPort !== undefined) s += ` rport ${c.relatedPort}`;
  if (c.tcpType !== undefined) s += ` tcptype ${c.tcpType}`;
  for (const [k, v] of c.extensions ?? []) s += ` ${k} ${v}`;
  return s;
}

/** The value of an extension attribute such as `ufrag` or `generation`. */
export function candidateExtension(c: IceCandidate, name: string): string | undefined {
  return c.extensions?.find(([k]) => k === name)?.[1];
}
