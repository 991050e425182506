/**
 * Typed model → document, in the order browsers write (Chromium's, which follows RFC 8829
 * §5.2.1): session fields, groups, msid-semantic, ICE and DTLS attributes; per m= section the
 * connection data, candidates, ICE, DTLS, mid, header extensions, direction, msid, RTCP flags,
 * codecs (rtpmap, rtcp-fb, fmtp), SSRCs, rids and simulcast, SCTP, then untyped attributes.
 */
import { formatCandidate } from '../attributes/candidate.js';
import { formatFingerprint } from '../attributes/dtls.js';
import { formatExtmap } from '../attributes/extmap.js';
import { formatGroup } from '../attributes/group.js';
import { formatMsid, formatMsidSemantic } from '../attributes/msid.js';
import { formatRid } from '../attributes/rid.js';
import { formatRtcp } from '../attributes/rtcp.js';
import { formatSimulcast } from '../attributes/simulcast.js';
import { formatSsrc, formatSsrcGroup } from '../attributes/ssrc.js';
import type { SdpDocument, SdpFieldType, SdpLine, SdpMediaSection } from '../document.js';
import { formatBandwidth } from '../fields/bandwidth.js';
import { formatConnection } from '../fields/connection.js';
import { formatMediaLine } from '../fields/media-line.js';
import { formatOrigin } from '../fields/origin.js';
import { formatTiming } from '../fields/timing.js';
import type { MediaDescription, SessionDescription } from './description.js';

/** Where the writer puts lines: a document (buildSdp) or text (writeDescription). */
interface Sink {
  field(type: SdpFieldType, value: string): void;
  attr(name: string, value?: string): void;
  media(m: string): void;
}

class DocumentSink implements Sink {
  readonly session: SdpLine[] = [];
  readonly sections: SdpMediaSection[] = [];
  private lines: SdpLine[] = this.session;
  field(type: SdpFieldType, value: string): void {
    this.lines.push({ type, value });
  }
  attr(name: string, value?: string): void {
    this.lines.push({ type: 'a', name, value });
  }
  media(m: string): void {
    this.lines = [];
    this.sections.push({ m, lines: this.lines });
  }
}

class TextSink implements Sink {
  out = '';
  constructor(private readonly eol: string) {}
  field(type: SdpFieldType, value: string): void {
    this.out += `${type}=${value}${this.eol}`;
  }
  attr(name: string, value?: string): void {
    this.out += value === undefined ? `a=${name}${this.eol}` : `a=${name}:${value}${this.eol}`;
  }
  media(m: string): void {
    this.out += `m=${m}${this.eol}`;
  }
}

/** The document of a typed model. */
export function buildSdp(desc: SessionDescription, eol: '\r\n' | '\n' = '\r\n'): SdpDocument {
  const sink = new DocumentSink();
  write(desc, sink);
  return { session: sink.session, media: sink.sections, eol };
}

/** The text of a typed model: `serializeSdp(buildSdp(desc, eol))`, without the intermediate lines. */
export function writeDescription(desc: SessionDescription, eol: '\r\n' | '\n' = '\r\n'): string {
  const sink = new TextSink(eol);
  write(desc, sink);
  return sink.out;
}

/** The lines of one m= section. */
export function buildMedia(m: MediaDescription): SdpMediaSection {
  const sink = new DocumentSink();
  writeMedia(m, sink);
  return sink.sections[0] as SdpMediaSection;
}

