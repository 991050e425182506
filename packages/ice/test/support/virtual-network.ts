/**
 * A virtual network for the sans-IO ICE agent: a virtual clock, UDP endpoints that are agents'
 * sockets, a STUN server (StunBindingServer) and TURN servers (the sans-IO TurnServer core of
 * @purertc/stun), NATs with configurable mapping and filtering (RFC 4787 terms), and links with
 * delay, jitter (which reorders), loss and duplication from a seeded PRNG, so every run is the
 * same. The simulator drives every engine's `handleTimeout` at its `pollTimeout()` deadline.
 *
 * Realms: every IP belongs to the public Internet or to the private network behind one NAT. A
 * datagram between two hosts of one realm goes straight; one leaving a private realm is
 * translated by its NAT; one addressed to a NAT's public IP is translated back if the NAT's
 * filtering lets it in; one addressed to a private IP of another realm is lost (unroutable).
 */
import {
  formatIp,
  parseIp,
  StunBindingServer,
  type TransportAddress,
  TurnServer,
  type TurnServerOptions,
} from '@purertc/stun';
import {
  IceAgent,
  type IceAgentOptions,
  type IceCandidate,
  type IceConnectionState,
  type IceEvent,
  type IceGatheringState,
  type LocalSocket,
  parseCandidate,
  serializeCandidate,
} from '../../src/index.js';

export type Addr = TransportAddress;

export function addr(address: string, port: number): Addr {
  return { family: address.includes(':') ? 'IPv6' : 'IPv4', address, port };
}

/** RFC 5952 text, as a socket would report the address whatever spelling bound it. */
const canon = (ip: string) => (ip.includes(':') ? formatIp(parseIp(ip)) : ip);
const key = (a: Addr) => `${canon(a.address)}|${a.port}`;

/** mulberry32: a small seeded PRNG, so loss and jitter are the same on every run. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface LinkConditions {
  /** One-way delay, ms (default 5). */
  readonly delay?: number;
  /** Extra delay uniform in [0, jitter) ms: datagrams overtake each other (default 0). */
  readonly jitter?: number;
  /** Probability a datagram is lost (default 0). */
  readonly loss?: number;
  /** Probability a datagram arrives twice (default 0). */
  readonly duplicate?: number;
}

/** RFC 4787 mapping and filtering behaviours. */
export type NatBehavior = 'endpoint-independent' | 'address-dependent' | 'address-and-port-dependent';

export interface NatOptions {
  readonly publicIp: string;
  readonly mapping?: NatBehavior;
  readonly filtering?: NatBehavior;
}

interface NatBinding {
  readonly internal: Addr;
  readonly external: Addr;
  /** Remote IPs or IP|port this binding sent to (for filtering). */
  readonly contacted: Set<string>;
}

export class VirtualNat {
  readonly publicIp: string;
  readonly mapping: NatBehavior;
  readonly filtering: NatBehavior;
  private nextPort = 30000;
  private readonly bindings = new Map<string, NatBinding>();
  private readonly byPort = new Map<number, NatBinding>();

  constructor(options: NatOptions) {
    this.publicIp = options.publicIp;
    this.mapping = options.mapping ?? 'endpoint-independent';
    this.filtering = options.filtering ?? 'endpoint-independent';
  }

  /** RFC 4787 §4.1: the external address for a datagram from `src` to `dst`. */
  outbound(src: Addr, dst: Addr): Addr {
    const mk =
      this.mapping === 'endpoint-independent'
        ? key(src)
        : this.mapping === 'address-dependent'
          ? `${key(src)}>${dst.address}`
          : `${key(src)}>${key(dst)}`;
    let b = this.bindings.get(mk);
    if (b === undefined) {
      const external = addr(this.publicIp, this.nextPort++);
      b = { internal: src, external, contacted: new Set() };
      this.bindings.set(mk, b);
      this.byPort.set(external.port, b);
    }
    b.contacted.add(dst.address);
    b.contacted.add(key(dst));
    return b.external;
  }

  /** RFC 4787 §5: the internal address for a datagram from `src` to our port, or undefined when filtered. */
  inbound(port: number, src: Addr): Addr | undefined {
    const b = this.byPort.get(port);
    if (b === undefined) return undefined;
    if (this.filtering === 'address-dependent' && !b.contacted.has(src.address)) return undefined;
    if (this.filtering === 'address-and-port-dependent' && !b.contacted.has(key(src))) return undefined;
    return b.internal;
  }
}

