/**
 * A generic worker run inside a network namespace (NatTopology.worker): UDP sockets, STUN
 * Binding requests, a STUN Binding server and TURN allocations, driven by the parent over
 * child-io.ts. Datagrams that arrive on its sockets and data relayed by its TURN allocations are
 * reported as events:
 *
 *   { event: 'udp', socket, from: { address, port }, text, stun }
 *   { event: 'turn-data', turn, from: { address, port }, text }
 *
 * worker-client.ts is the typed parent side.
 */
import type { Socket } from 'node:dgram';
import {
  bindUdp,
  closeUdp,
  connectTurn,
  isStunMessage,
  type RunningStunServer,
  startStunServer,
  stunBinding,
  type TurnConnection,
} from '@purertc/stun';
import { emit, type JsonMessage, serve } from './child-io.js';

const sockets = new Map<number, Socket>();
const turns = new Map<number, TurnConnection>();
const servers: RunningStunServer[] = [];
let nextHandle = 1;
const decoder = new TextDecoder();
const encoder = new TextEncoder();

function str(m: JsonMessage, key: string): string {
  const v = m[key];
  if (typeof v !== 'string') throw new TypeError(`${key} must be a string`);
  return v;
}
function num(m: JsonMessage, key: string): number {
  const v = m[key];
  if (typeof v !== 'number') throw new TypeError(`${key} must be a number`);
  return v;
}
function optNum(m: JsonMessage, key: string): number | undefined {
  return m[key] === undefined ? undefined : num(m, key);
}
function socketOf(m: JsonMessage): Socket {
  const s = sockets.get(num(m, 'socket'));
  if (s === undefined) throw new Error(`no socket ${String(m['socket'])}`);
  return s;
}
function turnOf(m: JsonMessage): TurnConnection {
  const t = turns.get(num(m, 'turn'));
  if (t === undefined) throw new Error(`no TURN allocation ${String(m['turn'])}`);
  return t;
}
function addr(a: { address: string; port: number }): { address: string; port: number } {
  return { address: a.address, port: a.port };
}

serve({
  /** Binds a UDP socket (default: every address, any port); its datagrams become 'udp' events. */
  'udp-bind': async (m) => {
    const socket = await bindUdp(
      'IPv4',
      (m['address'] as string | undefined) ?? '0.0.0.0',
      optNum(m, 'port'),
    );
    const handle = nextHandle++;
    sockets.set(handle, socket);
    socket.on('message', (data, rinfo) => {
      const stun = isStunMessage(data);
      emit({
        event: 'udp',
        socket: handle,
        from: { address: rinfo.address, port: rinfo.port },
        stun,
        text: stun ? '' : decoder.decode(data),
      });
    });
    // An ICMP error (a send nobody routes) must not kill the worker.
    socket.on('error', (err) => console.error(`socket ${handle}: ${err.message}`));
    const local = socket.address();
    return { socket: handle, address: local.address, port: local.port };
  },

  'udp-send': async (m) => {
    const socket = socketOf(m);
    await new Promise<void>((resolve, reject) =>
      socket.send(encoder.encode(str(m, 'text')), num(m, 'port'), str(m, 'address'), (err) =>
        err ? reject(err) : resolve(),
      ),
    );
    return null;
  },

  'udp-close': async (m) => {
    const socket = socketOf(m);
    sockets.delete(num(m, 'socket'));
    await closeUdp(socket);
    return null;
  },

  /** A Binding request from `socket` (or a fresh one) to `server`: our address as it saw it. */
  'stun-binding': async (m) => {
    const socket = m['socket'] === undefined ? undefined : socketOf(m);
    const result = await stunBinding(
      { family: 'IPv4', address: str(m, 'address'), port: num(m, 'port') },
      {
        ...(socket !== undefined ? { socket } : {}),
        initialRto: optNum(m, 'initialRto') ?? 250,
        rc: optNum(m, 'rc') ?? 5,
      },
    );
    return { mapped: addr(result.mapped), local: addr(result.local) };
  },

  /** Our Binding server (@purertc/stun) on address:port. */
  'stun-server': async (m) => {
    const server = await startStunServer({ address: str(m, 'address'), port: optNum(m, 'port') ?? 0 });
    servers.push(server);
    return addr(server.address);
  },

  /** A TURN allocation over UDP, from `socket` when given (then shared with its 'udp' events). */
  'turn-allocate': async (m) => {
    const socket = m['socket'] === undefined ? undefined : socketOf(m);
    const turn = await connectTurn({
      server: { host: str(m, 'address'), port: num(m, 'port') },
      transport: 'udp',
      username: str(m, 'username'),
      password: str(m, 'password'),
      ...(socket !== undefined ? { socket } : {}),
    });
    const handle = nextHandle++;
    turns.set(handle, turn);
    turn.on('data', (from, data) => {
      emit({ event: 'turn-data', turn: handle, from: addr(from), text: decoder.decode(data) });
    });
    turn.on('error', (err) => console.error(`turn ${handle}: ${err.message}`));
    try {
      const allocation = await turn.allocate();
      return {
        turn: handle,
        relayed: addr(allocation.relayed),
        mapped: allocation.mapped === undefined ? null : addr(allocation.mapped),
        local: addr(turn.local),
      };
    } catch (err) {
      turns.delete(handle);
      await turn.close().catch(() => {});
      throw err;
    }
  },

  'turn-permission': async (m) => {
    await turnOf(m).createPermission({ address: str(m, 'address'), port: optNum(m, 'port') ?? 0 });
    return null;
  },

  'turn-channel': async (m) => {
    return await turnOf(m).bindChannel({ address: str(m, 'address'), port: num(m, 'port') });
  },

  'turn-send': async (m) => {
    await turnOf(m).send(
      { address: str(m, 'address'), port: num(m, 'port') },
      encoder.encode(str(m, 'text')),
    );
    return null;
  },

  'turn-close': async (m) => {
    const turn = turnOf(m);
    turns.delete(num(m, 'turn'));
    await turn.close();
    return null;
  },

  /** Everything this worker opened, closed; the process stays up. */
  reset: async () => {
    await Promise.all([...turns.values()].map((t) => t.close().catch(() => {})));
    turns.clear();
    await Promise.all([...sockets.values()].map((s) => closeUdp(s)));
    sockets.clear();
    await Promise.all(servers.splice(0).map((s) => s.close()));
    return null;
  },
});

emit({ event: 'ready', pid: process.pid });
