/**
 * The sans-IO ICE agent (RFC 8445, with trickle RFC 8838 and consent freshness RFC 7675). It
 * owns no socket and no timer: the adapter registers its sockets (`addSocket`), feeds what they
 * receive (`handleInput`) and the clock (`handleTimeout` at `pollTimeout()`), sends what
 * `pollTransmit()` yields and acts on `pollEvent()`. See types.ts for the contract.
 *
 *   const agent = new IceAgent({ role: 'controlling', servers });
 *   agent.addSocket({ id: 1, kind: 'udp', address: { family: 'IPv4', address: '192.0.2.1', port: 5000 } }, now);
 *   agent.endOfLocalSockets(now);
 *   agent.setRemoteCredentials({ ufrag, pwd }, now);
 *   agent.addRemoteCandidate(parseCandidate(line), now);
 *   // ... handleInput / handleTimeout, drain pollTransmit / pollEvent ...
 *   agent.send(dtlsRecord, now);
 *
 * What lives where: context.ts (the state the parts share), gathering.ts + turn-relay.ts (host,
 * srflx, relay candidates), pairing.ts (candidates into pairs), checklist.ts + pair.ts (pair
 * states, priorities, valid pairs, triggered queue), checking.ts (checks we send, §7.2, and
 * nomination, §8.1.1 via nomination.ts), answering.ts (checks and data we receive, §7.3, RFC
 * 7983), selection.ts (selected pair, roles, restarts, consent via consent.ts, connection
 * state), generation.ts (what an ICE restart renews), stun-messages.ts + transactions.ts (the
 * wire and its retransmissions). This file is the public face: commands, input, timers, output.
 *
 * Network input never throws: whatever does not parse, authenticate or belong is dropped and
 * counted in `stats`. API misuse (bad credentials, too many sockets) throws RangeError.
 */
import { addressFamily, type TransportAddress } from '@purertc/stun';
import { candidateExtension, type IceCandidate } from '../candidate.js';
import { handleFromPeer, processCheck } from './answering.js';
import { addressKey, canonicalAddress } from './candidates.js';
import { checkTimedOut, kick, maybeNominate, sendNomination, tick, tickIfDue } from './checking.js';
import { AgentContext } from './context.js';
import { checkCredentials, generateCredentials } from './credentials.js';
import { Generation } from './generation.js';
import type { CandidatePair } from './pair.js';
import { addRemote, generationFor, pairRemote } from './pairing.js';
import {
  dropGeneration,
  liveTimeout,
  noteReceived,
  pathLost,
  runConsent,
  switchRole,
  updateState,
} from './selection.js';
import type {
  CandidatePairInfo,
  CandidatePairStats,
  IceAgentOptions,
  IceAgentStats,
  IceConnectionState,
  IceCredentials,
  IceEvent,
  IceGatheringState,
  IceRole,
  IceTransmit,
  LocalSocket,
  RemoteCredentialOptions,
} from './types.js';

export class IceAgent {
  private readonly a: AgentContext;

  constructor(options: IceAgentOptions) {
    this.a = new AgentContext(options);
  }

  /** This agent is ICE-lite (RFC 8445 §2.5). */
  get isLite(): boolean {
    return this.a.lite;
  }

  get role(): IceRole {
    return this.a.role;
  }

  get localCredentials(): IceCredentials {
    return this.a.current.local;
  }

  get remoteCredentials(): IceCredentials | undefined {
    return this.a.current.remote;
  }

  /** The ICE generation: 0, then one more per restart. */
  get generation(): number {
    return this.a.current.index;
  }

  get connectionState(): IceConnectionState {
    return this.a.connState;
  }

  get gatheringState(): IceGatheringState {
    return this.a.gatherState;
  }

  get selectedPair(): CandidatePairInfo | undefined {
    return this.a.selected?.info();
  }

  /** Live counters (do not mutate). */
  get stats(): Readonly<IceAgentStats> {
    return this.a.stats;
  }

  /** The pairs of the current generation (checklist and constructed valid pairs), and the selected one. */
  get pairs(): CandidatePairStats[] {
    const g = this.a.current;
    const out: CandidatePairStats[] = [];
    const seen = new Set<CandidatePair>();
    for (const p of [...g.checklist.pairs, ...g.checklist.constructed]) {
      seen.add(p);
      out.push(p.stats());
    }
    if (this.a.selected !== undefined && !seen.has(this.a.selected)) out.push(this.a.selected.stats());
    return out;
  }

