/**
 * A sans-IO Multicast DNS responder for the host names that hide an ICE agent's local addresses
 * (draft-ietf-mmusic-mdns-ice-candidates §3.1.1): `register(address)` makes up a version 4 UUID
 * name under `.local`, answers A or AAAA queries for it, and says goodbye on `unregister`.
 * Everything else on the link is ignored: other names, responses, unknown opcodes.
 *
 * The names are random 122-bit UUIDs, so as the draft says the responder skips probing (RFC 6762
 * §8.1) and treats them as unique records: the cache-flush bit is set (§10.2), answers go out at
 * once rather than after the 20-120 ms delay shared records need (§6), and a query for a type the
 * name does not have gets an NSEC denial (§6.1) so the querier need not wait for it.
 */
import { randomUUID } from 'node:crypto';
import { type AddressFamily, addressFamily, formatIp, parseIp, type TransportAddress } from '@purertc/stun';
import { MdnsError } from '../errors.js';
import {
  DnsClass,
  DnsFlag,
  DnsType,
  HOST_RECORD_TTL,
  MDNS_PORT,
  mdnsGroup,
  opcodeOf,
  rcodeOf,
} from './constants.js';
import { encodeDnsMessage } from './encode.js';
import { type DnsMessage, type DnsRecord, decodeOrCount, isResponse } from './message.js';
import { nameKey } from './name.js';
import { addressRecord, nsecRecord } from './records.js';
import type { MdnsTransmit } from './transmit.js';

export interface MdnsResponderOptions {
  /** Families whose group announcements and goodbyes go to (default IPv4 only). */
  readonly families?: readonly AddressFamily[];
  /** UDP port of the groups (default 5353; only tests use another). */
  readonly port?: number;
  /** TTL of our records in seconds (default 120, RFC 6762 §10 for host names). */
  readonly ttl?: number;
  /**
   * Announce a name when it is registered (RFC 6762 §8.3: two unsolicited responses one second
   * apart; the draft says an ICE agent SHOULD announce). Default true.
   */
  readonly announce?: boolean;
  /** Registered names at most (default 64); `register` throws MdnsError OVERLOADED past it. */
  readonly maxNames?: number;
  /** Makes a fresh name (default `<crypto.randomUUID()>.local`); tests may fix it. */
  readonly generateName?: () => string;
}

export interface MdnsResponderStats {
  /** Datagrams that did not decode (MdnsParseError). */
  malformed: number;
  /** Queries that got an answer (multicast, unicast or legacy unicast). */
  answered: number;
  /** Answers left out: the querier listed them as known (RFC 6762 §7.1) or we multicast them under a second ago (§6). */
  suppressed: number;
}

interface Registration {
  readonly name: string;
  readonly address: string;
  readonly type: number;
  /** When each family's group last got a record of this name (RFC 6762 §6 rate limit, §5.4 QU rule). */
  readonly lastMulticast: Map<AddressFamily, number>;
  announcementsLeft: number;
  nextAnnouncement: number;
}

/** Per registration, what one query asked of it. */
interface Asked {
  positive: boolean;
  negative: boolean;
}

/** RFC 6762 §6: a record is multicast on an interface at most once a second. */
const MULTICAST_INTERVAL = 1000;
/** RFC 6762 §6.7: legacy unicast answers carry a TTL of at most 10 s. */
const LEGACY_MAX_TTL = 10;
/** RFC 6762 §8.3: at least two announcements... */
const ANNOUNCEMENTS = 2;
/** ...one second apart. */
const ANNOUNCE_INTERVAL = 1000;

export class MdnsResponder {
  private readonly families: readonly AddressFamily[];
  private readonly port: number;
  private readonly ttl: number;
  private readonly announce: boolean;
  private readonly maxNames: number;
  private readonly generateName: () => string;
  private readonly byName = new Map<string, Registration>();
  private readonly byAddress = new Map<string, Registration>();
  private readonly transmits: MdnsTransmit[] = [];
  readonly stats: MdnsResponderStats = { malformed: 0, answered: 0, suppressed: 0 };

  constructor(options: MdnsResponderOptions = {}) {
    this.families = options.families ?? ['IPv4'];
    this.port = options.port ?? MDNS_PORT;
    this.ttl = options.ttl ?? HOST_RECORD_TTL;
    this.announce = options.announce ?? true;
    this.maxNames = options.maxNames ?? 64;
    this.generateName = options.generateName ?? (() => `${randomUUID()}.local`);
  }

