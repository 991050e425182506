/**
 * createAnswer as a pure function (RFC 8829 §5.3): one section per offered m= line, in order.
 * A section is accepted when a transceiver (or the data channel) is associated with its mid, a
 * codec matches and rtcp-mux is offered; it is rejected (port 0) otherwise. Accepted sections
 * intersect codecs with the offerer's payload types, header extensions with the offerer's ids,
 * and directions; the DTLS role turns actpass into active (or keeps the role of our previous
 * answer, RFC 8842 §5.5); BUNDLE groups are accepted per bundle policy.
 */
import type { Setup } from '../attributes/dtls.js';
import type { Simulcast, SimulcastStream } from '../attributes/simulcast.js';
import { isRtpProto } from '../fields/media-line.js';
import type { Origin } from '../fields/origin.js';
import type { MediaDescription, SessionDescription } from '../model/description.js';
import { emptyMedia, emptySession } from '../model/description.js';
import { answerBundle, type BundlePolicy, isRejected, transportMid } from './bundle.js';
import { answerCodecs } from './codecs.js';
import {
  type DataChannelDescription,
  DEFAULT_MAX_MESSAGE_SIZE,
  DEFAULT_SCTP_PORT,
  isDataChannelSection,
} from './data.js';
import { answerDirection, hasRecv, hasSend } from './directions.js';
import { answerExtmaps } from './extensions.js';
import { createOrigin, stampOrigin } from './origin.js';
import { type LocalTransport, rejectedSection, senderAttributes, transportSection } from './sections.js';
import { answerSetup } from './setup.js';
import type { TransceiverDescription } from './transceiver.js';

export interface AnswerOptions extends LocalTransport {
  /** The remote offer (W3C pendingRemoteDescription), typed. */
  readonly offer: SessionDescription;
  /** Transceivers associated with the offer's mids (see `associateTransceivers`). */
  readonly transceivers: readonly TransceiverDescription[];
  /** Present when we accept data channels (browsers always do). */
  readonly dataChannel?: DataChannelDescription;
  readonly bundlePolicy?: BundlePolicy;
  /** Our role when the offer says actpass (default `active`, RFC 8829 §5.3.1). */
  readonly setup?: 'active' | 'passive';
  /** Answer a=extmap-allow-mixed when offered (default true). */
  readonly extmapAllowMixed?: boolean;
  /** For the first description of a session; later ones keep `localDescription`'s. */
  readonly origin?: Origin;
  /** Our previous local description (W3C currentLocalDescription): origin version, DTLS role. */
  readonly localDescription?: SessionDescription;
  /** W3C currentRemoteDescription: with `localDescription`, the DTLS role we have now. */
  readonly remoteDescription?: SessionDescription;
}

export interface AnswerResult {
  readonly description: SessionDescription;
  /** Mids of the sections this answer rejects. */
  readonly rejectedMids: readonly string[];
}

export function createAnswer(options: AnswerOptions): AnswerResult {
  const { offer, transceivers, dataChannel } = options;
  const policy = options.bundlePolicy ?? 'balanced';
  const offeredGroups = offer.groups.filter((g) => g.semantics.toUpperCase() === 'BUNDLE');
  const inGroup = (mid: string | undefined): boolean =>
    mid !== undefined && offeredGroups.some((g) => g.mids.includes(mid));

  // 1. Which offered sections we can accept at all.
  const plans = offer.media.map((m) => planSection(offer, m, transceivers, dataChannel, inGroup(m.mid)));
  const accepted = new Set(plans.flatMap((p, i) => (p.accept ? [offer.media[i]?.mid ?? ''] : [])));
  // 2. BUNDLE: accepted groups; max-bundle against a non-BUNDLE offer keeps one section.
  const bundle = answerBundle(offer, accepted, policy);
  const answerTransportMid = (mid: string): string => transportMid({ ...offer, groups: bundle.groups }, mid);

  const rejectedMids: string[] = [];
  const media = offer.media.map((m, i) => {
    const plan = plans[i] as SectionPlan;
    const mid = m.mid;
    const setup =
      keptSetup(options.localDescription, options.remoteDescription, mid) ??
      answerSetup(m.setup ?? offer.setup, options.setup);
    if (!plan.accept || (mid !== undefined && bundle.reject.has(mid))) {
      if (mid !== undefined) rejectedMids.push(mid);
      return rejectedSection(m.kind, m.proto, m.formats, mid, options, setup);
    }
    const ownsTransport = mid === undefined || answerTransportMid(mid) === mid;
    const base = plan.data ? dataSection(m, dataChannel) : (plan.section as MediaDescription);
    return transportSection(base, options, setup, { withCandidates: ownsTransport, port0: false });
  });

  const sending = transceivers.filter(
    (t) => t.sender !== undefined && t.mid !== undefined && accepted.has(t.mid),
  );
  const streamIds = [...new Set(sending.flatMap((t) => t.sender?.streamIds ?? []))];
  const offeredMixed = offer.extmapAllowMixed;
  const origin = options.localDescription?.origin ?? options.origin ?? createOrigin();
  const description: SessionDescription = {
    ...emptySession(origin),
    groups: bundle.groups,
    extmapAllowMixed: offeredMixed && options.extmapAllowMixed !== false,
    msidSemantic: { semantic: 'WMS', identifiers: streamIds },
    iceLite: options.ice.lite === true,
    media,
  };
  return { description: stampOrigin(description, options.localDescription), rejectedMids };
}

