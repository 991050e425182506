/**
 * A sans-IO TURN client (RFC 8656): one allocation on one TURN server, its permissions and
 * channel bindings, and the data relayed through it. No sockets and no timers: feed it what the
 * server sent with `handleInput`, the clock with `handleTimeout`, and drain `pollTransmit` (bytes
 * for the server) and `pollEvent` after every call; `pollTimeout` says when to call again.
 *
 * Over TCP and TLS (`reliable: true`) `handleInput` takes the byte stream in chunks of any size
 * and cuts it into frames itself; STUN requests are then sent once, without retransmission
 * (RFC 8489 §6.2.2), and ChannelData is padded to 4 bytes (RFC 8656 §12.5).
 *
 * Network input never throws: what does not parse, fails MESSAGE-INTEGRITY or is not expected
 * is dropped and counted in `stats`. Commands throw on misuse (TurnError INVALID_STATE, or
 * RangeError past a cap); their outcome comes later as an event carrying the id they returned.
 */
import type { TransportAddress } from '../address.js';
import { AttributeType, StunClass, StunMethod } from '../constants.js';
import { StunErrorResponse, StunParseError, StunTimeoutError, TurnError } from '../errors.js';
import { verifyFingerprint } from '../integrity.js';
import { decodeStunMessage, type StunMessage } from '../message.js';
import { StunClientTransactions, type Transmit, transactionKey } from '../transaction.js';
import { StunWriter } from '../writer.js';
import { Allocation, type AllocationState } from './allocation.js';
import { LongTermCredentials, verifyResponse } from './auth.js';
import { decodeChannelData, encodeChannelData, isChannelData } from './channel-data.js';
import { CHANNEL_LIFETIME_MS, type Channel, ChannelTable } from './channels.js';
import { normalizePeer, type PeerAddress } from './peer.js';
import { PermissionTable } from './permissions.js';
import { newRequest, type Request, writeRequestAttributes } from './request.js';
import { StreamFramer } from './stream-framer.js';
import type { TurnClientOptions, TurnClientStats, TurnEvent } from './types.js';

export type { TurnClientOptions, TurnClientStats, TurnEvent, TurnRequestKind } from './types.js';

const DEFAULT_MARGIN_MS = 60_000;
/** RFC 8489 §9.2.5 lets a client retry on 438; a server that keeps answering it is broken. */
const MAX_STALE_NONCE_RETRIES = 3;
/** XOR-PEER-ADDRESS attributes per CreatePermission refresh (servers cap attributes per message). */
const PEERS_PER_REQUEST = 32;

export class TurnClient {
  readonly stats: TurnClientStats = {
    malformed: 0,
    integrityFailures: 0,
    authenticatedResponses: 0,
    unexpected: 0,
    unknownPeer: 0,
    eventsDropped: 0,
    requestsSent: 0,
    sendIndications: 0,
    channelDataSent: 0,
    dataIndications: 0,
    channelDataReceived: 0,
  };

  private readonly server: TransportAddress;
  private readonly reliable: boolean;
  private readonly fingerprint: boolean;
  private readonly margin: number;
  private readonly maxEvents: number;
  private readonly auth: LongTermCredentials;
  private readonly transactions: StunClientTransactions<Request>;
  private readonly framer = new StreamFramer();
  private readonly writer = new StunWriter(1500);
  private readonly allocation = new Allocation();
  private readonly permissions: PermissionTable;
  private readonly channels = new ChannelTable();
  /** Requests in flight by transaction id. */
  private readonly requests = new Map<string, Request>();
  private readonly transmits: Transmit[] = [];
  private readonly events: TurnEvent[] = [];
  private nextId = 1;

