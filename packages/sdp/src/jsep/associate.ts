/**
 * Which transceiver each m= section of a remote description belongs to (RFC 8829 §5.10, W3C
 * §4.4.1.6): the one with the section's mid; for an offer, else the first unassociated,
 * non-stopped transceiver of the same kind that addTrack created; else a new one.
 */
import type { SessionDescription } from '../model/description.js';
import { isRejected } from './bundle.js';
import { isDataChannelSection } from './data.js';
import type { MediaKind } from './transceiver.js';

export interface TransceiverSlot {
  readonly mid?: string;
  readonly kind: MediaKind;
  readonly stopped?: boolean;
  /** Created by addTrack (not addTransceiver): may take an offered section of its kind. */
  readonly addedByAddTrack?: boolean;
}

export interface Association {
  /** Index of the m= section. */
  readonly index: number;
  readonly mid: string | undefined;
  readonly kind: string;
  /** The data channel section. */
  readonly data: boolean;
  /** Port 0 (and not bundle-only): the associated transceiver, if any, is to be stopped. */
  readonly rejected: boolean;
  /** Index of the associated transceiver, if one matched. */
  readonly transceiver: number | undefined;
  /** An offered audio/video section without one: create a recvonly transceiver (W3C). */
  readonly create: boolean;
}

export function associateTransceivers(
  remote: SessionDescription,
  type: 'offer' | 'answer' | 'pranswer',
  transceivers: readonly TransceiverSlot[],
): Association[] {
  const taken = new Set<number>();
  for (let i = 0; i < transceivers.length; i++) {
    const mid = transceivers[i]?.mid;
    if (mid !== undefined && remote.media.some((m) => m.mid === mid)) taken.add(i);
  }
  return remote.media.map((m, index) => {
    const rejected = isRejected(m);
    const data = isDataChannelSection(m);
    const base = { index, mid: m.mid, kind: m.kind, data, rejected };
    if (data) return { ...base, transceiver: undefined, create: false };
    let transceiver: number | undefined = transceivers.findIndex(
      (t) => t.mid !== undefined && t.mid === m.mid,
    );
    if (transceiver === -1) transceiver = undefined;
    const media = m.kind === 'audio' || m.kind === 'video';
    if (transceiver === undefined && type === 'offer' && !rejected && media) {
      const free = transceivers.findIndex(
        (t, i) =>
          !taken.has(i) &&
          t.mid === undefined &&
          t.kind === m.kind &&
          t.stopped !== true &&
          t.addedByAddTrack === true,
      );
      if (free !== -1) {
        taken.add(free);
        transceiver = free;
      }
    }
    const create = transceiver === undefined && type === 'offer' && !rejected && media;
    return { ...base, transceiver, create };
  });
}
