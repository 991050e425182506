/**
 * BUNDLE (RFC 8843) as JSEP uses it (RFC 8829 §4.1.1, §5.2.1, §5.3.1): offers group every
 * m= section; the bundle policy decides which new sections are bundle-only; the answerer
 * accepts the offered groups minus the sections it rejects, and with max-bundle against a
 * peer that offers no BUNDLE it negotiates a single m= section. The first mid of a group is
 * its tagged section: the one whose transport every section of the group uses.
 */
import type { Group } from '../attributes/group.js';
import type { MediaDescription, SessionDescription } from '../model/description.js';

export type BundlePolicy = 'balanced' | 'max-compat' | 'max-bundle';

export function bundleGroups(desc: SessionDescription): Group[] {
  return desc.groups.filter((g) => g.semantics.toUpperCase() === 'BUNDLE');
}

/** Port 0 without a=bundle-only: rejected (RFC 3264 §6, RFC 8843 §6). */
export function isRejected(m: MediaDescription): boolean {
  return m.port === 0 && !m.bundleOnly;
}

/** The mid whose transport a section uses: its BUNDLE group's first mid, or itself. */
export function transportMid(desc: SessionDescription, mid: string): string {
  for (const g of bundleGroups(desc)) if (g.mids.includes(mid)) return g.mids[0] ?? mid;
  return mid;
}

/**
 * Which of an offer's new sections to mark bundle-only (RFC 8829 §5.2.1): balanced: all but
 * the first of each kind; max-bundle: all but the first; max-compat: none.
 */
export function bundleOnlyMarks(kinds: readonly string[], policy: BundlePolicy): boolean[] {
  const seen = new Set<string>();
  return kinds.map((kind, i) => {
    if (policy === 'max-compat') return false;
    if (policy === 'max-bundle') return i > 0;
    const first = !seen.has(kind);
    seen.add(kind);
    return !first;
  });
}

/**
 * The answer's BUNDLE groups, given the mids we accept, and the mids we must reject on top:
 * with max-bundle and no offered BUNDLE group, every accepted section but the first.
 */
export function answerBundle(
  offer: SessionDescription,
  accepted: ReadonlySet<string>,
  policy: BundlePolicy,
): { groups: Group[]; reject: Set<string> } {
  const offered = bundleGroups(offer);
  const reject = new Set<string>();
  if (offered.length === 0) {
    if (policy === 'max-bundle') {
      let first = true;
      for (const m of offer.media) {
        if (m.mid === undefined || !accepted.has(m.mid)) continue;
        if (!first) reject.add(m.mid);
        first = false;
      }
    }
    return { groups: [], reject };
  }
  const groups: Group[] = [];
  for (const g of offered) {
    const mids = g.mids.filter((mid) => accepted.has(mid));
    if (mids.length > 0) groups.push({ semantics: g.semantics, mids });
  }
  return { groups, reject };
}
