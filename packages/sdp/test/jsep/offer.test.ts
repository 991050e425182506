/** createOffer (RFC 8829 §5.2): initial offers, subsequent offers, recycling, bundle-only. */

import { describe, expect, it } from 'vitest';
import { SessionDescription as WeriftSdp } from 'werift';
import {
  type Candidate,
  createOffer,
  iceRestartMids,
  JsepError,
  type OfferOptions,
  parseDescription,
  parseFmtpParameters,
  type SessionDescription,
  validateDescription,
  writeDescription,
} from '../../src/index.js';
import { AUDIO_CODECS, audio, FINGERPRINT, ICE, ICE_B, ORIGIN, video } from '../support/stack.js';

const base: Omit<OfferOptions, 'transceivers'> = { ice: ICE, fingerprints: [FINGERPRINT], origin: ORIGIN };

const SENDER = { trackId: 'track-a', streamIds: ['stream-1'], cname: 'cname-1', ssrc: 1111 };

function initial(): ReturnType<typeof createOffer> {
  return createOffer({
    ...base,
    transceivers: [
      audio({ sender: SENDER }),
      video({
        direction: 'sendonly',
        sender: {
          trackId: 'track-v',
          streamIds: ['stream-1'],
          cname: 'cname-1',
          encodings: [{ rid: 'h' }, { rid: 'm' }, { rid: 'l', paused: true }],
        },
      }),
      video({
        sender: { trackId: 'track-w', streamIds: ['stream-1'], cname: 'cname-1', ssrc: 3333, rtxSsrc: 4444 },
      }),
    ],
    dataChannel: {},
  });
}

/** What the peer's answer would do to our offer's sections: reject `mids` with port 0. */
function answeredRejecting(offer: SessionDescription, mids: string[]): SessionDescription {
  return {
    ...offer,
    media: offer.media.map((m) => (m.mid !== undefined && mids.includes(m.mid) ? { ...m, port: 0 } : m)),
  };
}

