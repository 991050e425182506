import { describe, expect, it } from 'vitest';
import { parseDescription } from '../src/index.js';

const base = (line: string): string =>
  [
    'v=0',
    'o=- 1 1 IN IP4 0.0.0.0',
    's=-',
    't=0 0',
    line,
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    '',
  ].join('\r\n');

describe('a=ice-options (RFC 8839 §5.6)', () => {
  it('reads space-separated tokens', () => {
    expect(parseDescription(base('a=ice-options:trickle renomination')).iceOptions).toEqual([
      'trickle',
      'renomination',
    ]);
  });

  it("reads libdatachannel's comma-separated form (ice2,trickle)", () => {
    expect(parseDescription(base('a=ice-options:ice2,trickle')).iceOptions).toEqual(['ice2', 'trickle']);
  });

  it('still rejects an empty value', () => {
    expect(() => parseDescription(base('a=ice-options:'))).toThrow();
  });
});
