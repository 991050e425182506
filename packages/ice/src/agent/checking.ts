/**
 * Checks we send (RFC 8445 §6.1.4, §7.2): the Ta-paced scheduler, check and consent requests,
 * their responses (§7.2.5: integrity, symmetry, role conflict, mapped address, valid pair,
 * unfreezing), timeouts, and the controlling agent's regular nomination (§8.1.1).
 *
 * Pacing (§14.2): Ta spaces the checklist's checks, ordinary and triggered: one per tick. The
 * first tick is due at once (`kick`: nothing was sent in the last Ta), so the first check, and
 * a triggered check after a quiet Ta, wait for nothing but the adapter's `handleTimeout(now)`.
 * The one exception is the check that concludes a nomination (`sendNomination`): the
 * controlling agent's USE-CANDIDATE check, sent in the very call whose success or timeout
 * decided it, and the controlled agent's check of a pair the peer nominated before we had
 * validated it, sent as the USE-CANDIDATE arrives, rather than at the next tick; see there.
 */
import {
  ErrorCode,
  StunClass,
  type StunMessage,
  type TransportAddress,
  verifyFingerprint,
  verifyMessageIntegrity,
} from '@purertc/stun';
import { candidatePriority } from '../candidate.js';
import {
  canonicalAddress,
  type LocalCandidate,
  makeLocalCandidate,
  type SendPath,
  sameAddress,
} from './candidates.js';
import type { AgentContext, CheckContext } from './context.js';
import type { Generation } from './generation.js';
import { CandidatePair } from './pair.js';
import { considerSelection, noteReceived, switchRole, updateState } from './selection.js';
import { readErrorCode, readMappedAddress } from './stun-messages.js';
import { type Transaction, totalTimeout } from './transactions.js';

/** RFC 8445 §14.3: RTO of a check is at least 500 ms. */
const MIN_RTO = 500;
/** Consent checks: a short retransmission schedule, a new one follows every ~5 s anyway. */
const CONSENT_SCHEDULE = { rto: 500, rc: 4, rm: 4 } as const;
/** Local peer-reflexive candidates learned from mapped addresses (§7.2.5.3.1). */
const MAX_PRFLX_LOCAL = 32;

/** §7.1.1: PRIORITY = the priority the local candidate would have as peer-reflexive. */
function prflxPriority(local: LocalCandidate): number {
  return candidatePriority('prflx', local.localPreference, 1);
}

/** The Binding request of a check or consent check on `pair` (§7.2.4, RFC 7675 §5.1). */
function checkRequest(
  a: AgentContext,
  gen: Generation,
  pair: CandidatePair,
  useCandidate: boolean,
  key: Uint8Array,
): Uint8Array {
  return a.messages.check({
    username: gen.username,
    role: a.role,
    tieBreaker: a.tieBreaker,
    priority: prflxPriority(pair.local),
    useCandidate,
    key,
    software: a.o.software,
  });
}

/** Makes sure a Ta tick is coming when there is something to check. */
export function kick(a: AgentContext, now: number): void {
  if (a.lite || a.closed || a.nextCheckAt !== undefined) return;
  if (a.current.remoteKey === undefined) return;
  a.nextCheckAt = Math.max(now, a.lastCheckAt + a.o.ta);
}

/**
 * The Ta tick, when it is due now, without waiting for the adapter's `handleTimeout(now)`: at
 * the end of `setRemoteCredentials` (§6.1.4.2: checks begin once the checklist is formed; the
 * first is due at once) and of `handleInput` (§7.3.1.4: a triggered check, due at once when
 * nothing was sent in the last Ta). It is the very tick `handleTimeout(now)` would run, so the
 * pacing is the same; what it saves is a round through the adapter's timer (≥ 1 ms in Node).
 */
export function tickIfDue(a: AgentContext, now: number): void {
  if (a.lite || a.closed) return;
  if (a.nextCheckAt !== undefined && now >= a.nextCheckAt) tick(a, now);
}

/** §6.1.4.2: one check per Ta: the triggered queue first, then the best Waiting pair. */
export function tick(a: AgentContext, now: number): void {
  const gen = a.current;
  const pair = gen.remoteKey === undefined ? undefined : gen.checklist.next();
  if (pair === undefined) {
    a.nextCheckAt = undefined;
    return;
  }
  sendCheck(a, gen, pair, now);
  a.lastCheckAt = now;
  a.nextCheckAt = now + a.o.ta;
}