function write(desc: SessionDescription, s: Sink): void {
  s.field('v', '0');
  s.field('o', formatOrigin(desc.origin));
  s.field('s', desc.sessionName);
  if (desc.information !== undefined) s.field('i', desc.information);
  if (desc.uri !== undefined) s.field('u', desc.uri);
  for (const e of desc.emails) s.field('e', e);
  for (const p of desc.phones) s.field('p', p);
  if (desc.connection !== undefined) s.field('c', formatConnection(desc.connection));
  for (const b of desc.bandwidths) s.field('b', formatBandwidth(b));
  if (desc.timing.length === 0) s.field('t', '0 0');
  for (const t of desc.timing) {
    s.field('t', formatTiming(t));
    for (const r of t.repeats) s.field('r', r);
  }
  if (desc.timeZones !== undefined) s.field('z', desc.timeZones);
  if (desc.encryptionKey !== undefined) s.field('k', desc.encryptionKey);
  for (const g of desc.groups) s.attr('group', formatGroup(g));
  if (desc.extmapAllowMixed) s.attr('extmap-allow-mixed');
  if (desc.msidSemantic !== undefined) s.attr('msid-semantic', formatMsidSemantic(desc.msidSemantic));
  if (desc.iceLite) s.attr('ice-lite');
  if (desc.iceOptions.length > 0) s.attr('ice-options', desc.iceOptions.join(' '));
  if (desc.iceUfrag !== undefined) s.attr('ice-ufrag', desc.iceUfrag);
  if (desc.icePwd !== undefined) s.attr('ice-pwd', desc.icePwd);
  for (const f of desc.fingerprints) s.attr('fingerprint', formatFingerprint(f));
  if (desc.setup !== undefined) s.attr('setup', desc.setup);
  if (desc.direction !== undefined) s.attr(desc.direction);
  for (const e of desc.extmaps) s.attr('extmap', formatExtmap(e));
  for (const a of desc.attributes) s.attr(a.name, a.value);
  for (const m of desc.media) writeMedia(m, s);
}

function writeMedia(m: MediaDescription, s: Sink): void {
  s.media(formatMediaLine(m));
  if (m.information !== undefined) s.field('i', m.information);
  for (const c of m.connections) s.field('c', formatConnection(c));
  for (const b of m.bandwidths) s.field('b', formatBandwidth(b));
  if (m.encryptionKey !== undefined) s.field('k', m.encryptionKey);
  if (m.rtcp !== undefined) s.attr('rtcp', formatRtcp(m.rtcp));
  for (const c of m.candidates) s.attr('candidate', formatCandidate(c));
  if (m.endOfCandidates) s.attr('end-of-candidates');
  if (m.iceUfrag !== undefined) s.attr('ice-ufrag', m.iceUfrag);
  if (m.icePwd !== undefined) s.attr('ice-pwd', m.icePwd);
  if (m.iceOptions.length > 0) s.attr('ice-options', m.iceOptions.join(' '));
  for (const f of m.fingerprints) s.attr('fingerprint', formatFingerprint(f));
  if (m.setup !== undefined) s.attr('setup', m.setup);
  if (m.mid !== undefined) s.attr('mid', m.mid);
  if (m.bundleOnly) s.attr('bundle-only');
  for (const e of m.extmaps) s.attr('extmap', formatExtmap(e));
  if (m.extmapAllowMixed) s.attr('extmap-allow-mixed');
  if (m.direction !== undefined) s.attr(m.direction);
  for (const x of m.msids) s.attr('msid', formatMsid(x));
  if (m.rtcpMux) s.attr('rtcp-mux');
  if (m.rtcpMuxOnly) s.attr('rtcp-mux-only');
  if (m.rtcpRsize) s.attr('rtcp-rsize');
  for (const c of m.codecs) {
    const pt = `${c.payloadType}`;
    s.attr(
      'rtpmap',
      c.channels === undefined
        ? `${pt} ${c.name}/${c.clockRate}`
        : `${pt} ${c.name}/${c.clockRate}/${c.channels}`,
    );
    for (const fb of c.feedback) s.attr('rtcp-fb', feedbackValue(pt, fb));
    if (c.parameters !== undefined) s.attr('fmtp', c.parameters === '' ? pt : `${pt} ${c.parameters}`);
  }
  for (const fb of m.feedback) s.attr('rtcp-fb', feedbackValue('*', fb));
  for (const g of m.ssrcGroups) s.attr('ssrc-group', formatSsrcGroup(g));
  for (const x of m.ssrcs) s.attr('ssrc', formatSsrc(x));
  for (const r of m.rids) s.attr('rid', formatRid(r));
  if (m.simulcast !== undefined) s.attr('simulcast', formatSimulcast(m.simulcast));
  if (m.sctpPort !== undefined) s.attr('sctp-port', `${m.sctpPort}`);
  if (m.maxMessageSize !== undefined) s.attr('max-message-size', `${m.maxMessageSize}`);
  for (const a of m.attributes) s.attr(a.name, a.value);
}

function feedbackValue(pt: string, fb: { readonly type: string; readonly parameter?: string }): string {
  return fb.parameter === undefined ? `${pt} ${fb.type}` : `${pt} ${fb.type} ${fb.parameter}`;
}
