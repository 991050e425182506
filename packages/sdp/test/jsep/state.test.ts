/**
 * The rest of JSEP as pure functions: the signaling state machine and rollback, transceiver
 * association, validation, direction algebra, DTLS roles, ICE credentials and restarts, the
 * o= version, SCTP parameters, H.264 profiles.
 */
import { describe, expect, it } from 'vitest';
import {
  answerDirection,
  applyDescription,
  associateTransceivers,
  createIceCredentials,
  createOffer,
  createOrigin,
  dtlsRole,
  emptyMedia,
  h264Profile,
  iceRestartMids,
  initialNegotiation,
  JsepError,
  type JsepErrorCode,
  localDescriptionOf,
  midsIntroducedBy,
  type Negotiation,
  negotiateSctp,
  parseDescription,
  remoteDescriptionOf,
  type SessionDescription,
  stampOrigin,
  validateDescription,
} from '../../src/index.js';
import { fixture } from '../support/fixtures.js';
import { audio, FINGERPRINT, ICE, ORIGIN, video } from '../support/stack.js';

function jsepCode(f: () => unknown): JsepErrorCode | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof JsepError) return e.code;
    throw e;
  }
  return undefined;
}

describe('signaling state machine (W3C §4.3.1, RFC 8829 §4.1)', () => {
  const start = initialNegotiation<string>();

  it('offer/answer from either side, with pranswer', () => {
    let n: Negotiation<string> = applyDescription(start, 'local', 'offer', 'O1').next;
    expect(n).toEqual({ state: 'have-local-offer', pendingLocal: 'O1' });
    expect(localDescriptionOf(n)).toBe('O1');
    n = applyDescription(n, 'remote', 'pranswer', 'P1').next;
    expect(n.state).toBe('have-remote-pranswer');
    n = applyDescription(n, 'remote', 'answer', 'A1').next;
    expect(n).toEqual({ state: 'stable', currentLocal: 'O1', currentRemote: 'A1' });

    n = applyDescription(n, 'remote', 'offer', 'O2').next;
    expect(n.state).toBe('have-remote-offer');
    expect(remoteDescriptionOf(n)).toBe('O2');
    n = applyDescription(n, 'local', 'pranswer', 'P2').next;
    expect(n.state).toBe('have-local-pranswer');
    n = applyDescription(n, 'local', 'answer', 'A2').next;
    expect(n).toEqual({ state: 'stable', currentLocal: 'A2', currentRemote: 'O2' });
  });

  it('refuses what the state does not allow', () => {
    expect(jsepCode(() => applyDescription(start, 'local', 'answer', 'A'))).toBe('INVALID_STATE');
    expect(jsepCode(() => applyDescription(start, 'remote', 'answer', 'A'))).toBe('INVALID_STATE');
    expect(jsepCode(() => applyDescription(start, 'local', 'rollback'))).toBe('INVALID_STATE');
    const offered = applyDescription(start, 'local', 'offer', 'O').next;
    expect(jsepCode(() => applyDescription(offered, 'local', 'answer', 'A'))).toBe('INVALID_STATE');
    expect(jsepCode(() => applyDescription({ state: 'closed' }, 'local', 'offer', 'O'))).toBe(
      'INVALID_STATE',
    );
  });

  it('rollback returns to the current descriptions and reports what it discarded', () => {
    const stable: Negotiation<string> = { state: 'stable', currentLocal: 'L', currentRemote: 'R' };
    const offered = applyDescription(stable, 'remote', 'offer', 'O').next;
    const t = applyDescription(offered, 'remote', 'rollback');
    expect(t.next).toEqual(stable);
    expect(t.rolledBack).toEqual({ remote: 'O' });
    const local = applyDescription(stable, 'local', 'offer', 'X').next;
    expect(applyDescription(local, 'local', 'rollback').rolledBack).toEqual({ local: 'X' });
  });

  it('a remote offer in have-local-offer rolls ours back first (perfect negotiation)', () => {
    const glare = applyDescription(start, 'local', 'offer', 'mine').next;
    const t = applyDescription(glare, 'remote', 'offer', 'theirs');
    expect(t.next).toEqual({ state: 'have-remote-offer', pendingRemote: 'theirs' });
    expect(t.rolledBack).toEqual({ local: 'mine' });
    expect(jsepCode(() => applyDescription(glare, 'remote', 'offer', 'theirs', false))).toBe('INVALID_STATE');
  });

  it('midsIntroducedBy: what to undo after rolling back a remote offer', () => {
    const current = parseDescription(fixture('chromium-offer.sdp'));
    const reoffer = parseDescription(fixture('chromium-reoffer-ice-restart.sdp'));
    expect(midsIntroducedBy(reoffer, [current, undefined])).toEqual(['4']);
  });
});