  /** Local candidates as signalled in this generation, plus peer-reflexive ones learned from checks. */
  get localCandidates(): IceCandidate[] {
    const g = this.a.current;
    return this.a.locals.filter((c) => c.signalled || c.type === 'prflx').map((c) => g.signalled(c));
  }

  /** Remote candidates of this generation, peer-reflexive ones included. */
  get remoteCandidates(): IceCandidate[] {
    return this.a.current.remoteCandidates.map((r) => r.candidate);
  }

  /** The adapter opened a socket: gathering starts on it (see gathering.ts). */
  addSocket(socket: LocalSocket, now: number): void {
    if (this.a.closed) return;
    this.a.gatherer.addSocket(socket, now);
    updateState(this.a, now);
  }

  /**
   * The adapter's socket closed or failed (a TCP/TLS stream to a TURN server above all): pairs
   * through it fail, its TURN allocation ends, and a selected pair through it loses its path.
   */
  socketClosed(socketId: number, now: number): void {
    const entry = this.a.gatherer.sockets.get(socketId);
    if (entry === undefined || this.a.closed) return;
    this.a.gatherer.socketClosed(entry, now);
    pathLost(this.a, (path) => path.socketId === socketId, now);
    // Its pairs failed: another valid pair may now be the one to nominate, its check goes now.
    sendNomination(this.a, now);
  }

  /** No more sockets will come: gathering completes once every server request has finished. */
  endOfLocalSockets(now: number): void {
    if (this.a.closed) return;
    this.a.gatherer.endOfLocalSockets();
    updateState(this.a, now);
  }

  /**
   * The peer's ufrag and pwd (and whether it is lite). Checks start once they are known. New
   * credentials (another ufrag or pwd) after the first are an ICE restart by the peer: unless
   * `restart()` came first, the agent restarts too and `localCredentials` changes (RFC 8445 §9).
   */
  setRemoteCredentials(
    credentials: IceCredentials,
    now: number,
    options: RemoteCredentialOptions = {},
  ): void {
    if (this.a.closed) return;
    checkCredentials(credentials, true);
    let gen = this.a.current;
    if (
      gen.remote !== undefined &&
      (gen.remote.ufrag !== credentials.ufrag || gen.remote.pwd !== credentials.pwd)
    ) {
      this.restart(now);
      gen = this.a.current;
    }
    const first = gen.remote === undefined;
    if (first) gen.setRemote(credentials);
    gen.remoteLite = options.lite ?? false;
    // RFC 8445 §6.1.1: facing a lite agent, a full agent is controlling.
    if (gen.remoteLite && !this.a.lite) switchRole(this.a, 'controlling', now);
    if (!first) return;
    const future = this.a.future.splice(0);
    for (const c of future)
      if (candidateExtension(c, 'ufrag') === credentials.ufrag) this.addRemoteCandidate(c, now);
    for (const r of gen.remoteCandidates) pairRemote(this.a, gen, r, now);
    // §7.3: checks answered before the credentials arrived now get their triggered checks.
    for (const e of gen.earlyChecks.splice(0)) {
      if (e.remoteUfrag !== credentials.ufrag) continue;
      const local = this.a.localForPath(e.path);
      if (local !== undefined)
        processCheck(this.a, gen, e.path, local, e.from, e.priority, e.useCandidate, now);
    }
    kick(this.a, now);
    updateState(this.a, now);
    sendNomination(this.a, now);
    tickIfDue(this.a, now);
  }

