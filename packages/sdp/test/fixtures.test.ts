/**
 * Real descriptions: Chromium 156 captures (scripts/capture-chromium.ts) and Firefox, Safari and
 * ice-lite descriptions written out from public examples. Each must survive parse → serialize
 * byte for byte, and its typed model must survive write → parse → read.
 */
import { describe, expect, it } from 'vitest';
import {
  candidateExtension,
  parseDescription,
  parseFmtpParameters,
  parseSdp,
  readDescription,
  serializeSdp,
  writeDescription,
} from '../src/index.js';
import { FIXTURES, fixture } from './support/fixtures.js';

describe('byte-for-byte round trip', () => {
  it('has Chromium, Firefox and Safari fixtures', () => {
    expect(FIXTURES.filter((f) => f.startsWith('chromium-')).length).toBeGreaterThanOrEqual(8);
    expect(FIXTURES.filter((f) => f.startsWith('firefox-')).length).toBeGreaterThanOrEqual(3);
    expect(FIXTURES.some((f) => f.startsWith('safari-'))).toBe(true);
  });

  for (const name of FIXTURES) {
    it(`${name}: serializeSdp(parseSdp(text)) === text`, () => {
      const text = fixture(name);
      expect(text.endsWith('\r\n')).toBe(true);
      expect(serializeSdp(parseSdp(text))).toBe(text);
    });

    it(`${name}: LF line endings round-trip too`, () => {
      const lf = fixture(name).replaceAll('\r\n', '\n');
      const doc = parseSdp(lf);
      expect(doc.eol).toBe('\n');
      expect(serializeSdp(doc)).toBe(lf);
    });

    it(`${name}: the typed model survives write → parse → read`, () => {
      const model = readDescription(parseSdp(fixture(name)));
      expect(parseDescription(writeDescription(model))).toEqual(model);
    });
  }

  it('adds the final line ending when the text has none', () => {
    const text = fixture('chromium-datachannel-offer.sdp');
    expect(serializeSdp(parseSdp(text.slice(0, -2)))).toBe(text);
  });
});

