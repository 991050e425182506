/**
 * Typed parent side of netns-worker.ts: a worker process inside one namespace of a NatTopology.
 *
 * ```ts
 * const a = await net.worker('a');
 * const sock = await a.bind();
 * const { mapped } = await a.stunBinding(sock, stun1);
 * await a.send(sock, peer, 'hello');
 * const got = await a.nextUdp(sock, (d) => d.text === 'pong');
 * ```
 */
import type { JsonChild, JsonMessage } from './json-child.js';

export interface Address {
  readonly address: string;
  readonly port: number;
}

/** A UDP socket of the worker: its handle and where it is bound. */
export interface WorkerSocket extends Address {
  readonly socket: number;
}

export interface Datagram {
  readonly socket: number;
  readonly from: Address;
  readonly text: string;
  /** True for a STUN message (then `text` is empty). */
  readonly stun: boolean;
}

export interface WorkerAllocation {
  readonly turn: number;
  readonly relayed: Address;
  readonly mapped: Address | null;
  /** The worker's local address of the allocation's UDP socket. */
  readonly local: Address;
}

export interface TurnData {
  readonly turn: number;
  readonly from: Address;
  readonly text: string;
}

export class NetnsWorker {
  constructor(
    readonly child: JsonChild,
    readonly namespace: string,
  ) {}

  /** A UDP socket on `address` (default 0.0.0.0) and `port` (default any). */
  bind(address?: string, port?: number): Promise<WorkerSocket> {
    return this.child.call('udp-bind', { address, port });
  }

  send(socket: WorkerSocket, to: Address, text: string): Promise<void> {
    return this.child.call('udp-send', { socket: socket.socket, address: to.address, port: to.port, text });
  }

  closeSocket(socket: WorkerSocket): Promise<void> {
    return this.child.call('udp-close', { socket: socket.socket });
  }

  /** A STUN Binding request to `server`, from `socket` (or a fresh socket): the mapped address. */
  async stunBinding(
    socket: WorkerSocket | undefined,
    server: Address,
    timeoutMs = 10_000,
  ): Promise<{ mapped: Address; local: Address }> {
    return this.child.call(
      'stun-binding',
      { socket: socket?.socket, address: server.address, port: server.port },
      timeoutMs,
    );
  }

  /** Starts a @purertc/stun Binding server in this worker's namespace. */
  stunServer(address: string, port = 0): Promise<Address> {
    return this.child.call('stun-server', { address, port });
  }

  /** A TURN allocation over UDP, sent from `socket` when given. */
  turnAllocate(
    server: Address,
    credentials: { username: string; password: string },
    socket?: WorkerSocket,
    timeoutMs = 10_000,
  ): Promise<WorkerAllocation> {
    return this.child.call(
      'turn-allocate',
      { address: server.address, port: server.port, ...credentials, socket: socket?.socket },
      timeoutMs,
    );
  }

  turnPermission(allocation: WorkerAllocation, peer: { address: string; port?: number }): Promise<void> {
    return this.child.call('turn-permission', { turn: allocation.turn, ...peer });
  }

  turnChannel(allocation: WorkerAllocation, peer: Address): Promise<number> {
    return this.child.call('turn-channel', { turn: allocation.turn, ...peer });
  }

  turnSend(allocation: WorkerAllocation, peer: Address, text: string): Promise<void> {
    return this.child.call('turn-send', {
      turn: allocation.turn,
      address: peer.address,
      port: peer.port,
      text,
    });
  }

  turnClose(allocation: WorkerAllocation): Promise<void> {
    return this.child.call('turn-close', { turn: allocation.turn });
  }

  /** Closes every socket, allocation and server of the worker; the process stays up. */
  reset(): Promise<void> {
    return this.child.call('reset');
  }

  /** The next datagram on `socket` that matches (queued ones first). */
  nextUdp(
    socket: WorkerSocket,
    predicate: (d: Datagram) => boolean = () => true,
    timeoutMs?: number,
  ): Promise<Datagram> {
    return this.child.next<JsonMessage & Datagram>(
      (m) => m['event'] === 'udp' && m['socket'] === socket.socket && predicate(m as unknown as Datagram),
      timeoutMs,
      `datagram on socket ${socket.socket} (${socket.address}:${socket.port})`,
    );
  }

  /** Datagrams on `socket` received so far and not yet taken, removed from the queue. */
  receivedUdp(socket: WorkerSocket): Datagram[] {
    return this.child.drain(
      (m) => m['event'] === 'udp' && m['socket'] === socket.socket,
    ) as unknown as Datagram[];
  }

  /** The next data that arrived through a TURN allocation and matches. */
  nextTurnData(
    allocation: WorkerAllocation,
    predicate: (d: TurnData) => boolean = () => true,
    timeoutMs?: number,
  ): Promise<TurnData> {
    return this.child.next<JsonMessage & TurnData>(
      (m) =>
        m['event'] === 'turn-data' && m['turn'] === allocation.turn && predicate(m as unknown as TurnData),
      timeoutMs,
      `TURN data on allocation ${allocation.turn}`,
    );
  }

  close(): Promise<void> {
    return this.child.close();
  }
}
