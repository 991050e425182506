/**
 * The typed model: what a WebRTC stack reads from a description and writes into one. It is a
 * plain-data snapshot (readonly, JSON-like but for bigints in the origin), produced from a
 * document by `readDescription` and turned back into one by `buildSdp`; for generated models
 * `readDescription(parseSdp(serializeSdp(buildSdp(m))))` deep-equals `m`.
 *
 * The model keeps every line of the description: attributes it does not type are listed in
 * `attributes`, in order. What it does not keep is the interleaving of typed and untyped lines;
 * the document layer (`SdpDocument`) keeps that, byte for byte.
 */
import type { Candidate } from '../attributes/candidate.js';
import type { RtcpFeedback } from '../attributes/codec.js';
import type { Direction } from '../attributes/direction.js';
import type { Fingerprint, Setup } from '../attributes/dtls.js';
import type { Extmap } from '../attributes/extmap.js';
import type { Group } from '../attributes/group.js';
import type { Msid, MsidSemantic } from '../attributes/msid.js';
import type { Rid } from '../attributes/rid.js';
import type { Rtcp } from '../attributes/rtcp.js';
import type { Simulcast } from '../attributes/simulcast.js';
import type { SsrcAttribute, SsrcGroup } from '../attributes/ssrc.js';
import type { Bandwidth } from '../fields/bandwidth.js';
import type { Connection } from '../fields/connection.js';
import type { Origin } from '../fields/origin.js';
import type { Timing } from '../fields/timing.js';

/** An attribute the model does not type, kept as written. */
export interface Attribute {
  readonly name: string;
  readonly value?: string;
}

/**
 * One RTP payload type with its rtpmap, fmtp and rtcp-fb lines (RFC 8866 §6.6, §6.15,
 * RFC 4585 §4.2). `name` is the encoding name as written (`opus`, `VP8`, `H264`, `rtx`...).
 */
export interface Codec {
  readonly payloadType: number;
  readonly name: string;
  readonly clockRate: number;
  /** Audio channels; absent means 1 (RFC 8866 §6.6). */
  readonly channels?: number;
  /** The a=fmtp parameters, as written (W3C `sdpFmtpLine`). */
  readonly parameters?: string;
  /** a=rtcp-fb lines for this payload type, in order. */
  readonly feedback: readonly RtcpFeedback[];
}

export interface MediaDescription {
  // m=
  readonly kind: string;
  /** 0: rejected, or bundled with a=bundle-only (RFC 8843 §6). */
  readonly port: number;
  readonly portCount?: number;
  readonly proto: string;
  /** The m= line's formats, in order (payload types as strings for RTP). */
  readonly formats: readonly string[];
  // i= c= b= k=
  readonly information?: string;
  readonly connections: readonly Connection[];
  readonly bandwidths: readonly Bandwidth[];
  readonly encryptionKey?: string;
  // identification and direction
  readonly mid?: string;
  /** Absent: the session-level direction applies, else sendrecv (RFC 8866 §6.7). */
  readonly direction?: Direction;
  readonly msids: readonly Msid[];
  // ICE (RFC 8839) and DTLS (RFC 8842, RFC 8122)
  readonly iceUfrag?: string;
  readonly icePwd?: string;
  readonly iceOptions: readonly string[];
  readonly fingerprints: readonly Fingerprint[];
  readonly setup?: Setup;
  readonly candidates: readonly Candidate[];
  readonly endOfCandidates: boolean;
  // RTP/RTCP
  readonly rtcp?: Rtcp;
  readonly rtcpMux: boolean;
  readonly rtcpMuxOnly: boolean;
  readonly rtcpRsize: boolean;
  readonly bundleOnly: boolean;
  /** In rtpmap order. */
  readonly codecs: readonly Codec[];
  /** a=rtcp-fb:* lines (every format). */
  readonly feedback: readonly RtcpFeedback[];
  readonly extmaps: readonly Extmap[];
  readonly extmapAllowMixed: boolean;
  readonly ssrcs: readonly SsrcAttribute[];
  readonly ssrcGroups: readonly SsrcGroup[];
  readonly rids: readonly Rid[];
  readonly simulcast?: Simulcast;
  // SCTP (RFC 8841)
  readonly sctpPort?: number;
  readonly maxMessageSize?: number;
  /** Every other attribute, in order. */
  readonly attributes: readonly Attribute[];
}

export interface SessionDescription {
  readonly origin: Origin;
  readonly sessionName: string;
  readonly information?: string;
  readonly uri?: string;
  readonly emails: readonly string[];
  readonly phones: readonly string[];
  readonly connection?: Connection;
  readonly bandwidths: readonly Bandwidth[];
  readonly timing: readonly Timing[];
  readonly timeZones?: string;
  readonly encryptionKey?: string;
  readonly groups: readonly Group[];
  readonly msidSemantic?: MsidSemantic;
  readonly iceLite: boolean;
  readonly iceOptions: readonly string[];
  readonly iceUfrag?: string;
  readonly icePwd?: string;
  readonly fingerprints: readonly Fingerprint[];
  readonly setup?: Setup;
  readonly direction?: Direction;
  readonly extmapAllowMixed: boolean;
  readonly extmaps: readonly Extmap[];
  /** Every other session-level attribute, in order. */
  readonly attributes: readonly Attribute[];
  readonly media: readonly MediaDescription[];
}

/** A media section with every list empty and every flag off: a base to spread into. */
export function emptyMedia(
  kind: string,
  port: number,
  proto: string,
  formats: readonly string[],
): MediaDescription {
  return {
    kind,
    port,
    proto,
    formats,
    connections: [],
    bandwidths: [],
    msids: [],
    iceOptions: [],
    fingerprints: [],
    candidates: [],
    endOfCandidates: false,
    rtcpMux: false,
    rtcpMuxOnly: false,
    rtcpRsize: false,
    bundleOnly: false,
    codecs: [],
    feedback: [],
    extmaps: [],
    extmapAllowMixed: false,
    ssrcs: [],
    ssrcGroups: [],
    rids: [],
    attributes: [],
  };
}

/** A session with every list empty and every flag off. */
export function emptySession(origin: Origin): SessionDescription {
  return {
    origin,
    sessionName: '-',
    emails: [],
    phones: [],
    bandwidths: [],
    timing: [{ start: 0, stop: 0, repeats: [] }],
    groups: [],
    iceLite: false,
    iceOptions: [],
    fingerprints: [],
    extmapAllowMixed: false,
    extmaps: [],
    attributes: [],
    media: [],
  };
}