  constructor(private readonly options: TurnClientOptions) {
    if (options.evenPort !== undefined && options.reservationToken !== undefined) {
      throw new RangeError('EVEN-PORT and RESERVATION-TOKEN exclude each other (RFC 8656 §7.1)');
    }
    if (options.reservationToken !== undefined && options.requestedAddressFamily !== undefined) {
      throw new RangeError(
        'REQUESTED-ADDRESS-FAMILY and RESERVATION-TOKEN exclude each other (RFC 8656 §7.1)',
      );
    }
    if (options.reservationToken !== undefined && options.reservationToken.length !== 8) {
      throw new RangeError('a RESERVATION-TOKEN is 8 bytes (RFC 8656 §18.10)');
    }
    this.server = normalizePeer(options.server);
    this.reliable = options.reliable ?? false;
    this.fingerprint = options.fingerprint ?? true;
    this.margin = options.refreshMargin ?? DEFAULT_MARGIN_MS;
    this.maxEvents = options.maxEvents ?? 4096;
    this.auth = new LongTermCredentials(
      options.username,
      options.password,
      options.messageIntegritySha256 ?? false,
    );
    this.transactions = new StunClientTransactions<Request>(options.transactions);
    this.permissions = new PermissionTable(options.maxPermissions ?? 1024);
  }

  // ---------------------------------------------------------------------------------------------
  // State

  get state(): AllocationState {
    return this.allocation.state;
  }

  /** XOR-RELAYED-ADDRESS once allocated: where peers send to reach us. */
  get relayed(): TransportAddress | undefined {
    return this.allocation.relayed;
  }

  /** XOR-MAPPED-ADDRESS once allocated: our address as the server sees it. */
  get mapped(): TransportAddress | undefined {
    return this.allocation.mapped;
  }

  /** The lifetime the server last granted, in seconds. */
  get lifetime(): number {
    return this.allocation.lifetime;
  }

  /** When the allocation expires unless refreshed (caller's clock), or +Infinity. */
  get expiresAt(): number {
    return this.allocation.active ? this.allocation.lease.expiresAt : Number.POSITIVE_INFINITY;
  }

  /** The channel bound (or being bound) to this peer. */
  channelFor(peer: PeerAddress): number | undefined {
    return this.channels.forPeer(normalizePeer(peer))?.number;
  }

  /** Whether we hold (or are asking for) a permission for this peer's IP. */
  hasPermission(peer: PeerAddress, now: number): boolean {
    return this.permissions.allows(normalizePeer(peer), now);
  }

  // ---------------------------------------------------------------------------------------------
  // Commands

  /**
   * Sends an Allocate (RFC 8656 §7.1). The first goes without credentials; the server's 401
   * names the realm and nonce and the request goes again, signed. Ends in 'allocated' or
   * 'allocation-failed' with this id.
   */
  allocate(now: number): number {
    if (this.allocation.state !== 'idle') {
      throw new TurnError('INVALID_STATE', `allocate() while ${this.allocation.state}`);
    }
    this.allocation.state = 'allocating';
    const r = newRequest(this.nextId++, 'allocate', false);
    this.sendRequest(r, now);
    return r.id;
  }

  /**
   * Refreshes the allocation now (RFC 8656 §8.1), with `lifetime` seconds or the configured one.
   * The timer does this by itself; this is for callers who want a different lifetime. Use
   * `close()` to delete the allocation.
   */
  refresh(now: number, lifetime?: number): number {
    this.requireAllocated('refresh()');
    if (lifetime === 0) throw new RangeError('refresh with LIFETIME 0 deletes the allocation: use close()');
    const r = newRequest(this.nextId++, 'refresh', false, { lifetime: lifetime ?? this.options.lifetime });
    this.allocation.lease.inFlight = true;
    this.sendRequest(r, now);
    return r.id;
  }

  /**
   * Installs permissions for one or more peer IPs in one CreatePermission (RFC 8656 §10.1) and
   * keeps them refreshed by timer (§9) until `forgetPermission`. Ends in 'permission-created' or
   * 'error' with this id.
   */
  createPermission(peers: PeerAddress | readonly PeerAddress[], now: number): number {
    this.requireAllocated('createPermission()');
    const list = (Array.isArray(peers) ? peers : [peers]) as readonly PeerAddress[];
    if (list.length === 0) throw new RangeError('createPermission() needs at least one peer');
    const normalized = list.map(normalizePeer);
    const entries = [...new Set(normalized.map((p) => this.permissions.want(p)))];
    for (const p of entries) p.lease.inFlight = true;
    const r = newRequest(this.nextId++, 'permission', false, { peers: normalized, permissions: entries });
    this.sendRequest(r, now);
    return r.id;
  }

