/** The event interfaces of webrtc-pc §4.8, §6.2 and RTCErrorEvent (§11.2). */
import type { RTCDataChannel } from '../data-channel.js';
import type { RTCError } from '../errors.js';
import type { RTCIceCandidate } from '../ice-candidate.js';

/** DOM's EventInit (Node's lib typings do not name it). */
export interface EventInit {
  readonly bubbles?: boolean;
  readonly cancelable?: boolean;
  readonly composed?: boolean;
}

export interface RTCPeerConnectionIceEventInit extends EventInit {
  readonly candidate?: RTCIceCandidate | null;
  readonly url?: string | null;
}

/** `icecandidate`: a gathered candidate, or null once gathering is complete (§4.8.1). */
export class RTCPeerConnectionIceEvent extends Event {
  readonly candidate: RTCIceCandidate | null;
  readonly url: string | null;
  constructor(type: string, init: RTCPeerConnectionIceEventInit = {}) {
    super(type, init);
    this.candidate = init.candidate ?? null;
    this.url = init.url ?? null;
  }
}

export interface RTCPeerConnectionIceErrorEventInit extends EventInit {
  readonly address?: string | null;
  readonly port?: number | null;
  readonly url?: string;
  readonly errorCode: number;
  readonly errorText?: string;
}

/** `icecandidateerror`: a STUN or TURN server failed (§4.8.2). */
export class RTCPeerConnectionIceErrorEvent extends Event {
  readonly address: string | null;
  readonly port: number | null;
  readonly url: string;
  readonly errorCode: number;
  readonly errorText: string;
  constructor(type: string, init: RTCPeerConnectionIceErrorEventInit) {
    super(type, init);
    this.address = init.address ?? null;
    this.port = init.port ?? null;
    this.url = init.url ?? '';
    this.errorCode = init.errorCode;
    this.errorText = init.errorText ?? '';
  }
}

export interface RTCDataChannelEventInit extends EventInit {
  readonly channel: RTCDataChannel;
}

/** `datachannel`: the peer opened a channel (§6.2). */
export class RTCDataChannelEvent extends Event {
  readonly channel: RTCDataChannel;
  constructor(type: string, init: RTCDataChannelEventInit) {
    super(type, init);
    this.channel = init.channel;
  }
}

export interface RTCErrorEventInit extends EventInit {
  readonly error: RTCError;
}

/** `error` on data channels and DTLS transports (§11.2). */
export class RTCErrorEvent extends Event {
  readonly error: RTCError;
  constructor(type: string, init: RTCErrorEventInit) {
    super(type, init);
    this.error = init.error;
  }
}
