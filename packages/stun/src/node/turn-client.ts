/**
 * The sans-IO TurnClient (../turn/client.ts) on real sockets and timers: `connectTurn()` opens
 * UDP, TCP or TLS to the server and returns a {@link TurnConnection} whose commands return
 * promises. Incoming data is delivered to listeners registered with `on()`:
 *
 * ```ts
 * const turn = await connectTurn({ server: { host: 'turn.example', port: 3478 }, transport: 'udp',
 *   username: 'u', password: 'p' });
 * const { relayed } = await turn.allocate();
 * turn.on('data', (peer, data) => console.log(peer, data));
 * await turn.createPermission({ address: '198.51.100.7', port: 5000 });
 * await turn.send({ address: '198.51.100.7', port: 5000 }, bytes);
 * await turn.close();
 * ```
 *
 * `on(event, listener)` returns a function that removes the listener. Unlike EventEmitter, an
 * 'error' with no listener is not thrown: failures of the commands reject their promises, and
 * 'error' only reports what failed on its own (a refresh by timer).
 */
import type { Socket as UdpSocket } from 'node:dgram';
import type { ConnectionOptions } from 'node:tls';
import type { TransportAddress } from '../address.js';
import { TurnError } from '../errors.js';
import type { AllocationState } from '../turn/allocation.js';
import { TurnClient, type TurnClientOptions, type TurnClientStats, type TurnEvent } from '../turn/client.js';
import type { PeerAddress } from '../turn/peer.js';
import { now, TimerDriver } from './timer.js';
import { openTurnSocket, type TurnSocket, type TurnTransport } from './turn-socket.js';

export interface ConnectTurnOptions extends Omit<TurnClientOptions, 'server' | 'reliable'> {
  /** The TURN server; `host` may be a name (resolved once) or an IP literal. */
  readonly server: { readonly host: string; readonly port: number };
  /** Default 'udp'. 'tls' is the `turns:` scheme. */
  readonly transport?: TurnTransport;
  /** UDP only: send from this bound socket, which `close()` leaves open. */
  readonly socket?: UdpSocket;
  /** TCP/TLS: connection timeout in ms (default 10 000). */
  readonly connectTimeout?: number;
  /** TLS: trust anchors for the server certificate (default: Node's bundled CAs). */
  readonly ca?: ConnectionOptions['ca'];
  /** TLS: set false to accept any certificate (tests with throwaway certificates only). */
  readonly rejectUnauthorized?: boolean;
  /** TLS: SNI and the name to check the certificate against (default: `host` unless an IP). */
  readonly servername?: string;
  /** TLS: anything else node:tls `connect` takes. */
  readonly tls?: ConnectionOptions;
}

export interface TurnAllocation {
  readonly relayed: TransportAddress;
  readonly mapped: TransportAddress | undefined;
  /** Seconds. */
  readonly lifetime: number;
  readonly reservationToken: Uint8Array | undefined;
}

export interface TurnConnectionEvents {
  /** Data a peer sent to our relayed address, on a channel or in a Data indication. */
  data: (peer: TransportAddress, data: Uint8Array, via: 'channel' | 'indication') => void;
  /** Something failed without a command waiting for it: a refresh by timer. */
  error: (error: Error) => void;
  /** The allocation is over: `error` is undefined after `close()`. */
  closed: (error: Error | undefined) => void;
}

interface Waiter {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class TurnConnection {
  /** The sans-IO engine, for its counters and state. */
  readonly core: TurnClient;
  private readonly driver: TimerDriver;
  private readonly waiters = new Map<number, Waiter>();
  private readonly closeWaiters: Array<() => void> = [];
  private readonly listeners: { [K in keyof TurnConnectionEvents]: Set<TurnConnectionEvents[K]> } = {
    data: new Set(),
    error: new Set(),
    closed: new Set(),
  };
  private socketClosed: Promise<void> | undefined;

  constructor(
    private readonly socket: TurnSocket,
    options: Omit<TurnClientOptions, 'server' | 'reliable'>,
  ) {
    this.core = new TurnClient({ ...options, server: socket.remote, reliable: socket.reliable });
    this.driver = new TimerDriver(
      () => this.core.pollTimeout(),
      (t) => {
        this.core.handleTimeout(t);
        this.flush(false);
      },
    );
    socket.onData((bytes, from) => {
      this.core.handleInput(bytes, now(), from);
      this.flush(false);
    });
    socket.onClose(() => {
      this.core.transportClosed(now());
      this.flush(false);
    });
  }

  get transport(): TurnTransport {
    return this.socket.transport;
  }
  /** Our end of the connection to the server. */
  get local(): TransportAddress {
    return this.socket.local;
  }
  get server(): TransportAddress {
    return this.socket.remote;
  }
  get state(): AllocationState {
    return this.core.state;
  }
  get relayed(): TransportAddress | undefined {
    return this.core.relayed;
  }
  get mapped(): TransportAddress | undefined {
    return this.core.mapped;
  }
  /** Seconds, as last granted. */
  get lifetime(): number {
    return this.core.lifetime;
  }
  get stats(): Readonly<TurnClientStats> {
    return this.core.stats;
  }

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof TurnConnectionEvents>(event: K, listener: TurnConnectionEvents[K]): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  /** Allocates a relayed address (RFC 8656 §7); rejects with StunErrorResponse, StunTimeoutError or TurnError. */
  allocate(): Promise<TurnAllocation> {
    return this.command(() => this.core.allocate(now()));
  }

