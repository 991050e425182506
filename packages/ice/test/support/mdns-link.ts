/**
 * A simulated link for the sans-IO mDNS engines on a virtual clock: every host's transmits to
 * a group reach every host on the link (the sender too, as with IP_MULTICAST_LOOP), unicast ones
 * reach the host with that address. Each delivery is logged decoded, so tests can assert what went
 * over the wire and when.
 */
import type { AddressFamily } from '@purertc/stun';
import {
  type DnsMessage,
  decodeDnsMessage,
  MDNS_IPV4_GROUP,
  MDNS_IPV6_GROUP,
  type MdnsResolver,
  type MdnsResolverEvent,
  type MdnsResponder,
  type MdnsTransmit,
} from '../../src/index.js';

export interface SimHost {
  readonly address: string;
  readonly family: AddressFamily;
  /** The source port of what this host sends (5353 for mDNS hosts; legacy resolvers use another). */
  readonly port?: number;
  readonly resolver?: MdnsResolver;
  readonly responder?: MdnsResponder;
}

export interface Delivery {
  readonly at: number;
  readonly from: string;
  readonly to: string;
  readonly message: DnsMessage;
  readonly data: Uint8Array;
}

export class SimLink {
  now = 0;
  readonly log: Delivery[] = [];
  readonly events: MdnsResolverEvent[] = [];
  /** Drop every datagram while true (a partitioned link). */
  down = false;
  private readonly hosts: SimHost[] = [];

  add(host: SimHost): SimHost {
    this.hosts.push(host);
    return host;
  }

  /** Delivers everything queued, repeatedly, until the link is quiet; collects resolver events. */
  pump(): void {
    for (let progress = true; progress; ) {
      progress = false;
      for (const h of this.hosts) {
        for (const engine of [h.resolver, h.responder]) {
          for (let t = engine?.pollTransmit(); t !== undefined; t = engine?.pollTransmit()) {
            this.deliver(h, t);
            progress = true;
          }
        }
        for (let e = h.resolver?.pollEvent(); e !== undefined; e = h.resolver?.pollEvent())
          this.events.push(e);
      }
    }
  }

  /** Runs the clock to `to`, firing every engine's timeouts on the way. */
  advance(to: number): void {
    this.pump();
    for (;;) {
      let next: number | undefined;
      for (const h of this.hosts) {
        for (const t of [h.resolver?.pollTimeout(), h.responder?.pollTimeout()]) {
          if (t !== undefined && (next === undefined || t < next)) next = t;
        }
      }
      if (next === undefined || next > to) break;
      this.now = Math.max(this.now, next);
      for (const h of this.hosts) {
        h.resolver?.handleTimeout(this.now);
        h.responder?.handleTimeout(this.now);
      }
      this.pump();
    }
    this.now = to;
  }

  /** Deliveries of queries (QR = 0) so far. */
  queries(): Delivery[] {
    return this.log.filter((d) => (d.message.flags & 0x8000) === 0);
  }

  responses(): Delivery[] {
    return this.log.filter((d) => (d.message.flags & 0x8000) !== 0);
  }

  private deliver(from: SimHost, t: MdnsTransmit): void {
    const group = t.destination.address === MDNS_IPV4_GROUP || t.destination.address === MDNS_IPV6_GROUP;
    this.log.push({
      at: this.now,
      from: from.address,
      to: group ? 'multicast' : `${t.destination.address}:${t.destination.port}`,
      message: decodeDnsMessage(t.data),
      data: t.data,
    });
    if (this.down) return;
    const source = { family: from.family, address: from.address, port: from.port ?? 5353 };
    for (const h of this.hosts) {
      if (h.family !== t.destination.family) continue;
      if (!group && h.address !== t.destination.address) continue;
      h.resolver?.handleInput(t.data, source, this.now);
      h.responder?.handleInput(t.data, source, this.now);
    }
  }
}