  /** Stops refreshing these peers' permissions; the server lets them lapse within 300 s (§9). */
  forgetPermission(peers: PeerAddress | readonly PeerAddress[]): void {
    const list = (Array.isArray(peers) ? peers : [peers]) as readonly PeerAddress[];
    for (const p of list) this.permissions.forget(normalizePeer(p));
  }

  /**
   * Binds a channel to a peer transport address (RFC 8656 §12.1), which also installs a
   * permission for its IP; both are then refreshed by timer. Ends in 'channel-bound' or 'error'
   * with this id; a peer already bound gets 'channel-bound' at once.
   */
  bindChannel(peer: PeerAddress, now: number): number {
    this.requireAllocated('bindChannel()');
    const address = normalizePeer(peer);
    const existing = this.channels.forPeer(address);
    const id = this.nextId++;
    if (existing?.bound) {
      this.emit({ type: 'channel-bound', id, peer: existing.peer, channel: existing.number });
      return id;
    }
    const channel = existing ?? this.channels.reserve(address, now);
    channel.lease.inFlight = true;
    const r = newRequest(id, 'channel', false, { peers: [address], channel });
    this.sendRequest(r, now);
    return id;
  }

  /**
   * Sends data to a peer through the relay: as ChannelData when a channel is bound to it
   * (RFC 8656 §12.5), otherwise as a Send indication (§11.1). The server drops it unless a
   * permission for the peer's IP is installed.
   */
  send(peer: PeerAddress, data: Uint8Array, _now: number): void {
    this.requireAllocated('send()');
    const address = normalizePeer(peer);
    const channel = this.channels.forPeer(address);
    if (channel?.bound) {
      this.transmit(encodeChannelData(channel.number, data, this.reliable));
      this.stats.channelDataSent++;
      return;
    }
    const w = this.writer.reset(StunMethod.Send, StunClass.Indication);
    w.addXorAddress(AttributeType.XorPeerAddress, address);
    w.add(AttributeType.Data, data);
    if (this.options.dontFragment) w.addFlag(AttributeType.DontFragment);
    // Indications carry no MESSAGE-INTEGRITY: there is no transaction to answer a stale nonce.
    if (this.fingerprint) w.addFingerprint();
    this.transmit(w.finishCopy());
    this.stats.sendIndications++;
  }

  /**
   * Deletes the allocation with a Refresh of LIFETIME 0 (RFC 8656 §8.1) and ends in 'closed'.
   * Before an allocation exists it closes at once. Requests still pending fail with CLOSED.
   */
  close(now: number): void {
    const state = this.allocation.state;
    if (state === 'closing' || state === 'closed') return;
    this.failPending(new TurnError('CLOSED', 'the client was closed'));
    this.stopTimers();
    if ((state === 'allocated' || state === 'allocating') && this.auth.ready) {
      // While allocating, the server may already hold the allocation: delete it all the same;
      // a 437 then just says there was none (RFC 8656 §8.3).
      this.allocation.state = 'closing';
      this.sendRequest(newRequest(this.nextId++, 'refresh', false, { lifetime: 0 }), now);
      return;
    }
    this.finish(undefined);
  }

  /**
   * The TCP/TLS connection (or UDP socket) is gone: over a stream that deletes the allocation
   * on the server (RFC 8656 §2.1). Pending requests fail and 'closed' follows.
   */
  transportClosed(_now: number): void {
    if (this.allocation.state === 'closed') return;
    const error = new TurnError('CONNECTION_CLOSED', 'the connection to the TURN server closed');
    // A close() waiting for its answer is done: the server drops the allocation with the connection.
    const closing = this.allocation.state === 'closing' && this.reliable;
    this.failPending(error);
    this.finish(closing ? undefined : error);
  }

  // ---------------------------------------------------------------------------------------------
  // Sans-IO engine

  /**
   * Bytes from the TURN server: a datagram over UDP, any chunk of the stream over TCP/TLS.
   * `from`, when given, must be the server's address; anything else is dropped.
   */
  handleInput(bytes: Uint8Array, now: number, from?: TransportAddress): void {
    if (this.allocation.state === 'closed') {
      this.stats.unexpected++;
      return;
    }
    if (from !== undefined && !this.fromServer(from)) {
      this.stats.unexpected++;
      return;
    }
    if (!this.reliable) {
      this.handleFrame(bytes, now);
    } else {
      try {
        this.framer.push(bytes, (frame) => this.handleFrame(frame, now));
      } catch (err) {
        if (!(err instanceof StunParseError)) throw err;
        // The stream lost its framing: nothing after this point can be read (RFC 8656 §12.5).
        this.stats.malformed++;
        this.framer.reset();
        const error = new TurnError('STREAM_CORRUPT', err.message);
        this.failPending(error);
        this.finish(error);
      }
    }
    this.drainTransactions(now);
  }

