/**
 * SdpParseError: every code, with the 1-based line number and the offending line; the caps of
 * SdpLimits.
 */
import { describe, expect, it } from 'vitest';
import {
  parseDescription,
  parseIceCandidate,
  parseSdp,
  SdpParseError,
  type SdpParseErrorCode,
} from '../src/index.js';
import { fixture } from './support/fixtures.js';

const HEAD = ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0'];

function sdp(...lines: string[]): string {
  return `${[...HEAD, ...lines].join('\r\n')}\r\n`;
}

function caught(f: () => unknown): SdpParseError {
  try {
    f();
  } catch (e) {
    if (e instanceof SdpParseError) return e;
    throw e;
  }
  throw new Error('no error');
}

function expectError(
  f: () => unknown,
  code: SdpParseErrorCode,
  lineNumber?: number,
  line?: string,
): SdpParseError {
  const e = caught(f);
  expect(e.code).toBe(code);
  if (lineNumber !== undefined) expect(e.lineNumber).toBe(lineNumber);
  if (line !== undefined) expect(e.line).toBe(line);
  expect(e.name).toBe('SdpParseError');
  return e;
}

describe('framing errors (parseSdp)', () => {
  it('BAD_LINE: not <type>=<value>, with the line number and the line', () => {
    const e = expectError(() => parseSdp(sdp('m=audio 9 RTP/AVP 0', 'hello')), 'BAD_LINE', 6, 'hello');
    expect(e.message).toContain('line 6');
    expect(e.message).toContain('"hello"');
  });

  it('BAD_LINE: an empty line, a CR or NUL inside a line, an attribute without a name', () => {
    expectError(() => parseSdp(sdp('', 'a=x')), 'BAD_LINE', 5, '');
    expectError(() => parseSdp(sdp('a=x\ry')), 'BAD_LINE', 5);
    expectError(() => parseSdp(sdp('a=x\0')), 'BAD_LINE', 5);
    expectError(() => parseSdp(sdp('a=:value')), 'BAD_LINE', 5, 'a=:value');
    expectError(() => parseSdp(sdp('a=bad name')), 'BAD_LINE', 5);
  });

  it('UNKNOWN_TYPE: a letter RFC 8866 does not define', () => {
    expectError(() => parseSdp(sdp('x=1')), 'UNKNOWN_TYPE', 5, 'x=1');
  });

  it('MISSING_LINE: v= o= s= first, a t= line, not empty', () => {
    expectError(() => parseSdp(''), 'MISSING_LINE');
    expectError(() => parseSdp('o=- 1 1 IN IP4 0.0.0.0\r\n'), 'MISSING_LINE', 1);
    expectError(() => parseSdp('v=0\r\ns=-\r\n'), 'MISSING_LINE', 2, 's=-');
    expectError(() => parseSdp('v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\n'), 'MISSING_LINE');
    expectError(
      () => parseSdp('v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\n'),
      'MISSING_LINE',
      4,
    );
  });

  it('BAD_VALUE: v= other than 0', () => {
    expectError(() => parseSdp('v=1\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n'), 'BAD_VALUE', 1, 'v=1');
  });

  it('BAD_ORDER: a session-level line in a media section, a second o=', () => {
    expectError(() => parseSdp(sdp('m=audio 9 RTP/AVP 0', 't=0 0')), 'BAD_ORDER', 6, 't=0 0');
    expectError(() => parseSdp(sdp('o=- 1 2 IN IP4 127.0.0.1')), 'BAD_ORDER', 5);
  });

  it('a non-string input is a typed error, not a TypeError', () => {
    expectError(() => parseSdp(42 as unknown as string), 'BAD_LINE');
  });
});

