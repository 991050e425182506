/**
 * Building blocks of the m= sections JSEP writes (RFC 8829 §5.2.1, §5.3.1): the transport part
 * (ICE, DTLS, candidates, default address), the sender part (msid, SSRCs, rids, simulcast) and
 * rejected sections.
 */
import type { Candidate } from '../attributes/candidate.js';
import type { Direction } from '../attributes/direction.js';
import type { Fingerprint, Setup } from '../attributes/dtls.js';
import type { Msid } from '../attributes/msid.js';
import type { Rid } from '../attributes/rid.js';
import type { Simulcast, SimulcastStream } from '../attributes/simulcast.js';
import type { SsrcAttribute, SsrcGroup } from '../attributes/ssrc.js';
import type { Codec, MediaDescription } from '../model/description.js';
import { emptyMedia } from '../model/description.js';
import { hasSend } from './directions.js';
import type { SenderDescription } from './transceiver.js';
import { defaultCandidate, type IceParameters } from './transport.js';

/** ICE and DTLS values shared by every section an offer or answer writes. */
export interface LocalTransport {
  readonly ice: IceParameters;
  readonly fingerprints: readonly Fingerprint[];
  /** Gathered so far (trickle adds the rest later). */
  readonly candidates?: readonly Candidate[];
  /** Gathering is complete: a=end-of-candidates (RFC 8840 §8.2). */
  readonly endOfCandidates?: boolean;
}

export const RTP_PROTO = 'UDP/TLS/RTP/SAVPF';

/**
 * A section with the transport attributes: `withCandidates` for sections that own a transport
 * (and all non-bundle-only ones in an offer), port 0 when rejected or bundle-only.
 */
export function transportSection(
  base: MediaDescription,
  t: LocalTransport,
  setup: Setup,
  opts: { withCandidates: boolean; port0: boolean },
): MediaDescription {
  const candidates = opts.withCandidates && !opts.port0 ? (t.candidates ?? []) : [];
  const def = defaultCandidate(candidates);
  const address = def?.address ?? '0.0.0.0';
  return {
    ...base,
    port: opts.port0 ? 0 : (def?.port ?? 9),
    connections: [{ netType: 'IN', addrType: address.includes(':') ? 'IP6' : 'IP4', address }],
    iceUfrag: t.ice.ufrag,
    icePwd: t.ice.pwd,
    iceOptions: t.ice.options ?? ['trickle'],
    fingerprints: t.fingerprints,
    setup,
    candidates,
    endOfCandidates: opts.withCandidates && !opts.port0 && t.endOfCandidates === true,
  };
}

/** A rejected section: the m= line of the section it replaces, port 0 (RFC 3264 §6). */
export function rejectedSection(
  kind: string,
  proto: string,
  formats: readonly string[],
  mid: string | undefined,
  t: LocalTransport,
  setup: Setup,
): MediaDescription {
  const base = { ...emptyMedia(kind, 0, proto, formats.length > 0 ? formats : ['0']), mid };
  const withTransport = transportSection(base, t, setup, { withCandidates: false, port0: true });
  return kind === 'application' ? withTransport : { ...withTransport, direction: 'inactive', rtcpMux: true };
}

/** a=msid, a=ssrc-group, a=ssrc, a=rid and a=simulcast for what we send. */
export function senderAttributes(
  sender: SenderDescription | undefined,
  direction: Direction,
  codecs: readonly Codec[],
  sendStreams?: readonly SimulcastStream[],
): Pick<MediaDescription, 'msids' | 'ssrcs' | 'ssrcGroups' | 'rids'> & { simulcast?: Simulcast } {
  if (sender === undefined || !hasSend(direction)) return { msids: [], ssrcs: [], ssrcGroups: [], rids: [] };
  const msids: Msid[] =
    sender.streamIds.length === 0
      ? [{ stream: '-', track: sender.trackId }]
      : sender.streamIds.map((stream) => ({ stream, track: sender.trackId }));
  const encodings = sender.encodings ?? [];
  if (encodings.length >= 2) {
    const streams = sendStreams ?? encodings.map((e) => [{ rid: e.rid, paused: e.paused === true }]);
    const inUse = new Set(streams.flatMap((s) => s.map((a) => a.rid)));
    const rids: Rid[] = encodings
      .filter((e) => inUse.has(e.rid))
      .map((e) => ({ id: e.rid, direction: 'send', payloadTypes: [], restrictions: e.restrictions ?? [] }));
    return { msids, ssrcs: [], ssrcGroups: [], rids, simulcast: { send: streams } };
  }
  const ssrcs: SsrcAttribute[] = [];
  const ssrcGroups: SsrcGroup[] = [];
  if (sender.ssrc !== undefined) {
    const all = [sender.ssrc];
    if (sender.rtxSsrc !== undefined && codecs.some((c) => c.name.toLowerCase() === 'rtx')) {
      all.push(sender.rtxSsrc);
      ssrcGroups.push({ semantics: 'FID', ssrcs: all });
    }
    const msidValue = `${msids[0]?.stream ?? '-'} ${sender.trackId}`;
    for (const ssrc of all) {
      ssrcs.push({ ssrc, attribute: 'cname', value: sender.cname });
      ssrcs.push({ ssrc, attribute: 'msid', value: msidValue });
    }
  }
  return { msids, ssrcs, ssrcGroups, rids: [] };
}