  /** The clock moved: retransmit, time out, and refresh what is due. */
  handleTimeout(now: number): void {
    this.transactions.handleTimeout(now);
    this.drainTransactions(now);
    if (this.allocation.state !== 'allocated') return;
    const lease = this.allocation.lease;
    if (lease.expired(now)) {
      const error = new TurnError('ALLOCATION_EXPIRED', 'the allocation expired before a Refresh succeeded');
      this.failPending(error);
      this.finish(error);
      return;
    }
    if (lease.refreshDue(now)) {
      lease.inFlight = true;
      this.sendRequest(newRequest(this.nextId++, 'refresh', true, { lifetime: this.options.lifetime }), now);
    }
    this.permissions.expire(now);
    const due = this.permissions.due(now);
    for (let i = 0; i < due.length; i += PEERS_PER_REQUEST) {
      const batch = due.slice(i, i + PEERS_PER_REQUEST);
      for (const p of batch) p.lease.inFlight = true;
      const r = newRequest(this.nextId++, 'permission', true, {
        peers: batch.map((p) => p.peer),
        permissions: batch,
      });
      this.sendRequest(r, now);
    }
    this.channels.expire(now);
    for (const channel of this.channels.due(now)) {
      channel.lease.inFlight = true;
      this.sendRequest(newRequest(this.nextId++, 'channel', true, { peers: [channel.peer], channel }), now);
    }
    this.drainTransactions(now);
  }

  /** The next datagram or stream chunk for the server. */
  pollTransmit(): Transmit | undefined {
    return this.transmits.shift();
  }

  pollEvent(): TurnEvent | undefined {
    return this.events.shift();
  }

  /** When `handleTimeout` has work next, or undefined when nothing is scheduled. */
  pollTimeout(): number | undefined {
    let next = this.transactions.pollTimeout() ?? Number.POSITIVE_INFINITY;
    if (this.allocation.state === 'allocated') {
      next = Math.min(
        next,
        this.allocation.lease.nextDeadline(),
        this.allocation.lease.expiresAt,
        this.permissions.nextDeadline(),
        this.channels.nextDeadline(),
      );
    }
    return Number.isFinite(next) ? next : undefined;
  }

  // ---------------------------------------------------------------------------------------------
  // Input

  private fromServer(from: TransportAddress): boolean {
    if (from.port !== this.server.port) return false;
    try {
      return normalizePeer(from).address === this.server.address;
    } catch {
      return false;
    }
  }

  private handleFrame(frame: Uint8Array, now: number): void {
    if (isChannelData(frame)) {
      this.handleChannelData(frame);
      return;
    }
    let message: StunMessage;
    try {
      message = decodeStunMessage(frame);
    } catch {
      this.stats.malformed++;
      return;
    }
    // RFC 8489 §7.3: a FINGERPRINT that does not match means this is not STUN after all.
    if (message.fingerprintOffset >= 0 && !verifyFingerprint(message)) {
      this.stats.malformed++;
      return;
    }
    switch (message.messageClass) {
      case StunClass.SuccessResponse:
      case StunClass.ErrorResponse:
        this.handleResponse(message, now);
        return;
      case StunClass.Indication:
        if (message.method === StunMethod.Data) this.handleDataIndication(message, now);
        else this.stats.unexpected++;
        return;
      default:
        this.stats.unexpected++; // a TURN server sends us no requests
    }
  }

  /** RFC 8656 §12.6: data on a channel we bound; the channel number names the peer. */
  private handleChannelData(frame: Uint8Array): void {
    let channel: number;
    let data: Uint8Array;
    try {
      ({ channel, data } = decodeChannelData(frame));
    } catch {
      this.stats.malformed++;
      return;
    }
    // A binding still pending counts: the server may relay before its success reaches us.
    const bound = this.channels.forNumber(channel);
    if (bound === undefined || !this.allocation.active) {
      this.stats.unknownPeer++;
      return;
    }
    this.stats.channelDataReceived++;
    this.emit({ type: 'data', peer: bound.peer, data, via: 'channel' });
  }