/** What receives datagrams at one address. */
type Receiver = (data: Uint8Array, from: Addr) => void;

export interface Packet {
  readonly from: Addr;
  readonly to: Addr;
  readonly data: Uint8Array;
}

interface Scheduled {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
}

/** Anything with a clock the network drives. */
interface Driven {
  pollTimeout(): number | undefined;
  handleTimeout(now: number): void;
  flush(): void;
}

export interface TimedEvent {
  readonly at: number;
  readonly event: IceEvent;
}

/** One ICE agent on the network, with sockets on one or more host addresses. */
export class AgentNode implements Driven {
  readonly agent: IceAgent;
  readonly events: TimedEvent[] = [];
  readonly data: { at: number; data: Uint8Array }[] = [];
  readonly listeners: ((e: IceEvent, at: number) => void)[] = [];
  private readonly sockets = new Map<number, { local: Addr; nat: VirtualNat | undefined }>();
  private nextSocket = 1;

  constructor(
    readonly net: VirtualNetwork,
    readonly name: string,
    options: IceAgentOptions,
  ) {
    this.agent = new IceAgent(options);
  }

  get state(): IceConnectionState {
    return this.agent.connectionState;
  }

  get gathering(): IceGatheringState {
    return this.agent.gatheringState;
  }

  /** Binds a UDP socket on `ip` (behind `nat` if given) and registers it with the agent. */
  bind(ip: string, port?: number, extra: Partial<LocalSocket> = {}): LocalSocket {
    const nat = this.net.natOf(ip);
    const local = addr(ip, port ?? this.net.freePort(ip));
    const id = this.nextSocket++;
    this.sockets.set(id, { local, nat });
    this.net.listen(local, (data, from) => this.input(id, from, data));
    const socket: LocalSocket = { id, kind: 'udp', address: local, ...extra };
    this.agent.addSocket(socket, this.net.now);
    this.flush();
    return socket;
  }

  /**
   * A TCP (or TLS) connection to a TURN server, registered as a 'turn-stream' socket. The stream
   * is reliable and ordered; what the server sends comes back cut into chunks at random points
   * (ChannelData padded to 4 bytes, RFC 8656 §12.5) so the TurnClient's framing is exercised.
   */
  bindStream(ip: string, server: Addr, extra: Partial<LocalSocket> = {}): LocalSocket {
    const local = addr(ip, this.net.freePort(ip));
    const id = this.nextSocket++;
    this.sockets.set(id, { local, nat: undefined });
    this.net.listenStream(local, (data) => {
      let chunk = data;
      if (chunk.length >= 4 && ((chunk[0] as number) & 0xc0) === 0x40 && chunk.length % 4 !== 0) {
        const padded = new Uint8Array((chunk.length + 3) & ~3);
        padded.set(chunk);
        chunk = padded;
      }
      // Cut into up to three pieces.
      const cuts = [
        0,
        Math.floor(this.net.random() * chunk.length),
        Math.floor(this.net.random() * chunk.length),
        chunk.length,
      ].sort((x, y) => x - y);
      for (let i = 0; i + 1 < cuts.length; i++) {
        const piece = chunk.subarray(cuts[i] as number, cuts[i + 1] as number);
        if (piece.length > 0) this.input(id, server, piece);
      }
    });
    const socket: LocalSocket = { id, kind: 'turn-stream', address: server, ...extra };
    this.agent.addSocket(socket, this.net.now);
    this.flush();
    return socket;
  }

  /** Every socket bound; gathering may complete. */
  endOfSockets(): void {
    this.agent.endOfLocalSockets(this.net.now);
    this.flush();
  }

  input(socketId: number, from: Addr, data: Uint8Array): void {
    this.agent.handleInput(socketId, from, data, this.net.now);
    this.flush();
  }

  /** Runs `fn` against the agent now and moves what it produced onto the network. */
  act(fn: (agent: IceAgent, now: number) => void): void {
    fn(this.agent, this.net.now);
    this.flush();
  }

  send(data: Uint8Array): boolean {
    const ok = this.agent.send(data, this.net.now);
    this.flush();
    return ok;
  }

  pollTimeout(): number | undefined {
    return this.agent.pollTimeout();
  }

  handleTimeout(now: number): void {
    this.agent.handleTimeout(now);
    this.flush();
  }

