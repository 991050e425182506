/**
 * A sans-IO Multicast DNS resolver for the `<uuid>.local` names of ICE host candidates
 * (draft-ietf-mmusic-mdns-ice-candidates §3.2.1: a `.local` candidate address is resolved with
 * mDNS, and the candidate is dropped if that fails). It is a one-shot querier in the sense of
 * RFC 6762 §5.2 with a bounded number of retries: one query asking for both A and AAAA, sent to
 * every family's group, again after 1 s, 2 s, 4 s... until an answer arrives or the timeout
 * (5 s by default) expires.
 *
 * Only the names being resolved or already cached are ever stored: records for other names in
 * the same responses are ignored, so a busy network cannot fill the cache. Caps bound the pending
 * names, cached names and addresses per name; `resolve` past the pending cap fails at once with
 * an event, never an exception, because the names come from remote candidates (hostile input).
 */
import type { AddressFamily, TransportAddress } from '@purertc/stun';
import { MdnsParseError } from '../errors.js';
import { DnsClass, DnsType, MDNS_PORT, mdnsGroup, opcodeOf, rcodeOf } from './constants.js';
import { encodeDnsMessage } from './encode.js';
import { type DnsMessage, decodeOrCount, isResponse } from './message.js';
import { isLocalName, nameKey } from './name.js';
import type { MdnsTransmit } from './transmit.js';

export interface MdnsResolverOptions {
  /** Families whose group each query goes to (default IPv4 only); the adapter passes what it opened. */
  readonly families?: readonly AddressFamily[];
  /** UDP port of the groups (default 5353; only tests use another). */
  readonly port?: number;
  /**
   * Set the QU bit (RFC 6762 §5.4) so responders may answer by unicast. Off by default: several
   * processes on one host share port 5353 and only one of them would get a unicast answer, while
   * a multicast answer reaches all; browsers answer either way.
   */
  readonly unicastResponse?: boolean;
  /** Interval before the first retransmission in ms (default 1000, RFC 6762 §5.2's minimum). */
  readonly retransmitInterval?: number;
  /** Give up on a name after this many ms (default 5000). */
  readonly timeout?: number;
  /** Names being resolved at once (default 64). */
  readonly maxPending?: number;
  /** Names in the cache (default 256); the oldest entry goes first when it is full. */
  readonly maxCacheNames?: number;
  /** Addresses kept per name (default 8); a host name normally has one. */
  readonly maxAddressesPerName?: number;
}

/** Why a resolution failed; the adapter turns these into MdnsError codes of the same name. */
export type MdnsResolveFailure = 'TIMEOUT' | 'INVALID_NAME' | 'OVERLOADED';

export type MdnsResolverEvent =
  | {
      readonly type: 'resolved';
      /** The name as passed to `resolve`. */
      readonly name: string;
      /** The address to use: the first IPv6 one if any, else the first IPv4 one (see `preferredAddress`). */
      readonly address: string;
      /** Every live address known for the name, in the order they arrived. */
      readonly addresses: readonly string[];
    }
  | { readonly type: 'failed'; readonly name: string; readonly reason: MdnsResolveFailure };

export interface MdnsResolverStats {
  /** Datagrams that did not decode (MdnsParseError). */
  malformed: number;
  /** Responses ignored: bad source port, non-zero OPCODE or RCODE (RFC 6762 §6, §18.3, §18.11). */
  ignored: number;
  /** Queries handed to pollTransmit (each family counts once). */
  queriesSent: number;
}

interface CachedAddress {
  readonly address: string;
  readonly type: number;
  expires: number;
  receivedAt: number;
}

interface CacheEntry {
  records: CachedAddress[];
}

interface Pending {
  readonly name: string;
  readonly query: Uint8Array;
  nextSend: number;
  interval: number;
  readonly deadline: number;
}

/**
 * Among resolved addresses, the one an ICE agent uses: the first IPv6 address if there is one,
 * else the first IPv4 one, as draft-ietf-mmusic-mdns-ice-candidates advises for a name with
 * several addresses (the agent takes exactly one).
 */
export function preferredAddress(addresses: readonly string[]): string | undefined {
  return addresses.find((a) => a.includes(':')) ?? addresses[0];
}

