/**
 * The state the ICE agent's parts share. IceAgent (agent.ts) is the public face; the work is done
 * by functions over this context, one file per concern: pairing.ts (candidates into pairs),
 * checking.ts (checks we send, §7.2, and nomination), answering.ts (checks and data we receive,
 * §7.3), selection.ts (selected pair, roles, generations, consent, connection state). Nothing
 * here is public API.
 */
import type { TransportAddress } from '@purertc/stun';
import type { IceCandidate } from '../candidate.js';
import { onRelayData } from './answering.js';
import type { LocalCandidate, SendPath } from './candidates.js';
import { Consent } from './consent.js';
import { checkCredentials, generateCredentials, randomTieBreaker } from './credentials.js';
import { type CandidateError, Gatherer, type GatheringHost } from './gathering.js';
import { Generation } from './generation.js';
import { Nominator } from './nomination.js';
import type { CandidatePair } from './pair.js';
import { onCandidateError, onLocalCandidate } from './pairing.js';
import { Queue } from './queue.js';
import { onRelayClosed, pathLost } from './selection.js';
import { IceMessages } from './stun-messages.js';
import { Transactions } from './transactions.js';
import type { TurnRelay } from './turn-relay.js';
import type {
  IceAgentOptions,
  IceAgentStats,
  IceConnectionState,
  IceEvent,
  IceGatheringState,
  IceRole,
  IceTransmit,
} from './types.js';

/** A check or consent transaction: which pair, which generation's credentials, as what role. */
export interface CheckContext {
  readonly kind: 'check' | 'consent';
  readonly pair: CandidatePair;
  readonly gen: Generation;
  readonly useCandidate: boolean;
  readonly role: IceRole;
}

const DEFAULTS = {
  ta: 50,
  rc: 7,
  rm: 16,
  maxRemoteCandidates: 100,
  maxPairs: 100,
  maxEarlyChecks: 32,
  maxEvents: 4096,
  nominationTimeout: 1000,
  consentInterval: 5000,
  consentTimeout: 30_000,
  disconnectedTimeout: 5000,
} as const;

export type ResolvedOptions = { -readonly [K in keyof typeof DEFAULTS]: number } & {
  aggressiveNomination: boolean;
  software: string | undefined;
};

const MAX_TRANSMITS = 4096;
const MAX_TRANSACTIONS = 512;

export class AgentContext {
  readonly o: ResolvedOptions;
  role: IceRole;
  readonly tieBreaker: bigint;
  readonly lite: boolean;
  readonly relayOnly: boolean;
  readonly messages: IceMessages;
  readonly gatherer: Gatherer;
  readonly consent: Consent;
  readonly nominator: Nominator;
  readonly checks: Transactions<CheckContext>;
  readonly locals: LocalCandidate[] = [];
  generations: Generation[];
  selected: CandidatePair | undefined;
  /** `path|address|port` -> the pair whose datagrams are accepted (a valid pair, or one the peer checked). */
  readonly receiving = new Map<string, CandidatePair>();
  /** Remote candidates of a peer generation whose credentials are still to come. */
  readonly future: IceCandidate[] = [];
  /** Remote ufrags of generations gone: their late candidates are ignored, not kept. Created by the first restart. */
  retiredUfrags: Set<string> | undefined;
  readonly transmits = new Queue<IceTransmit>();
  readonly events = new Queue<IceEvent>();
  connState: IceConnectionState = 'new';
  gatherState: IceGatheringState = 'new';
  /** The next Ta tick (§6.1.4.2), or undefined while there is nothing to check. */
  nextCheckAt: number | undefined;
  lastCheckAt = Number.NEGATIVE_INFINITY;
  /** The last check sent outside the Ta pacing (checking.ts, `sendNomination`). */
  lastUnpacedCheckAt = Number.NEGATIVE_INFINITY;
  /** Last time anything arrived on the selected pair. */
  lastSelectedReceived = 0;
  disconnected = false;
  closed = false;
  seq = 0;
  readonly stats: IceAgentStats = {
    droppedMalformed: 0,
    droppedUnauthenticated: 0,
    droppedUnknownSource: 0,
    droppedOverCap: 0,
    droppedStray: 0,
    ignoredCandidates: 0,
    droppedTransmits: 0,
    checksSent: 0,
    checksReceived: 0,
    responsesReceived: 0,
    consentChecksSent: 0,
    roleConflicts: 0,
  };