describe('limits', () => {
  const text = fixture('chromium-offer-gathered.sdp');

  it('the defaults admit every real description', () => {
    expect(() => parseSdp(text)).not.toThrow();
  });

  it('TOO_LARGE', () => {
    expectError(() => parseSdp(text, { maxLength: 1000 }), 'TOO_LARGE', 0);
    expectError(() => parseSdp('v=0'.padEnd((1 << 20) + 1, ' ')), 'TOO_LARGE');
  });

  it('TOO_MANY_LINES', () => {
    expectError(() => parseSdp(text, { maxLines: 100 }), 'TOO_MANY_LINES', 101);
  });

  it('LINE_TOO_LONG', () => {
    expectError(
      () => parseSdp(sdp(`a=x-long:${'a'.repeat(100)}`), { maxLineLength: 50 }),
      'LINE_TOO_LONG',
      5,
    );
  });

  it('TOO_MANY_MEDIA', () => {
    expectError(() => parseSdp(text, { maxMediaSections: 2 }), 'TOO_MANY_MEDIA');
  });
});

describe('value errors (readDescription) carry the line', () => {
  it('a bad rtpmap', () => {
    const text = sdp('m=audio 9 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 0.0.0.0', 'a=rtpmap:111 opus');
    expectError(() => parseDescription(text), 'BAD_VALUE', 7, 'a=rtpmap:111 opus');
  });

  it('a bad m= line', () => {
    expectError(() => parseDescription(sdp('m=audio x RTP/AVP 0')), 'BAD_VALUE', 5, 'm=audio x RTP/AVP 0');
    expectError(() => parseDescription(sdp('m=audio 70000 RTP/AVP 0')), 'BAD_VALUE', 5);
    expectError(() => parseDescription(sdp('m=audio  9 RTP/AVP 0')), 'BAD_VALUE', 5);
  });

  it('a bad origin', () => {
    const text = 'v=0\r\no=- x 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
    expectError(() => parseDescription(text), 'BAD_VALUE', 2);
  });

  it('duplicates of single-valued attributes', () => {
    expectError(
      () => parseDescription(sdp('m=audio 9 RTP/AVP 0', 'a=mid:0', 'a=mid:1')),
      'BAD_VALUE',
      7,
      'a=mid:1',
    );
    expectError(
      () => parseDescription(sdp('m=audio 9 RTP/AVP 0', 'a=sendonly', 'a=recvonly')),
      'BAD_VALUE',
      7,
    );
    expectError(
      () => parseDescription(sdp('m=audio 9 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:0 PCMA/8000')),
      'BAD_VALUE',
      7,
    );
  });

  it('flags with a value and values without one', () => {
    expectError(() => parseDescription(sdp('m=audio 9 RTP/AVP 0', 'a=rtcp-mux:yes')), 'BAD_VALUE', 6);
    expectError(() => parseDescription(sdp('m=audio 9 RTP/AVP 0', 'a=mid')), 'BAD_VALUE', 6);
  });

  it('bad candidates, fingerprints, extmaps, rids, simulcast', () => {
    const m = 'm=video 9 UDP/TLS/RTP/SAVPF 96';
    for (const bad of [
      'a=candidate:1 1 udp 2122260223 10.0.0.1 5000 host',
      'a=candidate:1 1 udp 99999999999 10.0.0.1 5000 typ host',
      'a=candidate:1 1 udp 1 10.0.0.1 5000 typ host generation',
      'a=fingerprint:sha-256 XYZ',
      'a=extmap:0 urn:x',
      'a=extmap:1/sideways urn:x',
      'a=rid:h sideways',
      'a=rid:h send max-width=1;pt=96',
      'a=simulcast:send',
      'a=simulcast:send a send b',
      'a=ssrc:abc cname:x',
      'a=setup:maybe',
      'a=sctp-port:65536',
    ]) {
      expectError(() => parseDescription(sdp(m, bad)), 'BAD_VALUE', 6, bad);
    }
  });

  it('a line of the second m= section is numbered in the whole text', () => {
    const text = sdp('m=audio 9 RTP/AVP 0', 'a=mid:0', 'm=video 9 RTP/AVP 96', 'a=mid:1', 'a=rtpmap:96 VP8');
    expectError(() => parseDescription(text), 'BAD_VALUE', 9, 'a=rtpmap:96 VP8');
  });

  it('standalone value parsers report the value as the line, line number 0', () => {
    const e = expectError(() => parseIceCandidate('candidate:1 1 udp x 10.0.0.1 1 typ host'), 'BAD_VALUE', 0);
    expect(e.line).toBe('candidate:1 1 udp x 10.0.0.1 1 typ host');
  });
});
