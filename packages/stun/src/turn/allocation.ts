/**
 * The allocation itself (RFC 8656 §6): the relayed transport address the server reserved for us,
 * our server-reflexive address as it saw us, and the lifetime that Refresh keeps extending.
 */
import type { TransportAddress } from '../address.js';
import { Lease } from './lease.js';

/**
 * idle -> allocating -> allocated -> closing -> closed. A failed Allocate returns to idle (the
 * caller may try again); anything that ends an allocation ends in closed, for good: over UDP the
 * server may keep the 5-tuple's state a while, over TCP/TLS the connection is gone (RFC 8656 §2.1).
 */
export type AllocationState = 'idle' | 'allocating' | 'allocated' | 'closing' | 'closed';

export class Allocation {
  state: AllocationState = 'idle';
  /** XOR-RELAYED-ADDRESS (RFC 8656 §7.3): where peers send to reach us. */
  relayed: TransportAddress | undefined;
  /** XOR-MAPPED-ADDRESS (RFC 8656 §7.3): our address as the server saw it. */
  mapped: TransportAddress | undefined;
  /** RESERVATION-TOKEN (RFC 8656 §7.3) when EVEN-PORT asked to reserve the next port. */
  reservationToken: Uint8Array | undefined;
  /** The last LIFETIME the server granted, in seconds. */
  lifetime = 0;
  readonly lease = new Lease();

  granted(
    relayed: TransportAddress,
    mapped: TransportAddress | undefined,
    reservationToken: Uint8Array | undefined,
    lifetimeSeconds: number,
    now: number,
    marginMs: number,
  ): void {
    this.state = 'allocated';
    this.relayed = relayed;
    this.mapped = mapped;
    this.reservationToken = reservationToken;
    this.refreshed(lifetimeSeconds, now, marginMs);
  }

  /** A Refresh success: the server's LIFETIME counts from now (RFC 8656 §8.3). */
  refreshed(lifetimeSeconds: number, now: number, marginMs: number): void {
    this.lifetime = lifetimeSeconds;
    this.lease.renew(now, lifetimeSeconds * 1000, marginMs);
  }

  get active(): boolean {
    return this.state === 'allocated';
  }
}
