/**
 * Document → typed model. Walks the lines once, types every attribute it knows and keeps the
 * others; the first value that breaks its grammar throws SdpParseError with its line number
 * (the line's number in `serializeSdp(doc)`, i.e. in the parsed text).
 */
import { type Candidate, parseCandidate } from '../attributes/candidate.js';
import {
  parseFmtp,
  parseRtcpFeedback,
  parseRtpmap,
  type RtcpFeedback,
  type RtcpFeedbackAttribute,
  type Rtpmap,
} from '../attributes/codec.js';
import type { Direction } from '../attributes/direction.js';
import { type Fingerprint, parseFingerprint, parseSetup, type Setup } from '../attributes/dtls.js';
import { type Extmap, parseExtmap } from '../attributes/extmap.js';
import { type Group, parseGroup } from '../attributes/group.js';
import { type Msid, type MsidSemantic, parseMsid, parseMsidSemantic } from '../attributes/msid.js';
import { parseRid, type Rid } from '../attributes/rid.js';
import { parseRtcp, type Rtcp } from '../attributes/rtcp.js';
import { parseSimulcast, type Simulcast } from '../attributes/simulcast.js';
import { parseSsrc, parseSsrcGroup, type SsrcAttribute, type SsrcGroup } from '../attributes/ssrc.js';
import {
  lineText,
  type SdpAttribute,
  type SdpDocument,
  type SdpLine,
  type SdpMediaSection,
} from '../document.js';
import { badValue, SdpParseError } from '../errors.js';
import { type Bandwidth, parseBandwidth } from '../fields/bandwidth.js';
import { type Connection, parseConnection } from '../fields/connection.js';
import { parseMediaLine } from '../fields/media-line.js';
import { type Origin, parseOrigin } from '../fields/origin.js';
import { parseTiming, type Timing } from '../fields/timing.js';
import type { SdpLimits } from '../limits.js';
import { parseSdp } from '../parse.js';
import { fields, token, UINT16, uint, word } from '../text.js';
import type { Attribute, Codec, MediaDescription, SessionDescription } from './description.js';

/**
 * Attribute names the reader types, mapped to the same string constants: a switch over the
 * looked-up constant compares interned strings, not every case's characters in turn.
 */
function names(list: readonly string[]): ReadonlyMap<string, string> {
  return new Map(list.map((n) => [n, n]));
}

const DIRECTION_NAMES = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

const SESSION_ATTRIBUTES = names([
  'group',
  'msid-semantic',
  'ice-lite',
  'ice-options',
  'ice-ufrag',
  'ice-pwd',
  'fingerprint',
  'setup',
  'extmap-allow-mixed',
  'extmap',
  ...DIRECTION_NAMES,
]);

const MEDIA_ATTRIBUTES = names([
  'mid',
  'msid',
  'ice-ufrag',
  'ice-pwd',
  'ice-options',
  'fingerprint',
  'setup',
  'candidate',
  'end-of-candidates',
  'rtcp',
  'rtcp-mux',
  'rtcp-mux-only',
  'rtcp-rsize',
  'bundle-only',
  'rtpmap',
  'fmtp',
  'rtcp-fb',
  'extmap',
  'extmap-allow-mixed',
  'ssrc',
  'ssrc-group',
  'rid',
  'simulcast',
  'sctp-port',
  'max-message-size',
  ...DIRECTION_NAMES,
]);

/** Parses text and reads its typed model: `readDescription(parseSdp(text, limits))`. */
export function parseDescription(text: string, limits?: SdpLimits): SessionDescription {
  return readDescription(parseSdp(text, limits));
}

