/** Peer addresses as the TURN client's commands take them and its tables key them. */
import { type AddressFamily, addressFamily, formatIp, parseIp, type TransportAddress } from '../address.js';

/** A peer's transport address; `family` is derived from `address` when left out. */
export interface PeerAddress {
  readonly address: string;
  readonly port: number;
  readonly family?: AddressFamily;
}

/**
 * The canonical form of a peer address: the text formatIp gives (RFC 5952), so that "::1" given
 * by the caller and "0:0:0:0:0:0:0:1" typed elsewhere meet the address decoded from a Data
 * indication. Throws AddressParseError for a non-literal address, RangeError for a bad port.
 */
export function normalizePeer(peer: PeerAddress): TransportAddress {
  if (!Number.isInteger(peer.port) || peer.port < 0 || peer.port > 0xffff) {
    throw new RangeError(`peer port ${peer.port} is not 0..65535`);
  }
  return { family: addressFamily(peer.address), address: formatIp(parseIp(peer.address)), port: peer.port };
}

/** Permissions are per IP address, ports do not matter (RFC 8656 §9). */
export function ipKey(peer: TransportAddress): string {
  return peer.address;
}

/** Channels bind one transport address: IP and port (RFC 8656 §12). */
export function transportKey(peer: TransportAddress): string {
  return `${peer.address}|${peer.port}`;
}
