/**
 * createAnswer (RFC 8829 §5.3) against real offers: Chromium's (captured) and Firefox's, and
 * our own; codec and extension intersection, directions, DTLS roles, BUNDLE policy, rejection,
 * the data section and simulcast.
 */

import { describe, expect, it } from 'vitest';
import { SessionDescription as WeriftSdp } from 'werift';
import {
  associateTransceivers,
  createAnswer,
  createOffer,
  dtlsRole,
  negotiatedDirection,
  negotiateSctp,
  parseDescription,
  type SessionDescription,
  type TransceiverDescription,
  transportMid,
  validateDescription,
  writeDescription,
} from '../../src/index.js';
import { fixture } from '../support/fixtures.js';
import { audio, FINGERPRINT, FINGERPRINT_B, ICE, ICE_B, ORIGIN, video } from '../support/stack.js';

const transport = { ice: ICE_B, fingerprints: [FINGERPRINT_B], origin: ORIGIN };

/** Our transceivers for an offer, associated the way setRemoteDescription would. */
function transceiversFor(
  offer: SessionDescription,
  make: (kind: 'audio' | 'video', mid: string) => TransceiverDescription,
) {
  return associateTransceivers(offer, 'offer', []).flatMap((a) =>
    a.create && a.mid !== undefined ? [make(a.kind as 'audio' | 'video', a.mid)] : [],
  );
}