/** The typed model of a document. Throws only SdpParseError. */
export function readDescription(doc: SdpDocument): SessionDescription {
  let lineNumber = 0;
  let origin: Origin | undefined;
  let sessionName: string | undefined;
  let information: string | undefined;
  let uri: string | undefined;
  const emails: string[] = [];
  const phones: string[] = [];
  let connection: Connection | undefined;
  const bandwidths: Bandwidth[] = [];
  const timing: { start: number; stop: number; repeats: string[] }[] = [];
  let timeZones: string | undefined;
  let encryptionKey: string | undefined;
  const groups: Group[] = [];
  let msidSemantic: MsidSemantic | undefined;
  let iceLite = false;
  let iceOptions: string[] = [];
  let iceUfrag: string | undefined;
  let icePwd: string | undefined;
  const fingerprints: Fingerprint[] = [];
  let setup: Setup | undefined;
  let direction: Direction | undefined;
  let extmapAllowMixed = false;
  const extmaps: Extmap[] = [];
  const attributes: Attribute[] = [];

  for (const line of doc.session) {
    lineNumber++;
    try {
      switch (line.type) {
        case 'v':
          break;
        case 'o':
          origin = parseOrigin(line.value);
          break;
        case 's':
          sessionName = line.value;
          break;
        case 'i':
          information = once(information, line.value, 'i=');
          break;
        case 'u':
          uri = once(uri, line.value, 'u=');
          break;
        case 'e':
          emails.push(line.value);
          break;
        case 'p':
          phones.push(line.value);
          break;
        case 'c':
          connection = once(connection, parseConnection(line.value), 'c=');
          break;
        case 'b':
          bandwidths.push(parseBandwidth(line.value));
          break;
        case 't':
          timing.push({ ...parseTiming(line.value), repeats: [] });
          break;
        case 'r': {
          const last = timing[timing.length - 1];
          if (last === undefined) badValue('r= follows a t= line');
          last.repeats.push(line.value);
          break;
        }
        case 'z':
          timeZones = once(timeZones, line.value, 'z=');
          break;
        case 'k':
          encryptionKey = once(encryptionKey, line.value, 'k=');
          break;
        case 'm':
          badValue('m= inside the session part');
          break;
        case 'a':
          switch (SESSION_ATTRIBUTES.get(line.name)) {
            case 'group':
              groups.push(parseGroup(required(line)));
              break;
            case 'msid-semantic':
              msidSemantic = once(msidSemantic, parseMsidSemantic(required(line)), 'a=msid-semantic');
              break;
            case 'ice-lite':
              iceLite = flag(line);
              break;
            case 'ice-options':
              iceOptions = parseIceOptions(required(line));
              break;
            case 'ice-ufrag':
              iceUfrag = once(iceUfrag, word(required(line), 'ice-ufrag'), 'a=ice-ufrag');
              break;
            case 'ice-pwd':
              icePwd = once(icePwd, word(required(line), 'ice-pwd'), 'a=ice-pwd');
              break;
            case 'fingerprint':
              fingerprints.push(parseFingerprint(required(line)));
              break;
            case 'setup':
              setup = once(setup, parseSetup(required(line)), 'a=setup');
              break;
            case 'extmap-allow-mixed':
              extmapAllowMixed = flag(line);
              break;
            case 'extmap':
              extmaps.push(parseExtmap(required(line)));
              break;
            case 'sendrecv':
            case 'sendonly':
            case 'recvonly':
            case 'inactive':
              direction = once(direction, directionOf(line), 'a direction attribute');
              break;
            default:
              attributes.push(otherAttribute(line));
          }
          break;
      }
    } catch (e) {
      throw placed(e, lineNumber, line);
    }
  }
  if (origin === undefined || sessionName === undefined) {
    throw new SdpParseError('MISSING_LINE', 0, '', 'o= and s= are required (RFC 8866 §5)');
  }
  const media: MediaDescription[] = [];
  for (const section of doc.media) {
    media.push(readMedia(section, lineNumber + 1));
    lineNumber += 1 + section.lines.length;
  }
  return {
    origin,
    sessionName,
    information,
    uri,
    emails,
    phones,
    connection,
    bandwidths,
    timing: timing as Timing[],
    timeZones,
    encryptionKey,
    groups,
    msidSemantic,
    iceLite,
    iceOptions,
    iceUfrag,
    icePwd,
    fingerprints,
    setup,
    direction,
    extmapAllowMixed,
    extmaps,
    attributes,
    media,
  };
}