  /**
   * A remote candidate (trickled or from the description), before or after the credentials.
   * Names (`.local` mDNS, FQDN) must be resolved by the adapter first: the core ignores them and
   * counts them in `stats.ignoredCandidates`, as it does TCP candidates, other components and
   * candidates whose `ufrag` names an older generation.
   */
  addRemoteCandidate(candidate: IceCandidate, now: number): void {
    if (this.a.closed) return;
    if (candidate.component !== 1 || candidate.transport !== 'udp' || candidate.port === 0) {
      this.a.stats.ignoredCandidates++;
      return;
    }
    let family: TransportAddress['family'];
    try {
      family = addressFamily(candidate.address);
    } catch {
      this.a.stats.ignoredCandidates++;
      return;
    }
    const gen = generationFor(this.a, candidate);
    if (gen === undefined) {
      const ufrag = candidateExtension(candidate, 'ufrag');
      if (
        ufrag !== undefined &&
        this.a.retiredUfrags?.has(ufrag) !== true &&
        !this.a.generations.some((g) => g.remote?.ufrag === ufrag)
      ) {
        // A generation of the peer whose credentials have not arrived yet (its restart): kept
        // until they do (RFC 8838 §4: candidates may outrun the description that announces them).
        if (this.a.future.length < this.a.o.maxRemoteCandidates) this.a.future.push(candidate);
        else this.a.stats.droppedOverCap++;
        return;
      }
      this.a.stats.ignoredCandidates++;
      return;
    }
    const address = canonicalAddress({ family, address: candidate.address, port: candidate.port });
    const existing = gen.remoteByKey.get(addressKey(address));
    if (existing !== undefined) {
      // RFC 8838 §11.4 (and RFC 8445 §7.3.1.3): a peer-reflexive candidate that is then signalled
      // takes the signalled type, priority and foundation.
      if (existing.candidate.type === 'prflx' && candidate.type !== 'prflx') {
        existing.candidate = candidate;
        for (const p of [...gen.checklist.pairs, ...gen.checklist.constructed]) {
          if (p.remote === existing) p.remoteChanged(this.a.role);
        }
        gen.checklist.sort();
        if (gen.remote !== undefined) pairRemote(this.a, gen, existing, now);
      }
      return;
    }
    if (gen.remoteCandidates.length >= this.a.o.maxRemoteCandidates) {
      this.a.stats.droppedOverCap++;
      return;
    }
    const remote = addRemote(this.a, gen, candidate, address);
    if (gen.remote !== undefined) {
      pairRemote(this.a, gen, remote, now);
      updateState(this.a, now);
    }
  }

  /** The peer signalled end-of-candidates (RFC 8838 §8): pairs that all failed then mean 'failed'. */
  endOfRemoteCandidates(now: number): void {
    if (this.a.closed) return;
    this.a.current.endOfRemoteCandidates = true;
    updateState(this.a, now);
  }

  /**
   * ICE restart (RFC 8445 §9): new local credentials (given or generated), a new generation whose
   * checklist is built once the peer's new credentials arrive. Local candidates are signalled
   * again under the new ufrag. Until a pair of the new generation is selected, the selected pair
   * keeps carrying data and consent with the old credentials.
   */
  restart(now: number, credentials?: IceCredentials): void {
    if (this.a.closed) return;
    const local = credentials ?? generateCredentials();
    checkCredentials(local, false);
    const next = new Generation(this.a.current.index + 1, local, this.a.o.maxPairs);
    const keep = this.a.selected === undefined ? undefined : this.a.genOf(this.a.selected);
    for (const g of this.a.generations) {
      if (g === keep) {
        // Its checks stop; consent on the selected pair goes on.
        this.a.checks.removeWhere((t) => t.context.gen === g && t.context.kind === 'check');
        g.checklist.clearTriggered();
      } else {
        dropGeneration(this.a, g);
      }
    }
    this.a.generations = keep === undefined ? [next] : [keep, next];
    this.a.nominator.reset();
    this.a.nextCheckAt = undefined;
    // RFC 8838 §4 / JSEP: candidates are gathered (here: signalled) anew for the new ufrag.
    this.a.setGathering('gathering');
    for (const c of this.a.locals)
      if (c.signalled) this.a.emit({ type: 'candidate', candidate: next.signalled(c) });
    if (this.a.gatherer.complete) this.a.setGathering('complete');
    updateState(this.a, now);
  }

  /**
   * Application data (DTLS, RTP) on the selected pair; through the TURN allocation (a bound
   * channel) when the local candidate is relayed. False when there is no selected pair, consent
   * is lost, or the relay is gone. `data` is referenced by the transmit until it is polled.
   */
  send(data: Uint8Array, now: number): boolean {
    const pair = this.a.selected;
    if (pair === undefined || this.a.closed || pair.consentLost) return false;
    if (!this.a.sendVia(pair.local.path, pair.remote.address, data, now)) return false;
    pair.packetsSent++;
    pair.bytesSent += data.length;
    return true;
  }

  /** Stops everything; TURN allocations are deleted (their requests still flow through pollTransmit). */
  close(now: number): void {
    if (this.a.closed) return;
    this.a.closed = true;
    this.a.checks.clear();
    this.a.nextCheckAt = undefined;
    this.a.gatherer.close(now);
    updateState(this.a, now);
  }

