/**
 * What arrives from peers (RFC 8445 §7.3, RFC 7983): demultiplexing by the first byte, checks
 * (authentication, role conflicts §7.3.1.1, responses §7.3.1.2, peer-reflexive candidates
 * §7.3.1.3, triggered checks §7.3.1.4, nomination §7.3.1.5), and application data, accepted only
 * from 5-tuples of valid pairs or of authenticated checks.
 */
import {
  ErrorCode,
  StunClass,
  type StunMessage,
  StunMethod,
  type TransportAddress,
  verifyFingerprint,
  verifyMessageIntegrity,
} from '@purertc/stun';
import {
  addressKey,
  canonicalAddress,
  type LocalCandidate,
  type SendPath,
  sameAddress,
} from './candidates.js';
import { handleResponse, kick, nominationDone } from './checking.js';
import type { AgentContext } from './context.js';
import { randomIceString } from './credentials.js';
import { classifyDatagram } from './demux.js';
import type { Generation } from './generation.js';
import { CandidatePair } from './pair.js';
import { addRemote, formPair, pairRemoved } from './pairing.js';
import { considerSelection, noteReceived, switchRole, updateState } from './selection.js';
import { readCheckRequest, tryDecode } from './stun-messages.js';
import type { TurnRelay } from './turn-relay.js';

export function handleFromPeer(
  a: AgentContext,
  path: SendPath,
  local: LocalCandidate,
  from: TransportAddress,
  bytes: Uint8Array,
  now: number,
): void {
  switch (classifyDatagram(bytes)) {
    case 'stun':
      handleStun(a, path, local, from, bytes, now);
      return;
    case 'dtls':
    case 'rtp':
      handleData(a, path, from, bytes, now);
      return;
    case 'channel-data':
      // ChannelData means something only from a TURN server we hold an allocation with.
      a.stats.droppedUnknownSource++;
      return;
    default:
      a.stats.droppedMalformed++; // ZRTP, or nothing RFC 7983 knows
  }
}

function handleStun(
  a: AgentContext,
  path: SendPath,
  local: LocalCandidate,
  from: TransportAddress,
  bytes: Uint8Array,
  now: number,
): void {
  const m = tryDecode(bytes);
  if (m === undefined) {
    a.stats.droppedMalformed++;
    return;
  }
  switch (m.messageClass) {
    case StunClass.Request:
      handleRequest(a, path, local, from, m, now);
      return;
    case StunClass.SuccessResponse:
    case StunClass.ErrorResponse:
      handleResponse(a, path, from, m, now);
      return;
    default: {
      // §11: a Binding indication is a keepalive; it proves nothing but that the path works.
      const key = `${path.key}|${from.address}|${from.port}`;
      if (m.method === StunMethod.Binding && a.receiving.has(key)) noteReceived(a, key, now);
      else a.stats.droppedUnknownSource++;
    }
  }
}

