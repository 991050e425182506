/**
 * A DTLS client over node:dgram: `connectDtls({ host, port, certificate, remoteFingerprints })`
 * binds a socket (or uses yours), runs the handshake and resolves with the connected
 * {@link DtlsConnection}; it rejects with the DtlsError / DtlsHandshakeError that ended it.
 */
import type { Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { DtlsEndpoint } from '../endpoint/endpoint.js';
import type { DtlsEndpointOptions } from '../endpoint/options.js';
import { DtlsConnection } from './connection.js';
import { DtlsTimerDriver, now } from './timer.js';
import { bindUdp, closeUdp } from './udp.js';

export interface ConnectDtlsOptions extends Omit<DtlsEndpointOptions, 'role'> {
  readonly host: string;
  readonly port: number;
  /** Send from this socket (it is not closed with the connection); default: a fresh one. */
  readonly socket?: Socket;
  readonly signal?: AbortSignal;
}

export async function connectDtls(options: ConnectDtlsOptions): Promise<DtlsConnection> {
  const { host, port, socket: given, signal, ...endpointOptions } = options;
  const socket = given ?? (await bindUdp(isIPv6(host) ? '::' : '0.0.0.0'));
  const endpoint = new DtlsEndpoint({ ...endpointOptions, role: 'client' });
  let driver: DtlsTimerDriver;
  // Sends still queued in node:dgram; the socket closes only after the last (close_notify).
  let inFlight = 0;
  let closeWhenSent = false;
  const sent = (): void => {
    if (--inFlight === 0 && closeWhenSent) void closeUdp(socket);
  };
  const flush = (): void => {
    for (let d = endpoint.pollTransmit(); d !== undefined; d = endpoint.pollTransmit()) {
      inFlight++;
      socket.send(d, port, host, sent);
    }
    for (let e = endpoint.pollEvent(); e !== undefined; e = endpoint.pollEvent()) {
      connection.dispatch(e);
      if (e.type === 'closed') shutdown();
    }
    driver.schedule();
  };
  const connection = new DtlsConnection(
    {
      send: (data) => {
        endpoint.send(data, now());
        flush();
      },
      close: () => {
        endpoint.close(now());
        flush();
      },
    },
    { address: host, port },
  );
  const onMessage = (msg: Buffer, rinfo: { address: string; port: number }): void => {
    if (rinfo.port !== port || rinfo.address !== host) return;
    endpoint.handleInput(msg, now());
    flush();
  };
  let down = false;
  const shutdown = (): void => {
    if (down) return;
    down = true;
    driver.stop();
    socket.off('message', onMessage);
    signal?.removeEventListener('abort', onAbort);
    if (given !== undefined) return;
    if (inFlight === 0) void closeUdp(socket);
    else closeWhenSent = true;
  };
  const onAbort = (): void => connection.close();
  driver = new DtlsTimerDriver(
    () => endpoint.pollTimeout(),
    (t) => {
      endpoint.handleTimeout(t);
      flush();
    },
  );
  socket.on('message', onMessage);
  signal?.addEventListener('abort', onAbort, { once: true });
  endpoint.start(now());
  flush();
  await connection.connected;
  return connection;
}
