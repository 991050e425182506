/**
 * One ICE generation: the state an ICE restart (RFC 8445 §9) starts afresh. Local credentials,
 * the peer's credentials and candidates, the checklist, and the checks that arrived before the
 * peer's credentials did (RFC 8445 §7.3: they are answered at once; the triggered checks they
 * call for wait, bounded, until the credentials arrive).
 *
 * Local candidates belong to the agent, not to a generation: a restart signals the same sockets
 * and allocations again under the new ufrag.
 */
import { shortTermKey } from '@purertc/stun';
import type { IceCandidate } from '../candidate.js';
import { type LocalCandidate, type RemoteCandidate, type SendPath, withGeneration } from './candidates.js';
import { CheckList } from './checklist.js';
import type { IceCredentials } from './types.js';

/** A check that arrived before the remote credentials (RFC 8445 §7.3), kept to act on later. */
export interface EarlyCheck {
  readonly path: SendPath;
  readonly from: { readonly family: 'IPv4' | 'IPv6'; readonly address: string; readonly port: number };
  readonly remoteUfrag: string;
  readonly priority: number;
  readonly useCandidate: boolean;
}

export class Generation {
  readonly localKey: Uint8Array;
  remote: IceCredentials | undefined;
  remoteKey: Uint8Array | undefined;
  /** The peer announced `a=ice-lite`. */
  remoteLite = false;
  endOfRemoteCandidates = false;
  readonly remoteCandidates: RemoteCandidate[] = [];
  readonly remoteByKey = new Map<string, RemoteCandidate>();
  readonly checklist: CheckList;
  readonly earlyChecks: EarlyCheck[] = [];
  /** Any authenticated check arrived (a lite agent is 'checking' from then on). */
  checkReceived = false;
  private readonly signalledCache = new Map<string, IceCandidate>();

  constructor(
    readonly index: number,
    readonly local: IceCredentials,
    maxPairs: number,
  ) {
    this.localKey = shortTermKey(local.pwd);
    this.checklist = new CheckList(maxPairs);
  }

  setRemote(credentials: IceCredentials): void {
    this.remote = credentials;
    this.remoteKey = shortTermKey(credentials.pwd);
  }

  /** A local candidate as this generation signals it (with `generation` and `ufrag`); prflx ones as they are. */
  signalled(c: LocalCandidate): IceCandidate {
    if (!c.signalled) return c.candidate;
    let s = this.signalledCache.get(c.id);
    if (s === undefined) {
      s = withGeneration(c.candidate, this.index, this.local.ufrag);
      this.signalledCache.set(c.id, s);
    }
    return s;
  }

  /** USERNAME of our checks: "remote ufrag:local ufrag" (RFC 8445 §7.2.2). */
  get username(): string {
    return `${this.remote?.ufrag ?? ''}:${this.local.ufrag}`;
  }
}