describe('answering Chromium 156 (audio + simulcast video + video + data)', () => {
  const offer = parseDescription(fixture('chromium-offer.sdp'));
  const transceivers = transceiversFor(offer, (kind, mid) =>
    kind === 'audio'
      ? audio({ mid, sender: { trackId: 'a1', streamIds: ['s1'], cname: 'c1', ssrc: 10 } })
      : video({
          mid,
          direction: mid === '1' ? 'recvonly' : 'sendrecv',
          sender: { trackId: 'v1', streamIds: ['s1'], cname: 'c1', ssrc: 20, rtxSsrc: 21 },
        }),
  );
  const { description: d, rejectedMids } = createAnswer({
    ...transport,
    offer,
    transceivers,
    dataChannel: {},
  });
  const [a, sim, v, data] = d.media;

  it('answers every section in order, accepts BUNDLE, turns actpass into active', () => {
    expect(transceivers.map((t) => t.mid)).toEqual(['0', '1', '2']);
    expect(rejectedMids).toEqual([]);
    expect(d.media.map((m) => m.mid)).toEqual(['0', '1', '2', '3']);
    expect(d.groups).toEqual([{ semantics: 'BUNDLE', mids: ['0', '1', '2', '3'] }]);
    expect(d.media.every((m) => m.setup === 'active')).toBe(true);
    expect(d.extmapAllowMixed).toBe(true);
    validateDescription(d, 'answer');
    expect(dtlsRole('active', 'actpass')).toBe('client');
  });

  it('audio: the offered codecs we support, the offerer payload types, in the offer order', () => {
    expect(a?.formats).toEqual(['111', '63', '0', '8', '126']);
    expect(a?.codecs[0]).toEqual({
      payloadType: 111,
      name: 'opus',
      clockRate: 48000,
      channels: 2,
      parameters: 'minptime=10;useinbandfec=1',
      feedback: [{ type: 'transport-cc' }],
    });
    expect(a?.codecs[1]).toMatchObject({ name: 'red', parameters: '111/111' });
    expect(a?.direction).toBe('sendrecv');
    expect(a?.msids).toEqual([{ stream: 's1', track: 'a1' }]);
  });

  it('video: H.264 by profile and packetization-mode, VP9 by profile-id, RTX by apt, RED and ULPFEC', () => {
    // Offer: 96 VP8, 97 rtx, 102 H264 42001f pm1 (baseline), 108 H264 42e01f pm1 (constrained
    // baseline), 98 VP9 profile 0, 100 VP9 profile 2, 118 red, 119 rtx, 120 ulpfec.
    expect(v?.formats).toEqual(['96', '97', '108', '109', '98', '99', '118', '119', '120']);
    expect(v?.codecs.find((c) => c.payloadType === 109)?.parameters).toBe('apt=108');
    expect(v?.codecs.find((c) => c.payloadType === 108)?.feedback).toHaveLength(5);
    expect(v?.ssrcGroups).toEqual([{ semantics: 'FID', ssrcs: [20, 21] }]);
  });

  it('header extensions: the URIs we know, with the offerer ids', () => {
    const offered = offer.media[2]?.extmaps ?? [];
    for (const e of v?.extmaps ?? []) expect(offered).toContainEqual(e);
    expect(v?.extmaps.map((e) => e.uri)).toContain('urn:ietf:params:rtp-hdrext:sdes:mid');
    expect(v?.extmaps.map((e) => e.uri)).not.toContain('urn:3gpp:video-orientation');
  });

  it('sendonly simulcast is received: recvonly, a=rid recv, a=simulcast:recv', () => {
    expect(sim?.direction).toBe('recvonly');
    expect(sim?.rids.map((r) => `${r.id} ${r.direction}`)).toEqual(['h recv', 'm recv', 'l recv']);
    expect(sim?.simulcast?.recv?.map((s) => s[0]?.rid)).toEqual(['h', 'm', 'l']);
    expect(sim?.msids).toEqual([]);
  });

  it('the data section with our port and max-message-size', () => {
    expect(data).toMatchObject({
      kind: 'application',
      proto: 'UDP/DTLS/SCTP',
      sctpPort: 5000,
      maxMessageSize: 262144,
    });
    const sctp = negotiateSctp(data ?? ({} as never), offer.media[3] ?? ({} as never));
    expect(sctp).toEqual({ localPort: 5000, remotePort: 5000, maxMessageSize: 262144 });
  });

  it('werift parses the answer, and it survives text', () => {
    const sdp = writeDescription(d);
    expect(parseDescription(sdp)).toEqual(d);
    expect(WeriftSdp.parse(sdp).media.map((m) => m.direction)).toEqual([
      'sendrecv',
      'recvonly',
      'sendrecv',
      undefined,
    ]);
  });

  it('candidates go only in the section owning the BUNDLE transport', () => {
    const candidates = [
      {
        foundation: '1',
        component: 1,
        transport: 'udp',
        priority: 2122260223,
        address: '127.0.0.1',
        port: 5555,
        type: 'host',
        extensions: [],
      },
    ];
    const answer = createAnswer({
      ...transport,
      offer,
      transceivers,
      dataChannel: {},
      candidates,
    }).description;
    expect(answer.media.map((m) => m.candidates.length)).toEqual([1, 0, 0, 0]);
    expect(answer.media.map((m) => m.port)).toEqual([5555, 9, 9, 9]);
    expect(transportMid(answer, '2')).toBe('0');
  });
});

describe('rejection', () => {
  const offer = parseDescription(fixture('chromium-offer.sdp'));

  it('sections without a transceiver, the data section without data channels', () => {
    const { description, rejectedMids } = createAnswer({
      ...transport,
      offer,
      transceivers: [audio({ mid: '0' })],
    });
    expect(rejectedMids).toEqual(['1', '2', '3']);
    expect(description.media.map((m) => m.port)).toEqual([9, 0, 0, 0]);
    expect(description.media.map((m) => m.kind)).toEqual(['audio', 'video', 'video', 'application']);
    expect(description.media[1]?.formats).toEqual(offer.media[1]?.formats);
    expect(description.groups).toEqual([{ semantics: 'BUNDLE', mids: ['0'] }]);
    validateDescription(description, 'answer');
  });

  it('no codec in common, a stopped transceiver, no rtcp-mux', () => {
    const onlyG722 = audio({ mid: '0', codecs: [{ name: 'G729', clockRate: 8000 }] });
    expect(createAnswer({ ...transport, offer, transceivers: [onlyG722] }).rejectedMids).toContain('0');
    expect(
      createAnswer({ ...transport, offer, transceivers: [audio({ mid: '0', stopped: true })] }).rejectedMids,
    ).toContain('0');
    const noMux = { ...offer, media: offer.media.map((m) => ({ ...m, rtcpMux: false })) };
    expect(
      createAnswer({ ...transport, offer: noMux, transceivers: [audio({ mid: '0' })] }).rejectedMids,
    ).toContain('0');
  });

  it('an offered port-0 section stays rejected', () => {
    const reoffer = parseDescription(fixture('chromium-reoffer-ice-restart.sdp'));
    const answer = createAnswer({
      ...transport,
      offer: reoffer,
      transceivers: ['0', '1', '2', '4'].map((mid) =>
        mid === '0' || mid === '4' ? audio({ mid }) : video({ mid }),
      ),
      dataChannel: {},
    });
    expect(answer.description.media.map((m) => m.port)).toEqual([9, 9, 0, 9, 9]);
    expect(answer.description.groups[0]?.mids).toEqual(['0', '1', '3', '4']);
  });
});

