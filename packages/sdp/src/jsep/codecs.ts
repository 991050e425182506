/**
 * Codecs in offers and answers: what a stack supports (`CodecSpec`), payload type allocation for
 * offers, and the answerer's intersection (RFC 3264 §6.1, RFC 8829 §5.3.1): the answer lists
 * only offered formats, keeps the offerer's payload types, and uses the answerer's preference
 * order only when codec preferences were set. Codec-specific matching follows the payload
 * formats: H.264 profile and packetization-mode (RFC 6184 §8.1), VP9 profile-id, AV1 profile;
 * RTX (RFC 4588) follows its `apt`, audio RED (RFC 2198) its primary.
 */
import type { RtcpFeedback } from '../attributes/codec.js';
import { parseFmtpParameters } from '../attributes/codec.js';
import { JsepError } from '../errors.js';
import type { Codec } from '../model/description.js';

/** One codec a transceiver can send and receive, in preference order. */
export interface CodecSpec {
  /** Encoding name as written in a=rtpmap: `opus`, `VP8`, `H264`, `AV1`, `red`, `ulpfec`... */
  readonly name: string;
  readonly clockRate: number;
  /** Audio channels (opus: 2). */
  readonly channels?: number;
  /**
   * The a=fmtp parameters we want to receive (W3C `sdpFmtpLine`). For audio `red` without
   * parameters, an offer writes `<pt>/<pt>` of the section's first primary codec.
   */
  readonly parameters?: string;
  readonly feedback?: readonly RtcpFeedback[];
  /** A fixed payload type; others are allocated (96-127, then 35-63). */
  readonly payloadType?: number;
  /** Offer RTX (RFC 4588) for this codec: `rtx/<clock rate>` with `apt=<pt>`. */
  readonly rtx?: { readonly payloadType?: number };
}

/** Names that are not media codecs of their own: they repair or carry another one. */
const NOT_PRIMARY = new Set(['rtx', 'red', 'ulpfec', 'flexfec-03', 'cn', 'telephone-event']);

export function isPrimaryCodec(name: string): boolean {
  return !NOT_PRIMARY.has(name.toLowerCase());
}

/** Dynamic payload types in the order they are handed out (RFC 3551 §3; RFC 5761 §4 keeps 64-95 free). */
function* dynamicPayloadTypes(): Generator<number> {
  for (let pt = 96; pt <= 127; pt++) yield pt;
  for (let pt = 35; pt <= 63; pt++) yield pt;
}

/**
 * Payload types for one offer. A codec identity (name, clock rate, channels, parameters) gets
 * one payload type across every m= section, as RFC 8843 §9.1 needs inside a BUNDLE group, and
 * payload types already in use (fixed, or negotiated before) are never handed out again.
 */
export class PayloadTypeAllocator {
  private readonly byKey = new Map<string, number>();
  private readonly used = new Map<number, string>();
  private readonly free = dynamicPayloadTypes();

  /** Records a fixed payload type; the same one for another codec is an error. */
  reserve(key: string, pt: number): number {
    const owner = this.used.get(pt);
    if (owner !== undefined && owner !== key) {
      throw new JsepError('INVALID_PARAMETERS', `payload type ${pt} is both ${owner} and ${key}`);
    }
    this.used.set(pt, key);
    if (!this.byKey.has(key)) this.byKey.set(key, pt);
    return pt;
  }

  /** The payload type of a codec identity, allocated on first use. */
  allocate(key: string): number {
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    for (;;) {
      const next = this.free.next();
      if (next.done) throw new JsepError('INVALID_PARAMETERS', 'no dynamic payload type left (RFC 3551 §3)');
      if (!this.used.has(next.value)) return this.reserve(key, next.value);
    }
  }
}

export function codecKey(c: {
  name: string;
  clockRate: number;
  channels?: number;
  parameters?: string;
}): string {
  return `${c.name.toLowerCase()}/${c.clockRate}/${c.channels ?? 1}/${c.parameters ?? ''}`;
}

