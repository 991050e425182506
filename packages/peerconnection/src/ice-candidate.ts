/**
 * RTCIceCandidate (webrtc-pc §4.8.1.1): the candidate-attribute string plus its mid / m-line
 * index, with the parsed fields read-only. A string that does not parse leaves them null, as
 * the spec says (the constructor throws only when both sdpMid and sdpMLineIndex are null).
 */
import { type Candidate, parseIceCandidate } from '@purertc/sdp';

export type RTCIceComponent = 'rtp' | 'rtcp';
export type RTCIceProtocol = 'udp' | 'tcp';
export type RTCIceCandidateType = 'host' | 'srflx' | 'prflx' | 'relay';
export type RTCIceTcpCandidateType = 'active' | 'passive' | 'so';

export interface RTCIceCandidateInit {
  readonly candidate?: string;
  readonly sdpMid?: string | null;
  readonly sdpMLineIndex?: number | null;
  readonly usernameFragment?: string | null;
}

export class RTCIceCandidate {
  readonly candidate: string;
  readonly sdpMid: string | null;
  readonly sdpMLineIndex: number | null;
  readonly foundation: string | null = null;
  readonly component: RTCIceComponent | null = null;
  readonly priority: number | null = null;
  readonly address: string | null = null;
  readonly protocol: RTCIceProtocol | null = null;
  readonly port: number | null = null;
  readonly type: RTCIceCandidateType | null = null;
  readonly tcpType: RTCIceTcpCandidateType | null = null;
  readonly relatedAddress: string | null = null;
  readonly relatedPort: number | null = null;
  readonly usernameFragment: string | null;

  constructor(init: RTCIceCandidateInit = {}) {
    const sdpMid = init.sdpMid ?? null;
    const sdpMLineIndex = init.sdpMLineIndex ?? null;
    if (sdpMid === null && sdpMLineIndex === null) {
      throw new TypeError('RTCIceCandidate needs sdpMid or sdpMLineIndex');
    }
    this.candidate = init.candidate === undefined ? '' : String(init.candidate);
    this.sdpMid = sdpMid === null ? null : String(sdpMid);
    this.sdpMLineIndex = sdpMLineIndex === null ? null : Number(sdpMLineIndex) & 0xffff;
    let parsed: Candidate | undefined;
    if (this.candidate !== '') {
      try {
        parsed = parseIceCandidate(this.candidate);
      } catch {
        parsed = undefined;
      }
    }
    const ufrag = parsed?.extensions.find(([k]) => k === 'ufrag')?.[1];
    this.usernameFragment = init.usernameFragment ?? ufrag ?? null;
    if (parsed === undefined) return;
    const transport = parsed.transport.toLowerCase();
    const tcpType = parsed.extensions.find(([k]) => k === 'tcptype')?.[1];
    Object.assign(this, {
      foundation: parsed.foundation,
      component: parsed.component === 1 ? 'rtp' : parsed.component === 2 ? 'rtcp' : null,
      priority: parsed.priority,
      address: parsed.address,
      protocol: transport === 'udp' || transport === 'tcp' ? transport : null,
      port: parsed.port,
      type: ['host', 'srflx', 'prflx', 'relay'].includes(parsed.type) ? parsed.type : null,
      tcpType: tcpType === 'active' || tcpType === 'passive' || tcpType === 'so' ? tcpType : null,
      relatedAddress: parsed.relatedAddress ?? null,
      relatedPort: parsed.relatedPort ?? null,
    });
  }

  toJSON(): RTCIceCandidateInit {
    return {
      candidate: this.candidate,
      sdpMid: this.sdpMid,
      sdpMLineIndex: this.sdpMLineIndex,
      usernameFragment: this.usernameFragment,
    };
  }
}
