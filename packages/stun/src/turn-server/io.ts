/**
 * What flows between the sans-IO TURN server core and the adapter that owns its sockets: one
 * listening socket facing clients, and one relay socket per allocation facing peers.
 *
 * The relay handshake, since the core never binds a socket itself:
 *   1. An Allocate passes every check; the core emits `{ type: 'open-relay', relayId }` and
 *      holds the request.
 *   2. The adapter binds a UDP socket of the given family and calls `relayOpened(relayId,
 *      boundAddress, now)`; the core then answers the Allocate with that address in
 *      XOR-RELAYED-ADDRESS. If binding fails it calls `relayFailed(relayId, now)` and the client
 *      gets 508 Insufficient Capacity (RFC 8656 §7.2).
 *   3. `relayOpened` returns false when the core no longer wants the socket (the wait timed out):
 *      the adapter closes it at once.
 *   4. When the allocation ends (expiry, Refresh with LIFETIME 0), the core emits
 *      `{ type: 'close-relay', relayId }` and stops sending `via` that relay. 'close-relay' comes
 *      only for relays that `relayOpened` accepted.
 */
import type { AddressFamily, TransportAddress } from '../address.js';

export interface TurnTransmit {
  /** Send from the listening socket ('listen') or from the relay socket of this allocation. */
  readonly via: 'listen' | number;
  /**
   * The datagram. Relayed application data (client -> peer) is a view into the input that
   * carried it: send it before reusing that input buffer.
   */
  readonly data: Uint8Array;
  readonly destination: TransportAddress;
}

export type TurnServerEvent =
  | {
      readonly type: 'open-relay';
      readonly relayId: number;
      /** The family of the socket to bind. */
      readonly family: AddressFamily;
      /** Who the allocation is for, for logs. */
      readonly client: TransportAddress;
      readonly username: string;
    }
  | {
      readonly type: 'close-relay';
      readonly relayId: number;
      /** 'expired': lifetime ran out; 'released': the client sent Refresh with LIFETIME 0. */
      readonly reason: 'expired' | 'released';
    };

export interface TurnServerStats {
  /** STUN requests received (Binding included). */
  requests: number;
  successResponses: number;
  errorResponses: number;
  /** Datagrams that were neither STUN nor ChannelData, or failed to parse, or had a bad FINGERPRINT. */
  malformed: number;
  /**
   * Well-formed datagrams dropped by a TURN rule: no allocation for the 5-tuple, no permission
   * for the peer, an unbound channel, an indication the server does not take, a datagram too
   * large to wrap, or a full transmit queue.
   */
  dropped: number;
  /** Datagrams relayed from clients to peers, and from peers to clients. */
  relayedToPeers: number;
  relayedToClients: number;
  allocationsCreated: number;
  /** Allocations that ended by expiry (not by Refresh with LIFETIME 0). */
  allocationsExpired: number;
}
