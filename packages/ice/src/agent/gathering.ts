/**
 * Gathering local candidates (RFC 8445 §5.1.1) from the sockets the adapter registers:
 *
 * - a host candidate per UDP socket (§5.1.1.1), its address hidden behind an mDNS name when the
 *   adapter gives one (the base stays the IP);
 * - a server-reflexive candidate per STUN server and socket of the server's family (§5.1.1.2):
 *   a Binding request, retransmitted per RFC 8489 §6.2.1; XOR-MAPPED-ADDRESS is the candidate,
 *   dropped when it equals the base (no NAT) or another one of the socket (§5.1.3);
 * - a relayed candidate per TURN server: over UDP, one allocation per socket of the server's
 *   family, its datagrams carried by that socket; over TCP/TLS, one per 'turn-stream' socket the
 *   adapter connected (RFC 8656, the TurnClient core of @purertc/stun).
 *
 * Failures become 'candidate-error' events as browsers report them: the STUN/TURN error code,
 * or 701 when the server never answered. Gathering completes once the adapter said there are no
 * more sockets and every server request has finished.
 */
import {
  addressFamily,
  StunClass,
  StunErrorResponse,
  type TransportAddress,
  type TurnEvent,
  verifyFingerprint,
} from '@purertc/stun';
import {
  addressKey,
  canonicalAddress,
  hostLocalPreference,
  type LocalCandidate,
  makeLocalCandidate,
  relayLocalPreference,
  type SendPath,
  sameAddress,
} from './candidates.js';
import { type IceMessages, readErrorCode, readMappedAddress, tryDecode } from './stun-messages.js';
import { type Transaction, Transactions } from './transactions.js';
import { TurnRelay } from './turn-relay.js';
import type { IceGatheringState, IceServer, LocalSocket } from './types.js';

export interface CandidateError {
  readonly url: string;
  readonly address: string | undefined;
  readonly port: number | undefined;
  readonly errorCode: number;
  readonly errorText: string;
}

/** What the gatherer needs from the agent. */
export interface GatheringHost {
  newLocalId(): string;
  transmit(socketId: number, destination: TransportAddress, data: Uint8Array): void;
  localCandidate(candidate: LocalCandidate, now: number): void;
  candidateError(error: CandidateError): void;
  /** A datagram from `peer` arrived through the relay. */
  relayData(relay: TurnRelay, peer: TransportAddress, data: Uint8Array, now: number): void;
  /** The allocation is gone (expired, refused a refresh, stream closed). */
  relayClosed(relay: TurnRelay, now: number): void;
  /** The server refused permissions for these peers' IPs. */
  relayRefused(relay: TurnRelay, peers: readonly TransportAddress[], now: number): void;
  gatheringState(state: IceGatheringState): void;
}

export interface GatheringOptions {
  readonly servers: readonly IceServer[];
  readonly lite: boolean;
  readonly relayOnly: boolean;
  readonly software: string | undefined;
  readonly rc: number;
  readonly rm: number;
}

export interface SocketEntry {
  readonly socket: LocalSocket;
  /** Canonical bound address (UDP) or server address (stream). */
  readonly address: TransportAddress;
  readonly path: SendPath;
  readonly hostPreference: number;
  host: LocalCandidate | undefined;
  readonly srflx: LocalCandidate[];
  readonly relays: TurnRelay[];
}

interface SrflxRequest {
  readonly entry: SocketEntry;
  readonly server: IceServer;
  readonly serverAddress: TransportAddress;
}

/** RFC 8489 §6.2.1 initial RTO for server requests. */
const SERVER_RTO = 500;
/** W3C icecandidateerror: the server could not be reached. */
const UNREACHABLE = 701;
const MAX_SOCKETS = 64;

export class Gatherer {
  state: IceGatheringState = 'new';
  readonly sockets = new Map<number, SocketEntry>();
  readonly relays: TurnRelay[] = [];
  private ended = false;
  private closed = false;
  private readonly requests: Transactions<SrflxRequest>;
  /**
   * Server addresses with a Binding request in flight, to tell their responses from peers'
   * datagrams. Created on first use, as `closedSockets` is: most agents never need either.
   */
  private serverKeys: Map<string, number> | undefined;
  private nextRelayId = 1;
  /** Sockets the adapter reported closed (socketClosed). */
  private closedSockets: Set<number> | undefined;

  constructor(
    private readonly host: GatheringHost,
    private readonly options: GatheringOptions,
    private readonly messages: IceMessages,
  ) {
    this.requests = new Transactions<SrflxRequest>(
      (t) => this.host.transmit(t.context.entry.socket.id, t.context.serverAddress, t.bytes),
      256,
    );
  }

  /** Every local candidate, in the order they were gathered. */
  get complete(): boolean {
    return this.state === 'complete';
  }