describe('initial offer', () => {
  const { description: d, mids, dataChannelMid } = initial();
  const [a, sim, v, data] = d.media;

  it('assigns mids 0..n and bundles every section', () => {
    expect(mids).toEqual(['0', '1', '2']);
    expect(dataChannelMid).toBe('3');
    expect(d.media.map((m) => m.mid)).toEqual(['0', '1', '2', '3']);
    expect(d.groups).toEqual([{ semantics: 'BUNDLE', mids: ['0', '1', '2', '3'] }]);
    expect(d.extmapAllowMixed).toBe(true);
    expect(d.msidSemantic).toEqual({ semantic: 'WMS', identifiers: ['stream-1'] });
    expect(d.origin).toEqual(ORIGIN);
  });

  it('writes ICE and DTLS in every section, actpass, rtcp-mux, the discard address', () => {
    for (const m of d.media) {
      expect(m).toMatchObject({
        iceUfrag: ICE.ufrag,
        icePwd: ICE.pwd,
        iceOptions: ['trickle'],
        setup: 'actpass',
      });
      expect(m.fingerprints).toEqual([FINGERPRINT]);
      expect(m.port).toBe(9);
      expect(m.connections).toEqual([{ netType: 'IN', addrType: 'IP4', address: '0.0.0.0' }]);
    }
    for (const m of [a, sim, v]) expect(m?.rtcpMux).toBe(true);
    validateDescription(d, 'offer');
  });

  it('keeps fixed payload types, points RED at opus, allocates video ones once for the offer', () => {
    expect(a?.formats).toEqual(['111', '63', '0', '8', '126']);
    expect(a?.codecs.find((c) => c.name === 'red')?.parameters).toBe('111/111');
    expect(v?.codecs).toEqual(sim?.codecs);
    const vp8 = v?.codecs.find((c) => c.name === 'VP8');
    expect(vp8?.payloadType).toBe(96);
    const rtx = v?.codecs[1];
    expect(rtx?.name).toBe('rtx');
    expect(parseFmtpParameters(rtx?.parameters ?? '').get('apt')).toBe('96');
    expect(v?.codecs.map((c) => c.name)).toEqual([
      'VP8',
      'rtx',
      'H264',
      'rtx',
      'VP9',
      'rtx',
      'red',
      'rtx',
      'ulpfec',
    ]);
    expect(new Set(v?.formats).size).toBe(v?.formats.length);
  });

  it('gives one header extension id per URI across sections', () => {
    const mid = (m: typeof a) => m?.extmaps.find((e) => e.uri === 'urn:ietf:params:rtp-hdrext:sdes:mid')?.id;
    expect(mid(a)).toBe(mid(v));
    expect(new Set(v?.extmaps.map((e) => e.id)).size).toBe(v?.extmaps.length);
  });

  it('simulcast: rids and a=simulcast with paused ~l, no SSRCs', () => {
    expect(sim?.direction).toBe('sendonly');
    expect(sim?.rids.map((r) => `${r.id} ${r.direction}`)).toEqual(['h send', 'm send', 'l send']);
    expect(sim?.simulcast).toEqual({
      send: [[{ rid: 'h', paused: false }], [{ rid: 'm', paused: false }], [{ rid: 'l', paused: true }]],
    });
    expect(sim?.ssrcs).toEqual([]);
    expect(sim?.msids).toEqual([{ stream: 'stream-1', track: 'track-v' }]);
  });

  it('ssrc-group FID with cname and msid per SSRC', () => {
    expect(v?.ssrcGroups).toEqual([{ semantics: 'FID', ssrcs: [3333, 4444] }]);
    expect(v?.ssrcs).toContainEqual({ ssrc: 4444, attribute: 'cname', value: 'cname-1' });
    expect(v?.ssrcs).toContainEqual({ ssrc: 3333, attribute: 'msid', value: 'stream-1 track-w' });
    expect(a?.ssrcGroups).toEqual([]);
  });

  it('the data section (RFC 8841)', () => {
    expect(data).toMatchObject({
      kind: 'application',
      proto: 'UDP/DTLS/SCTP',
      formats: ['webrtc-datachannel'],
      sctpPort: 5000,
      maxMessageSize: 262144,
    });
  });

  it('survives text and werift parses it', () => {
    const sdp = writeDescription(d);
    expect(parseDescription(sdp)).toEqual(d);
    const theirs = WeriftSdp.parse(sdp);
    expect(theirs.media.map((m) => m.kind)).toEqual(['audio', 'video', 'video', 'application']);
    expect(theirs.media[1]?.simulcastParameters.map((s) => s.rid)).toEqual(['h', 'm', 'l']);
    expect(theirs.group[0]?.items).toEqual(['0', '1', '2', '3']);
  });

  it('puts gathered candidates in every section, the default one on m= and c=', () => {
    const candidates: Candidate[] = [
      {
        foundation: '1',
        component: 1,
        transport: 'udp',
        priority: 2122260223,
        address: 'fd00::2',
        port: 50000,
        type: 'host',
        extensions: [],
      },
      {
        foundation: '2',
        component: 1,
        transport: 'udp',
        priority: 2122194687,
        address: '192.0.2.2',
        port: 40000,
        type: 'host',
        extensions: [],
      },
      {
        foundation: '3',
        component: 1,
        transport: 'tcp',
        priority: 1518214911,
        address: '192.0.2.2',
        port: 9,
        type: 'host',
        extensions: [['tcptype', 'active']],
      },
    ];
    const { description } = createOffer({
      ...base,
      transceivers: [audio()],
      dataChannel: {},
      candidates,
      endOfCandidates: true,
    });
    for (const m of description.media) {
      expect(m.candidates).toEqual(candidates);
      expect(m.port).toBe(40000);
      expect(m.connections[0]?.address).toBe('192.0.2.2');
      expect(m.endOfCandidates).toBe(true);
    }
  });

  it('refuses two codecs with one payload type', () => {
    const clash = audio({ codecs: [...AUDIO_CODECS, { name: 'G722', clockRate: 8000, payloadType: 111 }] });
    expect(() => createOffer({ ...base, transceivers: [clash] })).toThrow(JsepError);
  });
});

