/**
 * A sans-IO TURN server (RFC 8656) for UDP clients and UDP relaying: enough for demos, ICE tests
 * and small embedded relays. It owns no socket and no timer. The adapter feeds it datagrams from
 * clients (`handleClientInput`) and from peers on relay sockets (`handlePeerInput`), drives its
 * clock (`handleTimeout` at `pollTimeout()`), sends what `pollTransmit()` yields and opens or
 * closes relay sockets when `pollEvent()` says so (see io.ts for that handshake).
 *
 * Hostile input never throws: what cannot be parsed is dropped and counted in `stats.malformed`,
 * what breaks a TURN rule is dropped and counted in `stats.dropped`, and a request with a
 * malformed attribute is answered 400. Every table input can grow has a cap (options.ts).
 */
import { type AddressFamily, canonicalAddress, type TransportAddress, transportKey } from '../address.js';
import { decodeRequestedAddressFamily } from '../attributes.js';
import { StunBindingServer } from '../binding-server.js';
import {
  AddressFamilyByte,
  AttributeType,
  ErrorCode,
  StunClass,
  StunMethod,
  TransportProtocol,
} from '../constants.js';
import { verifyFingerprint } from '../integrity.js';
import { decodeStunMessage, type StunMessage, splitMessageType } from '../message.js';
import { transactionKey } from '../transaction.js';
import { decodeChannelData, encodeChannelData, isValidChannel } from '../turn/channel-data.js';
import { StunWriter } from '../writer.js';
import { Allocation, grantedLifetime } from './allocation.js';
import { LongTermAuthenticator } from './auth.js';
import type { TurnServerEvent, TurnServerStats, TurnTransmit } from './io.js';
import { NonceIssuer } from './nonce.js';
import { type ResolvedTurnServerOptions, resolveOptions, type TurnServerOptions } from './options.js';

/** The largest UDP payload over IPv4 (65535 - 8 - 20): nothing larger can be relayed. */
const MAX_UDP_PAYLOAD = 65_507;
/** A Data indication around a payload: header, XOR-PEER-ADDRESS (IPv6 at most), DATA header and padding. */
const DATA_INDICATION_OVERHEAD = 20 + 24 + 4 + 3;
const CHANNEL_DATA_OVERHEAD = 4;
/**
 * Send indications carry application data, so the decoder's default 8 KiB limit would cut
 * off large datagrams that loopback and jumbo-frame paths carry; the framing checks still run.
 */
const MAX_CLIENT_MESSAGE = MAX_UDP_PAYLOAD;

const encoder = new TextEncoder();

/** An authenticated request being answered. */
interface Request {
  readonly message: StunMessage;
  readonly from: TransportAddress;
  readonly now: number;
  readonly username: string;
  readonly key: Uint8Array;
  readonly sha256: boolean;
}

/** Thrown inside a request handler to answer with an error; never escapes the core. */
class Reject {
  constructor(
    readonly code: number,
    readonly reason: string,
    readonly unknown?: number[],
  ) {}
}

/** ADDRESS-ERROR-CODE (RFC 8656 §18.12): an ERROR-CODE whose first byte names the family. */
function addressErrorCode(family: AddressFamily, code: number, reason: string): Uint8Array {
  const text = encoder.encode(reason);
  const value = new Uint8Array(4 + text.length);
  value[0] = family === 'IPv4' ? AddressFamilyByte.IPv4 : AddressFamilyByte.IPv6;
  value[2] = Math.floor(code / 100) & 0x07;
  value[3] = code % 100;
  value.set(text, 4);
  return value;
}

export class TurnServer {
  readonly stats: TurnServerStats = {
    requests: 0,
    successResponses: 0,
    errorResponses: 0,
    malformed: 0,
    dropped: 0,
    relayedToPeers: 0,
    relayedToClients: 0,
    allocationsCreated: 0,
    allocationsExpired: 0,
  };
  private readonly options: ResolvedTurnServerOptions;
  private readonly auth: LongTermAuthenticator;
  /** Plain STUN Binding is answered too, as TURN deployments do: ICE learns its server-reflexive address there. */
  private readonly binding: StunBindingServer;
  private readonly writer = new StunWriter(1500);
  /** Allocations by the client side of their 5-tuple (one listening socket, UDP: address and port). */
  private readonly byClient = new Map<string, Allocation>();
  private readonly byRelay = new Map<number, Allocation>();
  private readonly perUser = new Map<string, number>();
  private readonly transmits: TurnTransmit[] = [];
  private readonly events: TurnServerEvent[] = [];
  private nextRelayId = 1;
  private deadline: number | undefined;
  /** Data traffic never moves a deadline, so pollTimeout recomputes only after state changed. */
  private deadlineStale = false;

