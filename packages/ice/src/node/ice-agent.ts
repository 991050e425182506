/**
 * The sans-IO IceAgent (../agent/agent.ts) on real sockets: one node:dgram socket per host
 * address (RFC 8445 §5.1.1.1: a host candidate per interface address), TCP/TLS streams to TURN
 * servers reached that way, DNS for server names, mDNS for `.local` remote candidates and, when
 * asked, for hiding our own host addresses, and one timer for the agent's next deadline.
 *
 *   const agent = new NodeIceAgent({ role: 'controlling', iceServers: [{ urls: 'stun:stun.example.org' }] });
 *   agent.on('candidate', (c) => signal(c === null ? null : serializeCandidate(c)));
 *   agent.on('state', (s) => console.log('ice', s));
 *   agent.on('data', (bytes) => ...);
 *   await agent.gather();
 *   agent.setRemoteCredentials(remote);  agent.addRemoteCandidate(line);
 *   agent.send(bytes);
 */
import type { Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import {
  bindUdp,
  closeUdp,
  fromRinfo,
  localAddress,
  now,
  openTurnSocket,
  TimerDriver,
  type TurnSocket,
} from '@purertc/stun';
import { IceAgent } from '../agent/agent.js';
import type {
  CandidatePairInfo,
  IceAgentOptions,
  IceConnectionState,
  IceCredentials,
  IceGatheringState,
  IceRole,
  IceServer,
  RemoteCredentialOptions,
} from '../agent/types.js';
import { type IceCandidate, isMdnsName, parseCandidate } from '../candidate.js';
import { parseServerUrl } from '../server-url.js';
import { type HostAddressOptions, hostAddresses } from './interfaces.js';
import { MdnsService } from './mdns.js';

/** RTCIceServer. */
export interface IceServerConfig {
  readonly urls: string | readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

export interface NodeIceAgentOptions extends Omit<IceAgentOptions, 'servers'> {
  readonly iceServers?: readonly IceServerConfig[];
  /** Which host addresses to gather on (see interfaces.ts); default: non-loopback, or loopback when alone. */
  readonly hostAddresses?: HostAddressOptions;
  /** Hide host addresses behind random `.local` names, answering mDNS queries for them (default false). */
  readonly mdnsHostNames?: boolean;
  /** Resolve remote `.local` candidates over mDNS (default true). */
  readonly resolveMdns?: boolean;
  /** TLS options for `turns:` servers (`ca`, `rejectUnauthorized`, ...). */
  readonly tls?: ConnectionOptions;
}

export interface NodeIceAgentEvents {
  /** A local candidate to signal; `null` once gathering is complete (as RTCPeerConnection does). */
  candidate: (candidate: IceCandidate | null) => void;
  'gathering-state': (state: IceGatheringState) => void;
  state: (state: IceConnectionState) => void;
  'selected-pair': (pair: CandidatePairInfo) => void;
  'role-changed': (role: IceRole) => void;
  'candidate-error': (error: {
    url: string;
    address: string | undefined;
    port: number | undefined;
    errorCode: number;
    errorText: string;
  }) => void;
  /** A datagram that is not STUN (DTLS, RTP/RTCP), from the peer on a valid pair. */
  data: (data: Uint8Array, pair: CandidatePairInfo) => void;
}

/** How long close() waits for its final datagrams to leave (they normally take well under 1 ms). */
const FINAL_SEND_WAIT = 200;

type Listeners = { [K in keyof NodeIceAgentEvents]?: Set<NodeIceAgentEvents[K]> };

/** Resolves server URLs to the IceServer entries the sans-IO agent takes (names via DNS). */
export async function resolveIceServers(configs: readonly IceServerConfig[]): Promise<IceServer[]> {
  const out: IceServer[] = [];
  for (const config of configs) {
    for (const url of typeof config.urls === 'string' ? [config.urls] : config.urls) {
      const parsed = parseServerUrl(url);
      const address = isIP(parsed.host) ? parsed.host : (await lookup(parsed.host)).address;
      const kind = parsed.scheme.startsWith('turn') ? 'turn' : 'stun';
      out.push({
        kind,
        address,
        port: parsed.port,
        transport: parsed.transport,
        username: config.username,
        credential: config.credential,
        url,
      });
    }
  }
  return out;
}

export class NodeIceAgent {
  /** The sans-IO core, for its state, pairs and counters. */
  agent: IceAgent | undefined;
  /** A set per event once something listens to it: an idle agent with no listeners holds none. */
  private readonly listeners: Listeners = {};
  private readonly udp = new Map<number, Socket>();
  /** Streams to TCP/TLS TURN servers, created with the first one. */
  private streams: Map<number, TurnSocket> | undefined;
  private nextSocketId = 1;
  private driver: TimerDriver | undefined;
  private mdns: Promise<MdnsService> | undefined;
  private closed = false;
  /** While close() sends its final datagrams: their completions, awaited before the sockets close. */
  private finalSends: Promise<void>[] | undefined;
  /** Remote candidates that arrive before gather() has created the core. */
  private readonly early: Array<(core: IceAgent) => void> = [];

  constructor(private readonly options: NodeIceAgentOptions) {}

  on<K extends keyof NodeIceAgentEvents>(event: K, listener: NodeIceAgentEvents[K]): () => void {
    const listeners: { [P in K]?: Set<NodeIceAgentEvents[P]> } = this.listeners;
    let set = listeners[event];
    if (set === undefined) {
      set = new Set();
      listeners[event] = set;
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  private emit<K extends keyof NodeIceAgentEvents>(
    event: K,
    ...args: Parameters<NodeIceAgentEvents[K]>
  ): void {
    const set = this.listeners[event];
    if (set === undefined) return;
    for (const l of set) (l as (...a: Parameters<NodeIceAgentEvents[K]>) => void)(...args);
  }

  private core(): IceAgent {
    if (this.agent === undefined) throw new Error('gather() has not been called');
    return this.agent;
  }

  get localCredentials(): IceCredentials {
    return this.core().localCredentials;
  }

  get connectionState(): IceConnectionState {
    return this.agent?.connectionState ?? 'new';
  }

  /**
   * Creates the agent, binds a socket per host address, opens streams to TCP/TLS TURN servers
   * and starts gathering. Candidates then arrive as 'candidate' events (trickle, RFC 8838).
   */
  async gather(): Promise<void> {
    if (this.agent !== undefined) return;
    const servers = await resolveIceServers(this.options.iceServers ?? []);
    const core = new IceAgent({ ...this.options, servers });
    this.agent = core;
    this.driver = new TimerDriver(
      () => core.pollTimeout(),
      (t) => {
        core.handleTimeout(t);
        this.flush();
      },
    );
    for (const apply of this.early.splice(0)) apply(core);

    const hosts = hostAddresses(this.options.hostAddresses);
    const mdns = this.options.mdnsHostNames === true ? await this.mdnsService() : undefined;
    for (const host of hosts) {
      let socket: Socket;
      try {
        socket = await bindUdp(host.family, host.address);
      } catch {
        continue; // an address that vanished or cannot be bound: no candidate from it
      }
      const id = this.nextSocketId++;
      this.udp.set(id, socket);
      socket.on('message', (data, rinfo) => {
        // A plain view of node:dgram's Buffer: the layers above slice it into records and
        // chunks, and a Buffer's subarray goes through its species constructor each time.
        const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        core.handleInput(id, fromRinfo(rinfo), bytes, now());
        this.flush();
      });
      socket.on('error', () => {}); // ICMP errors surface here on some platforms; not fatal
      const address = localAddress(socket);
      core.addSocket(
        {
          id,
          kind: 'udp',
          address,
          interfaceIndex: host.interfaceIndex,
          mdnsName: mdns?.register(host.address),
        },
        now(),
      );
      this.flush();
    }
    for (const server of servers) {
      if (server.kind !== 'turn' || server.transport === 'udp' || server.transport === undefined) continue;
      try {
        const stream = await openTurnSocket({
          host: server.address,
          port: server.port,
          transport: server.transport,
          tls: this.options.tls,
        });
        const id = this.nextSocketId++;
        this.streams ??= new Map();
        this.streams.set(id, stream);
        stream.onData((bytes) => {
          core.handleInput(id, stream.remote, bytes, now());
          this.flush();
        });
        core.addSocket({ id, kind: 'turn-stream', address: stream.remote }, now());
      } catch (e) {
        this.emit('candidate-error', {
          url: server.url,
          address: undefined,
          port: undefined,
          errorCode: 701,
          errorText: (e as Error).message,
        });
      }
      this.flush();
    }
    core.endOfLocalSockets(now());
    this.flush();
  }

  setRemoteCredentials(credentials: IceCredentials, options?: RemoteCredentialOptions): void {
    this.whenReady((core) => core.setRemoteCredentials(credentials, now(), options));
  }

  /** A remote candidate as a line (`candidate:...`) or parsed; `.local` names are resolved first. */
  async addRemoteCandidate(candidate: IceCandidate | string): Promise<void> {
    let c = typeof candidate === 'string' ? parseCandidate(candidate) : candidate;
    if (isMdnsName(c.address)) {
      if (this.options.resolveMdns === false) return;
      try {
        const address = await (await this.mdnsService()).resolve(c.address);
        c = { ...c, address };
      } catch {
        return; // unresolvable names are dropped, as browsers do
      }
    }
    const resolved = c;
    this.whenReady((core) => core.addRemoteCandidate(resolved, now()));
  }

  endOfRemoteCandidates(): void {
    this.whenReady((core) => core.endOfRemoteCandidates(now()));
  }

  /** Sends on the selected pair; false when there is none yet. */
  send(data: Uint8Array): boolean {
    if (this.agent === undefined) return false;
    const ok = this.agent.send(data, now());
    this.flush();
    return ok;
  }

  /** ICE restart (RFC 8445 §9): new local credentials; data keeps flowing on the old pair meanwhile. */
  restart(credentials?: IceCredentials): IceCredentials {
    const core = this.core();
    core.restart(now(), credentials);
    this.flush();
    return core.localCredentials;
  }

  /**
   * Closes the agent and its sockets. `finalDatagrams` (a DTLS close_notify, an SCTP ABORT) go
   * out on the selected pair first, and the sockets close only once they are sent (at most
   * {@link FINAL_SEND_WAIT} ms): node:dgram sends asynchronously, so a socket closed in the same
   * tick drops them and the peer learns of our leaving only when consent expires.
   */
  async close(finalDatagrams: readonly Uint8Array[] = []): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const pending: Promise<void>[] = [];
    if (this.agent !== undefined && finalDatagrams.length > 0) {
      this.finalSends = pending;
      for (const d of finalDatagrams) this.agent.send(d, now());
      this.flush();
      this.finalSends = undefined;
    }
    this.agent?.close(now());
    this.flush();
    if (pending.length > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(pending),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, FINAL_SEND_WAIT);
        }),
      ]);
      clearTimeout(timer);
    }
    this.driver?.stop();
    await Promise.all([...this.udp.values()].map((s) => closeUdp(s)));
    if (this.streams !== undefined) await Promise.all([...this.streams.values()].map((s) => s.close()));
    if (this.mdns !== undefined) await (await this.mdns).close();
  }

  private whenReady(apply: (core: IceAgent) => void): void {
    if (this.closed) return;
    if (this.agent === undefined) {
      this.early.push(apply);
      return;
    }
    apply(this.agent);
    this.flush();
  }

  private mdnsService(): Promise<MdnsService> {
    this.mdns ??= MdnsService.open();
    return this.mdns;
  }

  /** Sends what the core queued, delivers its events, and re-arms the timer. */
  private flush(): void {
    const core = this.agent;
    if (core === undefined) return;
    for (let t = core.pollTransmit(); t !== undefined; t = core.pollTransmit()) {
      const udp = this.udp.get(t.socketId);
      if (udp !== undefined) {
        const finals = this.finalSends;
        if (finals === undefined) udp.send(t.data, t.destination.port, t.destination.address);
        else
          finals.push(
            new Promise<void>((resolve) =>
              udp.send(t.data, t.destination.port, t.destination.address, () => resolve()),
            ),
          );
      } else void this.streams?.get(t.socketId)?.write(t.data, false);
    }
    for (let e = core.pollEvent(); e !== undefined; e = core.pollEvent()) {
      switch (e.type) {
        case 'candidate':
          this.emit('candidate', e.candidate);
          break;
        case 'gathering-state':
          this.emit('gathering-state', e.state);
          if (e.state === 'complete') this.emit('candidate', null);
          break;
        case 'connection-state':
          this.emit('state', e.state);
          break;
        case 'selected-pair':
          this.emit('selected-pair', e.pair);
          break;
        case 'role-changed':
          this.emit('role-changed', e.role);
          break;
        case 'candidate-error':
          this.emit('candidate-error', {
            url: e.url,
            address: e.address,
            port: e.port,
            errorCode: e.errorCode,
            errorText: e.errorText,
          });
          break;
        case 'data':
          this.emit('data', e.data, e.pair);
          break;
      }
    }
    this.driver?.scheduleSoon();
  }
}
