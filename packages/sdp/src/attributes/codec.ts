/**
 * The three per-payload-type attributes of an RTP media section:
 * a=rtpmap (RFC 8866 §6.6) `<pt> <encoding name>/<clock rate>[/<channels>]`,
 * a=fmtp (RFC 8866 §6.15) `<format> <format specific parameters>`,
 * a=rtcp-fb (RFC 4585 §4.2) `<pt>|* <type> [<parameter>...]`.
 */
import { badValue } from '../errors.js';
import { token, tokenIn, UINT32, uintIn, words } from '../text.js';

export interface Rtpmap {
  readonly payloadType: number;
  readonly encodingName: string;
  readonly clockRate: number;
  /** Audio channels (the "encoding parameters"); absent means 1. */
  readonly channels?: number;
}

export function parseRtpmap(value: string): Rtpmap {
  const sp = value.indexOf(' ');
  if (sp === -1) badValue('a=rtpmap is <payload type> <encoding name>/<clock rate>');
  const payloadType = uintIn(value, 0, sp, 127, 'rtpmap payload type');
  const slash1 = value.indexOf('/', sp + 1);
  if (slash1 === -1) badValue('rtpmap: <encoding name>/<clock rate>[/<channels>]');
  const slash2 = value.indexOf('/', slash1 + 1);
  const encodingName = tokenIn(value, sp + 1, slash1, 'rtpmap encoding name');
  const rateEnd = slash2 === -1 ? value.length : slash2;
  const clockRate = uintIn(value, slash1 + 1, rateEnd, UINT32, 'rtpmap clock rate');
  if (slash2 === -1) return { payloadType, encodingName, clockRate, channels: undefined };
  const channels = uintIn(value, slash2 + 1, value.length, 255, 'rtpmap channels');
  return { payloadType, encodingName, clockRate, channels };
}

export function formatRtpmap(r: Rtpmap): string {
  const base = `${r.payloadType} ${r.encodingName}/${r.clockRate}`;
  return r.channels === undefined ? base : `${base}/${r.channels}`;
}

export interface Fmtp {
  /** A payload type for RTP, e.g. `111`; any token otherwise. */
  readonly format: string;
  /** Everything after the first space, as written, e.g. `minptime=10;useinbandfec=1`. */
  readonly parameters: string;
}

export function parseFmtp(value: string): Fmtp {
  const sp = value.indexOf(' ');
  if (sp === -1) return { format: token(value, 'fmtp format'), parameters: '' };
  return { format: token(value.slice(0, sp), 'fmtp format'), parameters: value.slice(sp + 1) };
}

export function formatFmtp(f: Fmtp): string {
  return f.parameters === '' ? f.format : `${f.format} ${f.parameters}`;
}

/**
 * `key=value;key=value` (RFC 8866 §6.15 leaves the syntax to each codec; this is the one every
 * WebRTC codec uses) as a map, keys lower-cased. A part without `=` (telephone-event's `0-15`,
 * RED's `111/111`) is stored under the empty key.
 */
export function parseFmtpParameters(parameters: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of parameters.split(';')) {
    const part = raw.trim();
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    if (eq === -1) out.set('', part);
    else out.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return out;
}

/** The inverse of {@link parseFmtpParameters}, in the map's order. */
export function formatFmtpParameters(parameters: ReadonlyMap<string, string>): string {
  const parts: string[] = [];
  for (const [k, v] of parameters) parts.push(k === '' ? v : `${k}=${v}`);
  return parts.join(';');
}

export interface RtcpFeedback {
  /** `nack`, `ccm`, `goog-remb`, `transport-cc`, ... */
  readonly type: string;
  /** `pli` for `nack pli`, `fir` for `ccm fir`; everything after the type, as written. */
  readonly parameter?: string;
}

export interface RtcpFeedbackAttribute extends RtcpFeedback {
  /** A payload type, or `*` for every format of the section. */
  readonly payloadType: number | '*';
}

export function parseRtcpFeedback(value: string): RtcpFeedbackAttribute {
  const sp = value.indexOf(' ');
  if (sp === -1) badValue('a=rtcp-fb is <payload type> <type> [<parameter>]');
  const payloadType =
    sp === 1 && value.charCodeAt(0) === 42 /* * */ ? '*' : uintIn(value, 0, sp, 127, 'rtcp-fb payload type');
  const sp2 = value.indexOf(' ', sp + 1);
  if (sp2 === -1)
    return { payloadType, type: tokenIn(value, sp + 1, value.length, 'rtcp-fb type'), parameter: undefined };
  const parameter = value.slice(sp2 + 1);
  words(parameter, 'rtcp-fb parameter');
  return { payloadType, type: tokenIn(value, sp + 1, sp2, 'rtcp-fb type'), parameter };
}

export function formatRtcpFeedback(f: RtcpFeedbackAttribute): string {
  return f.parameter === undefined
    ? `${f.payloadType} ${f.type}`
    : `${f.payloadType} ${f.type} ${f.parameter}`;
}
