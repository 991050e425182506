/**
 * A candidate pair (RFC 8445 §6.1.2): a local and a remote candidate, its priority, its state
 * and what checks and nomination have learned about it.
 *
 * Two kinds live here. A *checklist pair* is formed from a host or relayed local candidate
 * (§6.1.2.2, with server-reflexive ones replaced by their base, §6.1.2.4) and gets checked. A
 * *valid pair* (§7.2.5.3.2) is what a successful check proves: its local candidate is the one
 * whose address equals the XOR-MAPPED-ADDRESS of the response (a server- or peer-reflexive one
 * behind a NAT), so it may differ from the checklist pair that produced it. Both send from the
 * same base, so datagrams take the same path; nomination and selection are about valid pairs.
 */
import type { IceCandidate } from '../candidate.js';
import type { LocalCandidate, RemoteCandidate } from './candidates.js';
import type { Transaction } from './transactions.js';
import type { CandidatePairInfo, CandidatePairState, CandidatePairStats, IceRole } from './types.js';

/**
 * RFC 8445 §6.1.2.3: priority = 2^32 * MIN(G, D) + 2 * MAX(G, D) + (G > D ? 1 : 0), where G is
 * the controlling agent's candidate priority and D the controlled agent's. 64 bits: a bigint.
 */
export function pairPriority(role: IceRole, localPriority: number, remotePriority: number): bigint {
  const g = BigInt(role === 'controlling' ? localPriority : remotePriority);
  const d = BigInt(role === 'controlling' ? remotePriority : localPriority);
  const min = g < d ? g : d;
  const max = g < d ? d : g;
  return (min << 32n) + 2n * max + (g > d ? 1n : 0n);
}

/** Builds the signalled form of a local candidate (a Generation: with its `ufrag` and `generation`). */
export interface CandidateSignaller {
  signalled(c: LocalCandidate): IceCandidate;
}

export class CandidatePair {
  state: CandidatePairState = 'frozen';
  priority: bigint;
  /** `path|address|port`: how datagrams of this 5-tuple are looked up. */
  readonly key: string;
  /** In the checklist (checked), or a valid pair constructed from another pair's check. */
  readonly checked: boolean;
  /** Checklist pair: the valid pair its check produced (itself when the mapped address is its local). */
  valid: CandidatePair | undefined;
  /** Valid pair: the checklist pair whose check produced it, to repeat with USE-CANDIDATE (§8.1.1). */
  generatedBy: CandidatePair | undefined;
  /** Valid pair: nominated (§8.1.1 for the controlling agent, §7.3.1.5 for the controlled one). */
  nominated = false;
  /** Controlled: USE-CANDIDATE arrived before our own check on this pair succeeded (§7.3.1.5). */
  nominateOnSuccess = false;
  /** Controlling: the next check of this pair carries USE-CANDIDATE. */
  useCandidate = false;
  /** The peer sent an authenticated check on this 5-tuple: data from it is accepted. */
  receivedCheck = false;
  rtt: number | undefined;
  /** The latest check transaction on this pair (a triggered check supersedes a cancelled one). */
  checkTx: Transaction<unknown> | undefined;
  /** Consent (RFC 7675) while this pair is selected. */
  consentExpiresAt = 0;
  nextConsentAt = 0;
  lastConsentSent = Number.NEGATIVE_INFINITY;
  consentLost = false;
  lastReceived: number | undefined;

  requestsSent = 0;
  requestsReceived = 0;
  responsesSent = 0;
  responsesReceived = 0;
  consentRequestsSent = 0;
  packetsSent = 0;
  packetsReceived = 0;
  bytesSent = 0;
  bytesReceived = 0;

  private cachedInfo: CandidatePairInfo | undefined;

  constructor(
    readonly id: string,
    readonly local: LocalCandidate,
    readonly remote: RemoteCandidate,
    /** The ICE generation (restart count) it belongs to. */
    readonly generation: number,
    role: IceRole,
    checked: boolean,
    /** This pair's generation, which builds the signalled form of the local candidate. */
    private readonly signaller: CandidateSignaller,
  ) {
    this.checked = checked;
    this.key = `${local.path.key}|${remote.key}`;
    this.priority = pairPriority(role, local.priority, remote.candidate.priority);
  }

  /** §6.1.2.6: the pair foundation joins the two candidates' foundations. */
  get foundation(): string {
    return `${this.local.foundation}:${this.remote.candidate.foundation}`;
  }

  setState(state: CandidatePairState): void {
    if (this.state === state) return;
    this.state = state;
    this.cachedInfo = undefined;
  }

  setNominated(): void {
    if (this.nominated) return;
    this.nominated = true;
    this.cachedInfo = undefined;
  }

  setRtt(rtt: number): void {
    this.rtt = rtt;
    this.cachedInfo = undefined;
  }

  updatePriority(role: IceRole): void {
    this.priority = pairPriority(role, this.local.priority, this.remote.candidate.priority);
    this.cachedInfo = undefined;
  }

  /** The remote candidate changed (a prflx replaced by its signalled form). */
  remoteChanged(role: IceRole): void {
    this.updatePriority(role);
  }

  /** An immutable snapshot, reused until something it shows changes (data events carry it). */
  info(): CandidatePairInfo {
    this.cachedInfo ??= {
      id: this.id,
      local: this.signaller.signalled(this.local),
      remote: this.remote.candidate,
      state: this.state,
      nominated: this.nominated,
      priority: this.priority,
      rtt: this.rtt,
    };
    return this.cachedInfo;
  }

  stats(): CandidatePairStats {
    return {
      ...this.info(),
      requestsSent: this.requestsSent,
      requestsReceived: this.requestsReceived,
      responsesSent: this.responsesSent,
      responsesReceived: this.responsesReceived,
      consentRequestsSent: this.consentRequestsSent,
      packetsSent: this.packetsSent,
      packetsReceived: this.packetsReceived,
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
      lastReceived: this.lastReceived,
    };
  }
}
