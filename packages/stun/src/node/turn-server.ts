/**
 * The TURN server core of turn-server/ on real node:dgram sockets: one listening socket for
 * clients and one relay socket per allocation, opened and closed when the core asks (the
 * handshake is described in turn-server/io.ts). Enough to run a relay on a laptop or in tests
 * with nothing but Node installed.
 */
import type { Socket } from 'node:dgram';
import { addressFamily, type TransportAddress } from '../address.js';
import type { TurnServerOptions } from '../turn-server/options.js';
import { TurnServer } from '../turn-server/server.js';
import { now, TimerDriver } from './timer.js';
import { bindUdp, closeUdp, fromRinfo, localAddress } from './udp.js';

export interface StartTurnServerOptions extends Omit<TurnServerOptions, 'relayFamily'> {
  /** Address to listen on for clients (default 127.0.0.1). */
  readonly address?: string;
  /** Port to listen on (default 0: any free port; 3478 is TURN's registered port). */
  readonly port?: number;
  /**
   * Address the relay sockets bind to, and that clients are told in XOR-RELAYED-ADDRESS (default
   * 127.0.0.1). It must be a concrete address peers can reach, not a wildcard. Its family is the
   * family of every allocation.
   */
  readonly relayAddress?: string;
}

export interface RunningTurnServer {
  /** Where clients reach the server. */
  readonly address: TransportAddress;
  /** The sans-IO core, for its `stats` and `allocationCount`. */
  readonly core: TurnServer;
  /** Closes the listening socket and every relay socket. */
  close(): Promise<void>;
}

function ignore(): void {}

export async function startTurnServer(options: StartTurnServerOptions): Promise<RunningTurnServer> {
  const listenAddress = options.address ?? '127.0.0.1';
  const relayAddress = options.relayAddress ?? '127.0.0.1';
  const relayFamily = addressFamily(relayAddress);
  const listen = await bindUdp(addressFamily(listenAddress), listenAddress, options.port ?? 0);
  const core = new TurnServer({ ...options, relayFamily });
  const relays = new Map<number, Socket>();
  const opening = new Set<Promise<void>>();
  let closed = false;

  const driver = new TimerDriver(
    () => core.pollTimeout(),
    (t) => {
      core.handleTimeout(t);
      pump();
    },
  );

  /** Does what the core asked for after every input: socket commands first, then datagrams. */
  const pump = (): void => {
    if (closed) return;
    for (let e = core.pollEvent(); e !== undefined; e = core.pollEvent()) {
      if (e.type === 'open-relay') {
        openRelay(e.relayId);
      } else {
        const socket = relays.get(e.relayId);
        relays.delete(e.relayId);
        if (socket !== undefined) void closeUdp(socket);
      }
    }
    for (let t = core.pollTransmit(); t !== undefined; t = core.pollTransmit()) {
      const socket = t.via === 'listen' ? listen : relays.get(t.via);
      // With a callback, send errors (EMSGSIZE, unreachable networks) come there, not as
      // 'error' events; UDP is lossy anyway, so they are dropped.
      socket?.send(t.data, t.destination.port, t.destination.address, ignore);
    }
    driver.schedule();
  };

  const openRelay = (relayId: number): void => {
    const opened = (async () => {
      let socket: Socket;
      try {
        socket = await bindUdp(relayFamily, relayAddress, 0);
      } catch {
        if (closed) return;
        core.relayFailed(relayId, now());
        return pump();
      }
      socket.on('error', ignore);
      if (closed || !core.relayOpened(relayId, localAddress(socket), now())) return closeUdp(socket);
      relays.set(relayId, socket);
      socket.on('message', (data, rinfo) => {
        core.handlePeerInput(relayId, data, fromRinfo(rinfo), now());
        pump();
      });
      pump();
    })();
    opening.add(opened);
    void opened.finally(() => opening.delete(opened));
  };

  listen.on('error', ignore);
  listen.on('message', (data, rinfo) => {
    core.handleClientInput(data, fromRinfo(rinfo), now());
    pump();
  });

  return {
    address: localAddress(listen),
    core,
    close: async () => {
      if (closed) return;
      closed = true;
      driver.stop();
      // Binds in flight finish first, then see `closed` and close their own socket.
      await Promise.all([...opening]);
      const sockets = [listen, ...relays.values()];
      relays.clear();
      await Promise.all(sockets.map(closeUdp));
    },
  };
}
