/** What the association reports through `pollEvent()`. */

/** A data channel as both ends agreed on it (RFC 8832 §5.1, W3C RTCDataChannelInit). */
export interface ChannelInfo {
  /** The SCTP stream id. */
  readonly id: number;
  readonly label: string;
  readonly protocol: string;
  readonly ordered: boolean;
  /** PR-SCTP limit on retransmissions, or null. */
  readonly maxRetransmits: number | null;
  /** PR-SCTP lifetime in ms, or null. */
  readonly maxPacketLifeTime: number | null;
  /** Agreed out of band (no DCEP); both ends created it with the same id. */
  readonly negotiated: boolean;
  /** RFC 8832 §5.1 priority (256 is normal). */
  readonly priority: number;
}

/** Why the association closed. */
export type CloseReason =
  /** Graceful SHUTDOWN exchange (RFC 9260 §9.2) completed. */
  | 'shutdown'
  /** We sent ABORT (`abort()`). */
  | 'abort'
  /** The peer sent ABORT. */
  | 'peer-abort'
  /** Association.Max.Retrans (or Max.Init.Retransmits) consecutive timeouts (RFC 9260 §8.1). */
  | 'timeout';

export type SctpEvent =
  /** The association is established (RFC 9260 §5.1). */
  | { readonly type: 'open' }
  /** The peer restarted (RFC 9260 §5.2.4 A): every channel was closed, the association is fresh. */
  | { readonly type: 'restart' }
  /** A channel opened: ours (`remote` false) once the association is up, or one the peer announced. */
  | ({ readonly type: 'channel-open'; readonly remote: boolean } & ChannelInfo)
  | {
      readonly type: 'message';
      readonly channelId: number;
      readonly data: Uint8Array;
      /** False for strings (PPIDs 51/56, UTF-8 in `data`), true for binary (53/57). */
      readonly binary: boolean;
    }
  /** bufferedAmount fell to or below the channel's threshold. */
  | { readonly type: 'buffered-amount-low'; readonly channelId: number }
  /** Both directions of the channel's stream are reset (RFC 8831 §6.7); its id is free again. */
  | { readonly type: 'channel-closed'; readonly channelId: number }
  | { readonly type: 'closed'; readonly reason: CloseReason; readonly detail: string }
  /** Something went wrong that did not end the association (e.g. an oversized message). */
  | { readonly type: 'error'; readonly code: string; readonly message: string; readonly channelId?: number };