  constructor(options: TurnServerOptions) {
    this.options = resolveOptions(options);
    this.auth = new LongTermAuthenticator(
      this.options.realm,
      this.options.passwordFor,
      new NonceIssuer(this.options.nonceLifetimeMs, this.options.nonceSecret),
    );
    this.binding = new StunBindingServer(
      this.options.software === undefined ? {} : { software: this.options.software },
    );
  }

  /** Allocations alive or being opened. */
  get allocationCount(): number {
    return this.byClient.size;
  }

  /** A datagram that arrived on the listening socket from `from`. */
  handleClientInput(data: Uint8Array, from: TransportAddress, now: number): void {
    const first = data.length > 0 ? (data[0] as number) & 0xc0 : -1;
    // RFC 8656 §12: the top two bits tell STUN (0b00) from ChannelData (0b01).
    if (first === 0x40) {
      this.onClientChannelData(data, from, now);
      return;
    }
    if (first !== 0x00) {
      this.stats.malformed++;
      return;
    }
    let message: StunMessage;
    try {
      message = decodeStunMessage(data, { maxSize: MAX_CLIENT_MESSAGE });
    } catch {
      this.stats.malformed++;
      return;
    }
    if (message.fingerprintOffset >= 0 && !verifyFingerprint(message)) {
      this.stats.malformed++;
      return;
    }
    if (message.messageClass === StunClass.Request) this.onRequest(message, data, from, now);
    else if (message.messageClass === StunClass.Indication && message.method === StunMethod.Send) {
      this.onSend(message, from, now);
    } else {
      // Responses and other indications have no business here (RFC 8489 §6.3.2, §6.3.3).
      this.stats.dropped++;
    }
  }

  /** A datagram that arrived from `from` on the relay socket of allocation `relayId` (RFC 8656 §11.3, §12.7). */
  handlePeerInput(relayId: number, data: Uint8Array, from: TransportAddress, now: number): void {
    const allocation = this.byRelay.get(relayId);
    if (allocation === undefined || allocation.pending !== undefined || this.expireIfDue(allocation, now)) {
      this.stats.dropped++;
      return;
    }
    let peer: TransportAddress;
    try {
      peer = canonicalAddress(from);
    } catch {
      this.stats.malformed++;
      return;
    }
    // §11.3: without a permission for the peer's IP the datagram is silently discarded.
    if (!allocation.hasPermission(peer.address, now)) {
      this.stats.dropped++;
      return;
    }
    const channel = allocation.channelForPeer(transportKey(peer), now);
    let out: Uint8Array;
    if (channel !== undefined) {
      // §12.7: a channel bound to this peer means the compact ChannelData framing.
      if (data.length + CHANNEL_DATA_OVERHEAD > MAX_UDP_PAYLOAD) {
        this.stats.dropped++;
        return;
      }
      out = encodeChannelData(channel.number, data);
    } else {
      // §11.3: otherwise a Data indication with XOR-PEER-ADDRESS and DATA. No FINGERPRINT: the
      // client knows the datagram is TURN by where it comes from, and a CRC per packet is not free.
      if (data.length + DATA_INDICATION_OVERHEAD > MAX_UDP_PAYLOAD) {
        this.stats.dropped++;
        return;
      }
      out = this.writer
        .reset(StunMethod.Data, StunClass.Indication)
        .addXorAddress(AttributeType.XorPeerAddress, peer)
        .add(AttributeType.Data, data)
        .finishCopy();
    }
    if (this.queue('listen', out, allocation.client)) this.stats.relayedToClients++;
  }

  /** Expires allocations, permissions and channel bindings whose time has come. */
  handleTimeout(now: number): void {
    for (const allocation of this.byClient.values()) {
      if (!this.expireIfDue(allocation, now)) allocation.prune(now);
    }
    this.deadlineStale = true;
  }

