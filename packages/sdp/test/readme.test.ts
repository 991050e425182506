/** The README's JSEP example, as written there. */
import { describe, expect, it } from 'vitest';
import {
  associateTransceivers,
  createAnswer,
  createOffer,
  dtlsRole,
  parseDescription,
  writeDescription,
} from '../src/index.js';

describe('README example', () => {
  it('runs', () => {
    const opus = {
      name: 'opus',
      clockRate: 48000,
      channels: 2,
      payloadType: 111,
      parameters: 'minptime=10;useinbandfec=1',
    };
    const vp8 = {
      name: 'VP8',
      clockRate: 90000,
      rtx: {},
      feedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
    };
    const dtls = (b: number) => [
      { algorithm: 'sha-256', value: Array(32).fill(b.toString(16).padStart(2, '0')).join(':') },
    ];

    const offer = createOffer({
      transceivers: [
        {
          kind: 'audio',
          direction: 'sendrecv',
          codecs: [opus],
          sender: { trackId: 'mic', streamIds: ['s'], cname: 'alice', ssrc: 1001 },
        },
        {
          kind: 'video',
          direction: 'sendonly',
          codecs: [vp8],
          headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id' }],
          sender: {
            trackId: 'cam',
            streamIds: ['s'],
            cname: 'alice',
            encodings: [{ rid: 'h' }, { rid: 'm' }, { rid: 'l' }],
          },
        },
      ],
      dataChannel: {},
      ice: { ufrag: 'aliceUfr', pwd: 'alicePasswordAlicePassw' },
      fingerprints: dtls(0xaa),
    });
    expect(offer.mids).toEqual(['0', '1']);
    const sdp = writeDescription(offer.description);

    const remote = parseDescription(sdp);
    const slots = associateTransceivers(remote, 'offer', []);
    expect(slots.map((s) => [s.mid, s.create])).toEqual([
      ['0', true],
      ['1', true],
      ['2', false],
    ]);
    const answer = createAnswer({
      offer: remote,
      transceivers: slots
        .filter((s) => s.create)
        .map((s) => ({
          mid: s.mid,
          kind: s.kind as 'audio' | 'video',
          direction: 'recvonly' as const,
          codecs: s.kind === 'audio' ? [opus] : [vp8],
        })),
      dataChannel: {},
      ice: { ufrag: 'bobUfrag', pwd: 'bobPasswordBobPasswordB' },
      fingerprints: dtls(0xbb),
    });
    expect(answer.description.media[1]?.simulcast?.recv?.map((s) => s[0]?.rid)).toEqual(['h', 'm', 'l']);
    expect(answer.description.media[1]?.codecs.map((c) => c.payloadType)).toEqual([96, 97]);
    expect(dtlsRole('actpass', answer.description.media[0]?.setup ?? 'holdconn')).toBe('server');
    expect(parseDescription(writeDescription(answer.description))).toEqual(answer.description);
  });
});
