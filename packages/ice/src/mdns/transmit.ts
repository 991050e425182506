/** What the mDNS engines hand to their socket adapter. */
import type { TransportAddress } from '@purertc/stun';

export interface MdnsTransmit {
  readonly data: Uint8Array;
  /** The mDNS group of one family (see `mdnsGroup`), or a querier's own address for a unicast reply. */
  readonly destination: TransportAddress;
}
