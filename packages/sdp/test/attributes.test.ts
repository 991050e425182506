/** The field and attribute codecs, one by one, on the forms real peers write. */
import { describe, expect, it } from 'vitest';
import {
  fingerprintBytes,
  formatCandidate,
  formatExtmap,
  formatFmtpParameters,
  formatIceCandidate,
  formatMediaLine,
  formatRid,
  formatSimulcast,
  parseBandwidth,
  parseCandidate,
  parseExtmap,
  parseFingerprint,
  parseFmtpParameters,
  parseIceCandidate,
  parseMediaLine,
  parseMsidSemantic,
  parseRid,
  parseRtcpFeedback,
  parseRtpmap,
  parseSimulcast,
} from '../src/index.js';

describe('a=candidate (RFC 8839 §5.1)', () => {
  it('host, srflx with raddr/rport, tcptype, extensions; round trip', () => {
    for (const text of [
      '2296744872 1 udp 2122194687 127.0.0.1 42336 typ host generation 0 network-id 3 network-cost 50',
      '842163049 1 udp 1677729535 186.50.9.10 52200 typ srflx raddr 0.0.0.0 rport 0 generation 0 network-cost 999',
      '4135300773 1 tcp 1518214911 127.0.0.1 9 typ host tcptype active generation 0 network-id 3',
      '0 2 UDP 2122252542 192.168.8.221 56890 typ host',
      '1 1 udp 2113937151 2cf0b2c0-0842-4fe3-aaa0-4556a2dfbadc.local 33192 typ host generation 0',
    ]) {
      expect(formatCandidate(parseCandidate(text))).toBe(text);
    }
    const srflx = parseIceCandidate(
      'candidate:842163049 1 udp 1677729535 186.50.9.10 52200 typ srflx raddr 0.0.0.0 rport 0 generation 0',
    );
    expect(srflx).toEqual({
      foundation: '842163049',
      component: 1,
      transport: 'udp',
      priority: 1677729535,
      address: '186.50.9.10',
      port: 52200,
      type: 'srflx',
      relatedAddress: '0.0.0.0',
      relatedPort: 0,
      extensions: [['generation', '0']],
    });
  });

  it('W3C RTCIceCandidate.candidate strings, with or without a=', () => {
    const c = parseIceCandidate('a=candidate:1 1 udp 1 10.0.0.1 1 typ host');
    expect(c.address).toBe('10.0.0.1');
    expect(formatIceCandidate(parseIceCandidate('candidate:1 1 udp 1 10.0.0.1 1 typ host'))).toBe(
      'candidate:1 1 udp 1 10.0.0.1 1 typ host',
    );
  });
});

describe('codecs', () => {
  it('rtpmap with and without channels', () => {
    expect(parseRtpmap('111 opus/48000/2')).toEqual({
      payloadType: 111,
      encodingName: 'opus',
      clockRate: 48000,
      channels: 2,
    });
    expect(parseRtpmap('96 VP8/90000')).toEqual({ payloadType: 96, encodingName: 'VP8', clockRate: 90000 });
  });

  it('fmtp parameters as a map, in order, keys lower-cased; bare values under ""', () => {
    const p = parseFmtpParameters('level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f');
    expect([...p.keys()]).toEqual(['level-asymmetry-allowed', 'packetization-mode', 'profile-level-id']);
    expect(formatFmtpParameters(p)).toBe(
      'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
    );
    expect(parseFmtpParameters('minptime=10; useinbandfec=1').get('useinbandfec')).toBe('1');
    expect(parseFmtpParameters('0-15').get('')).toBe('0-15');
    expect(parseFmtpParameters('111/111').get('')).toBe('111/111');
  });

  it('rtcp-fb with a payload type or *, with and without a parameter', () => {
    expect(parseRtcpFeedback('96 nack pli')).toEqual({ payloadType: 96, type: 'nack', parameter: 'pli' });
    expect(parseRtcpFeedback('* transport-cc')).toEqual({ payloadType: '*', type: 'transport-cc' });
  });
});

describe('extmap (RFC 8285)', () => {
  it('with direction and extension attributes', () => {
    const e = parseExtmap('2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level');
    expect(e).toEqual({ id: 2, direction: 'recvonly', uri: 'urn:ietf:params:rtp-hdrext:csrc-audio-level' });
    const withAttrs = '3 urn:ietf:params:rtp-hdrext:encrypt urn:ietf:params:rtp-hdrext:smpte-tc 25@600/24';
    expect(formatExtmap(parseExtmap(withAttrs))).toBe(withAttrs);
  });
});

describe('rid (RFC 8851) and simulcast (RFC 8853)', () => {
  it('rid with pt= and restrictions', () => {
    const r = parseRid('1 send pt=97,98;max-width=1280;max-height=720');
    expect(r).toEqual({
      id: '1',
      direction: 'send',
      payloadTypes: ['97', '98'],
      restrictions: [
        { name: 'max-width', value: '1280' },
        { name: 'max-height', value: '720' },
      ],
    });
    expect(formatRid(r)).toBe('1 send pt=97,98;max-width=1280;max-height=720');
    expect(parseRid('h recv')).toEqual({ id: 'h', direction: 'recv', payloadTypes: [], restrictions: [] });
  });

  it('simulcast: alternatives, paused streams, both directions', () => {
    const s = parseSimulcast('recv 1,2;~3 send 4');
    expect(s).toEqual({
      send: [[{ rid: '4', paused: false }]],
      recv: [
        [
          { rid: '1', paused: false },
          { rid: '2', paused: false },
        ],
        [{ rid: '3', paused: true }],
      ],
    });
    expect(formatSimulcast(s)).toBe('send 4 recv 1,2;~3');
  });
});

describe('other fields', () => {
  it('m= with a port count and no formats', () => {
    expect(parseMediaLine('audio 49170/2 RTP/AVP 0')).toEqual({
      kind: 'audio',
      port: 49170,
      portCount: 2,
      proto: 'RTP/AVP',
      formats: ['0'],
    });
    expect(formatMediaLine(parseMediaLine('application 9 UDP/DTLS/SCTP webrtc-datachannel'))).toBe(
      'application 9 UDP/DTLS/SCTP webrtc-datachannel',
    );
  });

  it('b=, msid-semantic as Chromium and Firefox write it, fingerprint bytes', () => {
    expect(parseBandwidth('AS:2000')).toEqual({ type: 'AS', value: 2000 });
    expect(parseMsidSemantic(' WMS abc')).toEqual({ semantic: 'WMS', identifiers: ['abc'] });
    expect(parseMsidSemantic('WMS *')).toEqual({ semantic: 'WMS', identifiers: ['*'] });
    expect([...fingerprintBytes(parseFingerprint('sha-256 0A:ff:10'))]).toEqual([10, 255, 16]);
  });
});