  /**
   * The adapter bound the relay socket asked for by 'open-relay': answer the Allocate with this
   * address. Returns false when the allocation is gone (failed, or waited past relayOpenTimeout);
   * the adapter then closes the socket.
   */
  relayOpened(relayId: number, relayed: TransportAddress, now: number): boolean {
    const allocation = this.byRelay.get(relayId);
    const pending = allocation?.pending;
    if (allocation === undefined || pending === undefined || this.expireIfDue(allocation, now)) return false;
    allocation.pending = undefined;
    allocation.relayed = relayed;
    allocation.expires = now + pending.lifetimeSec * 1000;
    // RFC 8656 §7.2: XOR-RELAYED-ADDRESS, LIFETIME and XOR-MAPPED-ADDRESS, signed.
    const w = this.writer.reset(StunMethod.Allocate, StunClass.SuccessResponse, pending.transactionId);
    w.addXorAddress(AttributeType.XorRelayedAddress, relayed);
    if (pending.refusedFamily !== undefined) {
      // §7.2 step 9: the dual allocation half we cannot serve is reported, not fatal.
      w.add(
        AttributeType.AddressErrorCode,
        addressErrorCode(
          pending.refusedFamily,
          ErrorCode.AddressFamilyNotSupported,
          'Address Family not Supported',
        ),
      );
    }
    w.addUint32(AttributeType.Lifetime, pending.lifetimeSec);
    w.addXorAddress(AttributeType.XorMappedAddress, allocation.client);
    const response = this.seal(w, pending.key, pending.sha256);
    allocation.response = response;
    this.stats.allocationsCreated++;
    this.stats.successResponses++;
    this.queue('listen', response, allocation.client);
    this.deadlineStale = true;
    return true;
  }

  /** The adapter could not bind the relay socket: the Allocate fails with 508 (RFC 8656 §7.2). */
  relayFailed(relayId: number, _now: number): void {
    const allocation = this.byRelay.get(relayId);
    if (allocation?.pending !== undefined) this.failPending(allocation);
  }

  pollTransmit(): TurnTransmit | undefined {
    return this.transmits.shift();
  }

  pollEvent(): TurnServerEvent | undefined {
    return this.events.shift();
  }

  /** When `handleTimeout` next has work, or undefined when nothing can expire. */
  pollTimeout(): number | undefined {
    if (this.deadlineStale) {
      let next: number | undefined;
      for (const allocation of this.byClient.values()) {
        const d = allocation.nextDeadline();
        if (next === undefined || d < next) next = d;
      }
      this.deadline = next;
      this.deadlineStale = false;
    }
    return this.deadline;
  }

  // --- client data ------------------------------------------------------------------------

  /** RFC 8656 §11.2: relay DATA to XOR-PEER-ADDRESS if a permission exists, else drop silently. */
  private onSend(message: StunMessage, from: TransportAddress, now: number): void {
    const allocation = this.liveAllocation(from, now);
    // RFC 8489 §6.3.2: an indication with unknown comprehension-required attributes is dropped;
    // RFC 8656 §11.2 treats DONT-FRAGMENT that way when the server cannot set DF, as node:dgram cannot.
    if (
      allocation === undefined ||
      message.unknownComprehensionRequired().length > 0 ||
      message.dontFragment
    ) {
      this.stats.dropped++;
      return;
    }
    let peer: TransportAddress | undefined;
    let data: Uint8Array | undefined;
    try {
      peer = message.xorPeerAddress;
      data = message.data;
    } catch {
      this.stats.malformed++;
      return;
    }
    if (
      peer === undefined ||
      data === undefined ||
      peer.family !== allocation.family ||
      !allocation.hasPermission(peer.address, now)
    ) {
      this.stats.dropped++;
      return;
    }
    if (this.queue(allocation.relayId, data, peer)) this.stats.relayedToPeers++;
  }

  /**
   * RFC 8656 §12.6: data on a bound channel goes to its peer; an unbound channel is dropped. The
   * channel binding alone authorises it (a binding installs its permission, §12.2), and the
   * message refreshes neither.
   */
  private onClientChannelData(data: Uint8Array, from: TransportAddress, now: number): void {
    let channelNumber: number;
    let payload: Uint8Array;
    try {
      const decoded = decodeChannelData(data);
      channelNumber = decoded.channel;
      payload = decoded.data;
    } catch {
      this.stats.malformed++;
      return;
    }
    const allocation = this.liveAllocation(from, now);
    const channel = allocation?.channel(channelNumber, now);
    if (allocation === undefined || channel === undefined) {
      this.stats.dropped++;
      return;
    }
    if (this.queue(allocation.relayId, payload, channel.peer)) this.stats.relayedToPeers++;
  }