describe('BUNDLE policy against an offer without BUNDLE', () => {
  const withGroup = parseDescription(fixture('chromium-recvonly-max-compat-offer.sdp'));
  const offer = { ...withGroup, groups: [] };
  const transceivers = [audio({ mid: '0' }), video({ mid: '1' })];

  it('balanced and max-compat accept every section, each on its own transport', () => {
    const { description } = createAnswer({ ...transport, offer, transceivers });
    expect(description.groups).toEqual([]);
    expect(description.media.map((m) => m.port)).toEqual([9, 9]);
    expect(transportMid(description, '1')).toBe('1');
  });

  it('max-bundle negotiates the first section only (RFC 8829 §4.1.1)', () => {
    const { description, rejectedMids } = createAnswer({
      ...transport,
      offer,
      transceivers,
      bundlePolicy: 'max-bundle',
    });
    expect(rejectedMids).toEqual(['1']);
    expect(description.media.map((m) => m.port)).toEqual([9, 0]);
  });
});

describe('answering Firefox 99 (session-level fingerprint, extmap directions, big max-message-size)', () => {
  const offer = parseDescription(fixture('firefox-99-offer.sdp'));
  const csrc = { uri: 'urn:ietf:params:rtp-hdrext:csrc-audio-level' };
  const transceivers = [
    audio({ mid: '0', headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level' }, csrc] }),
    video({ mid: '1', direction: 'recvonly' }),
  ];
  const { description: d } = createAnswer({ ...transport, offer, transceivers, dataChannel: {} });

  it('accepts all three sections, reverses the extension direction', () => {
    expect(d.media.map((m) => m.port)).toEqual([9, 9, 9]);
    expect(d.media[0]?.extmaps).toEqual([
      { id: 1, uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level' },
      { id: 2, direction: 'sendonly', uri: 'urn:ietf:params:rtp-hdrext:csrc-audio-level' },
    ]);
    expect(d.media[0]?.codecs.map((c) => c.payloadType)).toEqual([109, 0, 8, 101]);
    expect(d.media[1]?.codecs.map((c) => `${c.payloadType} ${c.name}`)).toEqual([
      '120 VP8',
      '124 rtx',
      '121 VP9',
      '125 rtx',
      '126 H264',
      '127 rtx',
      '123 ulpfec',
      '122 red',
      '119 rtx',
    ]);
    expect(d.media[1]?.direction).toBe('recvonly');
    expect(d.extmapAllowMixed).toBe(false);
  });

  it("payload types are the offerer's: opus as 109, with our fmtp", () => {
    // Our fixed 111 is for our offers; answering, the offerer's 109 is the one to use.
    const withOpus = createAnswer({ ...transport, offer, transceivers: [audio({ mid: '0' })] }).description;
    expect(withOpus.media[0]?.codecs[0]).toMatchObject({
      payloadType: 109,
      name: 'opus',
      parameters: 'minptime=10;useinbandfec=1',
    });
  });

  it('max-message-size: we may send what Firefox can receive', () => {
    const sctp = negotiateSctp(d.media[2] ?? ({} as never), offer.media[2] ?? ({} as never), 65536 * 1024);
    expect(sctp.maxMessageSize).toBe(65536 * 1024);
    expect(negotiateSctp(d.media[2] ?? ({} as never), offer.media[2] ?? ({} as never)).maxMessageSize).toBe(
      1073741823,
    );
  });
});

describe('DTLS roles (RFC 8842)', () => {
  const offer = parseDescription(fixture('chromium-datachannel-offer.sdp'));
  const setupOf = (o: SessionDescription, extra = {}) =>
    createAnswer({ ...transport, offer: o, transceivers: [], dataChannel: {}, ...extra }).description.media[0]
      ?.setup;

  it('actpass → active by default, passive when asked; active → passive; passive → active', () => {
    expect(setupOf(offer)).toBe('active');
    expect(setupOf(offer, { setup: 'passive' })).toBe('passive');
    const withSetup = (s: 'active' | 'passive') => ({
      ...offer,
      media: offer.media.map((m) => ({ ...m, setup: s })),
    });
    expect(setupOf(withSetup('active'))).toBe('passive');
    expect(setupOf(withSetup('passive'))).toBe('active');
  });

  it('a re-answer keeps the role of the current exchange', () => {
    const first = createAnswer({
      ...transport,
      offer,
      transceivers: [],
      dataChannel: {},
      setup: 'passive',
    }).description;
    expect(setupOf(offer, { localDescription: first })).toBe('passive');
    // We offered actpass before and the peer answered active: we are passive now.
    const ourOffer = createOffer({
      ice: ICE,
      fingerprints: [FINGERPRINT],
      origin: ORIGIN,
      transceivers: [],
      dataChannel: {},
    });
    const theirAnswer = {
      ...ourOffer.description,
      media: ourOffer.description.media.map((m) => ({ ...m, setup: 'active' as const })),
    };
    expect(setupOf(offer, { localDescription: ourOffer.description, remoteDescription: theirAnswer })).toBe(
      'passive',
    );
  });
});

describe('our offer, our answer', () => {
  it('negotiates simulcast towards an SFU that asks for it, directions and versions', () => {
    const encodings = [{ rid: 'f' }, { rid: 'h' }, { rid: 'q' }];
    const sfu = createOffer({
      ice: ICE,
      fingerprints: [FINGERPRINT],
      origin: ORIGIN,
      transceivers: [video({ direction: 'recvonly', receiveRids: ['f', 'h'] })],
    }).description;
    const client = createAnswer({
      ...transport,
      offer: parseDescription(writeDescription(sfu)),
      transceivers: [
        video({
          mid: '0',
          direction: 'sendonly',
          sender: { trackId: 't', streamIds: [], cname: 'c', encodings },
        }),
      ],
    }).description;
    const v = client.media[0];
    expect(v?.direction).toBe('sendonly');
    expect(v?.rids.map((r) => `${r.id} ${r.direction}`)).toEqual(['f send', 'h send']);
    expect(v?.simulcast).toEqual({ send: [[{ rid: 'f', paused: false }], [{ rid: 'h', paused: false }]] });
    expect(v?.msids).toEqual([{ stream: '-', track: 't' }]);
    expect(negotiatedDirection('recvonly', 'sendonly')).toBe('recvonly');
    expect(client.origin.sessionVersion).toBe(0n);
  });

  it('without simulcast in the offer, a multi-encoding sender sends one stream', () => {
    const plain = createOffer({
      ice: ICE,
      fingerprints: [FINGERPRINT],
      origin: ORIGIN,
      transceivers: [video({ direction: 'recvonly' })],
    });
    const answer = createAnswer({
      ...transport,
      offer: plain.description,
      transceivers: [
        video({
          mid: '0',
          direction: 'sendonly',
          sender: {
            trackId: 't',
            streamIds: ['s'],
            cname: 'c',
            ssrc: 5,
            encodings: [{ rid: 'a' }, { rid: 'b' }],
          },
        }),
      ],
    }).description;
    expect(answer.media[0]?.rids).toEqual([]);
    expect(answer.media[0]?.simulcast).toBeUndefined();
    expect(answer.media[0]?.ssrcs.map((s) => s.ssrc)).toEqual([5, 5]);
  });
});
