/**
 * createOffer as a pure function (RFC 8829 §5.2): an initial offer from transceivers and a data
 * channel, or a subsequent one that keeps the m= line order of the current descriptions, rejects
 * stopped transceivers with port 0, and recycles m= lines rejected in the current local or remote
 * description for new transceivers (§5.2.2), each new section getting a fresh mid.
 */
import type { Extmap } from '../attributes/extmap.js';
import type { Simulcast, SimulcastStream } from '../attributes/simulcast.js';
import { JsepError } from '../errors.js';
import type { Origin } from '../fields/origin.js';
import type { MediaDescription, SessionDescription } from '../model/description.js';
import { emptyMedia, emptySession } from '../model/description.js';
import { type BundlePolicy, bundleOnlyMarks, isRejected } from './bundle.js';
import { codecKey, offerCodecs, PayloadTypeAllocator } from './codecs.js';
import {
  DATA_CHANNEL_PROTO,
  type DataChannelDescription,
  DEFAULT_MAX_MESSAGE_SIZE,
  DEFAULT_SCTP_PORT,
} from './data.js';
import { ExtensionIdAllocator, offerExtmaps } from './extensions.js';
import { createOrigin, stampOrigin } from './origin.js';
import {
  type LocalTransport,
  RTP_PROTO,
  rejectedSection,
  senderAttributes,
  transportSection,
} from './sections.js';
import type { TransceiverDescription } from './transceiver.js';

export interface OfferOptions extends LocalTransport {
  readonly transceivers: readonly TransceiverDescription[];
  /** Present when the connection has (or had) data channels. */
  readonly dataChannel?: DataChannelDescription;
  /** Default `balanced`. */
  readonly bundlePolicy?: BundlePolicy;
  /**
   * Mark new sections a=bundle-only with port 0 as RFC 8829 §5.2.1 describes. Default false:
   * Chrome and Firefox do not, and peers that predate RFC 8843 read port 0 as rejected.
   */
  readonly bundleOnly?: boolean;
  /** Write a=extmap-allow-mixed (RFC 8285 §6; default true, as Chromium). */
  readonly extmapAllowMixed?: boolean;
  /** For the first description of a session; later ones keep `localDescription`'s. */
  readonly origin?: Origin;
  /** W3C localDescription (pending, else current): m= line order, mids, origin version. */
  readonly localDescription?: SessionDescription;
  /** W3C currentRemoteDescription: m= lines the peer rejected are recyclable. */
  readonly remoteDescription?: SessionDescription;
}

export interface OfferResult {
  readonly description: SessionDescription;
  /** The mid of each transceiver (undefined for a stopped one never offered), in input order. */
  readonly mids: readonly (string | undefined)[];
  /** The data section's mid, when there is one. */
  readonly dataChannelMid: string | undefined;
}

type Owner = { readonly transceiver: number } | { readonly data: true } | undefined;

interface Slot {
  readonly mid: string | undefined;
  readonly kind: string;
  readonly proto: string;
  readonly formats: readonly string[];
  readonly recyclable: boolean;
  owner: Owner;
  isNew: boolean;
}