  /**
   * Whatever arrived on socket `socketId` from `from`: a datagram on a UDP socket, a chunk of
   * the stream on a 'turn-stream' socket (`from` ignored).
   */
  handleInput(socketId: number, from: TransportAddress, bytes: Uint8Array, now: number): void {
    if (!this.selectedData(socketId, from, bytes, now)) this.input(socketId, from, bytes, now);
    // A check that succeeded or failed, or a USE-CANDIDATE, may call for a nomination's check: now.
    sendNomination(this.a, now);
    tickIfDue(this.a, now);
  }

  /**
   * The common case after selection, taken without building a lookup key: DTLS or RTP (RFC 7983
   * first byte 20..63 or 128..191) on the selected pair's own socket from its remote address,
   * exactly as node:dgram reports it. Anything else, including a source that would need
   * canonicalising, goes the general way ({@link input}); the outcome is the same.
   */
  private selectedData(socketId: number, from: TransportAddress, bytes: Uint8Array, now: number): boolean {
    const a = this.a;
    const sel = a.selected;
    if (sel === undefined || a.closed) return false;
    const first = bytes[0] ?? 0;
    if ((first < 20 || first > 63) && (first < 128 || first > 191)) return false;
    const path = sel.local.path;
    const remote = sel.remote.address;
    if (path.relay !== undefined || path.socketId !== socketId) return false;
    if (from.port !== remote.port || from.address !== remote.address) return false;
    if (!a.receiving.has(sel.key) || a.gatherer.isClosed(socketId)) return false;
    sel.packetsReceived++;
    sel.bytesReceived += bytes.length;
    sel.lastReceived = now;
    noteReceived(a, sel.key, now);
    a.emit({ type: 'data', data: bytes, pair: sel.info() });
    return true;
  }

  private input(socketId: number, from: TransportAddress, bytes: Uint8Array, now: number): void {
    const entry = this.a.gatherer.sockets.get(socketId);
    if (entry === undefined) {
      this.a.stats.droppedUnknownSource++;
      return;
    }
    if (this.a.gatherer.isClosed(socketId)) {
      this.a.stats.droppedUnknownSource++;
      return;
    }
    if (entry.socket.kind === 'turn-stream') {
      this.a.gatherer.handleStreamInput(entry, bytes, now);
      updateState(this.a, now);
      return;
    }
    let source: TransportAddress;
    try {
      source = canonicalAddress(from);
    } catch {
      this.a.stats.droppedMalformed++;
      return;
    }
    if (this.a.gatherer.handleServerInput(entry, source, bytes, now)) {
      updateState(this.a, now);
      return;
    }
    if (this.a.closed) return;
    if (this.a.relayOnly || entry.host === undefined) {
      // With the 'relay' policy the host address is not a candidate: nothing but servers talk to it.
      this.a.stats.droppedUnknownSource++;
      return;
    }
    handleFromPeer(this.a, entry.path, entry.host, source, bytes, now);
  }

  /** The clock moved: retransmissions, the next Ta tick, nomination, consent, liveness. */
  handleTimeout(now: number): void {
    this.a.gatherer.handleTimeout(now);
    if (this.a.closed) return;
    this.a.checks.handleTimeout(now, (t) => checkTimedOut(this.a, t, now));
    if (this.a.nextCheckAt !== undefined && now >= this.a.nextCheckAt) tick(this.a, now);
    // The nomination deadline, or a check that timed out, may settle it: its check goes now.
    maybeNominate(this.a, now);
    sendNomination(this.a, now);
    runConsent(this.a, now);
    updateState(this.a, now);
  }

  pollTransmit(): IceTransmit | undefined {
    return this.a.transmits.shift();
  }

  pollEvent(): IceEvent | undefined {
    return this.a.events.shift();
  }

  /** When `handleTimeout` has work next, or undefined. */
  pollTimeout(): number | undefined {
    let next = this.a.gatherer.pollTimeout();
    const min = (t: number | undefined) => {
      if (t !== undefined && (next === undefined || t < next)) next = t;
    };
    if (this.a.closed) return next;
    min(this.a.checks.pollTimeout());
    min(this.a.nextCheckAt);
    if (this.a.role === 'controlling') min(this.a.nominator.deadline());
    const sel = this.a.selected;
    if (sel !== undefined && !sel.consentLost) {
      min(sel.consentExpiresAt);
      if (!this.a.lite) {
        min(sel.nextConsentAt);
        min(this.a.consent.probeAt(sel, this.a.lastSelectedReceived));
      }
      if (!this.a.disconnected) min(this.a.lastSelectedReceived + liveTimeout(this.a));
    }
    return next;
  }
}
