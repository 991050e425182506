/**
 * The contract of the sans-IO ICE agent (RFC 8445): what goes in, what comes out. The agent
 * owns no socket and no timer. An adapter (src/node/) owns the sockets — one per local host
 * candidate, plus TCP/TLS streams to TURN servers — registers them here, feeds every datagram
 * or stream chunk with the current time, and sends what `pollTransmit()` returns.
 */
import type { TransportAddress } from '@purertc/stun';
import type { IceCandidate } from '../candidate.js';

export type IceRole = 'controlling' | 'controlled';

/** W3C RTCIceGatheringState. */
export type IceGatheringState = 'new' | 'gathering' | 'complete';

/** W3C RTCIceTransportState (RFC 8445 states mapped the way browsers report them). */
export type IceConnectionState =
  | 'new'
  | 'checking'
  | 'connected'
  | 'completed'
  | 'disconnected'
  | 'failed'
  | 'closed';

/** RFC 8445 §6.1.2.6 candidate pair states. */
export type CandidatePairState = 'frozen' | 'waiting' | 'in-progress' | 'succeeded' | 'failed';

export interface IceCredentials {
  /** RFC 8445 §5.3: at least 4 ice-chars (24 bits); we generate 16 chars. */
  readonly ufrag: string;
  /** At least 22 ice-chars (128 bits); we generate 32 chars. */
  readonly pwd: string;
}

/** A STUN or TURN server as RTCIceServer describes one, already split into its parts. */
export interface IceServer {
  readonly kind: 'stun' | 'turn';
  /** An IP literal (the adapter resolves names before handing servers to the core). */
  readonly address: string;
  readonly port: number;
  /** TURN only: how to reach the server (`turn:...?transport=tcp`, `turns:` is TLS). */
  readonly transport?: 'udp' | 'tcp' | 'tls';
  readonly username?: string;
  readonly credential?: string;
  /** The URL as the user gave it, for icecandidateerror and stats. */
  readonly url: string;
}

export interface IceAgentOptions {
  /** Ignored (always 'controlled') when `lite` is set (RFC 8445 §6.1.1). */
  readonly role: IceRole;
  /** Local credentials; generated when absent. */
  readonly credentials?: IceCredentials;
  /** 64-bit tie-breaker for role conflicts (RFC 8445 §7.3.1.1); random (node:crypto) when absent. */
  readonly tieBreaker?: bigint;
  /** Act as an ICE-lite agent (RFC 8445 §2.5): no checks of our own, only host candidates, always controlled. */
  readonly lite?: boolean;
  /** `relay` = iceTransportPolicy 'relay': only relayed local candidates are signalled, paired and answered on. */
  readonly transportPolicy?: 'all' | 'relay';
  readonly servers?: readonly IceServer[];
  /** Ta, the pacing of checks in ms (RFC 8445 §14.2; default 50). */
  readonly ta?: number;
  /**
   * STUN retransmission (RFC 8489 §6.2.1) for checks and server requests: Rc sends in all
   * (default 7), then a last wait of Rm * RTO (default 16). With the minimum RTO of 500 ms a
   * check that gets no answer fails after 39.5 s.
   */
  readonly rc?: number;
  readonly rm?: number;
  /** Cap on remote candidates, peer-reflexive ones included (default 100). */
  readonly maxRemoteCandidates?: number;
  /** Cap on candidate pairs (default 100, RFC 8445 §6.1.2.5). */
  readonly maxPairs?: number;
  /** Cap on checks received before the remote credentials, kept for triggered checks (default 32). */
  readonly maxEarlyChecks?: number;
  /** Cap on queued events; 'data' events past it are dropped and counted (default 4096). */
  readonly maxEvents?: number;
  /**
   * Controlling agent: nominate the best valid pair at the latest this long after the first
   * pair became valid, even if higher-priority pairs are still being checked (default 1000 ms).
   */
  readonly nominationTimeout?: number;
  /**
   * Controlling agent: put USE-CANDIDATE in every check (RFC 5245 aggressive nomination, gone
   * from RFC 8445). For interoperability tests; the default is regular nomination (§8.1.1).
   */
  readonly aggressiveNomination?: boolean;
  /** RFC 7675 consent: checks every `consentInterval` ms (±20 %, default 5000), consent lost after `consentTimeout` ms (default 30000). */
  readonly consentInterval?: number;
  readonly consentTimeout?: number;
  /** Nothing received on the selected pair for this long: 'disconnected' (default 5000 ms). */
  readonly disconnectedTimeout?: number;
  /** SOFTWARE attribute in our STUN messages, none by default. */
  readonly software?: string;
}

