/** RTCSctpTransport (webrtc-pc §6.1.1): the SCTP association data channels ride on. */
import { type EventHandler, RtcEventTarget } from '../dom/event-target.js';
import type { RTCDtlsTransport } from './dtls-transport.js';

export type RTCSctpTransportState = 'connecting' | 'connected' | 'closed';

export class RTCSctpTransport extends RtcEventTarget {
  #state: RTCSctpTransportState = 'connecting';
  #maxMessageSize: number;
  #maxChannels: number | null = null;

  /** @internal */
  constructor(
    readonly transport: RTCDtlsTransport,
    maxMessageSize: number,
  ) {
    super();
    this.#maxMessageSize = maxMessageSize;
  }

  get state(): RTCSctpTransportState {
    return this.#state;
  }
  /** The largest message `send()` accepts (§6.1.1.1 "update the data max message size"). */
  get maxMessageSize(): number {
    return this.#maxMessageSize;
  }
  /** Streams available, known once connected (§6.1.1: the lesser of both ends' stream counts). */
  get maxChannels(): number | null {
    return this.#maxChannels;
  }

  get onstatechange(): EventHandler {
    return this.getHandler('statechange');
  }
  set onstatechange(h: EventHandler) {
    this.setHandler('statechange', h);
  }

  /** @internal */
  _setMaxMessageSize(size: number): void {
    this.#maxMessageSize = size;
  }
  /** @internal */
  _setState(state: RTCSctpTransportState, maxChannels: number | null, fire: boolean): boolean {
    if (this.#state === state || this.#state === 'closed') return false;
    this.#state = state;
    if (maxChannels !== null) this.#maxChannels = maxChannels;
    if (fire) this.fire(new Event('statechange'));
    return true;
  }
}
