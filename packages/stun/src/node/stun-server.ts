/** The Binding server of binding-server.ts on a real node:dgram socket. */
import type { Socket } from 'node:dgram';
import type { AddressFamily, TransportAddress } from '../address.js';
import { type BindingServerOptions, StunBindingServer } from '../binding-server.js';
import { bindUdp, closeUdp, fromRinfo, localAddress } from './udp.js';

export interface StunServerOptions extends BindingServerOptions {
  /** Address to bind (default 127.0.0.1, or ::1 for IPv6). */
  readonly address?: string;
  /** Port to bind (default 0: any free port). */
  readonly port?: number;
  readonly family?: AddressFamily;
}

export interface RunningStunServer {
  /** Where the server listens. */
  readonly address: TransportAddress;
  /** The sans-IO core, for its counters. */
  readonly core: StunBindingServer;
  readonly socket: Socket;
  close(): Promise<void>;
}

export async function startStunServer(options: StunServerOptions = {}): Promise<RunningStunServer> {
  const family = options.family ?? (options.address?.includes(':') ? 'IPv6' : 'IPv4');
  const socket = await bindUdp(
    family,
    options.address ?? (family === 'IPv6' ? '::1' : '127.0.0.1'),
    options.port ?? 0,
  );
  const core = new StunBindingServer(options);
  socket.on('message', (data, rinfo) => {
    const from = fromRinfo(rinfo);
    const reply = core.handle(data, from);
    if (reply !== undefined) socket.send(reply, from.port, from.address);
  });
  // A send to an unreachable peer surfaces as 'error' on some platforms; the server keeps going.
  socket.on('error', () => {});
  return { address: localAddress(socket), core, socket, close: () => closeUdp(socket) };
}
