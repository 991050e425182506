/**
 * One TURN request as the client tracks it (Allocate, Refresh, CreatePermission, ChannelBind),
 * and the method-specific attributes it carries. A request outlives its transactions: a 401 or
 * 438 sends it again, signed or with a fresh nonce, under a new transaction id (RFC 8489 §9.2.5).
 */
import type { TransportAddress } from '../address.js';
import { AttributeType, StunMethod, TransportProtocol } from '../constants.js';
import type { StunWriter } from '../writer.js';
import type { Channel } from './channels.js';
import type { Permission } from './permissions.js';
import type { TurnClientOptions, TurnRequestKind } from './types.js';

export type RequestKind = 'allocate' | TurnRequestKind;

export interface Request {
  readonly id: number;
  readonly kind: RequestKind;
  readonly method: number;
  /** Started by a timer rather than a command: success is silent. */
  readonly auto: boolean;
  readonly peers: readonly TransportAddress[];
  readonly permissions: readonly Permission[];
  readonly channel: Channel | undefined;
  /** Refresh only: the LIFETIME to send; 0 deletes the allocation. */
  readonly lifetime: number | undefined;
  staleRetries: number;
  /** The key this attempt was signed with; undefined when it went out without credentials. */
  key: Uint8Array | undefined;
  /** This attempt's transaction id, and the same as a Map key. */
  txId: Uint8Array;
  txKey: string;
  /** A response was dropped for bad integrity: a later timeout reports that instead (RFC 8489 §9.2.5). */
  integrityFailed: boolean;
}

const METHOD: Record<RequestKind, number> = {
  allocate: StunMethod.Allocate,
  refresh: StunMethod.Refresh,
  permission: StunMethod.CreatePermission,
  channel: StunMethod.ChannelBind,
};

export function newRequest(
  id: number,
  kind: RequestKind,
  auto: boolean,
  parts: {
    readonly peers?: readonly TransportAddress[];
    readonly permissions?: readonly Permission[];
    readonly channel?: Channel;
    readonly lifetime?: number | undefined;
  } = {},
): Request {
  return {
    id,
    kind,
    method: METHOD[kind],
    auto,
    peers: parts.peers ?? [],
    permissions: parts.permissions ?? [],
    channel: parts.channel,
    lifetime: parts.lifetime,
    staleRetries: 0,
    key: undefined,
    txId: new Uint8Array(0),
    txKey: '',
    integrityFailed: false,
  };
}

/** The attributes of the request's method, before credentials and FINGERPRINT. */
export function writeRequestAttributes(w: StunWriter, r: Request, o: TurnClientOptions): void {
  switch (r.kind) {
    case 'allocate':
      // RFC 8656 §7.1: REQUESTED-TRANSPORT is UDP (the only relay transport here), the rest optional.
      w.addRequestedTransport(TransportProtocol.UDP);
      if (o.lifetime !== undefined) w.addUint32(AttributeType.Lifetime, o.lifetime);
      if (o.requestedAddressFamily !== undefined) {
        w.addAddressFamily(AttributeType.RequestedAddressFamily, o.requestedAddressFamily);
      }
      if (o.evenPort !== undefined) w.addEvenPort(o.evenPort.reserveNext);
      if (o.reservationToken !== undefined) w.add(AttributeType.ReservationToken, o.reservationToken);
      if (o.dontFragment) w.addFlag(AttributeType.DontFragment);
      return;
    case 'refresh':
      // RFC 8656 §8.1: LIFETIME 0 deletes; without LIFETIME the server applies its default.
      if (r.lifetime !== undefined) w.addUint32(AttributeType.Lifetime, r.lifetime);
      return;
    case 'permission':
      // RFC 8656 §10.1: one XOR-PEER-ADDRESS per peer; ports are ignored.
      for (const p of r.peers) w.addXorAddress(AttributeType.XorPeerAddress, p);
      return;
    case 'channel': {
      // RFC 8656 §12.1: CHANNEL-NUMBER and the peer's XOR-PEER-ADDRESS.
      const channel = r.channel as Channel;
      w.addChannelNumber(channel.number);
      w.addXorAddress(AttributeType.XorPeerAddress, channel.peer);
      return;
    }
  }
}
