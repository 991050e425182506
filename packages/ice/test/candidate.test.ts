/** RFC 8839 candidate attributes, priorities and foundations. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  candidateExtension,
  candidateFoundation,
  candidatePriority,
  IceCandidateParseError,
  parseCandidate,
  serializeCandidate,
} from '../src/index.js';

// Lines as Chromium, Firefox and libwebrtc write them.
const LINES = [
  'candidate:1467250027 1 udp 2122260223 192.168.0.196 46243 typ host generation 0 ufrag EEtu network-id 1',
  'candidate:3471623853 1 udp 2122194687 ac3f6f0e-3b4c-4d84-a3d4-5d2b8e3f2a11.local 53112 typ host generation 0 ufrag EEtu network-id 2',
  'candidate:842163049 1 udp 1677729535 203.0.113.7 61000 typ srflx raddr 192.168.0.196 rport 46243 generation 0 ufrag EEtu network-id 1 network-cost 10',
  'candidate:3 1 UDP 92217087 198.51.100.5 50000 typ relay raddr 198.51.100.5 rport 50000',
  'candidate:1 1 tcp 1518280447 192.168.0.196 9 typ host tcptype active generation 0',
  'candidate:0 1 UDP 2122252543 fe80::1 54321 typ host',
];

describe('candidate attribute (RFC 8839 §5.1)', () => {
  it('parses real lines and serializes them back unchanged', () => {
    for (const line of LINES) {
      const c = parseCandidate(line);
      expect(serializeCandidate(c).toLowerCase()).toBe(line.toLowerCase());
      expect(parseCandidate(`a=${line}`)).toEqual(c);
    }
    const srflx = parseCandidate(LINES[2]!);
    expect(srflx).toMatchObject({
      type: 'srflx',
      address: '203.0.113.7',
      port: 61000,
      relatedAddress: '192.168.0.196',
      relatedPort: 46243,
      priority: 1677729535,
    });
    expect(candidateExtension(srflx, 'ufrag')).toBe('EEtu');
    expect(candidateExtension(srflx, 'network-cost')).toBe('10');
    expect(parseCandidate(LINES[4]!).tcpType).toBe('active');
  });

  it('rejects malformed lines with a typed error naming the field', () => {
    const cases: Array<[string, string]> = [
      ['candidate:1 1 udp 1 1.2.3.4 5 typ', 'line'],
      ['candidat:1 1 udp 1 1.2.3.4 5 typ host', 'prefix'],
      ['candidate:1 0 udp 1 1.2.3.4 5 typ host', 'component'],
      ['candidate:1 1 sctp 1 1.2.3.4 5 typ host', 'transport'],
      ['candidate:1 1 udp x 1.2.3.4 5 typ host', 'priority'],
      ['candidate:1 1 udp 1 1.2.3.4 70000 typ host', 'port'],
      ['candidate:1 1 udp 1 1.2.3.4 5 type host', 'typ'],
      ['candidate:1 1 udp 1 1.2.3.4 5 typ bogus', 'cand-type'],
      ['candidate:1 1 udp 1 1.2.3.4 5 typ host raddr', 'raddr'],
      ['candidate:1 1 udp 1 <script> 5 typ host', 'connection-address'],
      ['candidate:*bad* 1 udp 1 1.2.3.4 5 typ host', 'foundation'],
    ];
    for (const [line, field] of cases) {
      expect(() => parseCandidate(line), line).toThrow(IceCandidateParseError);
      try {
        parseCandidate(line);
      } catch (e) {
        expect((e as IceCandidateParseError).field, line).toBe(field);
      }
    }
  });

  it('random text raises only IceCandidateParseError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 120 }),
          fc.constantFrom(...LINES).map((l) => l.slice(0, l.length >> 1)),
        ),
        (s) => {
          try {
            parseCandidate(s);
          } catch (e) {
            if (!(e instanceof IceCandidateParseError)) throw e;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('priority and foundation (RFC 8445 §5.1.2, §5.1.1.3)', () => {
  it('follows the formula with the recommended type preferences', () => {
    expect(candidatePriority('host', 65535, 1)).toBe(126 * 2 ** 24 + 65535 * 256 + 255);
    expect(candidatePriority('relay', 0, 1)).toBe(255);
    expect(candidatePriority('host', 1, 1)).toBeGreaterThan(candidatePriority('prflx', 65535, 1));
    expect(candidatePriority('prflx', 1)).toBeGreaterThan(candidatePriority('srflx', 65535));
    expect(candidatePriority('srflx', 1)).toBeGreaterThan(candidatePriority('relay', 65535));
  });

  it('groups by type, base, transport and server', () => {
    const a = candidateFoundation('srflx', '10.0.0.1', 'udp', 'stun.example:3478');
    expect(candidateFoundation('srflx', '10.0.0.1', 'udp', 'stun.example:3478')).toBe(a);
    expect(candidateFoundation('srflx', '10.0.0.2', 'udp', 'stun.example:3478')).not.toBe(a);
    expect(candidateFoundation('host', '10.0.0.1', 'udp')).not.toBe(
      candidateFoundation('host', '10.0.0.1', 'tcp'),
    );
    expect(a).toMatch(/^[A-Za-z0-9+/]{1,32}$/);
  });
});