  // --- requests ---------------------------------------------------------------------------

  private onRequest(message: StunMessage, data: Uint8Array, from: TransportAddress, now: number): void {
    this.stats.requests++;
    if (message.method === StunMethod.Binding) {
      const reply = this.binding.handle(data, from);
      if (reply === undefined) return;
      const cls = splitMessageType(((reply[0] as number) << 8) | (reply[1] as number)).messageClass;
      if (cls === StunClass.ErrorResponse) this.stats.errorResponses++;
      else this.stats.successResponses++;
      this.queue('listen', reply, from);
      return;
    }
    if (
      message.method !== StunMethod.Allocate &&
      message.method !== StunMethod.Refresh &&
      message.method !== StunMethod.CreatePermission &&
      message.method !== StunMethod.ChannelBind
    ) {
      this.unsigned(message, from, now, ErrorCode.BadRequest, 'Bad Request', false);
      return;
    }

    const allocation = this.liveAllocation(from, now, true);
    // RFC 8656 §7.2 answers a second Allocate on a 5-tuple with 437, but a retransmission of the
    // one that created the allocation (same transaction id) must leave the client where the
    // original answer would have (RFC 8489 §6.3.1): it gets that success response again. While
    // the relay is still opening, the answer is on its way.
    if (
      message.method === StunMethod.Allocate &&
      allocation !== undefined &&
      allocation.allocateKey === transactionKey(message.transactionId)
    ) {
      if (allocation.response !== undefined) {
        this.stats.successResponses++;
        this.queue('listen', allocation.response, from);
      }
      return;
    }

    // RFC 8656 §5: every request is authenticated with the long-term credential mechanism.
    const auth = this.auth.check(message, from, now);
    if (!auth.ok) {
      this.unsigned(message, from, now, auth.code, auth.reason, auth.challenge);
      return;
    }
    const request: Request = {
      message,
      from,
      now,
      username: auth.username,
      key: auth.key,
      sha256: auth.sha256,
    };
    try {
      // RFC 8489 §6.3.1: after authentication, unknown comprehension-required attributes -> 420.
      const unknown = message.unknownComprehensionRequired();
      if (unknown.length > 0) throw new Reject(ErrorCode.UnknownAttribute, 'Unknown Attribute', unknown);
      if (message.method === StunMethod.Allocate) this.onAllocate(request, allocation);
      else if (message.method === StunMethod.Refresh)
        this.onRefresh(request, this.owned(request, allocation));
      else if (message.method === StunMethod.CreatePermission) {
        this.onCreatePermission(request, this.owned(request, allocation));
      } else this.onChannelBind(request, this.owned(request, allocation));
    } catch (err) {
      // A Reject is a rule's answer; anything else is an attribute that failed to decode
      // (StunParseError from a typed getter): RFC 8489 §6.3.1 makes that 400.
      if (err instanceof Reject) this.signedError(request, err.code, err.reason, err.unknown);
      else this.signedError(request, ErrorCode.BadRequest, 'Bad Request');
    }
  }

  /**
   * The allocation a Refresh, CreatePermission or ChannelBind acts on: there must be one on this
   * 5-tuple (else 437, RFC 8656 §8.2, §10.2, §12.2) and it must belong to the same user (else 441,
   * RFC 8656 §5).
   */
  private owned(request: Request, allocation: Allocation | undefined): Allocation {
    if (allocation === undefined || allocation.pending !== undefined) {
      throw new Reject(ErrorCode.AllocationMismatch, 'Allocation Mismatch');
    }
    if (allocation.username !== request.username) {
      throw new Reject(ErrorCode.WrongCredentials, 'Wrong Credentials');
    }
    return allocation;
  }

