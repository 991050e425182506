/**
 * Candidates into pairs (RFC 8445 §6.1.2): which local candidates check (§6.1.2.4: host ones,
 * server-reflexive replaced by their base, and relayed ones), which remote candidates they meet
 * (§6.1.2.2), the caps, and which generation a trickled candidate belongs to (RFC 8838).
 */
import type { TransportAddress } from '@purertc/stun';
import { candidateExtension, type IceCandidate } from '../candidate.js';
import { addressKey, isLinkLocal, type LocalCandidate, type RemoteCandidate } from './candidates.js';
import { kick, nominationDone } from './checking.js';
import type { AgentContext } from './context.js';
import type { CandidateError } from './gathering.js';
import type { Generation } from './generation.js';
import { CandidatePair } from './pair.js';
import { updateState } from './selection.js';

export function onLocalCandidate(a: AgentContext, c: LocalCandidate, now: number): void {
  a.locals.push(c);
  if (c.signalled) a.emit({ type: 'candidate', candidate: a.current.signalled(c) });
  if (pairable(a, c)) {
    const gen = a.current;
    if (gen.remote !== undefined) for (const r of gen.remoteCandidates) formPair(a, gen, c, r, now);
  }
  updateState(a, now);
}

export function onCandidateError(a: AgentContext, e: CandidateError): void {
  a.emit({ type: 'candidate-error', ...e });
}

/**
 * §6.1.2.2 / §6.1.2.4: checks go out from host candidates (server-reflexive ones are replaced by
 * their base, which makes their pairs redundant) and from relayed ones; the 'relay' policy
 * leaves only the latter. A lite agent forms pairs only from checks it receives.
 */
function pairable(a: AgentContext, c: LocalCandidate): boolean {
  if (a.lite) return false;
  if (c.type === 'relay') return true;
  return c.type === 'host' && !a.relayOnly;
}

export function pairRemote(a: AgentContext, gen: Generation, remote: RemoteCandidate, now: number): void {
  for (const c of a.locals) if (pairable(a, c)) formPair(a, gen, c, remote, now);
}

/** §6.1.2.2: same component (1) and transport (UDP), same IP family, link-local only with link-local. */
export function formPair(
  a: AgentContext,
  gen: Generation,
  local: LocalCandidate,
  remote: RemoteCandidate,
  now: number,
): CandidatePair | undefined {
  if (local.base.family !== remote.address.family) return undefined;
  if (isLinkLocal(local.base) !== isLinkLocal(remote.address)) return undefined;
  const existing = gen.checklist.find(`${local.path.key}|${remote.key}`);
  if (existing !== undefined) return existing;
  // The TURN server already refused a permission for this peer (RFC 8656 §10.2).
  if (local.path.relay?.isRefused(remote.address)) return undefined;
  // §8.1.2: once the controlling agent's nomination succeeded, the checklist is done.
  if (nominationDone(a, gen)) return undefined;
  const pair = new CandidatePair(`CP${++a.seq}`, local, remote, gen.index, a.role, true, gen);
  if (gen.checklist.add(pair, (victim) => pairRemoved(a, victim)) === 'over-cap') {
    a.stats.droppedOverCap++;
    return undefined;
  }
  const relay = local.path.relay;
  if (relay !== undefined) {
    relay.permit(remote.address, now);
    a.gatherer.flushRelay(relay, now);
  }
  kick(a, now);
  return pair;
}

export function pairRemoved(a: AgentContext, p: CandidatePair): void {
  if (p.checkTx !== undefined) a.checks.cancel(p.checkTx);
  if (a.receiving.get(p.key) === p) a.receiving.delete(p.key);
}

export function addRemote(
  a: AgentContext,
  gen: Generation,
  candidate: IceCandidate,
  address: TransportAddress,
): RemoteCandidate {
  const remote: RemoteCandidate = { id: `R${++a.seq}`, candidate, address, key: addressKey(address) };
  gen.remoteCandidates.push(remote);
  gen.remoteByKey.set(remote.key, remote);
  return remote;
}

/** Which generation a trickled candidate belongs to, by its `ufrag` extension (RFC 8838 §4). */
export function generationFor(a: AgentContext, c: IceCandidate): Generation | undefined {
  const cur = a.current;
  const ufrag = candidateExtension(c, 'ufrag');
  if (ufrag === undefined || cur.remote?.ufrag === ufrag) return cur;
  for (const g of a.generations) if (g !== cur && g.remote?.ufrag === ufrag) return undefined; // late, old
  return cur.remote === undefined ? cur : undefined;
}
