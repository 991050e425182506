/**
 * ICE and DTLS parameters of an m= section (RFC 8839, RFC 8842): media-level values, falling
 * back to session-level ones; fresh ICE credentials and ICE restart detection (RFC 8839 §4.4.1.1.1:
 * a changed ufrag or pwd is a restart); the default candidate for the m= and c= lines.
 */
import { randomBytes } from 'node:crypto';
import type { Candidate } from '../attributes/candidate.js';
import type { Fingerprint, Setup } from '../attributes/dtls.js';
import type { MediaDescription, SessionDescription } from '../model/description.js';
import { isRejected } from './bundle.js';

/** What we announce for ICE in every m= section we write. */
export interface IceParameters {
  /** At least 4 ice-chars (RFC 8839 §5.4). */
  readonly ufrag: string;
  /** At least 22 ice-chars (RFC 8839 §5.4). */
  readonly pwd: string;
  /** Written as a=ice-options (default: `trickle`). */
  readonly options?: readonly string[];
  /** Write a=ice-lite at session level (RFC 8839 §5.3). */
  readonly lite?: boolean;
}

/** ICE and DTLS parameters of one section, session-level values filled in. */
export interface TransportParameters {
  readonly ufrag: string | undefined;
  readonly pwd: string | undefined;
  readonly iceOptions: readonly string[];
  readonly iceLite: boolean;
  readonly fingerprints: readonly Fingerprint[];
  readonly setup: Setup | undefined;
  readonly candidates: readonly Candidate[];
  readonly endOfCandidates: boolean;
}

export function transportParameters(desc: SessionDescription, media: MediaDescription): TransportParameters {
  return {
    ufrag: media.iceUfrag ?? desc.iceUfrag,
    pwd: media.icePwd ?? desc.icePwd,
    iceOptions: media.iceOptions.length > 0 ? media.iceOptions : desc.iceOptions,
    iceLite: desc.iceLite,
    fingerprints: media.fingerprints.length > 0 ? media.fingerprints : desc.fingerprints,
    setup: media.setup ?? desc.setup,
    candidates: media.candidates,
    endOfCandidates: media.endOfCandidates,
  };
}

const ICE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Fresh credentials for an initial offer or an ICE restart: an 8-character ufrag and a
 * 24-character pwd (144 bits; RFC 8839 §5.4 asks for at least 128) of ice-chars.
 */
export function createIceCredentials(random: (n: number) => Uint8Array = randomBytes): {
  ufrag: string;
  pwd: string;
} {
  const text = (n: number): string => {
    let s = '';
    for (const b of random(n)) s += ICE_CHARS[b & 63];
    return s;
  };
  return { ufrag: text(8), pwd: text(24) };
}

/**
 * The mids whose ICE credentials differ between two descriptions of the same side: an ICE
 * restart for those transports (RFC 8839 §4.4.1.1.1). Sections absent before, or rejected in
 * either, are not restarts.
 */
export function iceRestartMids(previous: SessionDescription | undefined, next: SessionDescription): string[] {
  if (previous === undefined) return [];
  const out: string[] = [];
  for (const m of next.media) {
    if (m.mid === undefined) continue;
    const before = previous.media.find((p) => p.mid === m.mid);
    if (before === undefined || isRejected(before) || isRejected(m)) continue;
    const a = transportParameters(previous, before);
    const b = transportParameters(next, m);
    if (a.ufrag !== b.ufrag || a.pwd !== b.pwd) out.push(m.mid);
  }
  return out;
}

/**
 * The candidate whose address goes on the m= and c= lines (RFC 8839 §4.2.1.2): component 1,
 * UDP, IPv4 before IPv6, relayed before server-reflexive before host, then by priority.
 */
export function defaultCandidate(candidates: readonly Candidate[]): Candidate | undefined {
  const rank = (c: Candidate): number =>
    (c.address.includes(':') ? 0 : 4) + (c.type === 'relay' ? 2 : c.type === 'srflx' ? 1 : 0);
  let best: Candidate | undefined;
  for (const c of candidates) {
    if (c.component !== 1 || c.transport.toLowerCase() !== 'udp') continue;
    if (best === undefined || rank(c) > rank(best) || (rank(c) === rank(best) && c.priority > best.priority))
      best = c;
  }
  return best;
}