  addSocket(socket: LocalSocket, now: number): void {
    if (this.closed || this.sockets.has(socket.id)) return;
    if (this.sockets.size >= MAX_SOCKETS) throw new RangeError(`more than ${MAX_SOCKETS} sockets`);
    const address = canonicalAddress({ ...socket.address, family: addressFamily(socket.address.address) });
    const path: SendPath = { key: `s${socket.id}`, socketId: socket.id, relay: undefined };
    let ordinal = 0;
    for (const e of this.sockets.values()) {
      if (
        e.socket.kind === 'udp' &&
        e.address.family === address.family &&
        (e.socket.interfaceIndex ?? 0) === (socket.interfaceIndex ?? 0)
      )
        ordinal++;
    }
    const entry: SocketEntry = {
      socket,
      address,
      path,
      hostPreference: hostLocalPreference(address.family, socket.interfaceIndex ?? 0, ordinal),
      host: undefined,
      srflx: [],
      relays: [],
    };
    this.sockets.set(socket.id, entry);
    this.setState('gathering');
    if (socket.kind === 'turn-stream') this.addStream(entry, now);
    else this.addUdp(entry, now);
    this.checkComplete();
  }

  endOfLocalSockets(): void {
    this.ended = true;
    if (this.state === 'new') this.setState('gathering');
    this.checkComplete();
  }

  private addUdp(entry: SocketEntry, now: number): void {
    const o = this.options;
    const hidden = entry.socket.mdnsName !== undefined;
    entry.host = makeLocalCandidate({
      id: this.host.newLocalId(),
      type: 'host',
      address: entry.address,
      base: entry.address,
      path: entry.path,
      localPreference: entry.hostPreference,
      ...(hidden ? { signalledAddress: entry.socket.mdnsName } : {}),
      signalled: !o.relayOnly,
    });
    this.host.localCandidate(entry.host, now);
    if (o.lite) return; // §2.5: a lite agent has host candidates only
    for (const server of o.servers) {
      let serverAddress: TransportAddress;
      try {
        serverAddress = canonicalAddress({
          family: addressFamily(server.address),
          address: server.address,
          port: server.port,
        });
      } catch {
        this.host.candidateError(
          this.error(entry, server, UNREACHABLE, 'server address is not an IP literal'),
        );
        continue;
      }
      if (serverAddress.family !== entry.address.family) continue;
      if (server.kind === 'stun') {
        if (o.relayOnly) continue; // only relayed candidates are used: no point in asking
        this.startBinding(entry, server, serverAddress, now);
      } else if ((server.transport ?? 'udp') === 'udp') {
        this.startRelay(entry, server, serverAddress, 'udp', now);
      }
    }
  }

  private addStream(entry: SocketEntry, now: number): void {
    if (this.options.lite) return;
    const s = entry.socket;
    const turn = this.options.servers.filter((x) => x.kind === 'turn');
    const server =
      (s.serverUrl !== undefined ? turn.find((x) => x.url === s.serverUrl) : undefined) ??
      turn.find(
        (x) =>
          x.address === s.address.address &&
          x.port === s.address.port &&
          (x.transport === 'tcp' || x.transport === 'tls'),
      ) ??
      turn.find((x) => x.address === s.address.address && x.port === s.address.port);
    if (server === undefined) return; // not one of ours: nothing to allocate
    const protocol = server.transport === 'tls' ? 'tls' : 'tcp';
    this.startRelay(entry, server, entry.address, protocol, now);
  }

  private startBinding(
    entry: SocketEntry,
    server: IceServer,
    serverAddress: TransportAddress,
    now: number,
  ): void {
    const t = this.requests.start(this.messages.binding(), { entry, server, serverAddress }, now, {
      rto: SERVER_RTO,
      rc: this.options.rc,
      rm: this.options.rm,
    });
    if (t !== undefined) this.countServer(serverAddress, 1);
  }

  private startRelay(
    entry: SocketEntry,
    server: IceServer,
    serverAddress: TransportAddress,
    protocol: 'udp' | 'tcp' | 'tls',
    now: number,
  ): void {
    if (server.username === undefined || server.credential === undefined) {
      this.host.candidateError(
        this.error(entry, server, UNREACHABLE, 'TURN server without username or credential'),
      );
      return;
    }
    const relay = new TurnRelay(
      this.nextRelayId++,
      entry.socket.id,
      server,
      serverAddress,
      protocol,
      this.options,
    );
    entry.relays.push(relay);
    this.relays.push(relay);
    relay.start(now);
    this.flushRelay(relay, now);
  }