  constructor(options: IceAgentOptions) {
    this.o = {
      ta: options.ta ?? DEFAULTS.ta,
      rc: options.rc ?? DEFAULTS.rc,
      rm: options.rm ?? DEFAULTS.rm,
      maxRemoteCandidates: options.maxRemoteCandidates ?? DEFAULTS.maxRemoteCandidates,
      maxPairs: options.maxPairs ?? DEFAULTS.maxPairs,
      maxEarlyChecks: options.maxEarlyChecks ?? DEFAULTS.maxEarlyChecks,
      maxEvents: options.maxEvents ?? DEFAULTS.maxEvents,
      nominationTimeout: options.nominationTimeout ?? DEFAULTS.nominationTimeout,
      consentInterval: options.consentInterval ?? DEFAULTS.consentInterval,
      consentTimeout: options.consentTimeout ?? DEFAULTS.consentTimeout,
      disconnectedTimeout: options.disconnectedTimeout ?? DEFAULTS.disconnectedTimeout,
      aggressiveNomination: options.aggressiveNomination ?? false,
      software: options.software,
    };
    if (!(this.o.ta > 0) || !(this.o.rc >= 1) || !(this.o.rm > 0))
      throw new RangeError('ta, rc and rm must be positive');
    this.lite = options.lite ?? false;
    // RFC 8445 §6.1.1: a lite agent is always controlled.
    this.role = this.lite ? 'controlled' : options.role;
    this.tieBreaker = BigInt.asUintN(64, options.tieBreaker ?? randomTieBreaker());
    this.relayOnly = options.transportPolicy === 'relay';
    const local = options.credentials ?? generateCredentials();
    checkCredentials(local, false);
    this.generations = [new Generation(0, local, this.o.maxPairs)];
    this.messages = new IceMessages(this.o.software);
    this.consent = new Consent(this.o.consentInterval, this.o.consentTimeout, this.o.disconnectedTimeout);
    this.nominator = new Nominator(this.o.nominationTimeout);
    this.checks = new Transactions<CheckContext>(
      (t, now) => this.sendVia(t.context.pair.local.path, t.context.pair.remote.address, t.bytes, now),
      MAX_TRANSACTIONS,
    );
    this.gatherer = new Gatherer(
      new AgentGatheringHost(this),
      {
        servers: options.servers ?? [],
        lite: this.lite,
        relayOnly: this.relayOnly,
        software: this.o.software,
        rc: this.o.rc,
        rm: this.o.rm,
      },
      this.messages,
    );
  }

  get current(): Generation {
    return this.generations[this.generations.length - 1] as Generation;
  }

  genOf(pair: CandidatePair): Generation | undefined {
    for (const g of this.generations) if (g.index === pair.generation) return g;
    return undefined;
  }

  localForPath(path: SendPath): LocalCandidate | undefined {
    if (path.relay !== undefined) return path.relay.local;
    return this.gatherer.sockets.get(path.socketId)?.host;
  }

  /** Sends from a local path: the socket itself, or through the TURN allocation. */
  sendVia(path: SendPath, destination: TransportAddress, data: Uint8Array, now: number): boolean {
    if (this.gatherer.isClosed(path.socketId)) return false;
    const relay = path.relay;
    if (relay === undefined) return this.pushTransmit({ socketId: path.socketId, destination, data });
    const ok = relay.send(destination, data, now);
    this.gatherer.flushRelay(relay, now);
    return ok;
  }

  pushTransmit(t: IceTransmit): boolean {
    if (this.transmits.length >= MAX_TRANSMITS) {
      this.stats.droppedTransmits++;
      return false;
    }
    this.transmits.push(t);
    return true;
  }

  emit(e: IceEvent): void {
    if (e.type === 'data' && this.events.length >= this.o.maxEvents) {
      this.stats.droppedOverCap++;
      return;
    }
    this.events.push(e);
  }

  setGathering(state: IceGatheringState): void {
    if (this.gatherState === state) return;
    this.gatherState = state;
    this.emit({ type: 'gathering-state', state });
  }
}

/**
 * The gatherer's view of the agent, as methods on one small object rather than a closure per
 * callback: every idle agent holds one, so it is kept to a single allocation.
 */
class AgentGatheringHost implements GatheringHost {
  constructor(private readonly a: AgentContext) {}

  newLocalId(): string {
    return `L${++this.a.seq}`;
  }

  transmit(socketId: number, destination: TransportAddress, data: Uint8Array): void {
    this.a.pushTransmit({ socketId, destination, data });
  }

  localCandidate(c: LocalCandidate, now: number): void {
    onLocalCandidate(this.a, c, now);
  }

  candidateError(e: CandidateError): void {
    onCandidateError(this.a, e);
  }

  relayData(relay: TurnRelay, peer: TransportAddress, data: Uint8Array, now: number): void {
    onRelayData(this.a, relay, peer, data, now);
  }

  relayClosed(relay: TurnRelay, now: number): void {
    onRelayClosed(this.a, relay, now);
  }

  relayRefused(relay: TurnRelay, peers: readonly TransportAddress[], now: number): void {
    pathLost(
      this.a,
      (path) => path.relay === relay,
      now,
      (remote) => peers.some((p) => p.address === remote.address),
    );
  }

  gatheringState(state: IceGatheringState): void {
    this.a.setGathering(state);
  }
}