  /** RFC 8656 §7.2, in its order. */
  private onAllocate(request: Request, existing: Allocation | undefined): void {
    const m = request.message;
    const o = this.options;
    // Step 2: one allocation per 5-tuple.
    if (existing !== undefined) throw new Reject(ErrorCode.AllocationMismatch, 'Allocation Mismatch');
    // Step 3: REQUESTED-TRANSPORT must be there, and UDP is the only relaying we do.
    const transport = m.requestedTransport;
    if (transport === undefined) throw new Reject(ErrorCode.BadRequest, 'Bad Request');
    if (transport !== TransportProtocol.UDP) {
      throw new Reject(ErrorCode.UnsupportedTransportProtocol, 'Unsupported Transport Protocol');
    }
    // Step 4: node:dgram cannot set the DF bit, so DONT-FRAGMENT counts as unknown.
    if (m.dontFragment) {
      throw new Reject(ErrorCode.UnknownAttribute, 'Unknown Attribute', [AttributeType.DontFragment]);
    }
    const requestedFamily = m.requestedAddressFamily;
    const additional = this.additionalFamily(m);
    const evenPort = m.evenPort;
    // Step 5: this server never reserves ports, so no token can match.
    if (m.reservationToken !== undefined) {
      if (evenPort !== undefined || requestedFamily !== undefined || additional !== undefined) {
        throw new Reject(ErrorCode.BadRequest, 'Bad Request');
      }
      throw new Reject(ErrorCode.InsufficientCapacity, 'Insufficient Capacity');
    }
    // Steps 6-7: one family per allocation, IPv4 unless asked otherwise.
    if (requestedFamily !== undefined && additional !== undefined) {
      throw new Reject(ErrorCode.BadRequest, 'Bad Request');
    }
    if ((requestedFamily ?? 'IPv4') !== o.relayFamily) {
      throw new Reject(ErrorCode.AddressFamilyNotSupported, 'Address Family not Supported');
    }
    // Step 8: the adapter binds any free port, so an even port cannot be promised.
    if (evenPort !== undefined) {
      if (evenPort.reserveNext && additional !== undefined)
        throw new Reject(ErrorCode.BadRequest, 'Bad Request');
      throw new Reject(ErrorCode.InsufficientCapacity, 'Insufficient Capacity');
    }
    // Step 9: ADDITIONAL-ADDRESS-FAMILY may only ask for IPv6 on top of IPv4; we relay one family.
    if (additional === 'IPv4') throw new Reject(ErrorCode.BadRequest, 'Bad Request');
    // Step 10 and capacity: quotas keyed by username, as §7.2 asks, and a server-wide cap.
    if ((this.perUser.get(request.username) ?? 0) >= o.maxAllocationsPerUser) {
      throw new Reject(ErrorCode.AllocationQuotaReached, 'Allocation Quota Reached');
    }
    if (this.byClient.size >= o.maxAllocations) {
      throw new Reject(ErrorCode.InsufficientCapacity, 'Insufficient Capacity');
    }

    const relayId = this.nextRelayId++;
    const lifetimeSec = grantedLifetime(m.lifetime, o.defaultLifetimeSec, o.maxLifetimeSec);
    const allocation = new Allocation(
      relayId,
      request.from,
      request.username,
      o.relayFamily,
      transactionKey(m.transactionId),
      request.now + o.relayOpenTimeoutMs,
      {
        transactionId: m.transactionId.slice(),
        key: request.key,
        sha256: request.sha256,
        lifetimeSec,
        refusedFamily: additional,
      },
    );
    this.byClient.set(transportKey(request.from), allocation);
    this.byRelay.set(relayId, allocation);
    this.perUser.set(request.username, (this.perUser.get(request.username) ?? 0) + 1);
    this.events.push({
      type: 'open-relay',
      relayId,
      family: o.relayFamily,
      client: request.from,
      username: request.username,
    });
    this.deadlineStale = true;
  }

  /** ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §18.11); the message has no typed getter for it. */
  private additionalFamily(m: StunMessage): AddressFamily | undefined {
    const a = m.attribute(AttributeType.AdditionalAddressFamily);
    return a === undefined
      ? undefined
      : decodeRequestedAddressFamily(a.value, 'ADDITIONAL-ADDRESS-FAMILY', a.offset + 4);
  }