  flush(): void {
    for (let t = this.agent.pollTransmit(); t !== undefined; t = this.agent.pollTransmit()) {
      const s = this.sockets.get(t.socketId);
      if (s === undefined) throw new Error(`transmit on unknown socket ${t.socketId}`);
      this.net.send(s.local, t.destination, t.data);
    }
    for (let e = this.agent.pollEvent(); e !== undefined; e = this.agent.pollEvent()) {
      const at = this.net.now;
      if (e.type === 'data') this.data.push({ at, data: e.data.slice() });
      else this.events.push({ at, event: e });
      for (const l of this.listeners) l(e, at);
    }
  }

  /** Events of one type, in order. */
  eventsOf<T extends IceEvent['type']>(type: T): (Extract<IceEvent, { type: T }> & { at: number })[] {
    return this.events
      .filter((e) => e.event.type === type)
      .map((e) => ({ ...(e.event as Extract<IceEvent, { type: T }>), at: e.at }));
  }

  /** Connection states in order (with times). */
  states(): { state: IceConnectionState; at: number }[] {
    return this.eventsOf('connection-state').map((e) => ({ state: e.state, at: e.at }));
  }

  candidates(): IceCandidate[] {
    return this.eventsOf('candidate').map((e) => e.candidate);
  }
}

/** A STUN Binding server (RFC 8489) at one public address. */
export class StunServerNode {
  readonly server = new StunBindingServer();
  constructor(
    readonly net: VirtualNetwork,
    readonly address: Addr,
  ) {
    net.listen(address, (data, from) => {
      const response = this.server.handle(data, from);
      if (response !== undefined) net.send(address, from, response);
    });
  }
}

/** The sans-IO TURN server core at one public address; relay sockets are bound on the same IP. */
export class TurnServerNode implements Driven {
  readonly server: TurnServer;
  private readonly relays = new Map<number, Addr>();

  constructor(
    readonly net: VirtualNetwork,
    readonly address: Addr,
    options: TurnServerOptions,
  ) {
    this.server = new TurnServer(options);
    net.listen(address, (data, from) => {
      this.server.handleClientInput(data, from, net.now);
      this.flush();
    });
  }

  pollTimeout(): number | undefined {
    return this.server.pollTimeout();
  }

  handleTimeout(now: number): void {
    this.server.handleTimeout(now);
    this.flush();
  }

  flush(): void {
    for (;;) {
      const e = this.server.pollEvent();
      if (e !== undefined) {
        if (e.type === 'open-relay') {
          // io.ts handshake: bind a socket, then relayOpened (false: the core gave up, close it).
          const relayed = addr(this.address.address, this.net.freePort(this.address.address));
          const relayId = e.relayId;
          this.relays.set(relayId, relayed);
          this.net.listen(relayed, (data, from) => {
            this.server.handlePeerInput(relayId, data, from, this.net.now);
            this.flush();
          });
          if (!this.server.relayOpened(relayId, relayed, this.net.now)) this.closeRelay(relayId);
        } else {
          this.closeRelay(e.relayId);
        }
        continue;
      }
      const t = this.server.pollTransmit();
      if (t === undefined) return;
      const from = t.via === 'listen' ? this.address : this.relays.get(t.via);
      if (from !== undefined) this.net.send(from, t.destination, t.data);
    }
  }

  private closeRelay(relayId: number): void {
    const a = this.relays.get(relayId);
    if (a !== undefined) this.net.unlisten(a);
    this.relays.delete(relayId);
  }
}

export interface NetworkOptions extends LinkConditions {
  readonly seed?: number;
}

export class VirtualNetwork {
  now = 0;
  conditions: Required<LinkConditions>;
  /** Return false to drop a datagram (partitions, black holes); runs after NAT translation. */
  filter: ((p: Packet) => boolean) | undefined;
  /** Every datagram put on the wire (after translation), for assertions. */
  readonly trace: Packet[] = [];
  traceEnabled = false;
  readonly random: () => number;
  private readonly receivers = new Map<string, Receiver>();
  /** IP -> the NAT it lives behind (undefined: public). */
  private readonly realms = new Map<string, VirtualNat | undefined>();
  private readonly nats = new Map<string, VirtualNat>();
  private readonly driven: Driven[] = [];
  private readonly queue: Scheduled[] = [];
  private seq = 0;
  private readonly ports = new Map<string, number>();
  private readonly streams = new Set<string>();

  constructor(options: NetworkOptions = {}) {
    this.random = seededRandom(options.seed ?? 1);
    this.conditions = {
      delay: options.delay ?? 5,
      jitter: options.jitter ?? 0,
      loss: options.loss ?? 0,
      duplicate: options.duplicate ?? 0,
    };
  }