  /**
   * A datagram on a UDP socket: true when it was a server's (a Binding response we wait for, or
   * anything from a TURN server we hold an allocation with on this socket), false for the agent.
   */
  handleServerInput(entry: SocketEntry, from: TransportAddress, bytes: Uint8Array, now: number): boolean {
    if (this.serverKeys?.has(addressKey(from)) === true && bytes.length >= 20 && (bytes[0] as number) <= 3) {
      const m = tryDecode(bytes);
      if (
        m !== undefined &&
        m.messageClass !== StunClass.Request &&
        m.messageClass !== StunClass.Indication
      ) {
        const t = this.requests.get(m.transactionId);
        if (t !== undefined && t.context.entry === entry && sameAddress(from, t.context.serverAddress)) {
          if (m.fingerprintOffset >= 0 && !verifyFingerprint(m)) return true;
          this.requests.remove(t);
          this.countServer(t.context.serverAddress, -1);
          this.bindingAnswered(t, m.messageClass === StunClass.SuccessResponse, m, now);
          this.checkComplete();
          return true;
        }
      }
    }
    for (const relay of entry.relays) {
      if (relay.protocol === 'udp' && sameAddress(from, relay.serverAddress)) {
        relay.client.handleInput(bytes, now, from);
        this.flushRelay(relay, now);
        return true;
      }
    }
    return false;
  }

  /** Bytes of a TCP/TLS stream to a TURN server. */
  handleStreamInput(entry: SocketEntry, bytes: Uint8Array, now: number): void {
    const relay = entry.relays[0];
    if (relay === undefined) return;
    relay.client.handleInput(bytes, now);
    this.flushRelay(relay, now);
  }

  private bindingAnswered(
    t: Transaction<SrflxRequest>,
    success: boolean,
    m: Parameters<typeof readMappedAddress>[0],
    now: number,
  ): void {
    const { entry, server } = t.context;
    if (!success) {
      const e = readErrorCode(m);
      this.host.candidateError(
        this.error(entry, server, e?.code ?? UNREACHABLE, e?.reason.replace(/\0+$/, '') ?? 'error response'),
      );
      return;
    }
    const mapped = readMappedAddress(m);
    if (mapped === undefined) {
      this.host.candidateError(this.error(entry, server, UNREACHABLE, 'response without XOR-MAPPED-ADDRESS'));
      return;
    }
    let address: TransportAddress;
    try {
      address = canonicalAddress(mapped);
    } catch {
      return;
    }
    // §5.1.3: a candidate equal to the base, or to another of this base, is redundant.
    if (sameAddress(address, entry.address) || entry.srflx.some((c) => sameAddress(c.address, address)))
      return;
    const hidden = entry.socket.mdnsName !== undefined;
    const c = makeLocalCandidate({
      id: this.host.newLocalId(),
      type: 'srflx',
      address,
      base: entry.address,
      path: entry.path,
      localPreference: entry.hostPreference,
      url: server.url,
      // With an mDNS host name the private address must not leak through raddr either.
      relatedAddress: hidden ? zeroAddress(entry.address) : entry.address,
      signalled: true,
    });
    entry.srflx.push(c);
    this.host.localCandidate(c, now);
  }

  handleTimeout(now: number): void {
    this.requests.handleTimeout(now, (t) => {
      this.countServer(t.context.serverAddress, -1);
      this.host.candidateError(
        this.error(t.context.entry, t.context.server, UNREACHABLE, 'STUN binding request timed out'),
      );
    });
    for (const relay of this.relays) {
      const at = relay.client.pollTimeout();
      if (at !== undefined && at <= now) {
        relay.client.handleTimeout(now);
        this.flushRelay(relay, now);
      }
    }
    this.checkComplete();
  }