/** Whether a local codec and an offered one are the same format (RFC 3264 §6.1). */
export function codecsMatch(local: CodecSpec, remote: Codec): boolean {
  const name = local.name.toLowerCase();
  if (name !== remote.name.toLowerCase() || local.clockRate !== remote.clockRate) return false;
  if ((local.channels ?? 1) !== (remote.channels ?? 1)) return false;
  const a = parseFmtpParameters(local.parameters ?? '');
  const b = parseFmtpParameters(remote.parameters ?? '');
  switch (name) {
    case 'h264':
      return (
        (a.get('packetization-mode') ?? '0') === (b.get('packetization-mode') ?? '0') &&
        h264Profile(a.get('profile-level-id')) === h264Profile(b.get('profile-level-id'))
      );
    case 'vp9':
      return (a.get('profile-id') ?? '0') === (b.get('profile-id') ?? '0');
    case 'av1':
      return (a.get('profile') ?? '0') === (b.get('profile') ?? '0');
    default:
      return true;
  }
}

/**
 * The H.264 profile of a profile-level-id (RFC 6184 §8.1 Table 5, the profiles WebRTC uses);
 * the level is not part of the match (level-asymmetry-allowed).
 */
export function h264Profile(profileLevelId: string | undefined): string {
  const id = (profileLevelId ?? '42000a').toLowerCase();
  if (!/^[0-9a-f]{6}$/.test(id)) return `invalid:${id}`;
  const idc = Number.parseInt(id.slice(0, 2), 16);
  const iop = Number.parseInt(id.slice(2, 4), 16);
  switch (idc) {
    case 0x42:
      return iop & 0x40 ? 'constrained-baseline' : 'baseline';
    case 0x4d:
      return iop & 0x80 ? 'constrained-baseline' : 'main';
    case 0x58:
      return (iop & 0xc0) === 0xc0 ? 'constrained-baseline' : 'extended';
    case 0x64:
      return (iop & 0x0c) === 0x0c ? 'constrained-high' : 'high';
    default:
      return `profile-${idc}`;
  }
}

function feedbackKey(f: RtcpFeedback): string {
  return f.parameter === undefined ? f.type : `${f.type} ${f.parameter}`;
}

/** The feedback both sides listed, in the local order. */
export function intersectFeedback(
  local: readonly RtcpFeedback[],
  offered: readonly RtcpFeedback[],
): RtcpFeedback[] {
  const theirs = new Set(offered.map(feedbackKey));
  return local.filter((f) => theirs.has(feedbackKey(f)));
}

/** The `apt` of an RTX codec, or the primary payload type of an audio RED one (`111/111`). */
export function associatedPayloadType(c: Codec): number | undefined {
  const params = parseFmtpParameters(c.parameters ?? '');
  const name = c.name.toLowerCase();
  const text =
    name === 'rtx' ? params.get('apt') : name === 'red' ? params.get('')?.split('/')[0] : undefined;
  if (text === undefined || !/^\d{1,3}$/.test(text)) return undefined;
  return Number(text);
}

/**
 * The answer's codecs for one offered RTP section: offered formats we support, with the
 * offerer's payload types, our fmtp and the feedback both sides know. Order: the offer's, or
 * ours when `preferLocalOrder` (codec preferences were set; RFC 8829 §5.3.1).
 * Empty when no primary codec matches: the section is then rejected.
 */