  // --- topology ----------------------------------------------------------------------------

  addNat(options: NatOptions): VirtualNat {
    const nat = new VirtualNat(options);
    this.nats.set(nat.publicIp, nat);
    this.realms.set(nat.publicIp, undefined);
    return nat;
  }

  /** Declares a host IP: public, or private behind `nat`. */
  host(ip: string, nat?: VirtualNat): string {
    this.realms.set(canon(ip), nat);
    return ip;
  }

  natOf(ip: string): VirtualNat | undefined {
    if (!this.realms.has(canon(ip))) this.realms.set(canon(ip), undefined);
    return this.realms.get(canon(ip));
  }

  freePort(ip: string): number {
    const p = (this.ports.get(ip) ?? 50000) + 1;
    this.ports.set(ip, p);
    return p;
  }

  listen(address: Addr, receiver: Receiver): void {
    if (!this.realms.has(canon(address.address))) this.realms.set(canon(address.address), undefined);
    this.receivers.set(key(address), receiver);
  }

  /** A stream endpoint: datagrams to and from it are reliable and ordered (no loss, no jitter). */
  listenStream(address: Addr, receiver: Receiver): void {
    this.listen(address, receiver);
    this.streams.add(key(address));
  }

  unlisten(address: Addr): void {
    this.receivers.delete(key(address));
  }

  addAgent(name: string, options: IceAgentOptions): AgentNode {
    const node = new AgentNode(this, name, options);
    this.driven.push(node);
    return node;
  }

  addStunServer(ip: string, port = 3478): StunServerNode {
    this.host(ip);
    return new StunServerNode(this, addr(ip, port));
  }

  addTurnServer(ip: string, options: TurnServerOptions, port = 3478): TurnServerNode {
    this.host(ip);
    const node = new TurnServerNode(this, addr(ip, port), options);
    this.driven.push(node);
    return node;
  }

  // --- datagrams ---------------------------------------------------------------------------

  /** Puts a datagram from `from` (a socket's own address) on the wire towards `to`. */
  send(from: Addr, to: Addr, data: Uint8Array): void {
    const bytes = data.slice();
    const senderNat = this.realms.get(canon(from.address));
    const destNat = this.nats.get(to.address);
    if (destNat === undefined && !this.realms.has(canon(to.address))) return; // nobody there
    // The realm of the destination IP: a NAT's public IP is public.
    const destRealm = destNat !== undefined ? undefined : this.realms.get(canon(to.address));
    let src = from;
    if (senderNat !== undefined && destRealm === senderNat) {
      // inside one private network: straight through
    } else {
      if (destRealm !== undefined) return; // a private address of another network: unroutable
      if (senderNat !== undefined) src = senderNat.outbound(from, to);
    }
    const packet: Packet = { from: src, to, data: bytes };
    if (this.filter !== undefined && !this.filter(packet)) return;
    if (this.traceEnabled) this.trace.push(packet);
    const c = this.conditions;
    if (this.streams.has(key(from)) || this.streams.has(key(to))) {
      this.schedule(this.now + c.delay, () => this.deliver(packet));
      return;
    }
    if (this.random() < c.loss) return;
    const copies = this.random() < c.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const at = this.now + c.delay + (c.jitter > 0 ? this.random() * c.jitter : 0);
      this.schedule(at, () => this.deliver(packet));
    }
  }

  private deliver(p: Packet): void {
    let to: Addr | undefined = p.to;
    const nat = this.nats.get(p.to.address);
    if (nat !== undefined) to = nat.inbound(p.to.port, p.from);
    if (to === undefined) return;
    this.receivers.get(key(to))?.(p.data, p.from);
  }

  // --- clock -------------------------------------------------------------------------------

  schedule(at: number, run: () => void): void {
    const item: Scheduled = { at, seq: this.seq++, run };
    // Binary insertion keeps the queue ordered by (at, seq).
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const q = this.queue[mid] as Scheduled;
      if (q.at < at || (q.at === at && q.seq < item.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, item);
  }

  /** Runs `fn` after `delay` ms of virtual time. */
  after(delay: number, fn: () => void): void {
    this.schedule(this.now + delay, fn);
  }

  private nextTime(): number | undefined {
    let next = this.queue[0]?.at;
    for (const d of this.driven) {
      const t = d.pollTimeout();
      if (t !== undefined && (next === undefined || t < next)) next = t;
    }
    return next;
  }

  /** Advances to the next thing that happens, if it is not after `limit`. False when idle or past the limit. */
  step(limit: number): boolean {
    const next = this.nextTime();
    if (next === undefined || next > limit) return false;
    this.now = Math.max(this.now, next);
    while (this.queue.length > 0 && (this.queue[0] as Scheduled).at <= this.now) {
      (this.queue.shift() as Scheduled).run();
    }
    for (const d of this.driven) {
      const t = d.pollTimeout();
      if (t !== undefined && t <= this.now) d.handleTimeout(this.now);
    }
    return true;
  }

  /** Runs for `duration` ms of virtual time. */
  run(duration: number): void {
    const limit = this.now + duration;
    let guard = 0;
    while (this.step(limit)) {
      if (++guard > 5_000_000) throw new Error('virtual network: too many steps (a busy loop?)');
    }
    this.now = Math.max(this.now, limit);
  }

  /** Runs until `done()` holds (checked after every step), at most `maxDuration` ms. Returns whether it held. */
  runUntil(done: () => boolean, maxDuration = 60_000): boolean {
    const limit = this.now + maxDuration;
    let guard = 0;
    while (!done()) {
      if (!this.step(limit)) {
        this.now = Math.max(this.now, limit);
        return done();
      }
      if (++guard > 5_000_000) throw new Error('virtual network: too many steps (a busy loop?)');
    }
    return true;
  }
}