/**
 * §7.2.4: Binding request with USERNAME, PRIORITY, the role and tie-breaker, USE-CANDIDATE, MI,
 * FINGERPRINT. False when no transaction could be started (no remote credentials, or the cap).
 */
function sendCheck(a: AgentContext, gen: Generation, pair: CandidatePair, now: number): boolean {
  const key = gen.remoteKey;
  if (key === undefined) return false;
  const useCandidate = a.role === 'controlling' && (pair.useCandidate || a.o.aggressiveNomination);
  const bytes = checkRequest(a, gen, pair, useCandidate, key);
  // §14.3: RTO = MAX(500 ms, Ta x (Waiting + In-Progress pairs)).
  const rto = Math.max(MIN_RTO, a.o.ta * gen.checklist.activeCount());
  // The RTO grows with the checklist, and the RFC 8489 schedule with it (79 x RTO with Rc 7, Rm 16):
  // a check lives at most as long as it would with the minimum RTO (39.5 s by default).
  const t = a.checks.start(bytes, { kind: 'check', pair, gen, useCandidate, role: a.role }, now, {
    rto,
    rc: a.o.rc,
    rm: a.o.rm,
    maxLifetime: totalTimeout({ rto: MIN_RTO, rc: a.o.rc, rm: a.o.rm }),
  });
  if (t === undefined) {
    a.stats.droppedOverCap++;
    return false;
  }
  pair.checkTx = t;
  // A nominating check repeats the check of a pair that already succeeded (§8.1.1).
  if (pair.state !== 'succeeded') pair.setState('in-progress');
  pair.requestsSent++;
  a.stats.checksSent++;
  return true;
}

export function sendConsent(a: AgentContext, pair: CandidatePair, now: number): void {
  pair.lastConsentSent = now;
  const gen = a.genOf(pair);
  const key = gen?.remoteKey;
  if (gen === undefined || key === undefined) return;
  // The controlling agent keeps USE-CANDIDATE on its nominated pair: harmless for a peer that
  // has nominated it, and it lets a peer that missed the nomination catch up.
  const useCandidate = a.role === 'controlling' && pair.nominated;
  const bytes = checkRequest(a, gen, pair, useCandidate, key);
  const t = a.checks.start(
    bytes,
    { kind: 'consent', pair, gen, useCandidate, role: a.role },
    now,
    CONSENT_SCHEDULE,
  );
  if (t === undefined) {
    a.stats.droppedOverCap++;
    return;
  }
  pair.consentRequestsSent++;
  a.stats.consentChecksSent++;
}

export function checkTimedOut(a: AgentContext, t: Transaction<CheckContext>, now: number): void {
  const { kind, pair, gen, useCandidate } = t.context;
  if (kind !== 'check' || pair.checkTx !== t) return;
  pair.checkTx = undefined;
  // §7.2.5.2.2 (timeout) — a cancelled transaction that nothing replaced ends the same way.
  if (pair.state === 'in-progress') pairFailed(a, gen, pair, now);
  else if (pair.state === 'succeeded' && useCandidate && a.nominator.pending === pair)
    pairFailed(a, gen, pair, now);
}