  /** Refreshes now (the timer also does); resolves with the granted lifetime in seconds. */
  refresh(lifetime?: number): Promise<number> {
    return this.command(() => this.core.refresh(now(), lifetime));
  }

  /** Installs permissions for these peers' IPs, kept refreshed until `forgetPermission`. */
  createPermission(peers: PeerAddress | readonly PeerAddress[]): Promise<void> {
    return this.command(() => this.core.createPermission(peers, now()));
  }

  forgetPermission(peers: PeerAddress | readonly PeerAddress[]): void {
    this.core.forgetPermission(peers);
  }

  /** Binds a channel to the peer (and a permission for its IP); resolves with the channel number. */
  bindChannel(peer: PeerAddress): Promise<number> {
    return this.command(() => this.core.bindChannel(peer, now()));
  }

  /**
   * Sends to a peer through the relay (ChannelData when a channel is bound, else a Send
   * indication). Resolves once the bytes are with the kernel: over TCP/TLS, once the socket's
   * buffer has drained below its high-water mark, so awaiting it is backpressure.
   */
  send(peer: PeerAddress, data: Uint8Array): Promise<void> {
    try {
      this.core.send(peer, data, now());
    } catch (err) {
      return Promise.reject(err);
    }
    return this.flush(true);
  }

  /** Deletes the allocation (Refresh with LIFETIME 0) and closes the socket. Idempotent. */
  async close(): Promise<void> {
    if (this.core.state !== 'closed') {
      const closed = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
      this.core.close(now());
      this.flush(false);
      await closed;
    }
    await this.releaseSocket();
  }

  private command<T>(start: () => number): Promise<T> {
    let id: number;
    try {
      id = start();
    } catch (err) {
      return Promise.reject(err);
    }
    const promise = new Promise<T>((resolve, reject) => {
      this.waiters.set(id, { resolve: resolve as (value: unknown) => void, reject });
    });
    this.flush(false);
    return promise;
  }

  /** Writes what the engine wants sent, delivers its events and re-arms the timer. */
  private flush(track: boolean): Promise<void> {
    const writes: Promise<void>[] = [];
    for (let t = this.core.pollTransmit(); t !== undefined; t = this.core.pollTransmit()) {
      const w = this.socket.write(t.data, track);
      if (w !== undefined) writes.push(w);
    }
    for (let e = this.core.pollEvent(); e !== undefined; e = this.core.pollEvent()) this.dispatch(e);
    this.driver.schedule();
    if (!track) return Promise.resolve();
    return Promise.all(writes).then(() => undefined);
  }

  private dispatch(e: TurnEvent): void {
    switch (e.type) {
      case 'data':
        for (const l of this.listeners.data) guarded(() => l(e.peer, e.data, e.via));
        return;
      case 'allocated':
        this.settle(e.id, undefined, {
          relayed: e.relayed,
          mapped: e.mapped,
          lifetime: e.lifetime,
          reservationToken: e.reservationToken,
        } satisfies TurnAllocation);
        return;
      case 'allocation-failed':
        this.settle(e.id, e.error);
        return;
      case 'refreshed':
        this.settle(e.id, undefined, e.lifetime);
        return;
      case 'permission-created':
        this.settle(e.id, undefined, undefined);
        return;
      case 'channel-bound':
        this.settle(e.id, undefined, e.channel);
        return;
      case 'error':
        if (!this.settle(e.id, e.error)) {
          for (const l of this.listeners.error) guarded(() => l(e.error));
        }
        return;
      case 'closed': {
        this.driver.stop();
        const error = e.error ?? new TurnError('CLOSED', 'the TURN client was closed');
        for (const [id] of this.waiters) this.settle(id, error);
        for (const resolve of this.closeWaiters.splice(0)) resolve();
        for (const l of this.listeners.closed) guarded(() => l(e.error));
        void this.releaseSocket();
        return;
      }
    }
  }

  /** Settles the promise of command `id`; false when none waits for it. */
  private settle(id: number, error: Error | undefined, value?: unknown): boolean {
    const w = this.waiters.get(id);
    if (w === undefined) return false;
    this.waiters.delete(id);
    if (error !== undefined) w.reject(error);
    else w.resolve(value);
    return true;
  }

  private releaseSocket(): Promise<void> {
    this.socketClosed ??= this.socket.close();
    return this.socketClosed;
  }
}

/** Opens the transport to the TURN server; `allocate()` next. */
export async function connectTurn(options: ConnectTurnOptions): Promise<TurnConnection> {
  const {
    server,
    transport = 'udp',
    socket,
    connectTimeout,
    ca,
    rejectUnauthorized,
    servername,
    tls,
    ...client
  } = options;
  if (socket !== undefined && transport !== 'udp') throw new RangeError('`socket` is for the udp transport');
  const tlsOptions: ConnectionOptions = { ...tls };
  if (ca !== undefined) tlsOptions.ca = ca;
  if (rejectUnauthorized !== undefined) tlsOptions.rejectUnauthorized = rejectUnauthorized;
  if (servername !== undefined) tlsOptions.servername = servername;
  const turnSocket = await openTurnSocket({
    host: server.host,
    port: server.port,
    transport,
    ...(socket !== undefined ? { socket } : {}),
    ...(connectTimeout !== undefined ? { connectTimeout } : {}),
    tls: tlsOptions,
  });
  return new TurnConnection(turnSocket, client);
}

/** A listener that throws must not break the engine's flush: rethrow it outside. */
function guarded(call: () => void): void {
  try {
    call();
  } catch (err) {
    queueMicrotask(() => {
      throw err;
    });
  }
}