describe('subsequent offers (RFC 8829 §5.2.2)', () => {
  const first = initial().description;

  it('the same transceivers give the same description and version', () => {
    const again = createOffer({
      ...base,
      transceivers: [
        audio({ mid: '0', sender: SENDER }),
        video({
          mid: '1',
          direction: 'sendonly',
          sender: {
            trackId: 'track-v',
            streamIds: ['stream-1'],
            cname: 'cname-1',
            encodings: [{ rid: 'h' }, { rid: 'm' }, { rid: 'l', paused: true }],
          },
        }),
        video({
          mid: '2',
          sender: {
            trackId: 'track-w',
            streamIds: ['stream-1'],
            cname: 'cname-1',
            ssrc: 3333,
            rtxSsrc: 4444,
          },
        }),
      ],
      dataChannel: { mid: '3' },
      localDescription: first,
      remoteDescription: first,
    });
    expect(again.description).toEqual(first);
  });

  it('a change bumps the version, keeps the session id and the m= line order', () => {
    const next = createOffer({
      ...base,
      origin: undefined,
      transceivers: [video({ mid: '2', direction: 'recvonly' }), audio({ mid: '0', direction: 'inactive' })],
      dataChannel: { mid: '3' },
      localDescription: first,
    }).description;
    expect(next.origin.sessionId).toBe(first.origin.sessionId);
    expect(next.origin.sessionVersion).toBe(first.origin.sessionVersion + 1n);
    expect(next.media.map((m) => m.mid)).toEqual(['0', '1', '2', '3']);
    expect(next.media[0]?.direction).toBe('inactive');
    // mid 1 has no transceiver any more: rejected, out of the BUNDLE group.
    expect(next.media[1]?.port).toBe(0);
    expect(next.groups[0]?.mids).toEqual(['0', '2', '3']);
  });

  it('a stopped transceiver gets port 0; a new one is appended until the rejection is negotiated', () => {
    const stopping = createOffer({
      ...base,
      transceivers: [audio({ mid: '0' }), video({ mid: '1', stopped: true }), video({ mid: '2' }), audio()],
      dataChannel: { mid: '3' },
      localDescription: first,
      remoteDescription: first,
    });
    expect(stopping.description.media.map((m) => [m.mid, m.port])).toEqual([
      ['0', 9],
      ['1', 0],
      ['2', 9],
      ['3', 9],
      ['4', 9],
    ]);
    expect(stopping.mids).toEqual(['0', '1', '2', '4']);
  });

  it('recycles an m= line rejected in the current descriptions, with a fresh mid', () => {
    const remote = answeredRejecting(first, ['1']);
    const recycled = createOffer({
      ...base,
      transceivers: [audio({ mid: '0' }), video({ mid: '2' }), audio({ direction: 'recvonly' })],
      dataChannel: { mid: '3' },
      localDescription: answeredRejecting(first, ['1']),
      remoteDescription: remote,
    });
    expect(recycled.description.media.map((m) => [m.mid, m.kind, m.port])).toEqual([
      ['0', 'audio', 9],
      ['4', 'audio', 9],
      ['2', 'video', 9],
      ['3', 'application', 9],
    ]);
    expect(recycled.mids).toEqual(['0', '2', '4']);
  });

  it('also when the stopped transceiver is still passed in', () => {
    const rejected = answeredRejecting(first, ['1']);
    const recycled = createOffer({
      ...base,
      transceivers: [audio({ mid: '0' }), video({ mid: '1', stopped: true }), video({ mid: '2' }), video()],
      dataChannel: { mid: '3' },
      localDescription: rejected,
      remoteDescription: rejected,
    });
    expect(recycled.description.media.map((m) => [m.mid, m.port])).toEqual([
      ['0', 9],
      ['4', 9],
      ['2', 9],
      ['3', 9],
    ]);
  });

  it('an ICE restart is new credentials, seen by iceRestartMids', () => {
    const restart = createOffer({
      ...base,
      ice: ICE_B,
      transceivers: [audio({ mid: '0' })],
      localDescription: first,
    }).description;
    expect(restart.media[0]?.iceUfrag).toBe(ICE_B.ufrag);
    expect(iceRestartMids(first, restart)).toEqual(['0']);
  });
});

describe('bundle-only (RFC 8829 §5.2.1), when asked for', () => {
  const kinds = [audio(), audio(), video(), video()];

  it('balanced: all but the first of each kind', () => {
    const { description } = createOffer({ ...base, transceivers: kinds, dataChannel: {}, bundleOnly: true });
    expect(description.media.map((m) => [m.port, m.bundleOnly])).toEqual([
      [9, false],
      [0, true],
      [9, false],
      [0, true],
      [9, false],
    ]);
    expect(description.groups[0]?.mids).toEqual(['0', '1', '2', '3', '4']);
    validateDescription(description, 'offer');
  });

  it('max-bundle: all but the first; max-compat: none', () => {
    const maxBundle = createOffer({
      ...base,
      transceivers: kinds,
      bundleOnly: true,
      bundlePolicy: 'max-bundle',
    });
    expect(maxBundle.description.media.map((m) => m.bundleOnly)).toEqual([false, true, true, true]);
    const compat = createOffer({
      ...base,
      transceivers: kinds,
      bundleOnly: true,
      bundlePolicy: 'max-compat',
    });
    expect(compat.description.media.every((m) => !m.bundleOnly && m.port === 9)).toBe(true);
  });
});

describe('receiving simulcast', () => {
  it('offers a=rid recv and a=simulcast:recv', () => {
    const { description } = createOffer({
      ...base,
      transceivers: [video({ direction: 'recvonly', receiveRids: ['q', 'h', 'f'] })],
    });
    const v = description.media[0];
    expect(v?.rids.map((r) => `${r.id} ${r.direction}`)).toEqual(['q recv', 'h recv', 'f recv']);
    expect(v?.simulcast?.recv).toHaveLength(3);
  });
});