export function answerCodecs(
  offered: readonly Codec[],
  local: readonly CodecSpec[],
  preferLocalOrder = false,
): Codec[] {
  const accepted = new Map<number, { codec: Codec; rank: number }>();
  // Primary codecs (and FEC) first, so RTX and RED can follow what was accepted.
  for (const o of offered) {
    const lname = o.name.toLowerCase();
    if (lname === 'rtx' || (lname === 'red' && associatedPayloadType(o) !== undefined)) continue;
    const rank = local.findIndex((l) => codecsMatch(l, o));
    const l = local[rank];
    if (l === undefined) continue;
    accepted.set(o.payloadType, {
      rank: rank * 2,
      codec: {
        payloadType: o.payloadType,
        name: o.name,
        clockRate: o.clockRate,
        channels: o.channels,
        parameters: l.parameters ?? (lname === 'red' || isPrimaryCodec(lname) ? undefined : o.parameters),
        feedback: intersectFeedback(l.feedback ?? [], o.feedback),
      },
    });
  }
  for (const o of offered) {
    const lname = o.name.toLowerCase();
    const apt = associatedPayloadType(o);
    if (apt === undefined || (lname !== 'rtx' && lname !== 'red')) continue;
    const primary = accepted.get(apt);
    if (primary === undefined) continue;
    if (lname === 'rtx') {
      const spec = local.find((l) => codecsMatch(l, primary.codec));
      if (spec?.rtx === undefined) continue;
      accepted.set(o.payloadType, {
        rank: primary.rank + 1,
        codec: {
          payloadType: o.payloadType,
          name: o.name,
          clockRate: o.clockRate,
          parameters: `apt=${apt}`,
          feedback: [],
        },
      });
    } else {
      const rank = local.findIndex((l) => l.name.toLowerCase() === 'red' && l.clockRate === o.clockRate);
      if (rank === -1) continue;
      accepted.set(o.payloadType, {
        rank: rank * 2,
        codec: { ...o, feedback: intersectFeedback(local[rank]?.feedback ?? [], o.feedback) },
      });
    }
  }
  if (![...accepted.values()].some((a) => isPrimaryCodec(a.codec.name))) return [];
  const inOfferOrder = offered.flatMap((o) => {
    const a = accepted.get(o.payloadType);
    return a === undefined ? [] : [a];
  });
  if (preferLocalOrder) inOfferOrder.sort((x, y) => x.rank - y.rank);
  return inOfferOrder.map((a) => stripUndefined(a.codec));
}

function stripUndefined(c: Codec): Codec {
  const out: { -readonly [K in keyof Codec]: Codec[K] } = {
    payloadType: c.payloadType,
    name: c.name,
    clockRate: c.clockRate,
    feedback: c.feedback,
  };
  if (c.channels !== undefined) out.channels = c.channels;
  if (c.parameters !== undefined) out.parameters = c.parameters;
  return out;
}

/**
 * An offer's codecs for one transceiver: payload types from the allocator (fixed ones kept),
 * RTX entries after their primary, audio RED pointing at the first primary codec.
 */
export function offerCodecs(specs: readonly CodecSpec[], pts: PayloadTypeAllocator): Codec[] {
  const out: Codec[] = [];
  const ptOf = (spec: CodecSpec): number =>
    spec.payloadType === undefined
      ? pts.allocate(codecKey(spec))
      : pts.reserve(codecKey(spec), spec.payloadType);
  // Fixed payload types first, so that allocation never hands one of them to another codec.
  for (const spec of specs) {
    if (spec.payloadType !== undefined) ptOf(spec);
    if (spec.rtx?.payloadType !== undefined) pts.reserve(`rtx:${codecKey(spec)}`, spec.rtx.payloadType);
  }
  const firstPrimary = specs.find((s) => isPrimaryCodec(s.name));
  const primaryPt = firstPrimary === undefined ? undefined : ptOf(firstPrimary);
  for (const spec of specs) {
    const pt = ptOf(spec);
    let parameters = spec.parameters;
    if (parameters === undefined && spec.name.toLowerCase() === 'red' && spec.clockRate !== 90000) {
      if (primaryPt !== undefined) parameters = `${primaryPt}/${primaryPt}`;
    }
    out.push(
      stripUndefined({
        payloadType: pt,
        name: spec.name,
        clockRate: spec.clockRate,
        channels: spec.channels,
        parameters,
        feedback: spec.feedback ?? [],
      }),
    );
    if (spec.rtx !== undefined) {
      const rtxKey = `rtx:${codecKey(spec)}`;
      const rtxPt =
        spec.rtx.payloadType === undefined ? pts.allocate(rtxKey) : pts.reserve(rtxKey, spec.rtx.payloadType);
      out.push({
        payloadType: rtxPt,
        name: 'rtx',
        clockRate: spec.clockRate,
        parameters: `apt=${pt}`,
        feedback: [],
      });
    }
  }
  return out;
}