/** §7.2.5: a response to one of our checks or consent checks. */
export function handleResponse(
  a: AgentContext,
  path: SendPath,
  from: TransportAddress,
  m: StunMessage,
  now: number,
): void {
  const t = a.checks.get(m.transactionId);
  if (t === undefined) {
    a.stats.droppedStray++; // stray, or a duplicate answer to a retransmission
    return;
  }
  const ctx = t.context;
  if (m.fingerprintOffset >= 0 && !verifyFingerprint(m)) {
    a.stats.droppedMalformed++;
    return;
  }
  // §7.2.5 (RFC 8489 §9.1.4): the response must be signed with the peer's password; one that is
  // not is ignored (a forged one must not fail or validate the pair; retransmissions go on).
  const key = ctx.gen.remoteKey;
  if (key === undefined || !verifyMessageIntegrity(m, key)) {
    a.stats.droppedUnauthenticated++;
    return;
  }
  a.checks.remove(t);
  a.stats.responsesReceived++;
  const pair = ctx.pair;
  const current = pair.checkTx === t;
  if (current) pair.checkTx = undefined;
  // §7.2.5.2.1: the response must come from where the request went, to where it came from.
  if (path.key !== pair.local.path.key || !sameAddress(from, pair.remote.address)) {
    if (ctx.kind === 'check' && current) pairFailed(a, ctx.gen, pair, now);
    return;
  }
  pair.lastReceived = now;
  noteReceived(a, pair.key, now);
  if (m.messageClass === StunClass.ErrorResponse) {
    const code = readErrorCode(m)?.code;
    if (code === ErrorCode.RoleConflict) {
      // §7.2.5.1: switch role if it is still the one the request claimed, then check again.
      a.stats.roleConflicts++;
      if (ctx.role === a.role) switchRole(a, ctx.role === 'controlling' ? 'controlled' : 'controlling', now);
      if (ctx.kind === 'check' && current && ctx.gen === a.current) {
        if (pair.state !== 'succeeded') pair.setState('waiting');
        ctx.gen.checklist.enqueueTriggered(pair);
        kick(a, now);
      }
      return;
    }
    // §7.2.5.2.4: any other error is unrecoverable for the pair.
    if (ctx.kind === 'check' && current) pairFailed(a, ctx.gen, pair, now);
    return;
  }
  const rtt = t.sends === 1 ? Math.max(0, now - t.firstSent) : undefined;
  pair.responsesReceived++;
  if (ctx.kind === 'consent') {
    if (rtt !== undefined) pair.setRtt(rtt);
    a.consent.renew(pair, now);
    return;
  }
  const mapped = readMappedAddress(m);
  if (mapped === undefined) {
    a.stats.droppedMalformed++;
    if (current) pairFailed(a, ctx.gen, pair, now);
    return;
  }
  let address: TransportAddress;
  try {
    address = canonicalAddress(mapped);
  } catch {
    a.stats.droppedMalformed++;
    return;
  }
  checkSucceeded(a, ctx, address, rtt, now);
}

/** §7.2.5.3: the check succeeded. */
function checkSucceeded(
  a: AgentContext,
  ctx: CheckContext,
  mapped: TransportAddress,
  rtt: number | undefined,
  now: number,
): void {
  const { pair, gen } = ctx;
  if (rtt !== undefined) pair.setRtt(rtt);
  // §7.2.5.3.1: the local candidate whose address is the mapped address, or a new peer-reflexive one.
  let local = a.locals.find((c) => c.path.key === pair.local.path.key && sameAddress(c.address, mapped));
  if (local === undefined) {
    if (a.locals.filter((c) => c.type === 'prflx').length < MAX_PRFLX_LOCAL) {
      local = makeLocalCandidate({
        id: `L${++a.seq}`,
        type: 'prflx',
        address: mapped,
        base: pair.local.base,
        path: pair.local.path,
        localPreference: pair.local.localPreference,
        priority: prflxPriority(pair.local),
        signalled: false,
      });
      a.locals.push(local);
    } else {
      a.stats.droppedOverCap++;
      local = pair.local;
    }
  }
  // §7.2.5.3.2: the valid pair.
  let valid: CandidatePair;
  if (local === pair.local) valid = pair;
  else {
    valid =
      gen.checklist.findConstructed(local.id, pair.remote.key) ??
      new CandidatePair(`CP${++a.seq}`, local, pair.remote, gen.index, a.role, false, gen);
    valid.setState('succeeded');
    if (rtt !== undefined) valid.setRtt(rtt);
    gen.checklist.addConstructed(valid);
  }
  valid.generatedBy = pair;
  pair.valid = valid;
  pair.setState('succeeded');
  a.receiving.set(pair.key, valid);
  // §7.2.5.3.3: thaw the pairs of the same foundation.
  gen.checklist.unfreeze(pair.foundation);
  // §7.2.5.3.4 / §8.1.1: a check with USE-CANDIDATE that succeeds nominates; §7.3.1.5: so does
  // a USE-CANDIDATE the controlled agent received before its own check succeeded.
  if (ctx.useCandidate && a.role === 'controlling') valid.setNominated();
  if (pair.nominateOnSuccess && a.role === 'controlled') valid.setNominated();
  if (ctx.useCandidate) {
    if (a.nominator.pending === pair) a.nominator.pending = undefined;
    pair.useCandidate = false;
  }
  // A triggered check still queued for it (§7.3.1.4 while it was In-Progress) has nothing left to learn.
  if (!pair.useCandidate) gen.checklist.dequeueTriggered(pair);
  considerSelection(a, gen, now);
  maybeNominate(a, now);
  updateState(a, now);
}

