/**
 * The W3C peer connections the peerconnection suite drives, behind the few members of the
 * standard API it uses (`RTCPeerConnection`, `RTCDataChannel`): the same code runs ours,
 * werift, node-datachannel (libdatachannel) and @roamhq/wrtc (libwebrtc). One module per
 * library (ours.ts, werift.ts, node-datachannel.ts, wrtc.ts) so that a memory child process
 * loads only the one it measures.
 */
export const LOOPBACK = '127.0.0.1';

// ---------------------------------------------------------------------------------------------
// The part of the W3C API the scenarios use

export interface CandidateInit {
  readonly candidate: string;
  readonly sdpMid: string | null;
  readonly sdpMLineIndex: number | null;
}

export interface DescriptionInit {
  readonly type: string;
  readonly sdp: string;
}

/** An `icecandidate` event: werift and ours give `null` at the end, node-datachannel nothing. */
export interface IceEvent {
  readonly candidate?: {
    readonly candidate?: string;
    readonly sdpMid?: string | null;
    readonly sdpMLineIndex?: number | null;
  } | null;
}

export interface MessageLike {
  readonly data: unknown;
}

export interface Channel {
  readonly label: string;
  readonly readyState: string;
  binaryType: string;
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  send(data: Uint8Array): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'bufferedamountlow', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: MessageLike) => void): void;
  removeEventListener(type: 'open' | 'close' | 'bufferedamountlow', listener: () => void): void;
  removeEventListener(type: 'message', listener: (event: MessageLike) => void): void;
}

/** A stats report: a map-like of stats objects by id. */
export interface StatsReport {
  forEach(callback: (stats: Record<string, unknown>) => void): void;
  get(id: string): Record<string, unknown> | undefined;
}

export interface Connection {
  createDataChannel(label: string, init?: { ordered?: boolean }): Channel;
  createOffer(): Promise<DescriptionInit>;
  createAnswer(): Promise<DescriptionInit>;
  setLocalDescription(description: DescriptionInit): Promise<void>;
  setRemoteDescription(description: DescriptionInit): Promise<void>;
  addIceCandidate(candidate: CandidateInit): Promise<void>;
  close(): void | Promise<void>;
  getStats(): Promise<StatsReport>;
  /** Handler properties: every library has them (werift has no `addEventListener` for these). */
  onicecandidate: ((event: IceEvent) => void) | null;
  ondatachannel: ((event: { readonly channel: Channel }) => void) | null;
}

export interface PeerKind {
  /** Short key for the memory child's command line: 'ours', 'werift', 'ndc', 'wrtc'. */
  readonly key: string;
  /** For the tables: the library and its version. */
  readonly name: string;
  /** Its memory lives mostly outside the V8 heap (a native library). */
  readonly native: boolean;
  readonly create: () => Connection;
  /** Called on the offerer and the answerer between createOffer/createAnswer and setLocalDescription. */
  readonly beforeGather?: (pc: Connection) => void;
  /**
   * It never fires `bufferedamountlow` (wrtc: node-webrtc implements neither the event nor
   * `bufferedAmountLowThreshold`): its sender polls `bufferedAmount` every millisecond instead.
   */
  readonly noBufferedAmountLow?: true;
}

/** The address of a candidate line ("candidate:f 1 udp p ADDRESS port typ host", "a=" allowed). */
export function candidateAddress(line: string): string | undefined {
  return line.trim().split(/\s+/)[4];
}

export function isLoopbackCandidate(line: string): boolean {
  return candidateAddress(line) === LOOPBACK;
}
