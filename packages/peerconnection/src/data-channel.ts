/**
 * RTCDataChannel (webrtc-pc §6.2) over one SCTP stream of our association (RFC 8831, DCEP RFC
 * 8832). The association does the protocol; this class keeps the W3C state machine
 * (connecting → open → closing → closed), the event order, the send() checks and the
 * bufferedAmount bookkeeping, including Blobs, whose bytes arrive asynchronously but must still
 * go out in the order send() was called.
 */
import { SctpError } from '@purertc/sctp';
import { type EventHandler, RtcEventTarget } from './dom/event-target.js';
import { RTCErrorEvent } from './dom/events.js';
import { invalidState, operationError, RTCError } from './errors.js';

export type RTCDataChannelState = 'connecting' | 'open' | 'closing' | 'closed';
export type RTCPriorityType = 'very-low' | 'low' | 'medium' | 'high';
export type BinaryType = 'blob' | 'arraybuffer';

export interface RTCDataChannelInit {
  readonly ordered?: boolean;
  readonly maxPacketLifeTime?: number;
  readonly maxRetransmits?: number;
  readonly protocol?: string;
  readonly negotiated?: boolean;
  readonly id?: number;
  readonly priority?: RTCPriorityType;
}

/** RFC 8832 §5.1 priorities of the W3C names (webrtc-priority §4.2). */
export const PRIORITY_VALUES: Readonly<Record<RTCPriorityType, number>> = {
  'very-low': 128,
  low: 256,
  medium: 512,
  high: 1024,
};

export function priorityName(value: number): RTCPriorityType {
  if (value <= 128) return 'very-low';
  if (value <= 256) return 'low';
  if (value <= 512) return 'medium';
  return 'high';
}

/** What a channel needs from its peer connection. */
export interface ChannelHost {
  send(channel: RTCDataChannel, data: Uint8Array | string, binary: boolean): void;
  bufferedAmount(channel: RTCDataChannel): number;
  setBufferedAmountLowThreshold(channel: RTCDataChannel, bytes: number): void;
  close(channel: RTCDataChannel): void;
  maxMessageSize(): number;
}

