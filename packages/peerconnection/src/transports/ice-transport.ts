/**
 * RTCIceTransport (webrtc-pc §5.6): the W3C view of our ICE agent. The peer connection's
 * transport controller updates it; users read states and the selected pair and get events.
 */
import type { CandidatePairInfo, IceConnectionState, IceGatheringState, IceRole } from '@purertc/ice';
import { serializeCandidate } from '@purertc/ice';
import { type EventHandler, RtcEventTarget } from '../dom/event-target.js';
import { RTCIceCandidate } from '../ice-candidate.js';

export type RTCIceTransportState = IceConnectionState;
export type RTCIceGathererState = IceGatheringState;
export type RTCIceRole = 'unknown' | IceRole;

export interface RTCIceParameters {
  readonly usernameFragment: string;
  readonly password: string;
}

export interface RTCIceCandidatePair {
  readonly local: RTCIceCandidate;
  readonly remote: RTCIceCandidate;
}

export class RTCIceTransport extends RtcEventTarget {
  #role: RTCIceRole = 'unknown';
  #state: RTCIceTransportState = 'new';
  #gatheringState: RTCIceGathererState = 'new';
  #selected: RTCIceCandidatePair | null = null;
  #local: RTCIceParameters | null = null;
  #remote: RTCIceParameters | null = null;

  /** @internal */
  constructor(private readonly mid: string) {
    super();
  }

  get role(): RTCIceRole {
    return this.#role;
  }
  get component(): 'rtp' {
    return 'rtp';
  }
  get state(): RTCIceTransportState {
    return this.#state;
  }
  get gatheringState(): RTCIceGathererState {
    return this.#gatheringState;
  }
  getSelectedCandidatePair(): RTCIceCandidatePair | null {
    return this.#selected;
  }
  getLocalParameters(): RTCIceParameters | null {
    return this.#local;
  }
  getRemoteParameters(): RTCIceParameters | null {
    return this.#remote;
  }

  get onstatechange(): EventHandler {
    return this.getHandler('statechange');
  }
  set onstatechange(h: EventHandler) {
    this.setHandler('statechange', h);
  }
  get ongatheringstatechange(): EventHandler {
    return this.getHandler('gatheringstatechange');
  }
  set ongatheringstatechange(h: EventHandler) {
    this.setHandler('gatheringstatechange', h);
  }
  get onselectedcandidatepairchange(): EventHandler {
    return this.getHandler('selectedcandidatepairchange');
  }
  set onselectedcandidatepairchange(h: EventHandler) {
    this.setHandler('selectedcandidatepairchange', h);
  }

  /** @internal */
  _setRole(role: IceRole): void {
    this.#role = role;
  }
  /** @internal */
  _setParameters(local: RTCIceParameters | null, remote: RTCIceParameters | null): void {
    if (local !== null) this.#local = local;
    if (remote !== null) this.#remote = remote;
  }
  /** @internal Returns true when the state changed (the caller fires the events in spec order). */
  _setState(state: RTCIceTransportState, fire: boolean): boolean {
    if (this.#state === state) return false;
    this.#state = state;
    if (fire) this.fire(new Event('statechange'));
    return true;
  }
  /** @internal */
  _setGatheringState(state: RTCIceGathererState, fire: boolean): boolean {
    if (this.#gatheringState === state) return false;
    this.#gatheringState = state;
    if (fire) this.fire(new Event('gatheringstatechange'));
    return true;
  }
  /** @internal */
  _setSelectedPair(pair: CandidatePairInfo): void {
    this.#selected = {
      local: new RTCIceCandidate({
        candidate: serializeCandidate(pair.local),
        sdpMid: this.mid,
        sdpMLineIndex: 0,
      }),
      remote: new RTCIceCandidate({
        candidate: serializeCandidate(pair.remote),
        sdpMid: this.mid,
        sdpMLineIndex: 0,
      }),
    };
    this.fire(new Event('selectedcandidatepairchange'));
  }
}