/** §7.3: a check from the peer (or anyone). */
function handleRequest(
  a: AgentContext,
  path: SendPath,
  local: LocalCandidate,
  from: TransportAddress,
  m: StunMessage,
  now: number,
): void {
  a.stats.checksReceived++;
  if (m.method !== StunMethod.Binding) {
    a.stats.droppedMalformed++;
    return;
  }
  // §7.2.2: checks carry FINGERPRINT; without a valid one this is not ICE talking.
  if (m.fingerprintOffset < 0 || !verifyFingerprint(m)) {
    a.stats.droppedMalformed++;
    return;
  }
  const req = readCheckRequest(m);
  if (req === undefined || m.integrityOffset < 0) {
    // RFC 8489 §9.1.3: no USERNAME or no MESSAGE-INTEGRITY: 400, unsigned.
    a.stats.droppedUnauthenticated++;
    a.sendVia(path, from, a.messages.error(m, ErrorCode.BadRequest, 'Bad Request'), now);
    return;
  }
  const colon = req.username.indexOf(':');
  const ours = colon < 0 ? req.username : req.username.slice(0, colon);
  const theirs = colon < 0 ? '' : req.username.slice(colon + 1);
  let gen: Generation | undefined;
  for (let i = a.generations.length - 1; i >= 0; i--) {
    const g = a.generations[i] as Generation;
    if (g.local.ufrag === ours) {
      gen = g;
      break;
    }
  }
  // §7.3 (RFC 8489 §9.1.3): USERNAME must start with our ufrag, MESSAGE-INTEGRITY use our pwd: else 401.
  if (gen === undefined || !verifyMessageIntegrity(m, gen.localKey)) {
    a.stats.droppedUnauthenticated++;
    a.sendVia(path, from, a.messages.error(m, ErrorCode.Unauthorized, 'Unauthorized'), now);
    return;
  }
  const unknown = m.unknownComprehensionRequired();
  if (unknown.length > 0) {
    a.stats.droppedMalformed++;
    a.sendVia(
      path,
      from,
      a.messages.error(m, ErrorCode.UnknownAttribute, 'Unknown Attribute', gen.localKey, unknown),
      now,
    );
    return;
  }
  if (req.priority === undefined) {
    // §7.2.2: PRIORITY is mandatory in checks.
    a.stats.droppedMalformed++;
    a.sendVia(path, from, a.messages.error(m, ErrorCode.BadRequest, 'Missing PRIORITY', gen.localKey), now);
    return;
  }
  if (!resolveRoleConflict(a, req.controlling, req.controlled, m, path, from, gen, now)) return;
  if (gen !== a.current) {
    // A check (consent) of an older generation: its pairs are still alive (§9: data keeps
    // flowing on the old selected pair during a restart). A new address with old credentials is
    // not answered: a nomination there could never be selected, and a peer that moved its media
    // to it (Chromium, checking its new candidates against our old ufrag before our answer
    // arrives) would talk into the void. Unanswered, it waits for our new credentials.
    const key = `${path.key}|${addressKey(from)}`;
    const pair = gen.checklist.find(key);
    const cur = a.current;
    if (pair === undefined && cur.remote !== undefined && theirs === cur.remote.ufrag) {
      // The peer restarted ICE and checks its new candidates while it still only knows our
      // old credentials (our answer is on its way): its side is the new generation, so the check
      // belongs to it (RFC 8445 §9), signed with the password the peer used.
      a.sendVia(path, from, a.messages.success(m, from, gen.localKey), now);
      gen.checkReceived = true;
      if (req.priority !== undefined)
        processCheck(a, cur, path, local, from, req.priority, req.useCandidate, now);
      return;
    }
    if (pair === undefined) {
      a.stats.droppedStray++;
      return;
    }
    a.sendVia(path, from, a.messages.success(m, from, gen.localKey), now);
    gen.checkReceived = true;
    pair.requestsReceived++;
    pair.responsesSent++;
    pair.lastReceived = now;
    noteReceived(a, key, now);
    return;
  }
  // §7.3.1.2: success response, XOR-MAPPED-ADDRESS = the source, signed with our password.
  a.sendVia(path, from, a.messages.success(m, from, gen.localKey), now);
  gen.checkReceived = true;
  if (gen.remote === undefined) {
    // §7.3: answered; the triggered check waits for the credentials (bounded).
    if (gen.earlyChecks.length >= a.o.maxEarlyChecks) a.stats.droppedOverCap++;
    else if (!gen.earlyChecks.some((e) => e.path === path && sameAddress(e.from, from))) {
      gen.earlyChecks.push({
        path,
        from,
        remoteUfrag: theirs,
        priority: req.priority,
        useCandidate: req.useCandidate,
      });
    }
    updateState(a, now);
    return;
  }
  if (theirs !== gen.remote.ufrag) return; // a generation of the peer we do not know (yet)
  processCheck(a, gen, path, local, from, req.priority, req.useCandidate, now);
}

/**
 * §7.3.1.1: both think they are controlling (or both controlled): the larger tie-breaker
 * controls. Either we switch, or we answer 487 and the peer switches (§7.2.5.1). A lite agent
 * is always controlled (§6.1.1): to a controlled peer it answers 487.
 */
function resolveRoleConflict(
  a: AgentContext,
  controlling: bigint | undefined,
  controlled: bigint | undefined,
  m: StunMessage,
  path: SendPath,
  from: TransportAddress,
  gen: Generation,
  now: number,
): boolean {
  if (a.role === 'controlling' && controlling !== undefined) {
    a.stats.roleConflicts++;
    if (a.tieBreaker >= controlling) return answerRoleConflict(a, m, path, from, gen, now);
    switchRole(a, 'controlled', now);
    return true;
  }
  if (a.role === 'controlled' && controlled !== undefined) {
    a.stats.roleConflicts++;
    if (!a.lite && a.tieBreaker >= controlled) {
      switchRole(a, 'controlling', now);
      return true;
    }
    return answerRoleConflict(a, m, path, from, gen, now);
  }
  return true;
}

/** 487 Role Conflict, signed: we keep our role and the peer switches (§7.2.5.1). */
function answerRoleConflict(
  a: AgentContext,
  m: StunMessage,
  path: SendPath,
  from: TransportAddress,
  gen: Generation,
  now: number,
): false {
  a.sendVia(path, from, a.messages.error(m, ErrorCode.RoleConflict, 'Role Conflict', gen.localKey), now);
  return false;
}