  /**
   * RFC 8656 §11.4: a Data indication must have XOR-PEER-ADDRESS and DATA, and the client SHOULD
   * drop it unless it holds a permission for the peer. Indications are not authenticated (there
   * is no MESSAGE-INTEGRITY to check): the permission check is what filters them.
   */
  private handleDataIndication(message: StunMessage, now: number): void {
    let peer: TransportAddress | undefined;
    let data: Uint8Array | undefined;
    try {
      peer = message.xorPeerAddress;
      data = message.data;
    } catch {
      this.stats.malformed++;
      return;
    }
    if (peer === undefined || data === undefined) {
      this.stats.malformed++;
      return;
    }
    if (!this.allocation.active || !this.permissions.allows(peer, now)) {
      this.stats.unknownPeer++;
      return;
    }
    this.stats.dataIndications++;
    this.emit({ type: 'data', peer, data, via: 'indication' });
  }

  /**
   * A response to one of our transactions. Before the transaction engine sees it, RFC 8489
   * §9.2.5: once a request was signed, its response must carry a valid MESSAGE-INTEGRITY(-SHA256),
   * except a 401 or 438 (the server cannot sign with a key it rejects). Over UDP a bad one is
   * dropped as if never received, so retransmissions go on; over TCP/TLS the transaction ends.
   */
  private handleResponse(message: StunMessage, now: number): void {
    const r = this.requests.get(transactionKey(message.transactionId));
    if (r === undefined) {
      this.stats.unexpected++; // stray, or a duplicate answer to a retransmission
      return;
    }
    let code: number | undefined;
    try {
      code = message.errorCode?.code;
    } catch {
      this.stats.malformed++;
      return;
    }
    if (message.messageClass === StunClass.ErrorResponse && code === undefined) {
      this.stats.malformed++; // RFC 8489 §14.8: an error response carries ERROR-CODE
      return;
    }
    const exempt = code === 401 || code === 438;
    if (!exempt && r.key !== undefined) {
      if (!verifyResponse(message, r.key)) {
        this.integrityFailed(r, message, now);
        return;
      }
      this.stats.authenticatedResponses++;
    }
    this.transactions.handleResponse(message, now);
  }

  /** RFC 8489 §9.2.5: as if never received over UDP; over TCP/TLS the transaction fails at once. */
  private integrityFailed(r: Request, message: StunMessage, now: number): void {
    this.stats.integrityFailures++;
    if (!this.reliable) {
      r.integrityFailed = true;
      return;
    }
    this.transactions.cancel(message.transactionId);
    this.requests.delete(r.txKey);
    this.failed(r, integrityError(r.method), now);
  }

