/**
 * The three ways to reach a TURN server (RFC 8656 §2.1): UDP (node:dgram), TCP (node:net) and
 * TLS (node:tls, the `turns:` scheme), behind one small interface. Framing is not done here: the
 * sans-IO client cuts TCP/TLS streams into messages itself.
 */
import type { Socket as UdpSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP, type Socket as NetSocket, connect as netConnect } from 'node:net';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import type { TransportAddress } from '../address.js';
import { bindUdp, closeUdp, fromRinfo, localAddress } from './udp.js';

export type TurnTransport = 'udp' | 'tcp' | 'tls';

export interface TurnSocketOptions {
  readonly host: string;
  readonly port: number;
  readonly transport: TurnTransport;
  /** UDP: use this bound socket; `close()` leaves it open. */
  readonly socket?: UdpSocket;
  /** TCP/TLS: give up connecting after this many ms (default 10 000). */
  readonly connectTimeout?: number;
  /** TLS: options for node:tls `connect` (`ca`, `rejectUnauthorized`, `servername`, ...). */
  readonly tls?: ConnectionOptions;
}

export interface TurnSocket {
  readonly transport: TurnTransport;
  readonly reliable: boolean;
  readonly local: TransportAddress;
  readonly remote: TransportAddress;
  /**
   * Sends bytes to the server. With `track`, the promise settles when a datagram was handed to
   * the kernel or the stream's buffer is below its high-water mark again (backpressure).
   */
  write(data: Uint8Array, track: boolean): Promise<void> | undefined;
  /** Bytes from the server (UDP: with the datagram's source). */
  onData(listener: (bytes: Uint8Array, from: TransportAddress | undefined) => void): void;
  /** The transport is gone (stream closed or errored, UDP socket closed). */
  onClose(listener: (error: Error | undefined) => void): void;
  close(): Promise<void>;
}

export async function openTurnSocket(options: TurnSocketOptions): Promise<TurnSocket> {
  if (options.transport === 'udp') return openUdp(options);
  return openStream(options);
}

async function openUdp(options: TurnSocketOptions): Promise<TurnSocket> {
  const resolved = await lookup(options.host, { family: isIP(options.host) || undefined });
  const family = resolved.family === 6 ? 'IPv6' : 'IPv4';
  const remote: TransportAddress = { family, address: resolved.address, port: options.port };
  const owned = options.socket === undefined;
  const socket = options.socket ?? (await bindUdp(family));
  let onData: ((bytes: Uint8Array, from: TransportAddress | undefined) => void) | undefined;
  let onClose: ((error: Error | undefined) => void) | undefined;
  const message = (msg: Buffer, rinfo: { address: string; port: number; family: string }) =>
    onData?.(msg, fromRinfo(rinfo));
  // An ICMP unreachable can surface as 'error' on some platforms: it is not fatal to the socket.
  const error = () => {};
  const close = () => onClose?.(undefined);
  socket.on('message', message);
  socket.on('error', error);
  socket.on('close', close);
  let closed = false;
  return {
    transport: 'udp',
    reliable: false,
    local: localAddress(socket),
    remote,
    write(data, track) {
      if (closed) return track ? Promise.reject(new Error('socket closed')) : undefined;
      if (!track) {
        socket.send(data, remote.port, remote.address);
        return undefined;
      }
      return new Promise((resolve, reject) => {
        socket.send(data, remote.port, remote.address, (err) => (err ? reject(err) : resolve()));
      });
    },
    onData(listener) {
      onData = listener;
    },
    onClose(listener) {
      onClose = listener;
    },
    async close() {
      if (closed) return;
      closed = true;
      socket.off('message', message);
      socket.off('close', close);
      if (owned) await closeUdp(socket);
      socket.off('error', error);
    },
  };
}

async function openStream(options: TurnSocketOptions): Promise<TurnSocket> {
  const secure = options.transport === 'tls';
  const timeout = options.connectTimeout ?? 10_000;
  const socket: NetSocket = secure
    ? tlsConnect({
        host: options.host,
        port: options.port,
        // SNI carries host names only (RFC 6066 §3); for an IP literal the certificate is checked against the IP.
        servername: isIP(options.host) ? undefined : options.host,
        ...options.tls,
      })
    : netConnect({ host: options.host, port: options.port });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`connecting to ${options.host}:${options.port} timed out`)),
      timeout,
    );
    const ready = () => {
      clearTimeout(timer);
      socket.off('error', fail);
      resolve();
    };
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.off(secure ? 'secureConnect' : 'connect', ready);
      socket.destroy();
      reject(err);
    };
    socket.once(secure ? 'secureConnect' : 'connect', ready);
    socket.once('error', fail);
  });
  socket.setNoDelay(true);
  const address = (a: string | undefined, port: number | undefined): TransportAddress => ({
    family: isIP(a ?? '') === 6 ? 'IPv6' : 'IPv4',
    address: a ?? '',
    port: port ?? 0,
  });
  let lastError: Error | undefined;
  let onClose: ((error: Error | undefined) => void) | undefined;
  socket.on('error', (err) => {
    lastError = err;
  });
  socket.on('close', () => onClose?.(lastError));
  return {
    transport: options.transport,
    reliable: true,
    local: address(socket.localAddress, socket.localPort),
    remote: address(socket.remoteAddress, socket.remotePort),
    write(data, track) {
      if (socket.destroyed || !socket.writable) {
        return track ? Promise.reject(lastError ?? new Error('connection closed')) : undefined;
      }
      const below = socket.write(data);
      if (!track || below) return track ? Promise.resolve() : undefined;
      return new Promise((resolve, reject) => {
        const drain = () => {
          socket.off('close', closed);
          resolve();
        };
        const closed = () => {
          socket.off('drain', drain);
          reject(lastError ?? new Error('connection closed'));
        };
        socket.once('drain', drain);
        socket.once('close', closed);
      });
    },
    onData(listener) {
      socket.on('data', (chunk: Buffer) => listener(chunk, undefined));
    },
    onClose(listener) {
      onClose = listener;
    },
    close() {
      return new Promise((resolve) => {
        if (socket.destroyed) return resolve();
        socket.once('close', () => resolve());
        socket.end();
        // A server that never closes its side must not hold us up.
        setTimeout(() => socket.destroy(), 2_000).unref();
      });
    },
  };
}
