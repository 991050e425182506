/**
 * A session description as the connection keeps it: the W3C type, the typed model (from
 * @purertc/sdp) and the text. Local descriptions grow as candidates are gathered (webrtc-pc
 * §4.4.1.6: "the candidate is added to pendingLocalDescription / currentLocalDescription"), so
 * their text is rebuilt from the model plus the candidates, and cached.
 */
import {
  type Candidate,
  isRejected,
  type MediaDescription,
  type SessionDescription,
  writeDescription,
} from '@purertc/sdp';
import type { RTCSdpType } from './session-description.js';

export interface Description {
  readonly type: Exclude<RTCSdpType, 'rollback'>;
  readonly model: SessionDescription;
}

/** The model with `candidates` (and end-of-candidates) in every live section. */
export function withCandidates(
  model: SessionDescription,
  candidates: readonly Candidate[],
  complete: boolean,
): SessionDescription {
  if (candidates.length === 0 && !complete) return model;
  return {
    ...model,
    media: model.media.map((m: MediaDescription) => {
      if (isRejected(m) || m.port === 0) return m;
      const known = new Set(m.candidates.map(key));
      const added = candidates.filter((c) => !known.has(key(c)));
      return {
        ...m,
        candidates: [...m.candidates, ...added],
        endOfCandidates: m.endOfCandidates || complete,
      };
    }),
  };
}

function key(c: Candidate): string {
  return `${c.transport.toLowerCase()} ${c.address} ${c.port} ${c.type}`;
}

export function describe(model: SessionDescription): string {
  return writeDescription(model);
}