export function createOffer(options: OfferOptions): OfferResult {
  const { transceivers, dataChannel, localDescription: local, remoteDescription: remote } = options;
  const previous = local ?? remote;
  const used = new Set<string>();
  for (const d of [local, remote]) for (const m of d?.media ?? []) if (m.mid !== undefined) used.add(m.mid);
  for (const t of transceivers) if (t.mid !== undefined) used.add(t.mid);
  if (dataChannel?.mid !== undefined) used.add(dataChannel.mid);

  const rejectedBefore = (mid: string | undefined): boolean =>
    mid !== undefined &&
    [local, remote].some((d) => d?.media.some((m) => m.mid === mid && isRejected(m)) === true);
  const liveMids = new Set(
    transceivers.filter((t) => t.mid !== undefined && t.stopped !== true).map((t) => t.mid),
  );
  if (dataChannel?.mid !== undefined) liveMids.add(dataChannel.mid);

  // 1. The existing m= lines, in order, with their owners.
  const slots: Slot[] = (previous?.media ?? []).map((m) => {
    const tIndex = transceivers.findIndex((t) => t.mid !== undefined && t.mid === m.mid);
    const owner: Owner =
      tIndex !== -1
        ? { transceiver: tIndex }
        : dataChannel?.mid !== undefined && dataChannel.mid === m.mid
          ? { data: true }
          : undefined;
    return {
      mid: m.mid,
      kind: m.kind,
      proto: m.proto,
      formats: m.formats,
      recyclable: rejectedBefore(m.mid) && !liveMids.has(m.mid),
      owner,
      isNew: false,
    };
  });
  for (let i = 0; i < transceivers.length; i++) {
    const t = transceivers[i] as TransceiverDescription;
    if (t.mid !== undefined && !slots.some((s) => s.mid === t.mid)) {
      // A mid set by a description we no longer have (e.g. after a rollback): append it.
      slots.push({
        mid: t.mid,
        kind: t.kind,
        proto: RTP_PROTO,
        formats: [],
        recyclable: false,
        owner: { transceiver: i },
        isNew: true,
      });
    }
  }

  // 2. New transceivers and a new data section take recyclable slots, else go at the end.
  let nextMid = 0;
  const freshMid = (): string => {
    while (used.has(`${nextMid}`)) nextMid++;
    const mid = `${nextMid}`;
    used.add(mid);
    return mid;
  };
  const place = (owner: Owner, kind: string, proto: string): void => {
    const mid = freshMid();
    const free = slots.findIndex((s) => s.recyclable);
    const slot: Slot = { mid, kind, proto, formats: [], recyclable: false, owner, isNew: true };
    if (free === -1) slots.push(slot);
    else slots[free] = slot;
  };
  for (let i = 0; i < transceivers.length; i++) {
    const t = transceivers[i] as TransceiverDescription;
    if (t.mid === undefined && t.stopped !== true) place({ transceiver: i }, t.kind, RTP_PROTO);
  }
  if (dataChannel !== undefined && dataChannel.mid === undefined)
    place({ data: true }, 'application', DATA_CHANNEL_PROTO);

  // 3. Payload types and extension ids, fixed ones first, one value per codec / URI.
  const pts = new PayloadTypeAllocator();
  const extIds = new ExtensionIdAllocator();
  for (const t of transceivers) {
    for (const c of t.codecs) if (c.payloadType !== undefined) pts.reserve(codecKey(c), c.payloadType);
    for (const e of t.headerExtensions ?? []) if (e.id !== undefined) extIds.reserve(e.uri, e.id);
  }

  const policy = options.bundlePolicy ?? 'balanced';
  const liveSlots = slots.filter((s) => sectionIsLive(s, transceivers));
  const marks = bundleOnlyMarks(
    liveSlots.map((s) => s.kind),
    policy,
  );
  const bundleOnly = new Set<Slot>();
  if (options.bundleOnly === true) {
    liveSlots.forEach((s, i) => {
      if (marks[i] === true && s.isNew) bundleOnly.add(s);
    });
  }

  const media: MediaDescription[] = slots.map((slot) => {
    const port0 = bundleOnly.has(slot);
    const owner = slot.owner;
    if (owner !== undefined && 'data' in owner) {
      const base = {
        ...emptyMedia('application', 9, slot.isNew ? DATA_CHANNEL_PROTO : slot.proto, ['webrtc-datachannel']),
        mid: slot.mid,
        bundleOnly: port0,
        sctpPort: dataChannel?.sctpPort ?? DEFAULT_SCTP_PORT,
        maxMessageSize: dataChannel?.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
      };
      return transportSection(base, options, 'actpass', { withCandidates: true, port0 });
    }
    const t = owner === undefined ? undefined : transceivers[owner.transceiver];
    if (t === undefined || t.stopped === true) {
      return rejectedSection(t?.kind ?? slot.kind, slot.proto, slot.formats, slot.mid, options, 'actpass');
    }
    return transportSection(rtpSection(t, slot.mid, pts, extIds, port0), options, 'actpass', {
      withCandidates: true,
      port0,
    });
  });

  const liveMidsInOrder = media
    .filter((m) => !isRejected(m))
    .flatMap((m) => (m.mid === undefined ? [] : [m.mid]));
  const streamIds = [...new Set(transceivers.flatMap((t) => t.sender?.streamIds ?? []))];
  const origin =
    previous === undefined || local === undefined ? (options.origin ?? createOrigin()) : local.origin;
  const description: SessionDescription = {
    ...emptySession(origin),
    groups: liveMidsInOrder.length > 0 ? [{ semantics: 'BUNDLE', mids: liveMidsInOrder }] : [],
    extmapAllowMixed: options.extmapAllowMixed !== false,
    msidSemantic: { semantic: 'WMS', identifiers: streamIds },
    iceLite: options.ice.lite === true,
    media,
  };
  const mids = transceivers.map((t, i) => {
    if (t.mid !== undefined) return t.mid;
    return slots.find((s) => s.owner !== undefined && 'transceiver' in s.owner && s.owner.transceiver === i)
      ?.mid;
  });
  const dataChannelMid = slots.find((s) => s.owner !== undefined && 'data' in s.owner)?.mid;
  return { description: stampOrigin(description, local), mids, dataChannelMid };
}

function sectionIsLive(slot: Slot, transceivers: readonly TransceiverDescription[]): boolean {
  const owner = slot.owner;
  if (owner === undefined) return false;
  if ('data' in owner) return true;
  return transceivers[owner.transceiver]?.stopped !== true;
}

function rtpSection(
  t: TransceiverDescription,
  mid: string | undefined,
  pts: PayloadTypeAllocator,
  extIds: ExtensionIdAllocator,
  bundleOnly: boolean,
): MediaDescription {
  if (t.codecs.length === 0)
    throw new JsepError('INVALID_PARAMETERS', `a ${t.kind} transceiver without codecs`);
  const codecs = offerCodecs(t.codecs, pts);
  const extmaps: Extmap[] = offerExtmaps(t.headerExtensions ?? [], extIds);
  const sending = senderAttributes(t.sender, t.direction, codecs);
  const recvRids = t.receiveRids ?? [];
  let simulcast: Simulcast | undefined = sending.simulcast;
  let rids = sending.rids;
  if (recvRids.length >= 2) {
    const recv: SimulcastStream[] = recvRids.map((rid) => [{ rid, paused: false }]);
    simulcast = { ...simulcast, recv };
    rids = [
      ...rids,
      ...recvRids.map((id) => ({ id, direction: 'recv' as const, payloadTypes: [], restrictions: [] })),
    ];
  }
  return {
    ...emptyMedia(
      t.kind,
      9,
      RTP_PROTO,
      codecs.map((c) => `${c.payloadType}`),
    ),
    mid,
    bundleOnly,
    direction: t.direction,
    extmaps,
    rtcpMux: true,
    rtcpRsize: true,
    codecs,
    ...sending,
    rids,
    simulcast,
  };
}
