/** Trickled candidates into documents and models. */
import { describe, expect, it } from 'vitest';
import {
  addCandidate,
  addCandidateLine,
  addEndOfCandidates,
  addEndOfCandidatesLine,
  JsepError,
  parseDescription,
  parseIceCandidate,
  parseSdp,
  readDescription,
  serializeSdp,
} from '../src/index.js';
import { fixture } from './support/fixtures.js';

const candidate = parseIceCandidate('candidate:1 1 udp 2122260223 192.0.2.9 54321 typ host generation 0');

describe('adding candidates', () => {
  it('to a document: after the last candidate, every other line untouched', () => {
    const text = fixture('chromium-offer-gathered.sdp');
    const doc = addEndOfCandidatesLine(addCandidateLine(parseSdp(text), 1, candidate), 1);
    const out = serializeSdp(doc);
    const lines = out.split('\r\n');
    const i = lines.indexOf('a=candidate:1 1 udp 2122260223 192.0.2.9 54321 typ host generation 0');
    expect(lines[i - 1]).toContain('fd00::2 9 typ host tcptype active');
    expect(lines[i + 1]).toBe('a=ice-ufrag:5MA/');
    expect(out.replace(`${lines[i]}\r\n`, '').replace('a=end-of-candidates\r\n', '')).toBe(text);
    expect(readDescription(doc).media[1]?.endOfCandidates).toBe(true);
    expect(serializeSdp(addEndOfCandidatesLine(doc, 1))).toBe(out);
  });

  it('to a document without candidates: at the end of the section', () => {
    const doc = addCandidateLine(parseSdp(fixture('chromium-datachannel-offer.sdp')), 0, candidate);
    expect(readDescription(doc).media[0]?.candidates).toEqual([candidate]);
    expect(() => addCandidateLine(doc, 5, candidate)).toThrow(JsepError);
  });

  it('to a model', () => {
    const d = parseDescription(fixture('chromium-offer.sdp'));
    const e = addEndOfCandidates(addCandidate(d, '2', candidate), '2');
    expect(e.media[2]?.candidates).toEqual([candidate]);
    expect(e.media[2]?.endOfCandidates).toBe(true);
    expect(e.media[1]).toBe(d.media[1]);
  });
});