/** What `setRemoteCredentials` learns besides ufrag and pwd (from `a=ice-lite` and the like). */
export interface RemoteCredentialOptions {
  /** The peer is an ICE-lite agent (RFC 8445 §6.1.1): we must be controlling and do every check. */
  readonly lite?: boolean;
}

/** A local socket the adapter owns, registered with `addSocket`. */
export interface LocalSocket {
  /** The adapter's handle; it comes back in every transmit from this socket. */
  readonly id: number;
  /** UDP socket bound to a host address, or a TCP/TLS stream to a TURN server. */
  readonly kind: 'udp' | 'turn-stream';
  /** For 'udp', the bound address (a host candidate is made from it). For 'turn-stream', the server. */
  readonly address: TransportAddress;
  /** Host candidates on this socket hide their address behind this mDNS name (RFC 8839 / mdns-ice-candidates). */
  readonly mdnsName?: string;
  /** Local preference input: lower index = preferred interface (RFC 8445 §5.1.2.1). */
  readonly interfaceIndex?: number;
  /**
   * For 'turn-stream': the `url` of the IceServer this stream reaches. When absent, the TURN
   * server with the stream's address and port (transport tcp or tls first) is taken.
   */
  readonly serverUrl?: string;
}

export interface IceTransmit {
  readonly socketId: number;
  /** Ignored for 'turn-stream' sockets, which are connected. */
  readonly destination: TransportAddress;
  /** Valid until the next call into the agent: send it (or copy it) before that. */
  readonly data: Uint8Array;
}

/** A usable pair, as the selected pair and events report it. */
export interface CandidatePairInfo {
  /** Stable for the pair's life: the id of its RTCIceCandidatePairStats. */
  readonly id: string;
  readonly local: IceCandidate;
  readonly remote: IceCandidate;
  readonly state: CandidatePairState;
  readonly nominated: boolean;
  /** RFC 8445 §6.1.2.3 pair priority (64 bits). */
  readonly priority: bigint;
  /** Round trip of the last check or consent response, ms. */
  readonly rtt: number | undefined;
}

/** A pair with its counters, as `IceAgent.pairs` lists them for getStats. */
export interface CandidatePairStats extends CandidatePairInfo {
  readonly requestsSent: number;
  readonly requestsReceived: number;
  readonly responsesSent: number;
  readonly responsesReceived: number;
  readonly consentRequestsSent: number;
  readonly packetsSent: number;
  readonly packetsReceived: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** `now` of the last datagram (STUN or data) received on the pair, or undefined. */
  readonly lastReceived: number | undefined;
}

export type IceEvent =
  /** A local candidate to signal to the peer (trickle, RFC 8838). */
  | { readonly type: 'candidate'; readonly candidate: IceCandidate }
  | { readonly type: 'gathering-state'; readonly state: IceGatheringState }
  /** A STUN or TURN server failed (icecandidateerror). */
  | {
      readonly type: 'candidate-error';
      readonly url: string;
      readonly address: string | undefined;
      readonly port: number | undefined;
      readonly errorCode: number;
      readonly errorText: string;
    }
  | { readonly type: 'connection-state'; readonly state: IceConnectionState }
  | { readonly type: 'selected-pair'; readonly pair: CandidatePairInfo }
  | { readonly type: 'role-changed'; readonly role: IceRole }
  /** A datagram that is not STUN (RFC 7983: DTLS, RTP/RTCP), on a valid pair. A view into the input. */
  | { readonly type: 'data'; readonly data: Uint8Array; readonly pair: CandidatePairInfo };

/** Counters of dropped input, for getStats and for tests of hostile input. */
export interface IceAgentStats {
  /** Not STUN and not from a pair that succeeded, or STUN that failed to parse. */
  droppedMalformed: number;
  /** Requests with a wrong USERNAME or MESSAGE-INTEGRITY, or responses failing integrity. */
  droppedUnauthenticated: number;
  /** Data from an address with no valid pair. */
  droppedUnknownSource: number;
  /** Responses to no transaction of ours (strays, duplicates of answered retransmissions). */
  droppedStray: number;
  /** Remote candidates, pairs, early checks or events refused by the caps. */
  droppedOverCap: number;
  /** Remote candidates ignored: unresolved `.local`/FQDN names, TCP, another component or generation. */
  ignoredCandidates: number;
  /** Transmits dropped because nobody drained `pollTransmit`. */
  droppedTransmits: number;
  checksSent: number;
  checksReceived: number;
  responsesReceived: number;
  consentChecksSent: number;
  roleConflicts: number;
}