describe('associateTransceivers (RFC 8829 §5.10, W3C §4.4.1.6)', () => {
  const offer = parseDescription(fixture('chromium-offer.sdp'));

  it('by mid, then addTrack transceivers of the kind, else new ones; data apart', () => {
    const result = associateTransceivers(offer, 'offer', [
      { kind: 'video', addedByAddTrack: true },
      { kind: 'audio', addedByAddTrack: false },
      { mid: '2', kind: 'video' },
      { kind: 'audio', addedByAddTrack: true, stopped: true },
    ]);
    expect(result.map((a) => [a.mid, a.transceiver, a.create, a.data])).toEqual([
      ['0', undefined, true, false],
      ['1', 0, false, false],
      ['2', 2, false, false],
      ['3', undefined, false, true],
    ]);
  });

  it('answers associate by mid only; rejected sections are flagged', () => {
    const reoffer = parseDescription(fixture('chromium-reoffer-ice-restart.sdp'));
    const result = associateTransceivers(reoffer, 'answer', [
      { kind: 'video', addedByAddTrack: true },
      { mid: '2', kind: 'video' },
    ]);
    expect(result.map((a) => [a.mid, a.transceiver, a.create, a.rejected])).toEqual([
      ['0', undefined, false, false],
      ['1', undefined, false, false],
      ['2', 1, false, true],
      ['3', undefined, false, false],
      ['4', undefined, false, false],
    ]);
  });
});

describe('validateDescription', () => {
  const good = parseDescription(fixture('chromium-offer.sdp'));
  const code = (d: SessionDescription, type: 'offer' | 'answer' = 'offer') =>
    jsepCode(() => validateDescription(d, type));
  const mapMedia = (f: (m: SessionDescription['media'][number]) => SessionDescription['media'][number]) => ({
    ...good,
    media: good.media.map(f),
  });

  it('accepts every real description', () => {
    for (const name of [
      'chromium-offer.sdp',
      'chromium-reoffer-ice-restart.sdp',
      'firefox-99-offer.sdp',
      'safari-offer.sdp',
    ]) {
      expect(code(parseDescription(fixture(name)))).toBeUndefined();
    }
    for (const name of ['chromium-answer.sdp', 'chromium-reanswer.sdp', 'meta-ice-lite-answer.sdp']) {
      expect(code(parseDescription(fixture(name)), 'answer')).toBeUndefined();
    }
  });

  it('refuses missing ICE credentials or fingerprint, actpass answers, no rtcp-mux, bad BUNDLE', () => {
    expect(code(mapMedia((m) => ({ ...m, iceUfrag: undefined })))).toBe('INVALID_DESCRIPTION');
    expect(code(mapMedia((m) => ({ ...m, fingerprints: [] })))).toBe('INVALID_DESCRIPTION');
    expect(code(good, 'answer')).toBe('INVALID_DESCRIPTION');
    expect(code(mapMedia((m) => ({ ...m, rtcpMux: false })))).toBe('INVALID_DESCRIPTION');
    expect(code({ ...good, groups: [{ semantics: 'BUNDLE', mids: ['0', '9'] }] })).toBe(
      'INVALID_DESCRIPTION',
    );
    expect(code(mapMedia((m) => ({ ...m, mid: '0' })))).toBe('INVALID_DESCRIPTION');
  });
});

