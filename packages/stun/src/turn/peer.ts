/** Peer addresses as the TURN client's commands take them and its tables key them. */
import { type AddressFamily, canonicalAddress, type TransportAddress, transportKey } from '../address.js';

/** A peer's transport address; `family` is derived from `address` when left out. */
export interface PeerAddress {
  readonly address: string;
  readonly port: number;
  readonly family?: AddressFamily;
}

/** The canonical form of a peer address (see canonicalAddress): what the client's tables key on. */
export const normalizePeer: (peer: PeerAddress) => TransportAddress = canonicalAddress;

/** Permissions are per IP address, ports do not matter (RFC 8656 §9). */
export function ipKey(peer: TransportAddress): string {
  return peer.address;
}

/** Channels bind one transport address: IP and port (RFC 8656 §12). */
export { transportKey };
