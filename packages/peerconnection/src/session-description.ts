/** RTCSessionDescription (webrtc-pc §4.6). */
export type RTCSdpType = 'offer' | 'pranswer' | 'answer' | 'rollback';

export interface RTCSessionDescriptionInit {
  readonly type: RTCSdpType;
  readonly sdp?: string;
}

const TYPES: ReadonlySet<string> = new Set(['offer', 'pranswer', 'answer', 'rollback']);

export function isSdpType(value: unknown): value is RTCSdpType {
  return typeof value === 'string' && TYPES.has(value);
}

export class RTCSessionDescription {
  readonly type: RTCSdpType;
  readonly sdp: string;

  constructor(init: RTCSessionDescriptionInit) {
    if (init === null || typeof init !== 'object') throw new TypeError('RTCSessionDescriptionInit required');
    if (!isSdpType(init.type)) throw new TypeError(`invalid RTCSdpType ${String(init.type)}`);
    this.type = init.type;
    this.sdp = init.sdp === undefined ? '' : String(init.sdp);
  }

  toJSON(): RTCSessionDescriptionInit {
    return { type: this.type, sdp: this.sdp };
  }
}