describe('small rules', () => {
  it('answer directions (RFC 3264 §6.1)', () => {
    expect(answerDirection('sendonly', 'sendrecv')).toBe('recvonly');
    expect(answerDirection('recvonly', 'sendrecv')).toBe('sendonly');
    expect(answerDirection('sendrecv', 'recvonly')).toBe('recvonly');
    expect(answerDirection('sendonly', 'sendonly')).toBe('inactive');
    expect(answerDirection('inactive', 'sendrecv')).toBe('inactive');
  });

  it('DTLS roles', () => {
    expect(dtlsRole('actpass', 'active')).toBe('server');
    expect(dtlsRole('actpass', 'passive')).toBe('client');
    expect(dtlsRole('passive', 'actpass')).toBe('server');
    expect(jsepCode(() => dtlsRole('active', 'active'))).toBe('INVALID_DESCRIPTION');
  });

  it('ICE credentials: ice-chars, 8 and 24 of them; restarts seen in Chromium descriptions', () => {
    const { ufrag, pwd } = createIceCredentials();
    expect(ufrag).toMatch(/^[A-Za-z0-9+/]{8}$/);
    expect(pwd).toMatch(/^[A-Za-z0-9+/]{24}$/);
    const first = parseDescription(fixture('chromium-offer.sdp'));
    const restart = parseDescription(fixture('chromium-reoffer-ice-restart.sdp'));
    expect(iceRestartMids(first, restart)).toEqual(['0', '1', '3']);
    expect(iceRestartMids(first, first)).toEqual([]);
  });

  it('origin: random 63-bit id, version 0; stamped versions', () => {
    const o = createOrigin(() => new Uint8Array(8).fill(0xff));
    expect(o.sessionId).toBe((1n << 63n) - 1n);
    expect(o.sessionVersion).toBe(0n);
    const offer = createOffer({
      ice: ICE,
      fingerprints: [FINGERPRINT],
      origin: ORIGIN,
      transceivers: [audio()],
    }).description;
    expect(stampOrigin(offer, offer).origin.sessionVersion).toBe(0n);
    const changed = { ...offer, media: offer.media.map((m) => ({ ...m, direction: 'inactive' as const })) };
    expect(stampOrigin(changed, offer).origin.sessionVersion).toBe(1n);
    expect(stampOrigin(offer, undefined)).toBe(offer);
  });

  it('SCTP: 64 KiB when absent, unlimited for 0, capped by what we can send', () => {
    const local = {
      ...emptyMedia('application', 9, 'UDP/DTLS/SCTP', ['webrtc-datachannel']),
      sctpPort: 5001,
    };
    const remote = emptyMedia('application', 9, 'UDP/DTLS/SCTP', ['webrtc-datachannel']);
    expect(negotiateSctp(local, remote)).toEqual({
      localPort: 5001,
      remotePort: 5000,
      maxMessageSize: 65536,
    });
    expect(negotiateSctp(local, { ...remote, maxMessageSize: 0 }).maxMessageSize).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(negotiateSctp(local, { ...remote, maxMessageSize: 0 }, 1 << 20).maxMessageSize).toBe(1 << 20);
  });

  it('H.264 profiles of profile-level-id (RFC 6184 §8.1)', () => {
    expect(h264Profile('42e01f')).toBe('constrained-baseline');
    expect(h264Profile('42001f')).toBe('baseline');
    expect(h264Profile('4d001f')).toBe('main');
    expect(h264Profile('640c1f')).toBe('constrained-high');
    expect(h264Profile('64001f')).toBe('high');
    expect(h264Profile(undefined)).toBe('baseline');
  });

  it('a transceiver without codecs cannot be offered', () => {
    expect(
      jsepCode(() =>
        createOffer({ ice: ICE, fingerprints: [], origin: ORIGIN, transceivers: [video({ codecs: [] })] }),
      ),
    ).toBe('INVALID_PARAMETERS');
  });
});
