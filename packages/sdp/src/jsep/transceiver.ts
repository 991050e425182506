/**
 * What the JSEP functions need to know of an RTCRtpTransceiver (W3C §5.4) — plain data, so the
 * peerconnection layer passes a snapshot of its transceivers and gets descriptions back.
 */
import type { Direction } from '../attributes/direction.js';
import type { RidRestriction } from '../attributes/rid.js';
import type { CodecSpec } from './codecs.js';
import type { HeaderExtensionSpec } from './extensions.js';

export type MediaKind = 'audio' | 'video';

/** One simulcast encoding (W3C RTCRtpEncodingParameters with a rid). */
export interface SendEncoding {
  /** 1*(alpha-numeric / "-" / "_") (RFC 8851 §10). */
  readonly rid: string;
  /** Written with `~` in a=simulcast (RFC 8853 §5.1): W3C `active: false`. */
  readonly paused?: boolean;
  /** a=rid restrictions: max-width, max-height, max-fps, max-br... */
  readonly restrictions?: readonly RidRestriction[];
}

/** The sending side of a transceiver: its track, streams and RTP streams. */
export interface SenderDescription {
  readonly trackId: string;
  /** MediaStream ids (a=msid; `-` when empty, RFC 8830 §2). */
  readonly streamIds: readonly string[];
  /** RTCP CNAME (RFC 7022), written as `a=ssrc:<ssrc> cname:<cname>`. */
  readonly cname: string;
  /** Without simulcast: the media SSRC, and the RTX one (a=ssrc-group:FID, RFC 5576 §4.2). */
  readonly ssrc?: number;
  readonly rtxSsrc?: number;
  /** With two or more: simulcast by rid (RFC 8853), and no a=ssrc lines (as Chromium). */
  readonly encodings?: readonly SendEncoding[];
}

export interface TransceiverDescription {
  /** Set once associated with an m= section; undefined for a transceiver not yet offered. */
  readonly mid?: string;
  readonly kind: MediaKind;
  /** The transceiver's direction (W3C `direction`): what we want. */
  readonly direction: Direction;
  /** Stopping or stopped: its m= section is rejected (port 0) in the next offer or answer. */
  readonly stopped?: boolean;
  /** What we can send and receive, in preference order. */
  readonly codecs: readonly CodecSpec[];
  /** setCodecPreferences was called: answers list codecs in our order (RFC 8829 §5.3.1). */
  readonly codecPreferences?: boolean;
  readonly headerExtensions?: readonly HeaderExtensionSpec[];
  /** Absent for a transceiver without a track to send (recvonly, or no track yet). */
  readonly sender?: SenderDescription;
  /** Offer to receive simulcast with these rids (an SFU asking for layers). */
  readonly receiveRids?: readonly string[];
}
