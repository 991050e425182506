/**
 * Writes a document back as text, every line as it is stored, each followed by the document's
 * line ending (RFC 8866 §5: CRLF; a document parsed from LF text keeps LF).
 */
import type { SdpDocument, SdpLine } from './document.js';

export function serializeSdp(doc: SdpDocument): string {
  const eol = doc.eol;
  let out = writeLines('', doc.session, eol);
  for (const section of doc.media) {
    out += `m=${section.m}${eol}`;
    out = writeLines(out, section.lines, eol);
  }
  return out;
}

function writeLines(out: string, lines: readonly SdpLine[], eol: string): string {
  for (const line of lines) {
    if (line.type !== 'a') out += `${line.type}=${line.value}${eol}`;
    else if (line.value === undefined) out += `a=${line.name}${eol}`;
    else out += `a=${line.name}:${line.value}${eol}`;
  }
  return out;
}
