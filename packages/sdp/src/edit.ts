/**
 * Pure edits a peer connection makes to descriptions after they are set: trickled candidates
 * go into the local description as they are gathered, and into the remote one as
 * addIceCandidate delivers them (RFC 8840 §4.4, W3C §4.4.1.4 and §4.8.1). On a document the
 * new line goes after the section's last candidate, every other line staying as it was.
 */
import { type Candidate, formatCandidate } from './attributes/candidate.js';
import type { SdpDocument, SdpLine } from './document.js';
import { JsepError } from './errors.js';
import type { SessionDescription } from './model/description.js';

/** The document with `a=candidate:` added to m= section `index` (after its last candidate). */
export function addCandidateLine(doc: SdpDocument, index: number, candidate: Candidate): SdpDocument {
  return editSection(doc, index, (lines) => {
    const line: SdpLine = { type: 'a', name: 'candidate', value: formatCandidate(candidate) };
    let at = -1;
    for (let i = 0; i < lines.length; i++) if (isAttr(lines[i], 'candidate')) at = i + 1;
    if (at === -1) at = lines.findIndex((l) => isAttr(l, 'end-of-candidates'));
    if (at === -1) at = lines.length;
    return [...lines.slice(0, at), line, ...lines.slice(at)];
  });
}

/** The document with `a=end-of-candidates` in m= section `index`, once (RFC 8840 §8.2). */
export function addEndOfCandidatesLine(doc: SdpDocument, index: number): SdpDocument {
  return editSection(doc, index, (lines) =>
    lines.some((l) => isAttr(l, 'end-of-candidates'))
      ? lines
      : [...lines, { type: 'a', name: 'end-of-candidates', value: undefined }],
  );
}

/** The typed description with a candidate added to the section of `mid`. */
export function addCandidate(
  desc: SessionDescription,
  mid: string,
  candidate: Candidate,
): SessionDescription {
  return {
    ...desc,
    media: desc.media.map((m) => (m.mid === mid ? { ...m, candidates: [...m.candidates, candidate] } : m)),
  };
}

/** The typed description with end-of-candidates in the section of `mid`, or in every section. */
export function addEndOfCandidates(desc: SessionDescription, mid?: string): SessionDescription {
  return {
    ...desc,
    media: desc.media.map((m) => (mid === undefined || m.mid === mid ? { ...m, endOfCandidates: true } : m)),
  };
}

function isAttr(line: SdpLine | undefined, name: string): boolean {
  return line?.type === 'a' && line.name === name;
}

function editSection(
  doc: SdpDocument,
  index: number,
  edit: (lines: readonly SdpLine[]) => readonly SdpLine[],
): SdpDocument {
  const section = doc.media[index];
  if (section === undefined) throw new JsepError('INVALID_PARAMETERS', `no m= section ${index}`);
  const media = doc.media.slice();
  media[index] = { m: section.m, lines: edit(section.lines) };
  return { ...doc, media };
}