interface SectionPlan {
  readonly accept: boolean;
  readonly data: boolean;
  readonly section?: MediaDescription;
}

function planSection(
  offer: SessionDescription,
  m: MediaDescription,
  transceivers: readonly TransceiverDescription[],
  dataChannel: DataChannelDescription | undefined,
  bundled: boolean,
): SectionPlan {
  const reject: SectionPlan = { accept: false, data: false };
  if (isRejected(m) || (m.port === 0 && !bundled)) return reject;
  if (isDataChannelSection(m)) return dataChannel === undefined ? reject : { accept: true, data: true };
  if (!isRtpProto(m.proto) || (m.kind !== 'audio' && m.kind !== 'video')) return reject;
  const t = m.mid === undefined ? undefined : transceivers.find((x) => x.mid === m.mid);
  if (t === undefined || t.stopped === true || t.kind !== m.kind || !m.rtcpMux) return reject;
  const codecs = answerCodecs(m.codecs, t.codecs, t.codecPreferences === true);
  if (codecs.length === 0) return reject;
  const direction = answerDirection(m.direction ?? offer.direction ?? 'sendrecv', t.direction);

  // Simulcast (RFC 8853 §5.3): receive what the offerer sends, send what it wants to receive.
  const offeredRids = (dir: 'send' | 'recv'): Set<string> =>
    new Set(m.rids.filter((r) => r.direction === dir).map((r) => r.id));
  let recvStreams: SimulcastStream[] | undefined;
  if (m.simulcast?.send !== undefined && hasRecv(direction)) {
    const ids = offeredRids('send');
    recvStreams = keepRids(m.simulcast.send, ids);
  }
  let sendStreams: SimulcastStream[] | undefined;
  const ours = new Set((t.sender?.encodings ?? []).map((e) => e.rid));
  if (m.simulcast?.recv !== undefined && hasSend(direction) && ours.size >= 2) {
    const ids = offeredRids('recv');
    sendStreams = keepRids(m.simulcast.recv, new Set([...ids].filter((id) => ours.has(id))));
  }
  const simulcastSend = sendStreams !== undefined && sendStreams.length > 0 ? sendStreams : undefined;
  // Without simulcast towards this peer, a multi-encoding sender sends one plain RTP stream.
  const senderSpec =
    t.sender !== undefined && simulcastSend === undefined ? { ...t.sender, encodings: [] } : t.sender;
  const sender = senderAttributes(senderSpec, direction, codecs, simulcastSend);
  let simulcast: Simulcast | undefined = sender.simulcast;
  let rids = sender.rids;
  if (recvStreams !== undefined && recvStreams.length > 0) {
    simulcast = { ...simulcast, recv: recvStreams };
    const recvIds = recvStreams.flatMap((s) => s.map((a) => a.rid));
    rids = [
      ...rids,
      ...recvIds.map((id) => ({ id, direction: 'recv' as const, payloadTypes: [], restrictions: [] })),
    ];
  }
  const section: MediaDescription = {
    ...emptyMedia(
      m.kind,
      9,
      m.proto,
      codecs.map((c) => `${c.payloadType}`),
    ),
    mid: m.mid,
    direction,
    extmaps: answerExtmaps(m.extmaps.length > 0 ? m.extmaps : offer.extmaps, t.headerExtensions ?? []),
    extmapAllowMixed: m.extmapAllowMixed,
    rtcpMux: true,
    rtcpRsize: m.rtcpRsize,
    codecs,
    msids: sender.msids,
    ssrcs: sender.ssrcs,
    ssrcGroups: sender.ssrcGroups,
    rids,
    simulcast,
  };
  return { accept: true, data: false, section };
}

/** The offered simulcast streams restricted to rids we accept; streams left empty are dropped. */
function keepRids(streams: readonly SimulcastStream[], ids: ReadonlySet<string>): SimulcastStream[] {
  return streams.map((s) => s.filter((a) => ids.has(a.rid))).filter((s) => s.length > 0);
}

function dataSection(offered: MediaDescription, dc: DataChannelDescription | undefined): MediaDescription {
  return {
    ...emptyMedia('application', 9, offered.proto, ['webrtc-datachannel']),
    mid: offered.mid,
    sctpPort: dc?.sctpPort ?? DEFAULT_SCTP_PORT,
    maxMessageSize: dc?.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
  };
}

/**
 * The DTLS role we hold for this mid, to keep the association on a re-offer (RFC 8842 §5.5):
 * our previous active/passive, or, when we offered actpass before, the opposite of the peer's.
 */
function keptSetup(
  local: SessionDescription | undefined,
  remote: SessionDescription | undefined,
  mid: string | undefined,
): 'active' | 'passive' | undefined {
  if (local === undefined || mid === undefined) return undefined;
  const ours = setupOf(local, mid);
  if (ours === 'active' || ours === 'passive') return ours;
  const theirs = remote === undefined ? undefined : setupOf(remote, mid);
  if (theirs === 'active') return 'passive';
  if (theirs === 'passive') return 'active';
  return undefined;
}

function setupOf(desc: SessionDescription, mid: string): Setup | undefined {
  const m = desc.media.find((x) => x.mid === mid);
  return m === undefined ? undefined : (m.setup ?? desc.setup);
}