describe('Chromium offer (audio + simulcast video + video + data, gathered)', () => {
  const d = parseDescription(fixture('chromium-offer-gathered.sdp'));
  const [audio, simulcast, video, data] = d.media;

  it('reads the session: origin, BUNDLE, extmap-allow-mixed, msid-semantic', () => {
    expect(d.origin).toMatchObject({ username: '-', sessionVersion: 2n, netType: 'IN', addrType: 'IP4' });
    expect(d.origin.sessionId).toBe(1297844191002663656n);
    expect(d.groups).toEqual([{ semantics: 'BUNDLE', mids: ['0', '1', '2', '3'] }]);
    expect(d.extmapAllowMixed).toBe(true);
    expect(d.msidSemantic?.semantic).toBe('WMS');
    expect(d.msidSemantic?.identifiers).toHaveLength(1);
    expect(d.media.map((m) => m.kind)).toEqual(['audio', 'video', 'video', 'application']);
  });

  it('reads ICE, DTLS and candidates of every section', () => {
    for (const m of d.media) {
      expect(m.iceUfrag).toBe('5MA/');
      expect(m.icePwd).toBe('zEe5dgEmLjYxB1av66CF71k9');
      expect(m.iceOptions).toEqual(['trickle']);
      expect(m.setup).toBe('actpass');
      expect(m.fingerprints[0]?.algorithm).toBe('sha-256');
      expect(m.candidates).toHaveLength(8);
    }
    const tcp = audio?.candidates[4];
    expect(tcp).toMatchObject({ transport: 'tcp', port: 9, type: 'host' });
    expect(tcp && candidateExtension(tcp, 'tcptype')).toBe('active');
    expect(audio?.candidates[0]).toMatchObject({ address: '127.0.0.1', port: 42336, priority: 2122194687 });
    expect(audio?.port).toBe(42336);
    expect(audio?.connections[0]?.address).toBe('127.0.0.1');
  });

  it('reads audio codecs: opus with its fmtp and feedback, RED referencing opus', () => {
    expect(audio?.mid).toBe('0');
    expect(audio?.direction).toBe('sendrecv');
    expect(audio?.rtcpMux).toBe(true);
    expect(audio?.rtcpRsize).toBe(true);
    const opus = audio?.codecs[0];
    expect(opus).toEqual({
      payloadType: 111,
      name: 'opus',
      clockRate: 48000,
      channels: 2,
      parameters: 'minptime=10;useinbandfec=1',
      feedback: [{ type: 'transport-cc' }],
    });
    expect(audio?.codecs[1]).toMatchObject({ payloadType: 63, name: 'red', parameters: '111/111' });
    expect(audio?.formats).toEqual(['111', '63', '9', '0', '8', '13', '110', '126']);
    expect(audio?.attributes).toEqual([{ name: 'rtcp-xr', value: 'rcvr-rtt=all' }]);
    expect(audio?.extmaps[0]).toEqual({ id: 1, uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level' });
  });

  it('reads video codecs: rtx with apt, red, ulpfec, H264 parameters', () => {
    const names = simulcast?.codecs.map((c) => c.name);
    expect(names).toContain('rtx');
    expect(names).toContain('red');
    expect(names).toContain('ulpfec');
    const rtx = simulcast?.codecs.find((c) => c.payloadType === 97);
    expect(rtx && parseFmtpParameters(rtx.parameters ?? '').get('apt')).toBe('96');
    const h264 = simulcast?.codecs.find((c) => c.payloadType === 102);
    const params = parseFmtpParameters(h264?.parameters ?? '');
    expect(params.get('profile-level-id')).toBe('42001f');
    expect(params.get('packetization-mode')).toBe('1');
    expect(h264?.feedback).toContainEqual({ type: 'nack', parameter: 'pli' });
    expect(h264?.feedback).toContainEqual({ type: 'ccm', parameter: 'fir' });
  });

  it('reads simulcast (RFC 8853) and rids (RFC 8851)', () => {
    expect(simulcast?.direction).toBe('sendonly');
    expect(simulcast?.rids.map((r) => [r.id, r.direction])).toEqual([
      ['h', 'send'],
      ['m', 'send'],
      ['l', 'send'],
    ]);
    expect(simulcast?.simulcast).toEqual({
      send: [[{ rid: 'h', paused: false }], [{ rid: 'm', paused: false }], [{ rid: 'l', paused: false }]],
    });
    expect(simulcast?.ssrcs).toEqual([]);
    expect(simulcast?.extmaps.map((e) => e.uri)).toContain('urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id');
  });

  it('reads ssrc-group FID and the ssrc attributes', () => {
    expect(video?.ssrcGroups).toHaveLength(1);
    const group = video?.ssrcGroups[0];
    expect(group?.semantics).toBe('FID');
    expect(group?.ssrcs).toHaveLength(2);
    expect(video?.ssrcs.filter((s) => s.attribute === 'cname')).toHaveLength(2);
    expect(video?.msids).toHaveLength(1);
    expect(video?.ssrcs.find((s) => s.attribute === 'msid')?.value).toBe(
      `${video?.msids[0]?.stream} ${video?.msids[0]?.track}`,
    );
  });

  it('reads the data channel section (RFC 8841)', () => {
    expect(data).toMatchObject({
      kind: 'application',
      proto: 'UDP/DTLS/SCTP',
      formats: ['webrtc-datachannel'],
    });
    expect(data?.sctpPort).toBe(5000);
    expect(data?.maxMessageSize).toBe(262144);
    expect(data?.codecs).toEqual([]);
  });
});

describe('subsequent Chromium descriptions', () => {
  it('an ICE restart changes ufrag and pwd and increments the version', () => {
    const first = parseDescription(fixture('chromium-offer.sdp'));
    const restart = parseDescription(fixture('chromium-reoffer-ice-restart.sdp'));
    expect(restart.origin.sessionId).toBe(first.origin.sessionId);
    expect(restart.origin.sessionVersion).toBe(first.origin.sessionVersion + 1n);
    expect(restart.media[0]?.iceUfrag).not.toBe(first.media[0]?.iceUfrag);
    expect(restart.media[0]?.icePwd).not.toBe(first.media[0]?.icePwd);
  });

  it('a stopped transceiver is rejected with port 0 and leaves the BUNDLE group; paused rids', () => {
    const restart = parseDescription(fixture('chromium-reoffer-ice-restart.sdp'));
    expect(restart.media[2]?.port).toBe(0);
    expect(restart.groups[0]?.mids).toEqual(['0', '1', '3', '4']);
    expect(restart.media[1]?.simulcast?.send?.map((s) => s[0]?.paused)).toEqual([false, true, true]);
  });

  it('a later offer recycles the rejected m= line with a new mid', () => {
    const recycled = parseDescription(fixture('chromium-offer-recycled.sdp'));
    expect(recycled.media.map((m) => m.mid)).toEqual(['0', '1', '5', '3', '4']);
    expect(recycled.media[2]?.port).toBe(9);
    expect(recycled.groups[0]?.mids).toEqual(['0', '1', '5', '3', '4']);
  });

  it('the answer turns actpass into active and keeps the offered payload types', () => {
    const offer = parseDescription(fixture('chromium-offer.sdp'));
    const answer = parseDescription(fixture('chromium-answer.sdp'));
    expect(answer.media.map((m) => m.setup)).toEqual(['active', 'active', 'active', 'active']);
    expect(answer.media[0]?.formats).toEqual(offer.media[0]?.formats);
    expect(answer.media[1]?.direction).toBe('recvonly');
    // Chromium does not receive simulcast: its answer drops a=simulcast and the rids.
    expect(answer.media[1]?.simulcast).toBeUndefined();
    expect(answer.media[1]?.rids).toEqual([]);
  });
});

describe('Firefox, Safari and ice-lite descriptions', () => {
  it('Firefox: session-level fingerprint, extmap directions, fmtp before rtpmap, FID after ssrc', () => {
    const d = parseDescription(fixture('firefox-99-offer.sdp'));
    expect(d.origin.username).toBe('mozilla...THIS_IS_SDPARTA-99.0');
    expect(d.fingerprints).toHaveLength(1);
    expect(d.msidSemantic).toEqual({ semantic: 'WMS', identifiers: ['*'] });
    const [audio, video, data] = d.media;
    expect(audio?.extmaps[1]).toEqual({
      id: 2,
      direction: 'recvonly',
      uri: 'urn:ietf:params:rtp-hdrext:csrc-audio-level',
    });
    expect(audio?.codecs.find((c) => c.name === 'telephone-event')).toMatchObject({
      channels: 1,
      parameters: '0-15',
    });
    expect(video?.codecs.find((c) => c.payloadType === 126)?.parameters).toContain('packetization-mode=1');
    expect(video?.ssrcGroups[0]?.semantics).toBe('FID');
    expect(data?.maxMessageSize).toBe(1073741823);
    expect(data?.direction).toBe('sendrecv');
  });

  it('Firefox 60: simulcast send a;b;c with a send-only rtp-stream-id extension', () => {
    const d = parseDescription(fixture('firefox-60-simulcast-offer.sdp'));
    const v = d.media[0];
    expect(v?.mid).toBe('sdparta_0');
    expect(v?.rids.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(v?.extmaps[3]).toMatchObject({ id: 4, direction: 'sendonly' });
    expect(v?.msids[0]).toEqual({ stream: '-', track: '{be1704e6-1f72-4578-9995-5748701afba7}' });
  });

  it('Firefox 68: component 2 candidates, a=rtcp, end-of-candidates, session-level direction', () => {
    const d = parseDescription(fixture('firefox-68-offer-candidates.sdp'));
    expect(d.direction).toBe('sendrecv');
    const a = d.media[0];
    expect(a?.candidates.map((c) => c.component)).toEqual([1, 1, 2, 2]);
    expect(a?.candidates[0]?.transport).toBe('UDP');
    expect(a?.endOfCandidates).toBe(true);
    expect(a?.rtcp).toEqual({ port: 56890, netType: 'IN', addrType: 'IP4', address: '192.168.8.221' });
    expect(d.media[1]?.direction).toBe('inactive');
  });

  it('Safari: relay candidate with raddr/rport, legacy mslabel/label ssrc attributes', () => {
    const d = parseDescription(fixture('safari-offer.sdp'));
    const c = d.media[0]?.candidates[0];
    expect(c).toMatchObject({ type: 'relay', relatedAddress: '0.0.0.0', relatedPort: 0 });
    expect(d.media[0]?.ssrcs.map((s) => s.attribute)).toEqual(['cname', 'msid', 'mslabel', 'label']);
  });

  it('ice-lite answer', () => {
    const d = parseDescription(fixture('meta-ice-lite-answer.sdp'));
    expect(d.iceLite).toBe(true);
    expect(d.media[0]?.setup).toBe('passive');
    expect(d.media[0]?.candidates[1]?.address).toBe('2a03:2880:f231:d2:face:b00c:0:8c2');
  });
});
