/**
 * The permissions we asked for (RFC 8656 §9): per peer IP address, installed by CreatePermission
 * (§10) or ChannelBind (§12), lasting 300 s unless refreshed. The server drops what a peer sends
 * to the relayed address without one, and what we send to a peer without one. While a permission
 * is wanted it is refreshed by timer; a forgotten one lapses on the server by itself (there is no
 * request to delete one).
 */
import type { TransportAddress } from '../address.js';
import { Lease } from './lease.js';
import { ipKey } from './peer.js';

/** RFC 8656 §9: "The Permission Lifetime MUST be 300 seconds (= 5 minutes)". */
export const PERMISSION_LIFETIME_MS = 300_000;

export interface Permission {
  readonly key: string;
  /** The peer's IP (the port of the first address it was asked for, which does not matter). */
  readonly peer: TransportAddress;
  /** The server confirmed it at least once. */
  installed: boolean;
  /** Refresh it by timer. */
  wanted: boolean;
  readonly lease: Lease;
}

export class PermissionTable {
  private readonly byIp = new Map<string, Permission>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.byIp.size;
  }

  get(peer: TransportAddress): Permission | undefined {
    return this.byIp.get(ipKey(peer));
  }

  /** Marks a peer's permission wanted, creating the entry; RangeError past the cap. */
  want(peer: TransportAddress): Permission {
    const key = ipKey(peer);
    let p = this.byIp.get(key);
    if (p === undefined) {
      if (this.byIp.size >= this.max) throw new RangeError(`more than ${this.max} permissions`);
      p = { key, peer, installed: false, wanted: true, lease: new Lease() };
      this.byIp.set(key, p);
    }
    p.wanted = true;
    return p;
  }

  /** Stops refreshing; the entry stays until the server's copy lapses, so data still arrives. */
  forget(peer: TransportAddress): void {
    const p = this.byIp.get(ipKey(peer));
    if (p === undefined) return;
    p.wanted = false;
    p.lease.stopRefreshing();
    if (!p.installed && !p.lease.inFlight) this.byIp.delete(p.key);
  }

  /** The server installed or refreshed these permissions (a CreatePermission or ChannelBind success). */
  installed(peers: readonly TransportAddress[], now: number, marginMs: number): void {
    for (const peer of peers) {
      const p = this.byIp.get(ipKey(peer));
      if (p === undefined) continue;
      p.installed = true;
      p.lease.renew(now, PERMISSION_LIFETIME_MS, marginMs);
      if (!p.wanted) p.lease.stopRefreshing();
    }
  }

  /**
   * Whether data from this peer is plausible: we asked for its permission and it has not lapsed
   * (RFC 8656 §11.4 and §12.6: the client SHOULD drop data from peers it has no permission for).
   */
  allows(peer: TransportAddress, now: number): boolean {
    const p = this.byIp.get(ipKey(peer));
    if (p === undefined) return false;
    return p.installed ? !p.lease.expired(now) : true;
  }

  /** Wanted permissions whose refresh is due and not already in flight. */
  due(now: number): Permission[] {
    const out: Permission[] = [];
    for (const p of this.byIp.values()) if (p.wanted && p.installed && p.lease.refreshDue(now)) out.push(p);
    return out;
  }

  /** Drops entries the server has forgotten; returns them. */
  expire(now: number): Permission[] {
    const out: Permission[] = [];
    for (const p of this.byIp.values()) {
      if (p.installed && !p.lease.inFlight && p.lease.expired(now)) {
        this.byIp.delete(p.key);
        out.push(p);
      }
    }
    return out;
  }

  /** Removes an entry whose first CreatePermission failed. */
  remove(p: Permission): void {
    if (this.byIp.get(p.key) === p) this.byIp.delete(p.key);
  }

  nextDeadline(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const p of this.byIp.values()) {
      if (p.installed) next = Math.min(next, p.lease.nextDeadline());
    }
    return next;
  }

  clear(): void {
    this.byIp.clear();
  }
}