  /**
   * The `.local` name that stands for `address` (IPv4 or IPv6 literal), made up on first use and
   * reused after (draft §3.1.1 step 1: one name per address). Throws AddressParseError for a
   * non-address and MdnsError OVERLOADED past `maxNames`.
   */
  register(address: string, now: number): string {
    const canonical = formatIp(parseIp(address));
    const known = this.byAddress.get(canonical);
    if (known !== undefined) return known.name;
    if (this.byName.size >= this.maxNames) {
      throw new MdnsError('OVERLOADED', `${this.maxNames} mDNS names registered already`);
    }
    const name = this.generateName();
    const key = nameKey(name);
    if (this.byName.has(key)) throw new MdnsError('OVERLOADED', `name ${name} is registered already`);
    const reg: Registration = {
      name,
      address: canonical,
      type: addressFamily(canonical) === 'IPv4' ? DnsType.A : DnsType.AAAA,
      lastMulticast: new Map(),
      announcementsLeft: this.announce ? ANNOUNCEMENTS : 0,
      nextAnnouncement: now,
    };
    this.byName.set(key, reg);
    this.byAddress.set(canonical, reg);
    this.handleTimeout(now);
    return name;
  }

  /**
   * Withdraws a name (given as the name or as its address) with a goodbye: the record again
   * with TTL 0 (RFC 6762 §10.1), so caches drop it within a second. Returns whether it existed.
   */
  unregister(nameOrAddress: string): boolean {
    let reg = this.byName.get(nameKey(nameOrAddress));
    if (reg === undefined) {
      try {
        reg = this.byAddress.get(formatIp(parseIp(nameOrAddress)));
      } catch {
        return false; // neither a registered name nor an address
      }
    }
    if (reg === undefined) return false;
    this.byName.delete(nameKey(reg.name));
    this.byAddress.delete(reg.address);
    const goodbye = encodeDnsMessage({
      id: 0,
      flags: DnsFlag.QR | DnsFlag.AA,
      answers: [addressRecord(reg.name, reg.address, 0)],
    });
    for (const family of this.families) {
      this.transmits.push({ data: goodbye, destination: mdnsGroup(family, this.port) });
    }
    return true;
  }

  /** The registered name of an address, if any. */
  nameOf(address: string): string | undefined {
    try {
      return this.byAddress.get(formatIp(parseIp(address)))?.name;
    } catch {
      return undefined;
    }
  }

  /** The address a registered name stands for, if any (case-insensitive). */
  addressOf(name: string): string | undefined {
    return this.byName.get(nameKey(name))?.address;
  }

  /** The registered names. */
  names(): string[] {
    return [...this.byName.values()].map((r) => r.name);
  }

  /** Registered names. */
  get size(): number {
    return this.byName.size;
  }

  /** A datagram from `from`. Malformed ones are counted and dropped. */
  handleInput(datagram: Uint8Array, from: TransportAddress, now: number): void {
    const message = decodeOrCount(datagram, this.stats);
    if (message !== undefined) this.handleMessage(message, from, now);
  }

