/**
 * One DTLS association over node:dgram, as the node adapters hand it out: an EventEmitter with
 * 'connected' (the DtlsConnectedEvent), 'data' (a Uint8Array per record), 'error' and 'close'
 * (the reason). `connected` is also a promise.
 */
import { EventEmitter } from 'node:events';
import type { DtlsConnectedEvent, DtlsEvent } from '../endpoint/events.js';
import type { RemoteAddress } from '../server.js';

/** What a connection needs from whoever drives the engine. */
export interface ConnectionDriver {
  send(data: Uint8Array): void;
  close(): void;
}

export class DtlsConnection extends EventEmitter {
  /** The handshake's outcome once connected. */
  info: DtlsConnectedEvent | undefined;
  closed = false;
  readonly connected: Promise<DtlsConnectedEvent>;
  private resolve!: (info: DtlsConnectedEvent) => void;
  private reject!: (error: Error) => void;

  constructor(
    private readonly driver: ConnectionDriver,
    readonly remote: RemoteAddress,
  ) {
    super();
    this.connected = new Promise<DtlsConnectedEvent>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // Nobody may be awaiting it: a failed handshake must not become an unhandled rejection.
    this.connected.catch(() => {});
  }

  /** Sends one record of application data. */
  send(data: Uint8Array): void {
    this.driver.send(data);
  }

  /** Sends close_notify and closes. */
  close(): void {
    this.driver.close();
  }

  /** @internal Called by the adapter for each engine event. */
  dispatch(event: DtlsEvent): void {
    switch (event.type) {
      case 'connected':
        this.info = event;
        this.resolve(event);
        this.emit('connected', event);
        break;
      case 'data':
        this.emit('data', event.data);
        break;
      case 'error':
        this.reject(event.error);
        // An 'error' event without a listener would throw out of the socket handler.
        if (this.listenerCount('error') > 0) this.emit('error', event.error);
        break;
      case 'closed':
        this.closed = true;
        this.reject(new Error(`DTLS connection closed (${event.reason}) before the handshake completed`));
        this.emit('close', event.reason);
        break;
    }
  }
}