export class MdnsResolver {
  private readonly families: readonly AddressFamily[];
  private readonly port: number;
  private readonly unicastResponse: boolean;
  private readonly retransmitInterval: number;
  private readonly timeout: number;
  private readonly maxPending: number;
  private readonly maxCacheNames: number;
  private readonly maxAddressesPerName: number;
  private readonly pending = new Map<string, Pending>();
  private readonly cache = new Map<string, CacheEntry>();
  private readonly transmits: MdnsTransmit[] = [];
  private readonly events: MdnsResolverEvent[] = [];
  readonly stats: MdnsResolverStats = { malformed: 0, ignored: 0, queriesSent: 0 };

  constructor(options: MdnsResolverOptions = {}) {
    this.families = options.families ?? ['IPv4'];
    this.port = options.port ?? MDNS_PORT;
    this.unicastResponse = options.unicastResponse ?? false;
    this.retransmitInterval = options.retransmitInterval ?? 1000;
    this.timeout = options.timeout ?? 5000;
    this.maxPending = options.maxPending ?? 64;
    this.maxCacheNames = options.maxCacheNames ?? 256;
    this.maxAddressesPerName = options.maxAddressesPerName ?? 8;
  }

  /**
   * Starts resolving `name` (a `.local` name). The outcome is one event: `resolved` at once from
   * the cache, later from a response, or `failed`. Resolving a name already pending (in any
   * letter case) adds no query; its one event, named as in the first call, answers both, so
   * callers match events to requests by `nameKey`.
   */
  resolve(name: string, now: number): void {
    const key = nameKey(name);
    const cached = this.lookup(key, now);
    if (cached !== undefined) {
      this.events.push(resolvedEvent(name, cached));
      return;
    }
    if (this.pending.has(key)) return;
    // Only `.local` names go to the link (RFC 6762 §3); anything else would leak the remote
    // peer's host names to the LAN and could not be answered anyway.
    if (!isLocalName(name)) {
      this.events.push({ type: 'failed', name, reason: 'INVALID_NAME' });
      return;
    }
    if (this.pending.size >= this.maxPending) {
      this.events.push({ type: 'failed', name, reason: 'OVERLOADED' });
      return;
    }
    let query: Uint8Array;
    try {
      // Encoding checks the label and name lengths (RFC 1035 §2.3.4).
      query = encodeDnsMessage({
        // RFC 6762 §18.1, §18.2: ID zero and all flags clear in a multicast query.
        id: 0,
        flags: 0,
        questions: [
          { name, type: DnsType.A, class: DnsClass.IN, unicastResponse: this.unicastResponse },
          { name, type: DnsType.AAAA, class: DnsClass.IN, unicastResponse: this.unicastResponse },
        ],
      });
    } catch (err) {
      if (!(err instanceof MdnsParseError)) throw err;
      this.events.push({ type: 'failed', name, reason: 'INVALID_NAME' });
      return;
    }
    this.pending.set(key, {
      name,
      query,
      nextSend: now,
      interval: this.retransmitInterval,
      deadline: now + this.timeout,
    });
    this.handleTimeout(now);
  }

  /** Stops resolving a name without an event. Returns whether it was pending. */
  cancel(name: string): boolean {
    return this.pending.delete(nameKey(name));
  }

  /** The live cached addresses of a name (in arrival order), or undefined; sends nothing. */
  lookup(name: string, now: number): string[] | undefined {
    const key = nameKey(name);
    const entry = this.cache.get(key);
    if (entry === undefined) return undefined;
    const live = entry.records.filter((r) => r.expires > now);
    if (live.length === 0) {
      this.cache.delete(key);
      return undefined;
    }
    return live.map((r) => r.address);
  }

  /** A datagram from `from` (any of the adapter's sockets). Malformed ones are counted and dropped. */
  handleInput(datagram: Uint8Array, from: TransportAddress, now: number): void {
    const message = decodeOrCount(datagram, this.stats);
    if (message !== undefined) this.handleMessage(message, from, now);
  }