export interface ChannelProperties {
  readonly label: string;
  readonly ordered: boolean;
  readonly maxPacketLifeTime: number | null;
  readonly maxRetransmits: number | null;
  readonly protocol: string;
  readonly negotiated: boolean;
  readonly id: number | null;
  readonly priority: RTCPriorityType;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class RTCDataChannel extends RtcEventTarget {
  readonly label: string;
  readonly ordered: boolean;
  readonly maxPacketLifeTime: number | null;
  readonly maxRetransmits: number | null;
  readonly protocol: string;
  readonly negotiated: boolean;
  readonly priority: RTCPriorityType;
  #id: number | null;
  #readyState: RTCDataChannelState = 'connecting';
  #binaryType: BinaryType = 'arraybuffer';
  #threshold = 0;
  /** Bytes of Blobs being read, counted in bufferedAmount until they reach the association. */
  #pendingBlobBytes = 0;
  /** Sends waiting behind a Blob read, to keep the order of send() calls. */
  readonly #queue: Array<{ data: Uint8Array | string | Blob; binary: boolean }> = [];
  #draining = false;
  /** bufferedAmount as last seen while attached (it does not drop to 0 on close, §6.2 note). */
  #lastBuffered = 0;
  #attached = false;
  #closeRequested = false;
  /** @internal Counters for RTCDataChannelStats. */
  readonly _counters = { messagesSent: 0, bytesSent: 0, messagesReceived: 0, bytesReceived: 0 };

  /** @internal */
  constructor(
    props: ChannelProperties,
    private readonly host: ChannelHost,
  ) {
    super();
    this.label = props.label;
    this.ordered = props.ordered;
    this.maxPacketLifeTime = props.maxPacketLifeTime;
    this.maxRetransmits = props.maxRetransmits;
    this.protocol = props.protocol;
    this.negotiated = props.negotiated;
    this.priority = props.priority;
    this.#id = props.id;
  }

  get id(): number | null {
    return this.#id;
  }
  get readyState(): RTCDataChannelState {
    return this.#readyState;
  }
  get reliable(): boolean {
    return this.maxPacketLifeTime === null && this.maxRetransmits === null;
  }

  get bufferedAmount(): number {
    if (this.#attached && this.#readyState !== 'closed') this.#lastBuffered = this.host.bufferedAmount(this);
    return this.#lastBuffered + this.#pendingBlobBytes + this.#queuedBytes();
  }

  get bufferedAmountLowThreshold(): number {
    return this.#threshold;
  }
  set bufferedAmountLowThreshold(value: number) {
    this.#threshold = Math.max(0, Math.trunc(Number(value)) >>> 0);
    if (this.#attached) this.host.setBufferedAmountLowThreshold(this, this.#threshold);
  }

  get binaryType(): BinaryType {
    return this.#binaryType;
  }
  set binaryType(value: BinaryType) {
    if (value !== 'blob' && value !== 'arraybuffer') {
      throw new DOMException(`binaryType '${String(value)}' is not supported`, 'SyntaxError');
    }
    this.#binaryType = value;
  }

  get onopen(): EventHandler {
    return this.getHandler('open');
  }
  set onopen(h: EventHandler) {
    this.setHandler('open', h);
  }
  get onmessage(): EventHandler<MessageEvent> {
    return this.getHandler<MessageEvent>('message');
  }
  set onmessage(h: EventHandler<MessageEvent>) {
    this.setHandler('message', h);
  }
  get onbufferedamountlow(): EventHandler {
    return this.getHandler('bufferedamountlow');
  }
  set onbufferedamountlow(h: EventHandler) {
    this.setHandler('bufferedamountlow', h);
  }
  get onerror(): EventHandler<RTCErrorEvent> {
    return this.getHandler<RTCErrorEvent>('error');
  }
  set onerror(h: EventHandler<RTCErrorEvent>) {
    this.setHandler('error', h);
  }
  get onclosing(): EventHandler {
    return this.getHandler('closing');
  }
  set onclosing(h: EventHandler) {
    this.setHandler('closing', h);
  }
  get onclose(): EventHandler {
    return this.getHandler('close');
  }
  set onclose(h: EventHandler) {
    this.setHandler('close', h);
  }

  /**
   * §6.2 send(): InvalidStateError unless open, TypeError past the SCTP transport's
   * maxMessageSize, OperationError when the send buffer is full.
   */
  send(data: string | ArrayBuffer | ArrayBufferView | Blob): void {
    if (this.#readyState !== 'open') throw invalidState(`send() on a channel that is ${this.#readyState}`);
    let item: { data: Uint8Array | string | Blob; binary: boolean; size: number };
    if (typeof data === 'string') {
      item = { data, binary: false, size: utf8Length(data) };
    } else if (data instanceof ArrayBuffer) {
      item = { data: new Uint8Array(data), binary: true, size: data.byteLength };
    } else if (ArrayBuffer.isView(data)) {
      item = {
        data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
        binary: true,
        size: data.byteLength,
      };
    } else if (typeof Blob !== 'undefined' && data instanceof Blob) {
      item = { data, binary: true, size: data.size };
    } else {
      item = { data: String(data), binary: false, size: utf8Length(String(data)) };
    }
    if (item.size > this.host.maxMessageSize()) {
      throw new TypeError(
        `message of ${item.size} bytes exceeds maxMessageSize ${this.host.maxMessageSize()}`,
      );
    }
    if (item.data instanceof Blob || this.#queue.length > 0) {
      // A Blob's bytes come later; it and everything sent after it wait in order.
      if (item.data instanceof Blob) this.#pendingBlobBytes += item.size;
      this.#queue.push({
        data: item.data instanceof Blob ? item.data : snapshot(item.data),
        binary: item.binary,
      });
      void this.#drain();
      return;
    }
    this.#sendNow(item.data, item.binary);
  }

  /** §6.2 close(): closing now, closed once both directions of the stream are reset. */
  close(): void {
    if (this.#readyState === 'closing' || this.#readyState === 'closed') return;
    this.#closeRequested = true;
    this.#readyState = 'closing';
    if (this.#queue.length === 0) this.host.close(this);
  }

  #sendNow(data: Uint8Array | string, binary: boolean): void {
    try {
      this.host.send(this, data, binary);
      this._counters.messagesSent++;
      this._counters.bytesSent += typeof data === 'string' ? utf8Length(data) : data.length;
    } catch (e) {
      if (e instanceof SctpError) {
        if (e.code === 'MESSAGE_TOO_LARGE') throw new TypeError(e.message);
        throw operationError(e.message);
      }
      throw e;
    }
  }

  #queuedBytes(): number {
    let n = 0;
    for (const q of this.#queue) {
      if (!(q.data instanceof Blob)) n += typeof q.data === 'string' ? utf8Length(q.data) : q.data.length;
    }
    return n;
  }

  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#queue.length > 0) {
        const head = this.#queue[0] as { data: Uint8Array | string | Blob; binary: boolean };
        let bytes: Uint8Array | string;
        if (head.data instanceof Blob) {
          const size = head.data.size;
          bytes = new Uint8Array(await head.data.arrayBuffer());
          this.#pendingBlobBytes -= size;
        } else {
          bytes = head.data;
        }
        this.#queue.shift();
        if (this.#readyState !== 'open' && !(this.#readyState === 'closing' && this.#closeRequested))
          continue;
        try {
          this.#sendNow(bytes, head.binary);
        } catch (e) {
          this._error(new RTCError({ errorDetail: 'data-channel-failure' }, (e as Error).message));
        }
      }
      if (this.#readyState === 'closing' && this.#closeRequested) this.host.close(this);
    } finally {
      this.#draining = false;
    }
  }

  /** @internal The association assigned the stream id. */
  _attach(id: number): void {
    this.#id = id;
    this.#attached = true;
    if (this.#threshold > 0) this.host.setBufferedAmountLowThreshold(this, this.#threshold);
  }

  /** @internal Whether the association knows this channel. */
  get _attached(): boolean {
    return this.#attached;
  }

  /** @internal §6.2 "announce the channel as open". */
  _open(fire: boolean): void {
    if (this.#readyState !== 'connecting') return;
    this.#readyState = 'open';
    if (fire) this.fire(new Event('open'));
  }

  /** @internal Fire `open` for a channel that was announced as open (after `datachannel`). */
  _fireOpen(): void {
    if (this.#readyState === 'open') this.fire(new Event('open'));
  }

  /** @internal A message from the peer. */
  _message(data: Uint8Array, binary: boolean): void {
    if (this.#readyState !== 'open' && this.#readyState !== 'closing') return;
    this._counters.messagesReceived++;
    this._counters.bytesReceived += data.length;
    let payload: string | ArrayBuffer | Blob;
    if (!binary) payload = decoder.decode(data);
    else if (this.#binaryType === 'blob') payload = new Blob([data]);
    else if (
      data.byteOffset === 0 &&
      data.byteLength === data.buffer.byteLength &&
      data.buffer instanceof ArrayBuffer
    )
      payload = data.buffer;
    else payload = data.slice().buffer;
    this.fire(new MessageEvent('message', { data: payload }));
  }

  /** @internal */
  _bufferedAmountLow(): void {
    if (this.#readyState === 'open' || this.#readyState === 'closing')
      this.fire(new Event('bufferedamountlow'));
  }

  /** @internal */
  _error(error: RTCError): void {
    if (this.#readyState === 'closed') return;
    this.fire(new RTCErrorEvent('error', { error }));
  }

  /** @internal §6.2 "announce the channel as closed" (the peer's reset, or transport closure). */
  _closed(error?: RTCError): void {
    if (this.#readyState === 'closed') return;
    if (this.#attached) this.#lastBuffered = this.host.bufferedAmount(this);
    if (this.#readyState !== 'closing') {
      this.#readyState = 'closing';
      this.fire(new Event('closing'));
    }
    this.#readyState = 'closed';
    this.#attached = false;
    this.#queue.length = 0;
    this.#pendingBlobBytes = 0;
    if (error !== undefined) this.fire(new RTCErrorEvent('error', { error }));
    this.fire(new Event('close'));
  }

  /** @internal RTCPeerConnection.close(): closed at once, without events (§4.4.1.6 close step). */
  _abandon(): void {
    if (this.#attached) this.#lastBuffered = this.host.bufferedAmount(this);
    this.#readyState = 'closed';
    this.#attached = false;
    this.#queue.length = 0;
  }
}

function utf8Length(s: string): number {
  // Fast path for ASCII, the common case; exact count otherwise.
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) {
      n = encoder.encode(s).length;
      break;
    }
  }
  return n;
}

/** W3C send() takes a snapshot: later writes to the caller's buffer must not change the message. */
function snapshot(data: Uint8Array | string): Uint8Array | string {
  return typeof data === 'string' ? data : data.slice();
}
