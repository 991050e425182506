/**
 * The data channel m= section (RFC 8841, RFC 8832): `m=application <port> UDP/DTLS/SCTP
 * webrtc-datachannel` with a=sctp-port (default 5000, §5.1) and a=max-message-size (§6; absent
 * means 64 KiB, 0 means no limit).
 */
import { isSctpProto } from '../fields/media-line.js';
import type { MediaDescription } from '../model/description.js';

export interface DataChannelDescription {
  /** Set once negotiated; a new data section gets one from the offer. */
  readonly mid?: string;
  /** Our SCTP port (default 5000). */
  readonly sctpPort?: number;
  /** The largest message we can receive (default 262144, Chromium's and Firefox's order of size). */
  readonly maxMessageSize?: number;
}

export const DEFAULT_SCTP_PORT = 5000;
export const DEFAULT_MAX_MESSAGE_SIZE = 262144;
/** RFC 8841 §6.1: the limit when the peer writes no a=max-message-size. */
export const ABSENT_MAX_MESSAGE_SIZE = 65536;
export const DATA_CHANNEL_PROTO = 'UDP/DTLS/SCTP';

/** An SCTP-over-DTLS section carrying WebRTC data channels (not the legacy `DTLS/SCTP 5000` form). */
export function isDataChannelSection(m: MediaDescription): boolean {
  return m.kind === 'application' && isSctpProto(m.proto) && m.formats.includes('webrtc-datachannel');
}

export interface SctpParameters {
  readonly localPort: number;
  readonly remotePort: number;
  /** What we may send in one message (W3C RTCSctpTransport.maxMessageSize); Infinity when unlimited. */
  readonly maxMessageSize: number;
}

/**
 * The negotiated SCTP parameters from our and the peer's data sections. `canSendSize` is the
 * largest message our stack can send (W3C "canSendSize").
 */
export function negotiateSctp(
  local: MediaDescription,
  remote: MediaDescription,
  canSendSize = Number.POSITIVE_INFINITY,
): SctpParameters {
  const remoteMax = remote.maxMessageSize ?? ABSENT_MAX_MESSAGE_SIZE;
  return {
    localPort: local.sctpPort ?? DEFAULT_SCTP_PORT,
    remotePort: remote.sctpPort ?? DEFAULT_SCTP_PORT,
    maxMessageSize: Math.min(remoteMax === 0 ? Number.POSITIVE_INFINITY : remoteMax, canSendSize),
  };
}
