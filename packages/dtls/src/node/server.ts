/**
 * A DTLS server over node:dgram: `listenDtls({ host, port, certificate, ... })` binds a socket
 * and drives a stateless {@link DtlsServer}; each client whose cookie verified becomes a
 * {@link DtlsConnection}, announced by 'connection' once its handshake completed. Handshakes
 * that fail are reported as 'handshakeError' (error, remote).
 */
import type { Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { DtlsServer, type DtlsServerOptions, type RemoteAddress, remoteKey } from '../server.js';
import { DtlsConnection } from './connection.js';
import { DtlsTimerDriver, now } from './timer.js';
import { bindUdp, closeUdp } from './udp.js';

export interface ListenDtlsOptions extends DtlsServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
}

export class DtlsUdpServer extends EventEmitter {
  readonly engine: DtlsServer;
  private readonly connections = new Map<string, DtlsConnection>();
  private readonly driver: DtlsTimerDriver;
  private closed = false;
  private inFlight = 0;
  private onDrained: (() => void) | undefined;

  constructor(
    private readonly socket: Socket,
    options: DtlsServerOptions,
  ) {
    super();
    this.engine = new DtlsServer(options);
    this.driver = new DtlsTimerDriver(
      () => this.engine.pollTimeout(),
      (t) => {
        this.engine.handleTimeout(t);
        this.flush();
      },
    );
    socket.on('message', (msg, rinfo) => {
      this.engine.handleInput(msg, { address: rinfo.address, port: rinfo.port }, now());
      this.flush();
    });
  }

  get address(): RemoteAddress {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  private connection(remote: RemoteAddress): DtlsConnection {
    const key = remoteKey(remote);
    let c = this.connections.get(key);
    if (c === undefined) {
      c = new DtlsConnection(
        {
          send: (data) => {
            this.engine.send(remote, data, now());
            this.flush();
          },
          close: () => {
            this.engine.close(remote, now());
            this.flush();
          },
        },
        remote,
      );
      this.connections.set(key, c);
    }
    return c;
  }

  private flush(): void {
    for (let t = this.engine.pollTransmit(); t !== undefined; t = this.engine.pollTransmit()) {
      if (this.closed) continue;
      this.inFlight++;
      this.socket.send(t.data, t.remote.port, t.remote.address, () => {
        if (--this.inFlight === 0) this.onDrained?.();
      });
    }
    for (let e = this.engine.pollEvent(); e !== undefined; e = this.engine.pollEvent()) {
      const key = remoteKey(e.remote);
      const known = this.connections.has(key);
      if (e.event.type === 'error' && !known) {
        this.emit('handshakeError', e.event.error, e.remote);
        continue;
      }
      if (e.event.type === 'closed' && !known) continue;
      const c = this.connection(e.remote);
      c.dispatch(e.event);
      if (e.event.type === 'connected') this.emit('connection', c);
      if (e.event.type === 'closed') this.connections.delete(key);
    }
    this.driver.schedule();
  }

  /** Sends close_notify to every client and closes the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.engine.closeAll(now());
    this.flush();
    this.closed = true;
    this.driver.stop();
    // Let the close_notify datagrams leave before the socket goes.
    await this.drained();
    await closeUdp(this.socket);
  }

  private drained(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.onDrained = resolve;
    });
  }
}

export async function listenDtls(options: ListenDtlsOptions): Promise<DtlsUdpServer> {
  const { host = '127.0.0.1', port = 0, ...rest } = options;
  const socket = await bindUdp(host, port);
  return new DtlsUdpServer(socket, rest);
}
