/**
 * Property tests (fast-check): generated typed models survive write → parse → read; parsed
 * documents survive serialize → parse; random and mutated text raises only SdpParseError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  associateTransceivers,
  buildSdp,
  createAnswer,
  JsepError,
  parseBandwidth,
  parseCandidate,
  parseDescription,
  parseExtmap,
  parseFingerprint,
  parseFmtp,
  parseGroup,
  parseIceCandidate,
  parseMediaLine,
  parseMsid,
  parseOrigin,
  parseRid,
  parseRtcp,
  parseRtcpFeedback,
  parseRtpmap,
  parseSdp,
  parseSimulcast,
  parseSsrc,
  parseSsrcGroup,
  readDescription,
  SdpParseError,
  serializeSdp,
  validateDescription,
  writeDescription,
} from '../src/index.js';
import { sessionArb, textArb } from './support/arbitraries.js';
import { FIXTURES, fixture } from './support/fixtures.js';
import { audio, FINGERPRINT, ICE, video } from './support/stack.js';

const RUNS = { numRuns: 500 };

function parsesOrTypedError(text: string): void {
  try {
    parseDescription(text);
  } catch (e) {
    if (!(e instanceof SdpParseError)) throw e;
  }
}

describe('round trips', () => {
  it('parse(serialize(model)) equals the model', () => {
    fc.assert(
      fc.property(sessionArb, (model) => {
        expect(parseDescription(writeDescription(model))).toEqual(model);
      }),
      RUNS,
    );
  });

  it('the same with LF line endings', () => {
    fc.assert(
      fc.property(sessionArb, (model) => {
        expect(parseDescription(writeDescription(model, '\n'))).toEqual(model);
      }),
      { numRuns: 100 },
    );
  });

  it('serialize(parse(text)) === text for any text written from a model', () => {
    fc.assert(
      fc.property(sessionArb, (model) => {
        const text = writeDescription(model);
        expect(serializeSdp(parseSdp(text))).toBe(text);
        expect(readDescription(buildSdp(model))).toEqual(model);
      }),
      { numRuns: 200 },
    );
  });
});

describe('hostile text raises only SdpParseError', () => {
  it('random strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), parsesOrTypedError), { numRuns: 2000 });
  });

  it('random lines after a valid header', () => {
    const line = fc.tuple(fc.constantFrom(...'vosiuepcbtrzkamx'.split('')), fc.string({ maxLength: 40 }));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), (lines) => {
        const body = lines.map(([t, v]) => `${t}=${v}`).join('\r\n');
        parsesOrTypedError(`v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n${body}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated real descriptions: a line replaced, cut, duplicated or garbled', () => {
    const texts = FIXTURES.map(fixture);
    fc.assert(
      fc.property(
        fc.constantFrom(...texts),
        fc.nat(),
        fc.constantFrom('replace', 'cut', 'duplicate', 'garble', 'value'),
        fc.string({ maxLength: 30 }),
        (text, at, how, junk) => {
          const lines = text.split('\r\n');
          const i = at % lines.length;
          const line = lines[i] ?? '';
          if (how === 'replace') lines[i] = junk;
          else if (how === 'cut') lines[i] = line.slice(0, at % (line.length + 1));
          else if (how === 'duplicate') lines.splice(i, 0, line);
          else if (how === 'garble') lines[i] = `${line.slice(0, 2)}${junk}${line.slice(2)}`;
          else lines[i] = `${line.slice(0, line.indexOf(':') + 1)}${junk}`;
          parsesOrTypedError(lines.join('\r\n'));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('every value parser, on random values', () => {
    const parsers: ((s: string) => unknown)[] = [
      parseCandidate,
      parseIceCandidate,
      parseRtpmap,
      parseFmtp,
      parseRtcpFeedback,
      parseExtmap,
      parseFingerprint,
      parseRid,
      parseSimulcast,
      parseSsrc,
      parseSsrcGroup,
      parseMsid,
      parseGroup,
      parseRtcp,
      parseMediaLine,
      parseOrigin,
      parseBandwidth,
    ];
    const value = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc
        .array(
          fc.constantFrom('1', '96', 'typ', 'host', 'send', 'recv', '~a', ';', ',', '/', ':', ' ', '=', 'pt'),
          {
            maxLength: 12,
          },
        )
        .map((a) => a.join('')),
    );
    fc.assert(
      fc.property(value, (s) => {
        for (const parse of parsers) {
          try {
            parse(s);
          } catch (e) {
            if (!(e instanceof SdpParseError)) throw e;
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('JSEP on whatever parses of a mutated real offer: only JsepError', () => {
    const texts = FIXTURES.map(fixture);
    fc.assert(
      fc.property(fc.constantFrom(...texts), fc.nat(), fc.string({ maxLength: 20 }), (text, at, junk) => {
        const lines = text.split('\r\n');
        const i = at % lines.length;
        const line = lines[i] ?? '';
        lines[i] = `${line.slice(0, line.indexOf(':') + 1)}${junk}`;
        let offer: ReturnType<typeof parseDescription>;
        try {
          offer = parseDescription(lines.join('\r\n'));
        } catch (e) {
          if (e instanceof SdpParseError) return;
          throw e;
        }
        try {
          validateDescription(offer, 'offer');
          const slots = associateTransceivers(offer, 'offer', []);
          const transceivers = slots.flatMap((s) =>
            s.create ? [s.kind === 'audio' ? audio({ mid: s.mid }) : video({ mid: s.mid })] : [],
          );
          createAnswer({ offer, transceivers, dataChannel: {}, ice: ICE, fingerprints: [FINGERPRINT] });
        } catch (e) {
          if (!(e instanceof JsepError)) throw e;
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('text values never break the line structure', () => {
    fc.assert(
      fc.property(textArb, (s) => {
        const text = `v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=${s}\r\nt=0 0\r\n`;
        expect(parseDescription(text).sessionName).toBe(s);
      }),
    );
  });
});
