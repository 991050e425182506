/**
 * The selected pair and what hangs on it: selection among nominated valid pairs (§8.1.1, §8.2),
 * pruning after the controlling agent's nomination (§8.1.2), role switches (§7.3.1.1,
 * §7.2.5.1), generations after a restart (§9), consent and liveness (RFC 7675), and the W3C
 * connection state computed from all that.
 */

import type { TransportAddress } from '@purertc/stun';
import type { SendPath } from './candidates.js';
import { pairFailed, sendConsent } from './checking.js';
import type { AgentContext } from './context.js';
import type { Generation } from './generation.js';
import type { CandidatePair } from './pair.js';
import type { TurnRelay } from './turn-relay.js';
import type { IceConnectionState, IceRole } from './types.js';

/** The selected pair is the highest-priority nominated valid pair (§8.1.1 / §8.2; aggressive peers nominate several). */
export function considerSelection(a: AgentContext, gen: Generation, now: number): void {
  if (gen !== a.current) return;
  let best: CandidatePair | undefined;
  for (const v of gen.checklist.valid())
    if (v.nominated && (best === undefined || v.priority > best.priority)) best = v;
  if (best === undefined || best === a.selected) return;
  const sel = a.selected;
  if (
    sel !== undefined &&
    sel.generation === gen.index &&
    !sel.consentLost &&
    sel.state === 'succeeded' &&
    sel.priority >= best.priority
  ) {
    return;
  }
  select(a, gen, best, now);
}

function select(a: AgentContext, gen: Generation, pair: CandidatePair, now: number): void {
  const previous = a.selected;
  a.selected = pair;
  a.consent.start(pair, now);
  a.lastSelectedReceived = now;
  a.disconnected = false;
  const relay = pair.local.path.relay;
  if (relay !== undefined) {
    // RFC 8656 §12: ChannelData costs 4 bytes a datagram where a Send indication costs 36.
    relay.bindChannel(pair.remote.address, now);
    a.gatherer.flushRelay(relay, now);
  }
  a.emit({ type: 'selected-pair', pair: pair.info() });
  if (previous !== undefined && previous.generation !== gen.index) {
    // The restart is complete: the old generation goes.
    for (const g of a.generations) if (g !== gen) dropGeneration(a, g);
    a.generations = [gen];
  }
  if (a.role === 'controlling' && !a.o.aggressiveNomination && !a.lite) {
    // §8.1.2: our nomination is done; Waiting/Frozen pairs go, lower In-Progress ones stop.
    a.nominator.done = pair;
    a.nominator.pending = undefined;
    for (const p of gen.checklist.pruneAfterNomination(pair.generatedBy ?? pair)) {
      if (p.checkTx !== undefined) a.checks.cancel(p.checkTx);
    }
  }
  updateState(a, now);
}

export function switchRole(a: AgentContext, role: IceRole, _now: number): void {
  if (a.role === role || (a.lite && role === 'controlling')) return;
  a.role = role;
  for (const g of a.generations) {
    for (const p of g.checklist.pairs) {
      p.updatePriority(role);
      p.useCandidate = false;
    }
    for (const p of g.checklist.constructed) p.updatePriority(role);
    g.checklist.sort();
  }
  a.nominator.reset();
  a.emit({ type: 'role-changed', role });
}

export function dropGeneration(a: AgentContext, g: Generation): void {
  a.checks.removeWhere((t) => t.context.gen === g);
  if (g.remote !== undefined) {
    a.retiredUfrags ??= new Set();
    if (a.retiredUfrags.size >= 16) a.retiredUfrags.clear();
    a.retiredUfrags.add(g.remote.ufrag);
  }
  for (const [k, p] of a.receiving) if (p.generation === g.index && a.selected !== p) a.receiving.delete(k);
}

export function liveTimeout(a: AgentContext): number {
  // A lite agent sends no consent checks: it hears the peer's every 4-6 s at best.
  return a.lite ? a.o.disconnectedTimeout + a.o.consentInterval * 1.2 : a.o.disconnectedTimeout;
}

export function runConsent(a: AgentContext, now: number): void {
  const sel = a.selected;
  if (sel === undefined || sel.consentLost) return;
  if (a.consent.expired(sel, now)) {
    // RFC 7675 §5.1: consent is lost: stop sending on the pair (ICE restart to recover).
    sel.consentLost = true;
    a.checks.removeWhere((t) => t.context.pair === sel && t.context.kind === 'consent');
    return;
  }
  if (!a.lite) {
    const probe = a.consent.probeAt(sel, a.lastSelectedReceived);
    if (now >= sel.nextConsentAt || (probe !== undefined && now >= probe)) {
      // An early probe takes the place of the next scheduled check.
      sendConsent(a, sel, now);
      sel.nextConsentAt = a.consent.next(now);
    }
  }
  if (!a.disconnected && now - a.lastSelectedReceived >= liveTimeout(a)) a.disconnected = true;
}