/** §7.3.1.3-§7.3.1.5 for an authenticated check of the current generation. */
/** Peer-reflexive candidates accepted past `maxRemoteCandidates` (authenticated checks only). */
const PRFLX_RESERVE = 8;

export function processCheck(
  a: AgentContext,
  gen: Generation,
  path: SendPath,
  local: LocalCandidate,
  from: TransportAddress,
  priority: number,
  useCandidate: boolean,
  now: number,
): void {
  // §7.3.1.3: an unknown source is a peer-reflexive remote candidate. It gets a small reserve
  // beyond the cap: a peer (or signalling) that filled the cap with junk candidates must not
  // keep the one address that proved it knows the password from being paired.
  let remote = gen.remoteByKey.get(addressKey(from));
  if (remote === undefined) {
    if (gen.remoteCandidates.length >= a.o.maxRemoteCandidates + PRFLX_RESERVE) {
      a.stats.droppedOverCap++;
      return;
    }
    remote = addRemote(
      a,
      gen,
      {
        foundation: randomIceString(8),
        component: 1,
        transport: 'udp',
        priority,
        address: from.address,
        port: from.port,
        type: 'prflx',
      },
      from,
    );
  }
  const key = `${path.key}|${remote.key}`;
  let pair = gen.checklist.find(key);
  if (pair === undefined) {
    if (a.lite) {
      pair = new CandidatePair(`CP${++a.seq}`, local, remote, gen.index, a.role, true, gen);
      if (gen.checklist.add(pair, (victim) => pairRemoved(a, victim)) === 'over-cap') {
        a.stats.droppedOverCap++;
        return;
      }
    } else {
      pair = formPair(a, gen, local, remote, now);
      if (pair === undefined) return;
    }
  }
  pair.requestsReceived++;
  pair.responsesSent++;
  pair.lastReceived = now;
  if (!pair.receivedCheck) {
    pair.receivedCheck = true;
    if (!a.receiving.has(key)) a.receiving.set(key, pair.valid ?? pair);
  }
  noteReceived(a, key, now);
  if (a.lite) {
    // A lite agent does no checks: a pair the peer checked is valid for it, USE-CANDIDATE nominates.
    if (pair.state !== 'succeeded') {
      pair.setState('succeeded');
      pair.valid = pair;
      a.receiving.set(key, pair);
    }
    if (useCandidate) {
      pair.setNominated();
      considerSelection(a, gen, now);
    }
    if (a.selected === pair) a.consent.renew(pair, now);
    updateState(a, now);
    return;
  }
  // §7.3.1.4: triggered check.
  triggerCheck(a, gen, pair, now);
  // §7.3.1.5: nomination of the controlled agent (regular, or aggressive from older peers).
  if (useCandidate && a.role === 'controlled') {
    const valid = pair.valid;
    if (pair.state === 'succeeded' && valid !== undefined) {
      valid.setNominated();
      considerSelection(a, gen, now);
    } else {
      pair.nominateOnSuccess = true;
    }
  }
  updateState(a, now);
}

/** §7.3.1.4 by pair state. */
function triggerCheck(a: AgentContext, gen: Generation, pair: CandidatePair, now: number): void {
  if (nominationDone(a, gen)) return;
  switch (pair.state) {
    case 'succeeded':
      return;
    case 'in-progress':
      // Cancel: no more retransmissions, but a late response is still taken.
      if (pair.checkTx !== undefined) a.checks.cancel(pair.checkTx);
      pair.setState('waiting');
      break;
    default:
      pair.setState('waiting');
  }
  gen.checklist.enqueueTriggered(pair);
  kick(a, now);
}

/** A datagram that is not STUN: accepted from a 5-tuple with a valid pair or an authenticated check. */
function handleData(
  a: AgentContext,
  path: SendPath,
  from: TransportAddress,
  bytes: Uint8Array,
  now: number,
): void {
  const key = `${path.key}|${from.address}|${from.port}`;
  const pair = a.receiving.get(key);
  if (pair === undefined) {
    a.stats.droppedUnknownSource++;
    return;
  }
  const sel = a.selected;
  const shown = sel !== undefined && sel.key === key ? sel : pair;
  shown.packetsReceived++;
  shown.bytesReceived += bytes.length;
  shown.lastReceived = now;
  noteReceived(a, key, now);
  a.emit({ type: 'data', data: bytes, pair: shown.info() });
}

export function onRelayData(
  a: AgentContext,
  relay: TurnRelay,
  peer: TransportAddress,
  data: Uint8Array,
  now: number,
): void {
  const local = relay.local;
  if (a.closed || local === undefined) return;
  let from: TransportAddress;
  try {
    from = canonicalAddress(peer);
  } catch {
    a.stats.droppedMalformed++;
    return;
  }
  handleFromPeer(a, local.path, local, from, data, now);
}