  /** Moves the transaction engine's transmits and outcomes into ours. */
  private drainTransactions(now: number): void {
    for (;;) {
      for (let t = this.transactions.pollTransmit(); t !== undefined; t = this.transactions.pollTransmit()) {
        this.transmits.push(t);
      }
      const e = this.transactions.pollEvent();
      if (e === undefined) return;
      const r = e.context;
      this.requests.delete(r.txKey);
      if (e.type === 'timeout') {
        this.failed(r, r.integrityFailed ? integrityError(r.method) : new StunTimeoutError(r.method), now);
      } else {
        this.answered(r, e.message, now);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Outcomes

  private answered(r: Request, m: StunMessage, now: number): void {
    if (m.messageClass === StunClass.ErrorResponse) {
      const { code, reason } = m.errorCode as { code: number; reason: string };
      if (
        (code === 401 && r.key === undefined) ||
        (code === 438 && r.staleRetries < MAX_STALE_NONCE_RETRIES)
      ) {
        // RFC 8489 §9.2.5: a 401 to an unsigned request is the challenge; a 438 hands out a new
        // nonce. Either way the request goes again, signed, as a new transaction. A 401 to a
        // signed request means the credentials are wrong: no retry.
        let outcome: ReturnType<LongTermCredentials['challenge']>;
        try {
          outcome = this.auth.challenge(m);
        } catch {
          outcome = 'no-challenge'; // malformed PASSWORD-ALGORITHMS: treat as a plain error
        }
        if (outcome === 'retry') {
          if (code === 438) r.staleRetries++;
          this.sendRequest(r, now);
          return;
        }
        if (outcome === 'bid-down') {
          this.failed(
            r,
            new TurnError('BID_DOWN', 'nonce cookie announces PASSWORD-ALGORITHMS, none sent'),
            now,
          );
          return;
        }
      }
      if (r.key !== undefined) this.auth.updateNonce(m);
      // Some servers (coturn) send the reason phrase with its C string terminator.
      this.failed(r, new StunErrorResponse(code, reason.replace(/\0+$/, ''), r.method), now);
      return;
    }
    if (r.key !== undefined) {
      try {
        this.auth.updateNonce(m);
      } catch {
        // a NONCE that does not decode: keep ours
      }
    }
    switch (r.kind) {
      case 'allocate':
        this.allocated(r, m, now);
        return;
      case 'refresh':
        this.refreshed(r, m, now);
        return;
      case 'permission':
        this.permissions.installed(r.peers, now, this.margin);
        if (!r.auto) this.emit({ type: 'permission-created', id: r.id, peers: r.peers });
        return;
      case 'channel':
        this.channelBound(r, now);
        return;
    }
  }

  /** RFC 8656 §7.3: the success names the relayed address, our mapped address and the lifetime. */
  private allocated(r: Request, m: StunMessage, now: number): void {
    let relayed: TransportAddress | undefined;
    let mapped: TransportAddress | undefined;
    let lifetime: number | undefined;
    let token: Uint8Array | undefined;
    try {
      relayed = m.xorRelayedAddress;
      mapped = m.xorMappedAddress;
      lifetime = m.lifetime;
      token = m.reservationToken?.slice();
    } catch (err) {
      this.failed(r, new TurnError('BAD_RESPONSE', (err as Error).message), now);
      return;
    }
    if (relayed === undefined || lifetime === undefined) {
      this.failed(
        r,
        new TurnError('BAD_RESPONSE', 'Allocate success without XOR-RELAYED-ADDRESS or LIFETIME'),
        now,
      );
      return;
    }
    if (this.allocation.state !== 'allocating') return; // closed meanwhile
    this.allocation.granted(relayed, mapped, token, lifetime, now, this.margin);
    this.emit({ type: 'allocated', id: r.id, relayed, mapped, lifetime, reservationToken: token });
  }

  private refreshed(r: Request, m: StunMessage, now: number): void {
    if (r.lifetime === 0) {
      this.finish(undefined);
      return;
    }
    let lifetime: number | undefined;
    try {
      lifetime = m.lifetime;
    } catch {
      lifetime = undefined;
    }
    // RFC 8656 §8.2 has the server always send LIFETIME; without one, keep the last we had.
    lifetime ??= this.allocation.lifetime;
    if (this.allocation.state !== 'allocated') return;
    if (lifetime === 0) {
      this.finish(new TurnError('ALLOCATION_EXPIRED', 'the server granted a lifetime of 0'));
      return;
    }
    this.allocation.refreshed(lifetime, now, this.margin);
    this.emit({ type: 'refreshed', id: r.id, lifetime });
  }

  /** RFC 8656 §12.3: the binding holds for 10 minutes, and so does the permission it installed. */
  private channelBound(r: Request, now: number): void {
    const channel = r.channel as Channel;
    if (this.channels.forNumber(channel.number) !== channel) return; // removed meanwhile
    channel.bound = true;
    channel.lease.renew(now, CHANNEL_LIFETIME_MS, this.margin);
    try {
      // The permission must be refreshed every 300 s, more often than the channel: by CreatePermission.
      this.permissions.want(channel.peer);
      this.permissions.installed([channel.peer], now, this.margin);
    } catch {
      // past the permission cap: the channel works until the server's permission lapses
    }
    if (!r.auto) this.emit({ type: 'channel-bound', id: r.id, peer: channel.peer, channel: channel.number });
  }

  private failed(r: Request, error: Error, now: number): void {
    // RFC 8656 §5, §8.3: 437 to anything but an Allocate means the allocation is gone.
    const gone = error instanceof StunErrorResponse && error.code === 437 && r.kind !== 'allocate';
    switch (r.kind) {
      case 'allocate':
        if (this.allocation.state === 'allocating') this.allocation.state = 'idle';
        this.emit({ type: 'allocation-failed', id: r.id, error });
        return;
      case 'refresh':
        if (r.lifetime === 0) {
          // RFC 8656 §8.3: a 437 to a deleting Refresh means it is deleted; any other failure
          // still leaves us closed, and the server lets the allocation lapse.
          this.finish(gone ? undefined : error);
          return;
        }
        if (r.auto) this.allocation.lease.retry(now);
        else this.allocation.lease.inFlight = false;
        break;
      case 'permission':
        for (const p of r.permissions) {
          if (!p.installed) this.permissions.remove(p);
          else if (r.auto) p.lease.retry(now);
          else p.lease.inFlight = false;
        }
        break;
      case 'channel': {
        const channel = r.channel as Channel;
        if (!channel.bound) {
          // Refused outright, the number is free again; after a timeout the server may hold it.
          this.channels.remove(channel, now, !(error instanceof StunErrorResponse));
        } else if (r.auto) channel.lease.retry(now);
        else channel.lease.inFlight = false;
        break;
      }
    }
    this.emit({ type: 'error', id: r.id, request: r.kind, peers: r.peers, error });
    if (gone && this.allocation.state === 'allocated') {
      this.failPending(error);
      this.finish(error);
    }
  }

  /** Fails every request still in flight, except a closing Refresh, without further retries. */
  private failPending(error: Error): void {
    for (const r of [...this.requests.values()]) {
      if (r.kind === 'refresh' && r.lifetime === 0) continue;
      this.requests.delete(r.txKey);
      this.transactions.cancel(r.txId);
      if (r.kind === 'allocate') {
        if (this.allocation.state === 'allocating') this.allocation.state = 'idle';
        this.emit({ type: 'allocation-failed', id: r.id, error });
      } else if (!r.auto) {
        this.emit({ type: 'error', id: r.id, request: r.kind, peers: r.peers, error });
      }
    }
  }

  private stopTimers(): void {
    this.allocation.lease.stopRefreshing();
    this.permissions.clear();
    this.channels.clear();
  }

  /** The allocation is over, for good. */
  private finish(error: Error | undefined): void {
    if (this.allocation.state === 'closed') return;
    for (const r of this.requests.values()) this.transactions.cancel(r.txId);
    this.requests.clear();
    this.stopTimers();
    this.allocation.state = 'closed';
    this.emit({ type: 'closed', error });
  }

  // ---------------------------------------------------------------------------------------------
  // Output

  /** Encodes the request, signed once we have a realm and nonce, and starts its transaction. */
  private sendRequest(r: Request, now: number): void {
    const w = this.writer.reset(r.method, StunClass.Request);
    writeRequestAttributes(w, r, this.options);
    if (this.options.software !== undefined) w.addText(AttributeType.Software, this.options.software);
    r.key = this.auth.sign(w);
    if (this.fingerprint) w.addFingerprint();
    const bytes = w.finishCopy();
    r.txId = bytes.subarray(8, 20);
    r.txKey = transactionKey(r.txId);
    r.integrityFailed = false;
    this.requests.set(r.txKey, r);
    this.transactions.start(bytes, this.server, now, r, { reliable: this.reliable });
    this.stats.requestsSent++;
    this.drainTransmitsOnly();
  }

  private drainTransmitsOnly(): void {
    for (let t = this.transactions.pollTransmit(); t !== undefined; t = this.transactions.pollTransmit()) {
      this.transmits.push(t);
    }
  }

  private transmit(data: Uint8Array): void {
    this.transmits.push({ data, destination: this.server });
  }

  private emit(event: TurnEvent): void {
    if (event.type === 'data' && this.events.length >= this.maxEvents) {
      this.stats.eventsDropped++;
      return;
    }
    this.events.push(event);
  }

  private requireAllocated(what: string): void {
    if (this.allocation.state !== 'allocated') {
      throw new TurnError('INVALID_STATE', `${what} while ${this.allocation.state}`);
    }
  }
}

function integrityError(method: number): TurnError {
  return new TurnError(
    'INTEGRITY',
    `response to method 0x${method.toString(16)} failed MESSAGE-INTEGRITY (RFC 8489 §9.2.5)`,
  );
}
