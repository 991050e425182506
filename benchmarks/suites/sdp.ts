/**
 * SDP (@purertc/sdp) against werift's SessionDescription (lib/webrtc/src/sdp.js), on the offer
 * a real Chromium 156 sends: audio, simulcast video, video with RTX/RED/ULPFEC and a data channel,
 * with the 32 candidates it gathered on this kind of host (13 kB, 400 lines; the saved fixture
 * packages/sdp/test/fixtures/chromium-offer-gathered.sdp).
 *
 * Both sides do what their stack does with a remote description: text to a typed model (ours:
 * `parseDescription` = lossless `parseSdp` + typed `readDescription`, every known attribute
 * typed, unknown ones kept; werift: `SessionDescription.parse`), and a typed model back to text
 * (ours: `writeDescription`; werift: `.string`). The lossless row (lines only, which werift has
 * no equivalent of) is ours alone. Ceiling: splitting (or joining) the lines, the irreducible core
 * of any line-based parser (or writer).
 */
import { readFileSync } from 'node:fs';
import { SessionDescription } from 'werift';
import {
  parseDescription,
  parseSdp,
  readDescription,
  serializeSdp,
  writeDescription,
} from '../../packages/sdp/src/index.js';
import type { Suite } from '../harness.js';
import { packageVersion } from '../versions.js';

const text = readFileSync(
  new URL('../../packages/sdp/test/fixtures/chromium-offer-gathered.sdp', import.meta.url),
  'utf8',
);
const lines = text.split('\r\n');
const ourModel = parseDescription(text);
const theirModel = SessionDescription.parse(text);

function summary(
  kinds: string[],
  mids: (string | undefined)[],
  pts: number[][],
  candidates: number[],
): string {
  return JSON.stringify({ kinds, mids, pts, candidates });
}

function ourSummary(sdp: string): string {
  const d = parseDescription(sdp);
  return summary(
    d.media.map((m) => m.kind),
    d.media.map((m) => m.mid),
    d.media.map((m) => m.codecs.map((c) => c.payloadType)),
    d.media.map((m) => m.candidates.length),
  );
}

function theirSummary(sdp: string): string {
  const d = SessionDescription.parse(sdp);
  return summary(
    d.media.map((m) => m.kind),
    d.media.map((m) => m.rtp.muxId),
    d.media.map((m) => m.rtp.codecs.map((c) => c.payloadType)),
    d.media.map((m) => m.iceCandidates.length),
  );
}

/** Both parsers read the same sections, mids, payload types and candidates, from both writers. */
function checkEquivalent(): void {
  const expected = ourSummary(text);
  const results = {
    'ours(original)': expected,
    'werift(original)': theirSummary(text),
    'ours(werift output)': ourSummary(theirModel.string),
    'werift(our output)': theirSummary(writeDescription(ourModel)),
  };
  for (const [who, got] of Object.entries(results)) {
    if (got !== expected) throw new Error(`${who} reads ${got}, expected ${expected}`);
  }
  if (serializeSdp(parseSdp(text)) !== text) throw new Error('ours: lossless round trip differs');
}

export const suite: Suite = {
  name: 'sdp',
  theirs: `werift ${packageVersion('werift')}`,
  ceiling: `\`text.split('\\r\\n')\` (parse) or \`lines.join('\\r\\n')\` (serialize) of the ${lines.length - 1} lines: no parsing at all`,
  cases: [
    {
      name: 'parse Chromium offer',
      note: `${text.length} characters, 4 m= sections, 32 candidates; ours: \`parseDescription(text)\` (lines, then every known attribute typed: codecs with fmtp/rtcp-fb, extmaps, candidates, rids, simulcast, ssrcs...); werift: \`SessionDescription.parse(text)\``,
      ours: () => parseDescription(text),
      theirs: () => SessionDescription.parse(text),
      ceiling: () => text.split('\r\n'),
      check: checkEquivalent,
    },
    {
      name: 'serialize Chromium offer',
      note: 'the typed model of the same offer back to text; ours: `writeDescription(model)`; werift: `description.string`',
      ours: () => writeDescription(ourModel),
      theirs: () => theirModel.string,
      ceiling: () => lines.join('\r\n'),
      check: checkEquivalent,
    },
    {
      name: 'lossless round trip Chromium offer',
      note: 'ours only (werift keeps no unknown lines): `serializeSdp(parseSdp(text))`, byte for byte; the typed view of an already parsed document, `readDescription(doc)`, costs the difference to the first row',
      ours: () => serializeSdp(parseSdp(text)),
      ceiling: () => text.split('\r\n').join('\r\n'),
      check: () => {
        if (serializeSdp(parseSdp(text)) !== text) throw new Error('not byte for byte');
        readDescription(parseSdp(text));
      },
    },
  ],
};
