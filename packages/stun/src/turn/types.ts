/** The TurnClient's options, counters and events (see client.ts). */
import type { AddressFamily, TransportAddress } from '../address.js';
import type { TransactionOptions } from '../transaction.js';

export interface TurnClientOptions {
  /** The TURN server: the destination of every transmit, and the only accepted source. */
  readonly server: TransportAddress;
  /** Long-term credentials (RFC 8489 §9.2). */
  readonly username: string;
  readonly password: string;
  /** TCP or TLS to the server: stream framing, no retransmissions, padded ChannelData. */
  readonly reliable?: boolean;
  /** SOFTWARE attribute in every request (RFC 8489 §14.14). */
  readonly software?: string;
  /** LIFETIME to ask for in Allocate and Refresh, in seconds (RFC 8656 §7.1); the server decides. */
  readonly lifetime?: number;
  /** REQUESTED-ADDRESS-FAMILY (RFC 8656 §7.1): an IPv6 relayed address, say. Default: the server's choice (IPv4). */
  readonly requestedAddressFamily?: AddressFamily;
  /** EVEN-PORT (RFC 8656 §7.1): an even relayed port, and with `reserveNext` the next one kept for RTCP. */
  readonly evenPort?: { readonly reserveNext: boolean };
  /** RESERVATION-TOKEN from an earlier allocation's EVEN-PORT reservation (RFC 8656 §7.1). */
  readonly reservationToken?: Uint8Array;
  /** DONT-FRAGMENT in Allocate and in Send indications (RFC 8656 §7.1, §11.1). */
  readonly dontFragment?: boolean;
  /** FINGERPRINT on everything we send (RFC 8489 §14.7). Default true. */
  readonly fingerprint?: boolean;
  /** Sign requests with MESSAGE-INTEGRITY-SHA256 too (RFC 8489 §14.6). Default false. */
  readonly messageIntegritySha256?: boolean;
  /** Refresh this long before an allocation, permission or channel expires, in ms. Default 60 000. */
  readonly refreshMargin?: number;
  /** Retransmission and timeout settings of the STUN transactions. */
  readonly transactions?: TransactionOptions;
  /** Cap on peer IPs with permissions. Default 1024. */
  readonly maxPermissions?: number;
  /** Cap on queued events; data events beyond it are dropped and counted. Default 4096. */
  readonly maxEvents?: number;
}

export interface TurnClientStats {
  /** Input that does not parse: neither STUN nor ChannelData, bad attributes, bad FINGERPRINT, lost stream framing. */
  malformed: number;
  /** Responses dropped for a missing or wrong MESSAGE-INTEGRITY (RFC 8489 §9.2.5). */
  integrityFailures: number;
  /** Responses whose MESSAGE-INTEGRITY(-SHA256) was checked and matched. */
  authenticatedResponses: number;
  /** Well-formed but unwanted: stray or duplicate responses, requests, other indications, foreign sources. */
  unexpected: number;
  /** Data from a peer we hold no permission for, or on an unknown channel (RFC 8656 §11.4, §12.6). */
  unknownPeer: number;
  /** Data events dropped because nobody drained the event queue. */
  eventsDropped: number;
  requestsSent: number;
  sendIndications: number;
  channelDataSent: number;
  dataIndications: number;
  channelDataReceived: number;
}

/** What a request was for, in events that report a failure other than Allocate's. */
export type TurnRequestKind = 'refresh' | 'permission' | 'channel';

export type TurnEvent =
  | {
      readonly type: 'allocated';
      readonly id: number;
      readonly relayed: TransportAddress;
      readonly mapped: TransportAddress | undefined;
      /** Seconds. */
      readonly lifetime: number;
      readonly reservationToken: Uint8Array | undefined;
    }
  | { readonly type: 'allocation-failed'; readonly id: number; readonly error: Error }
  /** A Refresh succeeded, by timer or by `refresh()`. */
  | { readonly type: 'refreshed'; readonly id: number; readonly lifetime: number }
  /** Only for `createPermission()`; refreshes by timer are silent unless they fail. */
  | { readonly type: 'permission-created'; readonly id: number; readonly peers: readonly TransportAddress[] }
  /** Only for `bindChannel()`; refreshes by timer are silent unless they fail. */
  | {
      readonly type: 'channel-bound';
      readonly id: number;
      readonly peer: TransportAddress;
      readonly channel: number;
    }
  | {
      readonly type: 'data';
      readonly peer: TransportAddress;
      /** A view into the input bytes (or a frame buffer of its own over TCP/TLS). */
      readonly data: Uint8Array;
      readonly via: 'channel' | 'indication';
    }
  /** A refresh, CreatePermission or ChannelBind failed, by command or by timer. */
  | {
      readonly type: 'error';
      readonly id: number;
      readonly request: TurnRequestKind;
      readonly peers: readonly TransportAddress[];
      readonly error: Error;
    }
  /** The allocation is over: by `close()` (error undefined) or because it was lost. */
  | { readonly type: 'closed'; readonly error: Error | undefined };