// --- signalling ------------------------------------------------------------------------------

export interface SignalOptions {
  /** One-way signalling delay, ms (default 20). */
  readonly delay?: number;
  /** Forward candidates as they are gathered (default true); false: all at once when gathering completes. */
  readonly trickle?: boolean;
  /** Which candidates to forward (default all). */
  readonly filter?: (c: IceCandidate) => boolean;
  /** Forward end-of-candidates when gathering completes (default true). */
  readonly endOfCandidates?: boolean;
}

/**
 * Forwards `from`'s candidates to `to` through a signalling channel with a delay, as text (serialize
 * then parse, as SDP or a trickle message would carry them).
 */
export function forwardCandidates(
  net: VirtualNetwork,
  from: AgentNode,
  to: AgentNode,
  options: SignalOptions = {},
): void {
  const delay = options.delay ?? 20;
  const trickle = options.trickle ?? true;
  const held: IceCandidate[] = [];
  const deliver = (c: IceCandidate) => {
    const copy = parseCandidate(serializeCandidate(c));
    net.after(delay, () => to.act((a, now) => a.addRemoteCandidate(copy, now)));
  };
  const onEvent = (e: IceEvent) => {
    if (e.type === 'candidate') {
      if (options.filter !== undefined && !options.filter(e.candidate)) return;
      if (trickle) deliver(e.candidate);
      else held.push(e.candidate);
    } else if (e.type === 'gathering-state' && e.state === 'complete') {
      for (const c of held.splice(0)) deliver(c);
      if (options.endOfCandidates ?? true)
        net.after(delay, () => to.act((a, now) => a.endOfRemoteCandidates(now)));
    }
  };
  from.listeners.push(onEvent);
  // Whatever was gathered before the forwarding began.
  for (const e of from.events) onEvent(e.event);
}

/** Hands each agent the other's credentials after `delay` ms. */
export function exchangeCredentials(net: VirtualNetwork, a: AgentNode, b: AgentNode, delay = 20): void {
  const ca = a.agent.localCredentials;
  const cb = b.agent.localCredentials;
  net.after(delay, () => b.act((x, now) => x.setRemoteCredentials(ca, now, { lite: a.agent.isLite })));
  net.after(delay, () => a.act((x, now) => x.setRemoteCredentials(cb, now, { lite: b.agent.isLite })));
}

/** Both directions of candidates and credentials. */
export function signal(net: VirtualNetwork, a: AgentNode, b: AgentNode, options: SignalOptions = {}): void {
  forwardCandidates(net, a, b, options);
  forwardCandidates(net, b, a, options);
  exchangeCredentials(net, a, b, options.delay ?? 20);
}

/** Both agents selected a pair and are connected or completed. */
export function bothConnected(a: AgentNode, b: AgentNode): boolean {
  const ok = (s: IceConnectionState) => s === 'connected' || s === 'completed';
  return (
    ok(a.state) && ok(b.state) && a.agent.selectedPair !== undefined && b.agent.selectedPair !== undefined
  );
}