  /** RFC 8656 §8.2: LIFETIME 0 deletes, anything else sets a new lifetime from now. */
  private onRefresh(request: Request, allocation: Allocation): void {
    const m = request.message;
    const family = m.requestedAddressFamily;
    if (family !== undefined && family !== allocation.family) {
      throw new Reject(ErrorCode.PeerAddressFamilyMismatch, 'Peer Address Family Mismatch');
    }
    const requested = m.lifetime;
    let lifetimeSec = 0;
    if (requested === 0) {
      this.remove(allocation, 'released');
    } else {
      const o = this.options;
      lifetimeSec = grantedLifetime(requested, o.defaultLifetimeSec, o.maxLifetimeSec);
      allocation.expires = request.now + lifetimeSec * 1000;
      this.deadlineStale = true;
    }
    this.success(request, (w) => w.addUint32(AttributeType.Lifetime, lifetimeSec));
  }

  /** RFC 8656 §10.2: all the listed peers get a permission, or none does. */
  private onCreatePermission(request: Request, allocation: Allocation): void {
    const peers = request.message.xorPeerAddresses;
    if (peers.length === 0) throw new Reject(ErrorCode.BadRequest, 'Bad Request');
    const fresh = new Set<string>();
    allocation.prune(request.now);
    for (const peer of peers) {
      this.checkPeer(allocation, peer);
      if (!allocation.hasPermission(peer.address, request.now)) fresh.add(peer.address);
    }
    if (allocation.permissionCount + fresh.size > this.options.maxPermissions) {
      throw new Reject(ErrorCode.InsufficientCapacity, 'Insufficient Capacity');
    }
    const expires = request.now + this.options.permissionLifetimeMs;
    for (const peer of peers) allocation.permit(peer.address, expires);
    this.deadlineStale = true;
    this.success(request);
  }

  /**
   * RFC 8656 §12.2: binds (or refreshes) a channel to one peer transport address, one to one,
   * and installs or refreshes the permission for the peer's IP as CreatePermission would.
   */
  private onChannelBind(request: Request, allocation: Allocation): void {
    const m = request.message;
    const now = request.now;
    const number = m.channelNumber;
    const peer = m.xorPeerAddress;
    if (number === undefined || !isValidChannel(number) || peer === undefined) {
      throw new Reject(ErrorCode.BadRequest, 'Bad Request');
    }
    this.checkPeer(allocation, peer);
    allocation.prune(now);
    const peerKey = transportKey(peer);
    const byNumber = allocation.channel(number, now);
    const byPeer = allocation.channelForPeer(peerKey, now);
    // A channel names one peer and a peer has one channel, for the binding's whole life.
    if (
      (byNumber !== undefined && byNumber.peerKey !== peerKey) ||
      (byPeer !== undefined && byPeer.number !== number)
    ) {
      throw new Reject(ErrorCode.BadRequest, 'Bad Request');
    }
    if (
      (byNumber === undefined && allocation.channelCount >= this.options.maxChannels) ||
      (!allocation.hasPermission(peer.address, now) &&
        allocation.permissionCount >= this.options.maxPermissions)
    ) {
      throw new Reject(ErrorCode.InsufficientCapacity, 'Insufficient Capacity');
    }
    allocation.bindChannel(number, peer, peerKey, now + this.options.channelLifetimeMs);
    allocation.permit(peer.address, now + this.options.permissionLifetimeMs);
    this.deadlineStale = true;
    this.success(request);
  }

  /** A peer must be of the allocation's family (443, RFC 8656 §10.2, §12.2) and allowed by policy (403). */
  private checkPeer(allocation: Allocation, peer: TransportAddress): void {
    if (peer.family !== allocation.family) {
      throw new Reject(ErrorCode.PeerAddressFamilyMismatch, 'Peer Address Family Mismatch');
    }
    let allowed: boolean;
    try {
      allowed = this.options.allowPeer(peer);
    } catch {
      allowed = false;
    }
    if (!allowed) throw new Reject(ErrorCode.Forbidden, 'Forbidden');
  }

  // --- allocation lifecycle ----------------------------------------------------------------

  /**
   * The allocation on this client's 5-tuple, expired lazily: deadlines are exact even when the
   * adapter's timer fires late. Pending ones (relay still opening) only with `includePending`.
   */
  private liveAllocation(
    from: TransportAddress,
    now: number,
    includePending = false,
  ): Allocation | undefined {
    const allocation = this.byClient.get(transportKey(from));
    if (allocation === undefined || this.expireIfDue(allocation, now)) return undefined;
    return allocation.pending === undefined || includePending ? allocation : undefined;
  }