/** The typed model of one m= section; `firstLine` is the number of its m= line. */
export function readMedia(section: SdpMediaSection, firstLine = 1): MediaDescription {
  let mline: ReturnType<typeof parseMediaLine>;
  try {
    mline = parseMediaLine(section.m);
  } catch (e) {
    throw placed(e, firstLine, { type: 'm', value: section.m });
  }
  let information: string | undefined;
  const connections: Connection[] = [];
  const bandwidths: Bandwidth[] = [];
  let encryptionKey: string | undefined;
  let mid: string | undefined;
  let direction: Direction | undefined;
  const msids: Msid[] = [];
  let iceUfrag: string | undefined;
  let icePwd: string | undefined;
  let iceOptions: string[] = [];
  const fingerprints: Fingerprint[] = [];
  let setup: Setup | undefined;
  const candidates: Candidate[] = [];
  let endOfCandidates = false;
  let rtcp: Rtcp | undefined;
  let rtcpMux = false;
  let rtcpMuxOnly = false;
  let rtcpRsize = false;
  let bundleOnly = false;
  const rtpmaps: Rtpmap[] = [];
  const rtpmapPts = new Set<number>();
  const fmtps = new Map<number, { parameters: string; attribute: Attribute }[]>();
  const feedbackByPt = new Map<number, { feedback: RtcpFeedback; attribute: Attribute }[]>();
  const feedback: RtcpFeedback[] = [];
  const extmaps: Extmap[] = [];
  let extmapAllowMixed = false;
  const ssrcs: SsrcAttribute[] = [];
  const ssrcGroups: SsrcGroup[] = [];
  const rids: Rid[] = [];
  let simulcast: Simulcast | undefined;
  let sctpPort: number | undefined;
  let maxMessageSize: number | undefined;
  const attributes: Attribute[] = [];

  let lineNumber = firstLine;
  for (const line of section.lines) {
    lineNumber++;
    try {
      if (line.type !== 'a') {
        switch (line.type) {
          case 'i':
            information = once(information, line.value, 'i=');
            break;
          case 'c':
            connections.push(parseConnection(line.value));
            break;
          case 'b':
            bandwidths.push(parseBandwidth(line.value));
            break;
          case 'k':
            encryptionKey = once(encryptionKey, line.value, 'k=');
            break;
          default:
            badValue(`${line.type}= is not a media-level line`);
        }
        continue;
      }
      switch (MEDIA_ATTRIBUTES.get(line.name)) {
        case 'mid':
          mid = once(mid, token(required(line), 'mid'), 'a=mid');
          break;
        case 'msid':
          msids.push(parseMsid(required(line)));
          break;
        case 'ice-ufrag':
          iceUfrag = once(iceUfrag, word(required(line), 'ice-ufrag'), 'a=ice-ufrag');
          break;
        case 'ice-pwd':
          icePwd = once(icePwd, word(required(line), 'ice-pwd'), 'a=ice-pwd');
          break;
        case 'ice-options':
          iceOptions = parseIceOptions(required(line));
          break;
        case 'fingerprint':
          fingerprints.push(parseFingerprint(required(line)));
          break;
        case 'setup':
          setup = once(setup, parseSetup(required(line)), 'a=setup');
          break;
        case 'candidate':
          candidates.push(parseCandidate(required(line)));
          break;
        case 'end-of-candidates':
          endOfCandidates = flag(line);
          break;
        case 'rtcp':
          rtcp = once(rtcp, parseRtcp(required(line)), 'a=rtcp');
          break;
        case 'rtcp-mux':
          rtcpMux = flag(line);
          break;
        case 'rtcp-mux-only':
          rtcpMuxOnly = flag(line);
          break;
        case 'rtcp-rsize':
          rtcpRsize = flag(line);
          break;
        case 'bundle-only':
          bundleOnly = flag(line);
          break;
        case 'rtpmap': {
          const r = parseRtpmap(required(line));
          if (rtpmapPts.has(r.payloadType)) badValue(`a second a=rtpmap for payload type ${r.payloadType}`);
          rtpmapPts.add(r.payloadType);
          rtpmaps.push(r);
          break;
        }
        case 'fmtp': {
          const f = parseFmtp(required(line));
          const pt = payloadTypeOf(f.format);
          if (pt === undefined) attributes.push(otherAttribute(line));
          else push(fmtps, pt, { parameters: f.parameters, attribute: otherAttribute(line) });
          break;
        }
        case 'rtcp-fb': {
          const f: RtcpFeedbackAttribute = parseRtcpFeedback(required(line));
          const fb: RtcpFeedback =
            f.parameter === undefined ? { type: f.type } : { type: f.type, parameter: f.parameter };
          if (f.payloadType === '*') feedback.push(fb);
          else push(feedbackByPt, f.payloadType, { feedback: fb, attribute: otherAttribute(line) });
          break;
        }
        case 'extmap':
          extmaps.push(parseExtmap(required(line)));
          break;
        case 'extmap-allow-mixed':
          extmapAllowMixed = flag(line);
          break;
        case 'ssrc':
          ssrcs.push(parseSsrc(required(line)));
          break;
        case 'ssrc-group':
          ssrcGroups.push(parseSsrcGroup(required(line)));
          break;
        case 'rid':
          rids.push(parseRid(required(line)));
          break;
        case 'simulcast':
          simulcast = once(simulcast, parseSimulcast(required(line)), 'a=simulcast');
          break;
        case 'sctp-port':
          sctpPort = once(sctpPort, uint(required(line), UINT16, 'sctp-port'), 'a=sctp-port');
          break;
        case 'max-message-size':
          maxMessageSize = once(
            maxMessageSize,
            uint(required(line), Number.MAX_SAFE_INTEGER, 'max-message-size'),
            'a=max-message-size',
          );
          break;
        case 'sendrecv':
        case 'sendonly':
        case 'recvonly':
        case 'inactive':
          direction = once(direction, directionOf(line), 'a direction attribute');
          break;
        default:
          attributes.push(otherAttribute(line));
      }
    } catch (e) {
      throw placed(e, lineNumber, line);
    }
  }

  // Group fmtp and rtcp-fb lines with their rtpmap; those of a payload type without one are
  // kept as plain attributes (static payload types such as 0 PCMU need no rtpmap).
  const codecs: Codec[] = [];
  for (const r of rtpmaps) {
    const f = fmtps.get(r.payloadType);
    const fb = feedbackByPt.get(r.payloadType);
    fmtps.delete(r.payloadType);
    feedbackByPt.delete(r.payloadType);
    const feedback: RtcpFeedback[] = [];
    for (const x of fb ?? []) feedback.push(x.feedback);
    codecs.push({
      payloadType: r.payloadType,
      name: r.encodingName,
      clockRate: r.clockRate,
      channels: r.channels,
      parameters: f?.[0]?.parameters,
      feedback,
    });
    // A second fmtp for one payload type is kept as a plain attribute.
    for (const extra of f?.slice(1) ?? []) attributes.push(extra.attribute);
  }
  for (const entries of fmtps.values()) for (const e of entries) attributes.push(e.attribute);
  for (const entries of feedbackByPt.values()) for (const e of entries) attributes.push(e.attribute);

  return {
    kind: mline.kind,
    port: mline.port,
    portCount: mline.portCount,
    proto: mline.proto,
    formats: mline.formats,
    information,
    connections,
    bandwidths,
    encryptionKey,
    mid,
    direction,
    msids,
    iceUfrag,
    icePwd,
    iceOptions,
    fingerprints,
    setup,
    candidates,
    endOfCandidates,
    rtcp,
    rtcpMux,
    rtcpMuxOnly,
    rtcpRsize,
    bundleOnly,
    codecs,
    feedback,
    extmaps,
    extmapAllowMixed,
    ssrcs,
    ssrcGroups,
    rids,
    simulcast,
    sctpPort,
    maxMessageSize,
    attributes,
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function payloadTypeOf(format: string): number | undefined {
  if (format.length === 0 || format.length > 3) return undefined;
  let n = 0;
  for (let i = 0; i < format.length; i++) {
    const d = format.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return n <= 127 ? n : undefined;
}

function placed(e: unknown, lineNumber: number, line: SdpLine): unknown {
  if (e instanceof SdpParseError && e.lineNumber === 0) return e.at(lineNumber, lineText(line));
  return e;
}

/** A single-valued field or attribute: a second one is an error. */
function once<T>(previous: T | undefined, value: T, what: string): T {
  if (previous !== undefined) badValue(`${what} appears twice`);
  return value;
}

function required(line: SdpAttribute): string {
  if (line.value === undefined) badValue(`a=${line.name} needs a value`);
  return line.value;
}

function flag(line: SdpAttribute): true {
  if (line.value !== undefined) badValue(`a=${line.name} takes no value`);
  return true;
}

function directionOf(line: SdpAttribute): Direction {
  flag(line);
  return line.name as Direction;
}

function otherAttribute(line: SdpAttribute): Attribute {
  return line.value === undefined ? { name: line.name } : { name: line.name, value: line.value };
}

/**
 * a=ice-options (RFC 8839 §5.6): space-separated tokens, e.g. `trickle renomination`.
 * libdatachannel writes `ice2,trickle`; commas are read as separators too (be liberal).
 */
function parseIceOptions(value: string): string[] {
  const parts = value.split(/[ ,]+/).filter((t) => t !== '');
  if (parts.length === 0) return fields(value, 'a=ice-options');
  return parts.map((t) => token(t, 'ice-option'));
}