  pollTimeout(): number | undefined {
    let next = this.requests.pollTimeout();
    for (const relay of this.relays) {
      const at = relay.client.pollTimeout();
      if (at !== undefined && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  /** Whether the adapter reported this socket closed. */
  isClosed(socketId: number): boolean {
    return this.closedSockets?.has(socketId) === true;
  }

  /**
   * The adapter's socket is gone (a TCP/TLS stream to a TURN server closed, a UDP socket failed):
   * its allocations end (RFC 8656 §3.1: a stream's allocation dies with it), its server requests
   * are dropped, and gathering may complete.
   */
  socketClosed(entry: SocketEntry, now: number): void {
    this.closedSockets ??= new Set();
    if (this.closedSockets.has(entry.socket.id)) return;
    this.closedSockets.add(entry.socket.id);
    this.requests.removeWhere((t) => {
      if (t.context.entry !== entry) return false;
      this.countServer(t.context.serverAddress, -1);
      return true;
    });
    for (const relay of entry.relays) {
      relay.client.transportClosed(now);
      this.flushRelay(relay, now);
    }
    this.checkComplete();
  }

  /** Deletes every allocation (RFC 8656 §8: Refresh with LIFETIME 0); the transmits still flow. */
  close(now: number): void {
    if (this.closed) return;
    this.closed = true;
    this.requests.clear();
    this.serverKeys = undefined;
    for (const relay of this.relays) {
      if (relay.state === 'allocating' || relay.state === 'allocated') {
        relay.client.close(now);
        this.flushRelay(relay, now);
      }
    }
  }

  /**
   * Moves a TURN client's transmits to the adapter and acts on its events. Re-entrant calls (an
   * event handler sending through the relay) return at once: the outer loop picks their output up.
   */
  flushRelay(relay: TurnRelay, now: number): void {
    if (relay.flushing) return;
    relay.flushing = true;
    try {
      for (;;) {
        let moved = false;
        for (let t = relay.client.pollTransmit(); t !== undefined; t = relay.client.pollTransmit()) {
          if (!this.isClosed(relay.socketId)) this.host.transmit(relay.socketId, t.destination, t.data);
          moved = true;
        }
        const e = relay.client.pollEvent();
        if (e === undefined) {
          if (!moved) return;
          continue;
        }
        this.relayEvent(relay, e, now);
      }
    } finally {
      relay.flushing = false;
    }
  }

  private relayEvent(relay: TurnRelay, e: TurnEvent, now: number): void {
    const entry = this.sockets.get(relay.socketId);
    switch (e.type) {
      case 'allocated': {
        if (relay.state !== 'allocating' || entry === undefined || this.closed) return;
        relay.state = 'allocated';
        let relayed: TransportAddress;
        try {
          relayed = canonicalAddress(e.relayed);
        } catch {
          return;
        }
        const path: SendPath = { key: `r${relay.id}`, socketId: relay.socketId, relay };
        const ordinal = this.relays.filter((r) => r.local !== undefined).length;
        const hidden = entry.socket.mdnsName !== undefined;
        const mapped = e.mapped === undefined ? undefined : canonicalAddress(e.mapped);
        relay.local = makeLocalCandidate({
          id: this.host.newLocalId(),
          type: 'relay',
          address: relayed,
          base: relayed,
          path,
          localPreference: relayLocalPreference(relay.protocol, entry.hostPreference, ordinal),
          url: relay.server.url,
          relayProtocol: relay.protocol,
          ...(mapped === undefined ? {} : { relatedAddress: hidden ? zeroAddress(mapped) : mapped }),
          signalled: true,
        });
        this.host.localCandidate(relay.local, now);
        this.checkComplete();
        return;
      }
      case 'allocation-failed': {
        relay.state = 'failed';
        const err = e.error;
        const code = err instanceof StunErrorResponse ? err.code : UNREACHABLE;
        if (entry !== undefined) this.host.candidateError(this.error(entry, relay.server, code, err.message));
        this.checkComplete();
        return;
      }
      case 'data':
        if (relay.state === 'allocated' && relay.local !== undefined)
          this.host.relayData(relay, e.peer, e.data, now);
        return;
      case 'closed': {
        const was = relay.state;
        relay.state = was === 'allocating' ? 'failed' : 'closed';
        if (was === 'allocated') this.host.relayClosed(relay, now);
        this.checkComplete();
        return;
      }
      case 'error':
        // A permission the server refused outright will not come by retrying: the pairs through
        // this relay to those peers cannot work. Timeouts are left to the client's refreshes.
        if (e.request === 'permission' && e.error instanceof StunErrorResponse && e.peers.length > 0) {
          relay.refuse(e.peers);
          this.host.relayRefused(relay, e.peers, now);
        }
        return;
      default:
        // refreshed, permission-created, channel-bound: nothing to do.
        return;
    }
  }

  private countServer(server: TransportAddress, delta: number): void {
    const key = addressKey(server);
    this.serverKeys ??= new Map();
    const keys = this.serverKeys;
    const n = (keys.get(key) ?? 0) + delta;
    if (n <= 0) keys.delete(key);
    else keys.set(key, n);
  }

  private checkComplete(): void {
    if (this.state !== 'gathering' || !this.ended) return;
    if (this.requests.size > 0) return;
    if (this.relays.some((r) => r.state === 'allocating')) return;
    this.setState('complete');
  }

  private setState(state: IceGatheringState): void {
    if (this.state === state) return;
    this.state = state;
    this.host.gatheringState(state);
  }

  private error(entry: SocketEntry, server: IceServer, errorCode: number, errorText: string): CandidateError {
    const hidden = entry.socket.mdnsName !== undefined || entry.socket.kind !== 'udp';
    return {
      url: server.url,
      address: hidden ? undefined : entry.address.address,
      port: hidden ? undefined : entry.address.port,
      errorCode,
      errorText,
    };
  }
}

function zeroAddress(a: TransportAddress): TransportAddress {
  return { family: a.family, address: a.family === 'IPv4' ? '0.0.0.0' : '::', port: 0 };
}
