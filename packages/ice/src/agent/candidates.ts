/**
 * Candidates as the agent holds them: local ones with their base and the path their datagrams
 * take (a UDP socket, or a TURN allocation reached through one), remote ones with a canonical
 * transport address to match datagram sources against.
 */
import { parseIp, type TransportAddress } from '@purertc/stun';
import {
  type CandidateType,
  candidateFoundation,
  candidatePriority,
  type IceCandidate,
} from '../candidate.js';
import type { TurnRelay } from './turn-relay.js';

/**
 * How datagrams leave (and arrive at) a local candidate: straight from a UDP socket, or through
 * a TURN allocation. Host, server- and peer-reflexive candidates of one socket share its path
 * (they all send from the base, RFC 8445 §5.1.1.1); a relayed candidate has a path of its own.
 */
export interface SendPath {
  /** 's<socket id>' or 'r<relay id>': the first part of every pair lookup key. */
  readonly key: string;
  readonly socketId: number;
  readonly relay: TurnRelay | undefined;
}

export interface LocalCandidate {
  readonly id: string;
  readonly type: CandidateType;
  /** The candidate's transport address (for a host candidate, the bound address). */
  readonly address: TransportAddress;
  /** RFC 8445 §5.1.1.1: where checks go out from: the host address, or the relayed address itself. */
  readonly base: TransportAddress;
  readonly path: SendPath;
  readonly localPreference: number;
  readonly priority: number;
  readonly foundation: string;
  /** The candidate as signalled (without the per-generation `ufrag`/`generation` extensions). */
  readonly candidate: IceCandidate;
  /** False for peer-reflexive candidates and for host candidates hidden by the 'relay' policy. */
  readonly signalled: boolean;
  /** srflx/relay: the server URL it came from. */
  readonly url: string | undefined;
  /** relay: how we reach the TURN server. */
  readonly relayProtocol: 'udp' | 'tcp' | 'tls' | undefined;
}

export interface RemoteCandidate {
  readonly id: string;
  /** Mutable: a peer-reflexive candidate is replaced by its signalled form when that arrives (RFC 8838 §11.4). */
  candidate: IceCandidate;
  /** Canonical (RFC 5952) transport address. */
  readonly address: TransportAddress;
  /** `address|port`, for lookups. */
  readonly key: string;
}

/** Map keys and canonical text come from @purertc/stun, shared with its TURN client and server. */
export { canonicalAddress, transportKey as addressKey } from '@purertc/stun';

export function sameAddress(a: TransportAddress, b: TransportAddress): boolean {
  return a.port === b.port && a.address === b.address;
}

/** IPv6 link-local (fe80::/10): RFC 8445 §6.1.2.2 pairs those only with each other. */
export function isLinkLocal(a: TransportAddress): boolean {
  if (a.family !== 'IPv6') return false;
  const b = parseIp(a.address);
  return b[0] === 0xfe && ((b[1] as number) & 0xc0) === 0x80;
}

/**
 * RFC 8445 §5.1.2.1 local preference of a host candidate (0..65535, unique per candidate of one
 * type): the preferred interface (lowest index) highest, IPv6 slightly above IPv4 on the same
 * interface (RFC 8421 §4), and the order of registration breaking the remaining ties.
 */
export function hostLocalPreference(
  family: TransportAddress['family'],
  interfaceIndex: number,
  ordinal: number,
): number {
  const iface = Math.min(Math.max(0, Math.floor(interfaceIndex)), 200);
  return 0xffff - iface * 256 - (family === 'IPv6' ? 0 : 128) - (ordinal % 128);
}

/** Relayed candidates: UDP to the server before TCP before TLS (shorter paths, no head-of-line blocking). */
export function relayLocalPreference(
  protocol: 'udp' | 'tcp' | 'tls',
  hostPreference: number,
  ordinal: number,
): number {
  const p = protocol === 'udp' ? 2 : protocol === 'tcp' ? 1 : 0;
  return ((p << 14) | ((hostPreference >> 2) & 0x3f00) | (ordinal & 0xff)) & 0xffff;
}

export interface LocalCandidateInit {
  readonly id: string;
  readonly type: CandidateType;
  readonly address: TransportAddress;
  readonly base: TransportAddress;
  readonly path: SendPath;
  readonly localPreference: number;
  /** Overrides the computed priority (peer-reflexive: the PRIORITY we sent, RFC 8445 §7.2.5.3.1). */
  readonly priority?: number;
  /** Server URL for srflx/relay (part of the foundation, RFC 8445 §5.1.1.3). */
  readonly url?: string;
  readonly relayProtocol?: 'udp' | 'tcp' | 'tls';
  /** The address to signal instead of `address` (an mDNS name). */
  readonly signalledAddress?: string;
  readonly relatedAddress?: TransportAddress;
  readonly signalled: boolean;
}

export function makeLocalCandidate(init: LocalCandidateInit): LocalCandidate {
  const priority = init.priority ?? candidatePriority(init.type, init.localPreference, 1);
  // §5.1.1.3: same type, base IP, server and transport share a foundation.
  const foundation = candidateFoundation(init.type, init.base.address, 'udp', init.url ?? '');
  const candidate: IceCandidate = {
    foundation,
    component: 1,
    transport: 'udp',
    priority,
    address: init.signalledAddress ?? init.address.address,
    port: init.address.port,
    type: init.type,
    relatedAddress: init.relatedAddress?.address,
    relatedPort: init.relatedAddress?.port,
  };
  return {
    id: init.id,
    type: init.type,
    address: init.address,
    base: init.base,
    path: init.path,
    localPreference: init.localPreference,
    priority,
    foundation,
    candidate,
    signalled: init.signalled,
    url: init.url,
    relayProtocol: init.relayProtocol,
  };
}

/** The candidate with the `generation` and `ufrag` extensions browsers add (so the peer can tell generations apart). */
export function withGeneration(c: IceCandidate, generation: number, ufrag: string): IceCandidate {
  return {
    ...c,
    extensions: [
      ['generation', String(generation)],
      ['ufrag', ufrag],
    ],
  };
}