export function pairFailed(a: AgentContext, gen: Generation, pair: CandidatePair, now: number): void {
  pair.setState('failed');
  const v = pair.valid;
  if (v !== undefined) {
    if (v !== pair) v.setState('failed');
    pair.valid = undefined;
    if (a.receiving.get(pair.key) === v) {
      if (pair.receivedCheck) a.receiving.set(pair.key, pair);
      else a.receiving.delete(pair.key);
    }
  }
  if (a.nominator.pending === pair) a.nominator.pending = undefined;
  pair.useCandidate = false;
  if (gen === a.current) maybeNominate(a, now);
  updateState(a, now);
}

/**
 * §8.1.1: the controlling agent nominates when it is content with a valid pair (nomination.ts):
 * it "repeats the connectivity check that produced this valid pair (by scheduling the pair in the
 * triggered-check queue), this time with the USE-CANDIDATE attribute". The pair is queued so
 * that the next Ta tick sends it whatever happens; `sendNomination`, at the end of the call into
 * the agent that got here, takes it out of the queue and sends it at once.
 */
export function maybeNominate(a: AgentContext, now: number): void {
  if (a.lite || a.closed || a.role !== 'controlling' || a.o.aggressiveNomination) return;
  const gen = a.current;
  if (gen.remoteKey === undefined) return;
  const pick = a.nominator.choose(gen.checklist, now);
  if (pick === undefined) return;
  const source = pick.generatedBy ?? pick;
  source.useCandidate = true;
  a.nominator.pending = source;
  gen.checklist.enqueueTriggered(source);
  kick(a, now);
}

/**
 * The checks that conclude a nomination go out now, not at the next Ta tick:
 * - controlling: the nominating check (USE-CANDIDATE) that `maybeNominate` queued;
 * - controlled: the triggered check of a pair the peer nominated before our own check of it
 *   succeeded (§7.3.1.5: it is nominated, and can be selected, only once that check succeeds).
 * Called at the end of the agent's entry points that can get there (`handleInput`: a check's
 * success or failure, a USE-CANDIDATE; `handleTimeout`: a timeout, the nomination deadline;
 * `setRemoteCredentials`: checks that arrived before them; `socketClosed`: lost paths), once
 * whatever else the call did to the checklist is settled.
 *
 * Why this is within the spirit of RFC 8445: Ta (§14.2) paces the checklist's new transactions
 * so that checks to many candidates do not burst onto the network (§14: congestion, and the
 * rate at which NAT bindings are created). These checks are no such thing: one request on a
 * 5-tuple that has just carried a check and its response (the nominating check repeats our
 * check that succeeded, §8.1.1; the controlled side answers the peer's check that nominated,
 * through the NAT bindings it came by), and it is the last step of the nomination (§8.1.2:
 * once it succeeds, Waiting and Frozen pairs are removed and ordinary checks stop). Holding it
 * for up to a Ta costs the connection up to 50 ms for no reduction in load. (Browsers never pay
 * it: libwebrtc's default nomination is "semi-aggressive", USE-CANDIDATE on the checks
 * themselves until a pair is selected; its regular mode is unimplemented.)
 *
 * The bounds: the controlling agent has one nomination in flight at a time; on the controlled
 * side (where a peer nominating aggressively puts USE-CANDIDATE on every check) this applies
 * only until a pair of this generation is selected, and to one check per Ta at most. Every
 * other check, ordinary or triggered, still waits its Ta slot, and these do not move it.
 */
export function sendNomination(a: AgentContext, now: number): void {
  if (a.closed || a.lite) return;
  const gen = a.current;
  let pair: CandidatePair | undefined;
  if (a.role === 'controlling') {
    pair = a.nominator.pending;
    // Queued by maybeNominate and not sent yet; a pair of this generation whose check succeeded.
    if (pair === undefined || !pair.useCandidate || pair.state !== 'succeeded') return;
    if (pair.generation !== gen.index || !gen.checklist.isTriggered(pair)) return;
  } else {
    if (a.selected?.generation === gen.index || now < a.lastUnpacedCheckAt + a.o.ta) return;
    pair = gen.checklist.pairs.find(
      (p) => p.nominateOnSuccess && p.state === 'waiting' && gen.checklist.isTriggered(p),
    );
    if (pair === undefined) return;
  }
  gen.checklist.dequeueTriggered(pair);
  // Over the transaction cap it goes back to the queue, for the Ta tick to try again.
  if (sendCheck(a, gen, pair, now)) a.lastUnpacedCheckAt = now;
  else gen.checklist.enqueueTriggered(pair);
}

export function nominationDone(a: AgentContext, gen: Generation): boolean {
  const done = a.nominator.done;
  return done !== undefined && done.generation === gen.index && a.role === 'controlling';
}