  /** A message already decoded (the adapter decodes once for the resolver and the responder). */
  handleMessage(message: DnsMessage, from: TransportAddress, now: number): void {
    if (!isResponse(message)) return; // queries are the responder's business
    // RFC 6762 §6: responses whose source port is not 5353 MUST be silently ignored; §18.3 and
    // §18.11: so must messages with a non-zero OPCODE or RCODE.
    if (from.port !== this.port || opcodeOf(message.flags) !== 0 || rcodeOf(message.flags) !== 0) {
      this.stats.ignored++;
      return;
    }
    const touched = new Set<string>();
    // RFC 6762 §6: answers may come in the Answer or the Additional section alike.
    for (const section of [message.answers, message.additionals]) {
      for (const r of section) {
        if (r.address === undefined || r.class !== DnsClass.IN) continue;
        const key = nameKey(r.name);
        if (!this.pending.has(key) && !this.cache.has(key)) continue;
        this.store(key, r.type, r.address, r.ttl, r.cacheFlush, now);
        touched.add(key);
      }
    }
    for (const key of touched) {
      const p = this.pending.get(key);
      if (p === undefined) continue;
      const addresses = this.lookup(key, now);
      if (addresses === undefined) continue; // only goodbyes arrived
      this.pending.delete(key);
      this.events.push(resolvedEvent(p.name, addresses));
    }
  }

  private store(
    key: string,
    type: number,
    address: string,
    ttl: number,
    cacheFlush: boolean,
    now: number,
  ): void {
    let entry = this.cache.get(key);
    if (entry === undefined) {
      if (ttl === 0) return; // a goodbye for something we never had
      this.makeRoom(now);
      entry = { records: [] };
      this.cache.set(key, entry);
    }
    if (cacheFlush) {
      // RFC 6762 §10.2: a record with the cache-flush bit replaces the others of its name and
      // type, except those received within the last second (they belong to the same announcement).
      for (const r of entry.records) {
        if (r.type === type && r.address !== address && r.receivedAt < now - 1000) {
          r.expires = Math.min(r.expires, now + 1000);
        }
      }
    }
    // RFC 6762 §10.1: a TTL of zero is a goodbye; keep the record one more second, then drop it.
    const expires = ttl === 0 ? now + 1000 : now + ttl * 1000;
    const existing = entry.records.find((r) => r.type === type && r.address === address);
    if (existing !== undefined) {
      existing.expires = ttl === 0 ? Math.min(existing.expires, expires) : expires;
      existing.receivedAt = now;
      return;
    }
    if (ttl === 0) return;
    entry.records = entry.records.filter((r) => r.expires > now);
    if (entry.records.length >= this.maxAddressesPerName) return;
    entry.records.push({ address, type, expires, receivedAt: now });
  }

  /** Frees a cache slot: expired entries first, else the oldest one. */
  private makeRoom(now: number): void {
    if (this.cache.size < this.maxCacheNames) return;
    for (const [key, entry] of this.cache) {
      if (entry.records.every((r) => r.expires <= now)) this.cache.delete(key);
    }
    if (this.cache.size < this.maxCacheNames) return;
    const oldest = this.cache.keys().next().value;
    if (oldest !== undefined) this.cache.delete(oldest);
  }

  /** Sends what is due and fails names whose time is up. */
  handleTimeout(now: number): void {
    for (const [key, p] of this.pending) {
      if (now >= p.deadline) {
        this.pending.delete(key);
        this.events.push({ type: 'failed', name: p.name, reason: 'TIMEOUT' });
        continue;
      }
      if (now < p.nextSend) continue;
      for (const family of this.families) {
        this.transmits.push({ data: p.query, destination: mdnsGroup(family, this.port) });
        this.stats.queriesSent++;
      }
      // RFC 6762 §5.2: at least one second between the first two queries, and each interval
      // at least twice the one before.
      p.nextSend = now + p.interval;
      p.interval *= 2;
    }
  }

  pollTransmit(): MdnsTransmit | undefined {
    return this.transmits.shift();
  }

  pollEvent(): MdnsResolverEvent | undefined {
    return this.events.shift();
  }

  /** When `handleTimeout` next has work: a retransmission or a deadline. */
  pollTimeout(): number | undefined {
    let next: number | undefined;
    for (const p of this.pending.values()) {
      const t = Math.min(p.nextSend, p.deadline);
      if (next === undefined || t < next) next = t;
    }
    return next;
  }

  /** Names being resolved. */
  get pendingCount(): number {
    return this.pending.size;
  }
}

function resolvedEvent(name: string, addresses: string[]): MdnsResolverEvent {
  return { type: 'resolved', name, address: preferredAddress(addresses) as string, addresses };
}