  /** A message already decoded. Only queries for our names are answered. */
  handleMessage(message: DnsMessage, from: TransportAddress, now: number): void {
    // Responses are not questions for us: conflict resolution (§9) is moot for UUID names.
    // §18.3, §18.11: non-zero OPCODE or RCODE MUST be silently ignored.
    if (isResponse(message) || opcodeOf(message.flags) !== 0 || rcodeOf(message.flags) !== 0) return;
    if (this.byName.size === 0) return;

    const unicast = new Map<Registration, Asked>();
    const multicast = new Map<Registration, Asked>();
    // §6.7: a query from a port other than 5353 comes from a simple resolver ("legacy
    // unicast"): it gets a conventional DNS reply sent straight back.
    const legacy = from.port !== this.port;
    for (const q of message.questions) {
      if (q.class !== DnsClass.IN && q.class !== DnsClass.ANY) continue;
      const reg = this.byName.get(nameKey(q.name));
      if (reg === undefined) continue;
      const positive = q.type === reg.type || q.type === DnsType.ANY;
      if (positive && !legacy && this.knownAnswer(message, reg)) {
        // §7.1: the querier already holds our record with at least half its TTL left.
        this.stats.suppressed++;
        continue;
      }
      const lastSent = reg.lastMulticast.get(from.family);
      // §5.4: answer a QU question by unicast, unless the record was not multicast within a
      // quarter of its TTL: then multicast it, to refresh every cache on the link.
      const viaUnicast =
        legacy || (q.unicastResponse && lastSent !== undefined && now - lastSent < (this.ttl * 1000) / 4);
      const target = viaUnicast ? unicast : multicast;
      const asked = target.get(reg) ?? { positive: false, negative: false };
      if (positive) asked.positive = true;
      else asked.negative = true;
      target.set(reg, asked);
    }

    if (unicast.size > 0) {
      const records = this.answerRecords(unicast, legacy);
      this.transmits.push({
        data: encodeDnsMessage({
          // §6.7: a legacy reply echoes the query ID and questions; an mDNS one has ID 0 and none (§6, §18.1).
          id: legacy ? message.id : 0,
          flags: DnsFlag.QR | DnsFlag.AA,
          questions: legacy ? message.questions : [],
          answers: records.answers,
          additionals: records.additionals,
        }),
        destination: from,
      });
      this.stats.answered++;
    }

    // §6: a record goes to a group at most once a second; a querier that asked sooner saw it.
    for (const reg of [...multicast.keys()]) {
      const lastSent = reg.lastMulticast.get(from.family);
      if (lastSent !== undefined && now - lastSent < MULTICAST_INTERVAL) {
        multicast.delete(reg);
        this.stats.suppressed++;
      }
    }
    if (multicast.size > 0) {
      const records = this.answerRecords(multicast, false);
      this.transmits.push({
        data: encodeDnsMessage({ id: 0, flags: DnsFlag.QR | DnsFlag.AA, ...records }),
        destination: mdnsGroup(from.family, this.port),
      });
      for (const reg of multicast.keys()) reg.lastMulticast.set(from.family, now);
      this.stats.answered++;
    }
  }

  /** Whether the query's Answer section lists our record with at least half its TTL (§7.1). */
  private knownAnswer(message: DnsMessage, reg: Registration): boolean {
    return message.answers.some(
      (r) =>
        r.type === reg.type &&
        r.address === reg.address &&
        r.ttl >= this.ttl / 2 &&
        nameKey(r.name) === nameKey(reg.name),
    );
  }

  /**
   * The records answering what was asked: the address record where its type was asked, with an
   * NSEC in Additional saying it is the only type (§6.1, so a querier asking A and AAAA stops
   * waiting for the other); for a name asked only for types it lacks, the NSEC is the answer.
   */
  private answerRecords(
    asked: Map<Registration, Asked>,
    legacy: boolean,
  ): { answers: DnsRecord[]; additionals: DnsRecord[] } {
    // §6.7: legacy replies carry no cache-flush bit and a TTL of at most ten seconds.
    const ttl = legacy ? Math.min(this.ttl, LEGACY_MAX_TTL) : this.ttl;
    const cacheFlush = !legacy;
    const answers: DnsRecord[] = [];
    const additionals: DnsRecord[] = [];
    for (const [reg, what] of asked) {
      const nsec = nsecRecord(reg.name, [reg.type], ttl, cacheFlush);
      if (what.positive) {
        answers.push(addressRecord(reg.name, reg.address, ttl, cacheFlush));
        additionals.push(nsec);
      } else {
        answers.push(nsec);
      }
    }
    return { answers, additionals };
  }

  /** Sends announcements that are due. */
  handleTimeout(now: number): void {
    const due: Registration[] = [];
    for (const reg of this.byName.values()) {
      if (reg.announcementsLeft > 0 && now >= reg.nextAnnouncement) due.push(reg);
    }
    if (due.length === 0) return;
    // §8.3: an announcement is an unsolicited response with every record in the Answer section.
    const data = encodeDnsMessage({
      id: 0,
      flags: DnsFlag.QR | DnsFlag.AA,
      answers: due.map((reg) => addressRecord(reg.name, reg.address, this.ttl)),
    });
    for (const family of this.families) {
      this.transmits.push({ data, destination: mdnsGroup(family, this.port) });
    }
    for (const reg of due) {
      reg.announcementsLeft--;
      reg.nextAnnouncement = now + ANNOUNCE_INTERVAL;
      for (const family of this.families) reg.lastMulticast.set(family, now);
    }
  }

  pollTransmit(): MdnsTransmit | undefined {
    return this.transmits.shift();
  }

  /** When the next announcement is due, if one is. */
  pollTimeout(): number | undefined {
    let next: number | undefined;
    for (const reg of this.byName.values()) {
      if (reg.announcementsLeft === 0) continue;
      if (next === undefined || reg.nextAnnouncement < next) next = reg.nextAnnouncement;
    }
    return next;
  }
}