/** Something authenticated (or data of a valid pair) arrived on 5-tuple `key`. */
export function noteReceived(a: AgentContext, key: string, now: number): void {
  const sel = a.selected;
  if (sel === undefined || sel.key !== key) return;
  a.lastSelectedReceived = now;
  if (a.disconnected) {
    a.disconnected = false;
    updateState(a, now);
  }
}

/**
 * W3C RTCIceTransportState from the facts:
 * - connected: a pair is selected (and has consent, and was heard from lately);
 * - completed: controlling — our nomination succeeded and no higher-priority pair is still
 *   being checked; controlled — the peer ended its candidates and no pair is left to check;
 *   lite — selected and the peer ended its candidates;
 * - disconnected: nothing received on the selected pair for `disconnectedTimeout`;
 * - failed: consent lost (RFC 7675), or — without a selected pair — every pair failed after the
 *   peer's end-of-candidates while our gathering is complete;
 * - checking: pairs exist (or checks arrived); new: nothing yet; closed: after close().
 */
export function updateState(a: AgentContext, _now: number): void {
  let state: IceConnectionState;
  const sel = a.selected;
  if (a.closed) state = 'closed';
  else if (sel !== undefined) {
    if (sel.consentLost) state = 'failed';
    else if (a.disconnected) state = 'disconnected';
    else state = isCompleted(a, sel) ? 'completed' : 'connected';
  } else {
    const g = a.current;
    if (checklistFailed(a, g)) state = 'failed';
    else if (g.checklist.size > 0 || g.checkReceived) state = 'checking';
    else state = a.connState === 'new' ? 'new' : 'checking';
  }
  if (state === a.connState) return;
  if (state === 'completed' && a.connState !== 'connected' && a.connState !== 'disconnected') {
    // Browsers always report 'connected' on the way to 'completed'.
    a.connState = 'connected';
    a.emit({ type: 'connection-state', state: 'connected' });
  }
  a.connState = state;
  a.emit({ type: 'connection-state', state });
}

function isCompleted(a: AgentContext, sel: CandidatePair): boolean {
  const g = a.current;
  if (sel.generation !== g.index) return false;
  if (a.lite) return g.endOfRemoteCandidates;
  if (a.role === 'controlling' && !a.o.aggressiveNomination) {
    if (a.nominator.done !== sel) return false;
    const floor = (sel.generatedBy ?? sel).priority;
    return (
      g.checklist.triggeredCount === 0 &&
      !g.checklist.pairs.some((p) => p.state === 'in-progress' && p.priority > floor)
    );
  }
  return g.endOfRemoteCandidates && !g.checklist.hasPending();
}

function checklistFailed(a: AgentContext, g: Generation): boolean {
  if (a.lite || g.remote === undefined || !g.endOfRemoteCandidates || !a.gatherer.complete) return false;
  if (g.earlyChecks.length > 0 || g.checklist.hasPending()) return false;
  return g.checklist.valid().next().done === true;
}

/** The allocation is gone: its pairs fail; a selected pair through it has lost its path. */
export function onRelayClosed(a: AgentContext, relay: TurnRelay, now: number): void {
  pathLost(a, (path) => path.relay === relay, now);
}

/**
 * Datagrams can no longer take these paths (to these remote addresses, if `to` is given): their
 * pairs fail, and a selected pair among them loses consent.
 */
export function pathLost(
  a: AgentContext,
  lost: (path: SendPath) => boolean,
  now: number,
  to: (remote: TransportAddress) => boolean = () => true,
): void {
  if (a.closed) return;
  for (const g of a.generations) {
    for (const p of g.checklist.pairs) {
      if (lost(p.local.path) && to(p.remote.address) && p.state !== 'failed') {
        if (p.checkTx !== undefined) a.checks.cancel(p.checkTx);
        p.checkTx = undefined;
        pairFailed(a, g, p, now);
      }
    }
  }
  const sel = a.selected;
  if (sel !== undefined && lost(sel.local.path) && to(sel.remote.address)) {
    sel.consentLost = true;
    a.checks.removeWhere((t) => t.context.pair === sel);
  }
  updateState(a, now);
}
