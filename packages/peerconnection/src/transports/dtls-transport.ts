/** RTCDtlsTransport (webrtc-pc §5.5): the state of the DTLS connection over the ICE transport. */
import { type EventHandler, RtcEventTarget } from '../dom/event-target.js';
import { RTCErrorEvent } from '../dom/events.js';
import type { RTCError } from '../errors.js';
import type { RTCIceTransport } from './ice-transport.js';

export type RTCDtlsTransportState = 'new' | 'connecting' | 'connected' | 'closed' | 'failed';

export class RTCDtlsTransport extends RtcEventTarget {
  #state: RTCDtlsTransportState = 'new';
  #remoteCertificates: ArrayBuffer[] = [];

  /** @internal */
  constructor(readonly iceTransport: RTCIceTransport) {
    super();
  }

  get state(): RTCDtlsTransportState {
    return this.#state;
  }

  /** The peer's certificate chain, DER, its own first (empty until connected). */
  getRemoteCertificates(): ArrayBuffer[] {
    return this.#remoteCertificates.map((c) => c.slice(0));
  }

  get onstatechange(): EventHandler {
    return this.getHandler('statechange');
  }
  set onstatechange(h: EventHandler) {
    this.setHandler('statechange', h);
  }
  get onerror(): EventHandler<RTCErrorEvent> {
    return this.getHandler<RTCErrorEvent>('error');
  }
  set onerror(h: EventHandler<RTCErrorEvent>) {
    this.setHandler('error', h);
  }

  /** @internal */
  _setState(state: RTCDtlsTransportState, fire: boolean): boolean {
    if (this.#state === state || this.#state === 'closed' || this.#state === 'failed') return false;
    this.#state = state;
    if (fire) this.fire(new Event('statechange'));
    return true;
  }
  /** @internal */
  _setRemoteCertificates(chain: readonly Uint8Array[]): void {
    this.#remoteCertificates = chain.map((c) => c.slice().buffer);
  }
  /** @internal */
  _fail(error: RTCError): void {
    if (this.#state === 'closed' || this.#state === 'failed') return;
    this.#state = 'failed';
    this.fire(new RTCErrorEvent('error', { error }));
    this.fire(new Event('statechange'));
  }
}
