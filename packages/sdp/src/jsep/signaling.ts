/**
 * The signaling state machine (RFC 8829 §3.2, §4.1.8-4.1.10; W3C §4.3.1) over any description
 * type: which setLocalDescription / setRemoteDescription calls each state allows, how pending
 * descriptions become current ones, and what a rollback discards. Pure: it returns the next
 * state and never touches transceivers; `rolledBack` and `midsIntroducedBy` tell the caller
 * what to undo (transceivers created by the discarded remote offer, mids it assigned).
 */
import { JsepError } from '../errors.js';
import type { SessionDescription } from '../model/description.js';

export type SignalingState =
  | 'stable'
  | 'have-local-offer'
  | 'have-remote-offer'
  | 'have-local-pranswer'
  | 'have-remote-pranswer'
  | 'closed';

export type SdpType = 'offer' | 'answer' | 'pranswer' | 'rollback';

/** The four descriptions of W3C §4.4.1 and the state they put the connection in. */
export interface Negotiation<D> {
  readonly state: SignalingState;
  readonly currentLocal?: D;
  readonly pendingLocal?: D;
  readonly currentRemote?: D;
  readonly pendingRemote?: D;
}

export interface Transition<D> {
  readonly next: Negotiation<D>;
  /** Descriptions a rollback (explicit, or implicit: a remote offer in have-local-offer) discarded. */
  readonly rolledBack?: { readonly local?: D; readonly remote?: D };
}

export function initialNegotiation<D>(): Negotiation<D> {
  return { state: 'stable' };
}

/** W3C localDescription / remoteDescription: pending if any, else current. */
export function localDescriptionOf<D>(n: Negotiation<D>): D | undefined {
  return n.pendingLocal ?? n.currentLocal;
}

export function remoteDescriptionOf<D>(n: Negotiation<D>): D | undefined {
  return n.pendingRemote ?? n.currentRemote;
}

/**
 * Applies setLocalDescription (`side` local) or setRemoteDescription (`side` remote) of a
 * description of `type`. Throws JsepError INVALID_STATE where W3C rejects with
 * InvalidStateError. A remote offer in have-local-offer first rolls the local offer back
 * (W3C "perfect negotiation"), unless `implicitRollback` is false.
 */
export function applyDescription<D>(
  n: Negotiation<D>,
  side: 'local' | 'remote',
  type: SdpType,
  description?: D,
  implicitRollback = true,
): Transition<D> {
  if (n.state === 'closed') throw new JsepError('INVALID_STATE', 'the connection is closed');
  if (type === 'rollback') return rollback(n);
  if (description === undefined) throw new JsepError('INVALID_PARAMETERS', `a ${type} needs a description`);
  const s = n.state;
  if (side === 'local') {
    if (type === 'offer' && (s === 'stable' || s === 'have-local-offer')) {
      return { next: { ...n, state: 'have-local-offer', pendingLocal: description } };
    }
    if (
      (type === 'answer' || type === 'pranswer') &&
      (s === 'have-remote-offer' || s === 'have-local-pranswer')
    ) {
      if (type === 'pranswer')
        return { next: { ...n, state: 'have-local-pranswer', pendingLocal: description } };
      return {
        next: {
          state: 'stable',
          currentLocal: description,
          currentRemote: n.pendingRemote ?? n.currentRemote,
        },
      };
    }
  } else {
    if (type === 'offer' && s === 'have-local-offer' && implicitRollback) {
      const undone = rollback(n);
      const applied = applyDescription(undone.next, side, type, description, false);
      return { next: applied.next, rolledBack: undone.rolledBack };
    }
    if (type === 'offer' && (s === 'stable' || s === 'have-remote-offer')) {
      return { next: { ...n, state: 'have-remote-offer', pendingRemote: description } };
    }
    if (
      (type === 'answer' || type === 'pranswer') &&
      (s === 'have-local-offer' || s === 'have-remote-pranswer')
    ) {
      if (type === 'pranswer')
        return { next: { ...n, state: 'have-remote-pranswer', pendingRemote: description } };
      return {
        next: { state: 'stable', currentLocal: n.pendingLocal ?? n.currentLocal, currentRemote: description },
      };
    }
  }
  throw new JsepError(
    'INVALID_STATE',
    `set${side === 'local' ? 'Local' : 'Remote'}Description(${type}) in ${s}`,
  );
}

/** Back to stable with the current descriptions (W3C: only from have-local-offer / have-remote-offer). */
function rollback<D>(n: Negotiation<D>): Transition<D> {
  if (n.state !== 'have-local-offer' && n.state !== 'have-remote-offer') {
    throw new JsepError('INVALID_STATE', `rollback in ${n.state}`);
  }
  const rolledBack: { local?: D; remote?: D } = {};
  if (n.pendingLocal !== undefined) rolledBack.local = n.pendingLocal;
  if (n.pendingRemote !== undefined) rolledBack.remote = n.pendingRemote;
  return {
    next: { state: 'stable', currentLocal: n.currentLocal, currentRemote: n.currentRemote },
    rolledBack,
  };
}

/**
 * Mids a discarded description brought in that the current descriptions do not have: after
 * rolling back a remote offer, the transceivers associated with these mids lose their mid, and
 * those the offer created (not addTrack's) are removed (W3C §4.4.1.5 rollback).
 */
export function midsIntroducedBy(
  discarded: SessionDescription,
  current: readonly (SessionDescription | undefined)[],
): string[] {
  const known = new Set(current.flatMap((d) => d?.media.map((m) => m.mid) ?? []));
  return discarded.media.flatMap((m) => (m.mid !== undefined && !known.has(m.mid) ? [m.mid] : []));
}