  /** Ends the allocation if its time is up; true when it did. */
  private expireIfDue(allocation: Allocation, now: number): boolean {
    if (now < allocation.expires) return false;
    if (allocation.pending !== undefined) {
      this.failPending(allocation);
    } else {
      this.stats.allocationsExpired++;
      this.remove(allocation, 'expired');
    }
    return true;
  }

  /** The relay never opened: answer the held Allocate with 508 and forget it. */
  private failPending(allocation: Allocation): void {
    const pending = allocation.pending;
    if (pending === undefined) return;
    this.remove(allocation, 'expired');
    const w = this.writer.reset(StunMethod.Allocate, StunClass.ErrorResponse, pending.transactionId);
    w.addErrorCode(ErrorCode.InsufficientCapacity, 'Insufficient Capacity');
    this.stats.errorResponses++;
    this.queue('listen', this.seal(w, pending.key, pending.sha256), allocation.client);
  }

  /** RFC 8656 §6: deleting an allocation frees its relayed address; the adapter closes the socket. */
  private remove(allocation: Allocation, reason: 'expired' | 'released'): void {
    if (this.byClient.get(transportKey(allocation.client)) === allocation) {
      this.byClient.delete(transportKey(allocation.client));
    }
    this.byRelay.delete(allocation.relayId);
    const count = (this.perUser.get(allocation.username) ?? 1) - 1;
    if (count > 0) this.perUser.set(allocation.username, count);
    else this.perUser.delete(allocation.username);
    if (allocation.relayed !== undefined) {
      this.events.push({ type: 'close-relay', relayId: allocation.relayId, reason });
    }
    this.deadlineStale = true;
  }

  // --- responses --------------------------------------------------------------------------

  /** Adds SOFTWARE, the integrity attribute the request used, and FINGERPRINT; returns a copy. */
  private seal(w: StunWriter, key: Uint8Array | undefined, sha256: boolean): Uint8Array {
    if (this.options.software !== undefined) w.addText(AttributeType.Software, this.options.software);
    if (key !== undefined) {
      if (sha256) w.addMessageIntegritySha256(key);
      else w.addMessageIntegrity(key);
    }
    w.addFingerprint();
    return w.finishCopy();
  }

  /** A success response to an authenticated request, signed with its key (RFC 8489 §9.2.4). */
  private success(request: Request, add?: (w: StunWriter) => void): void {
    const m = request.message;
    const w = this.writer.reset(m.method, StunClass.SuccessResponse, m.transactionId);
    add?.(w);
    this.stats.successResponses++;
    this.queue('listen', this.seal(w, request.key, request.sha256), request.from);
  }

  /** An error response to an authenticated request: signed too. */
  private signedError(request: Request, code: number, reason: string, unknown?: number[]): void {
    const m = request.message;
    const w = this.writer.reset(m.method, StunClass.ErrorResponse, m.transactionId);
    w.addErrorCode(code, reason);
    if (unknown !== undefined) w.addUnknownAttributes(unknown);
    this.stats.errorResponses++;
    this.queue('listen', this.seal(w, request.key, request.sha256), request.from);
  }

  /**
   * An error before authentication succeeded, which cannot be signed (RFC 8489 §9.2.4). A
   * challenge (401, 438) carries REALM and a fresh NONCE.
   */
  private unsigned(
    message: StunMessage,
    from: TransportAddress,
    now: number,
    code: number,
    reason: string,
    challenge: boolean,
  ): void {
    const w = this.writer.reset(message.method, StunClass.ErrorResponse, message.transactionId);
    w.addErrorCode(code, reason);
    if (challenge) {
      w.addText(AttributeType.Realm, this.auth.realm);
      w.addText(AttributeType.Nonce, this.auth.nonceFor(from, now));
    }
    this.stats.errorResponses++;
    this.queue('listen', this.seal(w, undefined, false), from);
  }

  /** Queues a datagram; past the cap it is dropped, so a stalled adapter cannot grow memory. */
  private queue(via: 'listen' | number, data: Uint8Array, destination: TransportAddress): boolean {
    if (this.transmits.length >= this.options.maxQueuedTransmits) {
      this.stats.dropped++;
      return false;
    }
    this.transmits.push({ via, data, destination });
    return true;
  }
}
