/**
 * Channel bindings (RFC 8656 §12): a number 0x4000..0x4FFF stands for one peer transport
 * address, so data travels in 4-byte ChannelData headers instead of 36+ byte indications. A
 * binding lasts 10 minutes unless refreshed by a ChannelBind with the same number and peer;
 * there is no unbinding. Once a binding expires, neither its number nor its peer may be bound
 * to anything else for 5 minutes (§12), so expired numbers cool down before reuse.
 */
import type { TransportAddress } from '../address.js';
import { TurnError } from '../errors.js';
import { MAX_CHANNEL, MIN_CHANNEL } from './channel-data.js';
import { Lease } from './lease.js';
import { transportKey } from './peer.js';

/** RFC 8656 §12: "a channel binding lasts for 10 minutes unless refreshed". */
export const CHANNEL_LIFETIME_MS = 600_000;
/** RFC 8656 §12: the number and the peer stay reserved for 5 minutes after a binding expires. */
export const CHANNEL_COOLDOWN_MS = 300_000;

export interface Channel {
  readonly number: number;
  readonly peer: TransportAddress;
  /** The server confirmed the binding: ChannelData may flow (§12.1: not before). */
  bound: boolean;
  readonly lease: Lease;
}

export class ChannelTable {
  private readonly byPeer = new Map<string, Channel>();
  private readonly byNumber = new Map<number, Channel>();
  /** Numbers whose binding expired: when they may be used again, and for which peer until then. */
  private readonly cooling = new Map<number, { until: number; peer: string }>();
  private next = MIN_CHANNEL;

  get size(): number {
    return this.byNumber.size;
  }

  forPeer(peer: TransportAddress): Channel | undefined {
    return this.byPeer.get(transportKey(peer));
  }

  forNumber(channel: number): Channel | undefined {
    return this.byNumber.get(channel);
  }

  /**
   * A fresh entry for `peer`: the number it had before if that one is still cooling down (the
   * same number and peer may be bound again), else the next free number after the last one
   * handed out. Throws TurnError NO_CHANNEL when none is left.
   */
  reserve(peer: TransportAddress, now: number): Channel {
    const key = transportKey(peer);
    for (const [n, cool] of this.cooling) {
      if (cool.peer === key) return this.take(n, peer, key);
    }
    const span = MAX_CHANNEL - MIN_CHANNEL + 1;
    for (let i = 0; i < span; i++) {
      const n = MIN_CHANNEL + ((this.next - MIN_CHANNEL + i) % span);
      if (this.byNumber.has(n)) continue;
      const cool = this.cooling.get(n);
      if (cool !== undefined && now < cool.until) continue;
      this.next = n + 1 > MAX_CHANNEL ? MIN_CHANNEL : n + 1;
      return this.take(n, peer, key);
    }
    throw new TurnError('NO_CHANNEL', 'all 4096 channel numbers are bound or cooling down');
  }

  private take(n: number, peer: TransportAddress, key: string): Channel {
    this.cooling.delete(n);
    const c: Channel = { number: n, peer, bound: false, lease: new Lease() };
    this.byNumber.set(n, c);
    this.byPeer.set(key, c);
    return c;
  }

  /**
   * Drops a binding. `cool` when the server may still hold (or have held) it: the number then
   * waits out the 5 minutes; a number the server refused outright is free at once.
   */
  remove(c: Channel, now: number, cool: boolean): void {
    if (this.byNumber.get(c.number) !== c) return;
    this.byNumber.delete(c.number);
    this.byPeer.delete(transportKey(c.peer));
    if (cool) this.cooling.set(c.number, { until: now + CHANNEL_COOLDOWN_MS, peer: transportKey(c.peer) });
  }

  due(now: number): Channel[] {
    const out: Channel[] = [];
    for (const c of this.byNumber.values()) if (c.bound && c.lease.refreshDue(now)) out.push(c);
    return out;
  }

  expire(now: number): Channel[] {
    const out: Channel[] = [];
    for (const c of this.byNumber.values()) {
      if (c.bound && !c.lease.inFlight && c.lease.expired(now)) {
        this.remove(c, now, true);
        out.push(c);
      }
    }
    // Cooled-down numbers need no timer: reserve() checks them when it looks.
    return out;
  }

  nextDeadline(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const c of this.byNumber.values()) if (c.bound) next = Math.min(next, c.lease.nextDeadline());
    return next;
  }

  clear(): void {
    this.byPeer.clear();
    this.byNumber.clear();
    this.cooling.clear();
  }
}
