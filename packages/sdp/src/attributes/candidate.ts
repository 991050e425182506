/**
 * a=candidate (RFC 8839 §5.1):
 * `<foundation> <component-id> <transport> <priority> <address> <port> typ <type>
 *  [raddr <addr>] [rport <port>] *(<extension-name> <extension-value>)`.
 * Extensions (tcptype of RFC 6544, Chromium's generation / ufrag / network-id / network-cost)
 * are kept in order, so a candidate round-trips as written.
 */
import { badValue, SdpParseError } from '../errors.js';
import { tokenIn, UINT16, UINT32, uintIn } from '../text.js';

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

export interface Candidate {
  /** 1 to 32 ice-chars (RFC 8445 §5.1.1.3). */
  readonly foundation: string;
  /** 1 for RTP (and everything when rtcp-mux), 2 for RTCP. */
  readonly component: number;
  /** As written: `udp`, `UDP` (Firefox), `tcp`. */
  readonly transport: string;
  readonly priority: number;
  /** An IP address or an FQDN (mDNS `.local` names included). */
  readonly address: string;
  readonly port: number;
  /** `host`, `srflx`, `prflx`, `relay`; other tokens are kept as written. */
  readonly type: string;
  readonly relatedAddress?: string;
  readonly relatedPort?: number;
  /** Name/value pairs after the fixed part, in order. */
  readonly extensions: readonly (readonly [string, string])[];
}

/** Parses the value of `a=candidate:` (what follows the colon). */
export function parseCandidate(value: string): Candidate {
  try {
    return parseCandidateValue(value);
  } catch (e) {
    if (e instanceof SdpParseError && e.lineNumber === 0 && e.line === '') throw e.at(0, value);
    throw e;
  }
}

/**
 * Parses a W3C `RTCIceCandidate.candidate` string: `candidate:<value>`, also accepted with an
 * `a=` in front or without the `candidate:` prefix.
 */
export function parseIceCandidate(text: string): Candidate {
  const value = text.startsWith('a=candidate:')
    ? text.slice(12)
    : text.startsWith('candidate:')
      ? text.slice(10)
      : text;
  try {
    return parseCandidateValue(value);
  } catch (e) {
    if (e instanceof SdpParseError && e.lineNumber === 0) throw e.at(0, text);
    throw e;
  }
}

/** The W3C `RTCIceCandidate.candidate` string of a candidate: `candidate:<value>`. */
export function formatIceCandidate(c: Candidate): string {
  return `candidate:${formatCandidate(c)}`;
}

function parseCandidateValue(text: string): Candidate {
  // Field boundaries, found once: numbers are read in place, strings cut out once (substrings
  // are most of a parser's cost). b[2i], b[2i+1]: start and end of field i.
  const b: number[] = [];
  let pos = 0;
  for (;;) {
    const sp = text.indexOf(' ', pos);
    const end = sp === -1 ? text.length : sp;
    if (end === pos) badValue('candidate: fields are separated by one space');
    b.push(pos, end);
    if (sp === -1) break;
    pos = sp + 1;
  }
  const n = b.length / 2;
  if (n < 8) badValue('a candidate has at least 8 fields');
  const foundation = part(text, b, 0);
  if (foundation.length > 32) badValue('candidate foundation: at most 32 characters');
  const component = partUint(text, b, 1, 256, 'candidate component-id');
  const transport = partToken(text, b, 2, 'candidate transport');
  const priority = partUint(text, b, 3, UINT32, 'candidate priority');
  const address = part(text, b, 4);
  const port = partUint(text, b, 5, UINT16, 'candidate port');
  if (part(text, b, 6) !== 'typ') badValue('candidate: "typ" expected after the port');
  const type = partToken(text, b, 7, 'candidate type');
  let i = 8;
  let relatedAddress: string | undefined;
  let relatedPort: number | undefined;
  if (i + 1 < n && part(text, b, i) === 'raddr') {
    relatedAddress = part(text, b, i + 1);
    i += 2;
  }
  if (i + 1 < n && part(text, b, i) === 'rport') {
    relatedPort = partUint(text, b, i + 1, UINT16, 'candidate rport');
    i += 2;
  }
  if ((n - i) % 2 !== 0) badValue('candidate extensions come in name/value pairs');
  const extensions: (readonly [string, string])[] = [];
  for (; i < n; i += 2) {
    extensions.push([partToken(text, b, i, 'candidate extension name'), part(text, b, i + 1)]);
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
    extensions,
  };
}

function part(text: string, b: readonly number[], i: number): string {
  return text.slice(b[2 * i], b[2 * i + 1]);
}

function partUint(text: string, b: readonly number[], i: number, max: number, what: string): number {
  return uintIn(text, b[2 * i] as number, b[2 * i + 1] as number, max, what);
}

function partToken(text: string, b: readonly number[], i: number, what: string): string {
  return tokenIn(text, b[2 * i] as number, b[2 * i + 1] as number, what);
}

/** The value of `a=candidate:` (without the `candidate:` prefix). */
export function formatCandidate(c: Candidate): string {
  let s = `${c.foundation} ${c.component} ${c.transport} ${c.priority} ${c.address} ${c.port} typ ${c.type}`;
  if (c.relatedAddress !== undefined) s += ` raddr ${c.relatedAddress}`;
  if (c.relatedPort !== undefined) s += ` rport ${c.relatedPort}`;
  for (const [name, value] of c.extensions) s += ` ${name} ${value}`;
  return s;
}

/** The first value of an extension (`tcptype`, `generation`, `ufrag`...), if present. */
export function candidateExtension(c: Candidate, name: string): string | undefined {
  for (const [n, v] of c.extensions) if (n === name) return v;
  return undefined;
}
