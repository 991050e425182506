/**
 * The signaling state machine of webrtc-pc §4.4.1 (JSEP, RFC 9429 §3.2): the four descriptions
 * through offer/answer, pranswer from either side, rollback (explicit, and the implicit one of
 * perfect negotiation), implicit setLocalDescription, the DOMException names the spec gives, the
 * legacy callback overloads, and addIceCandidate's checks. Most tests need no network; the few
 * that connect stay on 127.0.0.1.
 */
import { describe, expect, it } from 'vitest';
import {
  RTCError,
  RTCIceCandidate,
  type RTCPeerConnection,
  type RTCSessionDescriptionInit,
} from '../src/index.js';
import {
  attribute,
  errorName,
  negotiate,
  nextEvent,
  rejection,
  until,
  usePeers,
  wireCandidates,
} from './support/local-pair.js';

const peers = usePeers();

/** Records every signalingstatechange as the state it reports. */
function signalingLog(pc: RTCPeerConnection): string[] {
  const states: string[] = [];
  pc.addEventListener('signalingstatechange', () => states.push(pc.signalingState));
  return states;
}

/** An offer from a fresh peer that created a data channel. */
async function remoteOffer(): Promise<RTCSessionDescriptionInit> {
  const other = peers.create();
  other.createDataChannel('x');
  return other.createOffer();
}

describe('offer/answer and the four descriptions', () => {
  it('moves offerer and answerer through have-local-offer / have-remote-offer to stable', async () => {
    const a = peers.create();
    const b = peers.create();
    const logA = signalingLog(a);
    const logB = signalingLog(b);
    a.createDataChannel('x');
    expect(a.signalingState).toBe('stable');
    expect([a.localDescription, a.remoteDescription, a.currentLocalDescription]).toEqual([null, null, null]);

    const offer = await a.createOffer();
    expect(offer.type).toBe('offer');
    expect(a.signalingState).toBe('stable'); // createOffer changes no state
    await a.setLocalDescription(offer);
    expect(a.signalingState).toBe('have-local-offer');
    expect(a.pendingLocalDescription?.type).toBe('offer');
    expect(a.localDescription?.sdp).toBe(a.pendingLocalDescription?.sdp);
    expect(a.currentLocalDescription).toBeNull();

    await b.setRemoteDescription(offer);
    expect(b.signalingState).toBe('have-remote-offer');
    expect(b.pendingRemoteDescription?.type).toBe('offer');
    expect(b.remoteDescription?.type).toBe('offer');
    expect(b.currentRemoteDescription).toBeNull();

    const answer = await b.createAnswer();
    expect(answer.type).toBe('answer');
    await b.setLocalDescription(answer);
    expect(b.signalingState).toBe('stable');
    expect(b.currentLocalDescription?.type).toBe('answer');
    expect(b.currentRemoteDescription?.type).toBe('offer');
    expect([b.pendingLocalDescription, b.pendingRemoteDescription]).toEqual([null, null]);

    await a.setRemoteDescription(answer);
    expect(a.signalingState).toBe('stable');
    expect(a.currentLocalDescription?.type).toBe('offer');
    expect(a.currentRemoteDescription?.type).toBe('answer');
    expect([a.pendingLocalDescription, a.pendingRemoteDescription]).toEqual([null, null]);
    expect(logA).toEqual(['have-local-offer', 'stable']);
    expect(logB).toEqual(['have-remote-offer', 'stable']);
  });

  it('applies a description in a queued task: not synchronously, and signalingstatechange before it resolves', async () => {
    const b = peers.create();
    const offer = await remoteOffer();
    const order: string[] = [];
    b.addEventListener('signalingstatechange', () => order.push(`event:${b.signalingState}`));
    const p = b.setRemoteDescription(offer).then(() => order.push('resolved'));
    expect(b.signalingState).toBe('stable'); // not synchronously
    await p;
    expect(order).toEqual(['event:have-remote-offer', 'resolved']);
  });

  it('accepts the same remote offer twice and a second, different offer in have-remote-offer', async () => {
    const b = peers.create();
    const log = signalingLog(b);
    const first = await remoteOffer();
    const second = await remoteOffer();
    await b.setRemoteDescription(first);
    await b.setRemoteDescription(first);
    await b.setRemoteDescription(second);
    expect(b.pendingRemoteDescription?.sdp).toContain(attribute(second.sdp!, 'ice-ufrag'));
    expect(log).toEqual(['have-remote-offer']);
  });

  it('a remote pranswer puts the offerer in have-remote-pranswer until the final answer', async () => {
    const a = peers.create();
    const b = peers.create();
    const log = signalingLog(a);
    a.createDataChannel('x');
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    const answer = await b.createAnswer();
    await a.setRemoteDescription({ type: 'pranswer', sdp: answer.sdp! });
    expect(a.signalingState).toBe('have-remote-pranswer');
    expect(a.pendingRemoteDescription?.type).toBe('pranswer');
    expect(a.currentRemoteDescription).toBeNull();
    expect(a.pendingLocalDescription?.type).toBe('offer');
    // another pranswer is allowed, then the answer ends the exchange
    await a.setRemoteDescription({ type: 'pranswer', sdp: answer.sdp! });
    await a.setRemoteDescription(answer);
    expect(a.signalingState).toBe('stable');
    expect(a.currentRemoteDescription?.type).toBe('answer');
    expect(a.currentLocalDescription?.type).toBe('offer');
    expect([a.pendingLocalDescription, a.pendingRemoteDescription]).toEqual([null, null]);
    expect(log).toEqual(['have-local-offer', 'have-remote-pranswer', 'stable']);
  });

  it('a local pranswer puts the answerer in have-local-pranswer until the final answer', async () => {
    const b = peers.create();
    const log = signalingLog(b);
    await b.setRemoteDescription(await remoteOffer());
    const answer = await b.createAnswer();
    await b.setLocalDescription({ type: 'pranswer', sdp: answer.sdp! });
    expect(b.signalingState).toBe('have-local-pranswer');
    expect(b.pendingLocalDescription?.type).toBe('pranswer');
    expect(b.currentLocalDescription).toBeNull();
    expect(b.pendingRemoteDescription?.type).toBe('offer');
    // createAnswer is allowed in have-local-pranswer, and an implicit SLD makes the answer
    await b.createAnswer();
    await b.setLocalDescription();
    expect(b.signalingState).toBe('stable');
    expect(b.currentLocalDescription?.type).toBe('answer');
    expect(b.currentRemoteDescription?.type).toBe('offer');
    expect(log).toEqual(['have-remote-offer', 'have-local-pranswer', 'stable']);
  });

  it('connects after a remote pranswer followed by the answer', async () => {
    const a = peers.create();
    const b = peers.create();
    wireCandidates(a, b);
    const dc = a.createDataChannel('x');
    const open = nextEvent(dc, 'open');
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription({ type: 'pranswer', sdp: (await b.createAnswer()).sdp! });
    await a.setRemoteDescription({ type: 'pranswer', sdp: b.localDescription!.sdp });
    await b.setLocalDescription({ type: 'answer', sdp: (await b.createAnswer()).sdp! });
    await a.setRemoteDescription({ type: 'answer', sdp: b.localDescription!.sdp });
    await open;
    expect(dc.readyState).toBe('open');
  });
});

describe('rollback', () => {
  it('setLocalDescription(rollback) discards a local offer', async () => {
    const a = peers.create();
    const log = signalingLog(a);
    a.createDataChannel('x');
    await a.setLocalDescription();
    await a.setLocalDescription({ type: 'rollback' });
    expect(a.signalingState).toBe('stable');
    expect([a.localDescription, a.pendingLocalDescription, a.currentLocalDescription]).toEqual([
      null,
      null,
      null,
    ]);
    expect(log).toEqual(['have-local-offer', 'stable']);
  });

  it('setRemoteDescription(rollback) discards a remote offer, ignoring any sdp it carries', async () => {
    const b = peers.create();
    const log = signalingLog(b);
    await b.setRemoteDescription(await remoteOffer());
    await b.setRemoteDescription({ type: 'rollback', sdp: 'not SDP at all' });
    expect(b.signalingState).toBe('stable');
    expect([b.remoteDescription, b.pendingRemoteDescription]).toEqual([null, null]);
    expect(log).toEqual(['have-remote-offer', 'stable']);
  });

  it('setLocalDescription(rollback) also discards a remote offer (have-remote-offer)', async () => {
    const b = peers.create();
    await b.setRemoteDescription(await remoteOffer());
    await b.setLocalDescription({ type: 'rollback' });
    expect(b.signalingState).toBe('stable');
    expect(b.remoteDescription).toBeNull();
  });

  it('rejects a rollback in stable and in the pranswer states with InvalidStateError', async () => {
    const a = peers.create();
    expect(errorName(await rejection(a.setLocalDescription({ type: 'rollback' })))).toBe('InvalidStateError');
    expect(errorName(await rejection(a.setRemoteDescription({ type: 'rollback' })))).toBe(
      'InvalidStateError',
    );
    const b = peers.create();
    await b.setRemoteDescription(await remoteOffer());
    await b.setLocalDescription({ type: 'pranswer', sdp: (await b.createAnswer()).sdp! });
    expect(errorName(await rejection(b.setLocalDescription({ type: 'rollback' })))).toBe('InvalidStateError');
    expect(b.signalingState).toBe('have-local-pranswer');
  });

  it('after rolling back its own offer, a peer can answer the other side and connect', async () => {
    const a = peers.create();
    const b = peers.create();
    a.createDataChannel('abandoned');
    await a.setLocalDescription();
    await a.setLocalDescription({ type: 'rollback' });
    wireCandidates(a, b);
    const dc = b.createDataChannel('x');
    const announced = nextEvent(a, 'datachannel');
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    await a.setLocalDescription();
    // RFC 8445 §6.1.1 / JSEP §5.3: the answerer is the controlled agent, whatever its abandoned
    // offer made it. Read before any check can arrive, so a role conflict cannot have repaired it.
    expect(a.sctp?.transport.iceTransport.role).toBe('controlled');
    await b.setRemoteDescription(a.localDescription!);
    await nextEvent(dc, 'open');
    await announced;
    expect(b.sctp?.transport.iceTransport.role).toBe('controlling');
  });

  it('after rolling back a remote offer, a peer answers another peer’s offer and connects', async () => {
    const b = peers.create();
    await b.setRemoteDescription(await remoteOffer()); // from a peer that goes away
    await b.setRemoteDescription({ type: 'rollback' });
    const a = peers.create();
    wireCandidates(a, b);
    const dc = a.createDataChannel('x');
    await negotiate(a, b);
    await nextEvent(dc, 'open');
    expect(b.connectionState).toBe('connected');
  });

  it('a remote offer in have-local-offer rolls the local offer back first: stable, then have-remote-offer', async () => {
    const a = peers.create();
    const log = signalingLog(a);
    a.createDataChannel('mine');
    await a.setLocalDescription();
    const offer = await remoteOffer();
    const states: Array<[string, boolean, boolean]> = [];
    a.addEventListener('signalingstatechange', () =>
      states.push([
        a.signalingState,
        a.pendingLocalDescription === null,
        a.pendingRemoteDescription === null,
      ]),
    );
    await a.setRemoteDescription(offer);
    expect(a.signalingState).toBe('have-remote-offer');
    expect(a.pendingLocalDescription).toBeNull();
    expect(a.pendingRemoteDescription?.type).toBe('offer');
    // webrtc-pc §4.4.1.6 setRemoteDescription step 1: the implicit rollback is a
    // setLocalDescription({type: 'rollback'}) of its own, with its own signalingstatechange.
    expect(log).toEqual(['have-local-offer', 'stable', 'have-remote-offer']);
    expect(states).toEqual([
      ['stable', true, true],
      ['have-remote-offer', true, false],
    ]);
  });

  it('an invalid remote offer in have-local-offer still rolls the local offer back, then rejects', async () => {
    const a = peers.create();
    a.createDataChannel('mine');
    await a.setLocalDescription();
    const error = await rejection(a.setRemoteDescription({ type: 'offer', sdp: 'Invalid SDP' }));
    expect(error).toBeInstanceOf(RTCError);
    expect(a.signalingState).toBe('stable');
    expect(a.pendingLocalDescription).toBeNull();
  });

  it('glare (perfect negotiation): both offer, the polite peer takes the remote offer and both connect', async () => {
    const polite = peers.create();
    const impolite = peers.create();
    const dcPolite = polite.createDataChannel('from-polite');
    const dcImpolite = impolite.createDataChannel('from-impolite');
    await Promise.all([polite.setLocalDescription(), impolite.setLocalDescription()]);
    // Both offers carry every candidate, so nothing depends on trickle timing during glare.
    await Promise.all([
      until(polite, 'icegatheringstatechange', () => polite.iceGatheringState, 'complete'),
      until(impolite, 'icegatheringstatechange', () => impolite.iceGatheringState, 'complete'),
    ]);
    // The impolite peer ignores the colliding offer; the polite one rolls back implicitly.
    const log = signalingLog(polite);
    await polite.setRemoteDescription(impolite.localDescription!);
    await polite.setLocalDescription();
    await until(polite, 'icegatheringstatechange', () => polite.iceGatheringState, 'complete');
    await impolite.setRemoteDescription(polite.localDescription!);
    expect([polite.signalingState, impolite.signalingState]).toEqual(['stable', 'stable']);
    expect(log.at(-1)).toBe('stable');
    expect(log).toContain('have-remote-offer');
    const opened = (dc: { readyState: string } & EventTarget) =>
      dc.readyState === 'open' ? Promise.resolve() : nextEvent(dc, 'open').then(() => undefined);
    await Promise.all([opened(dcPolite), opened(dcImpolite)]);
    expect(polite.connectionState).toBe('connected');
    expect(impolite.connectionState).toBe('connected');
  });
});

describe('implicit setLocalDescription and what may be set when', () => {
  it('makes an offer in stable and an answer in have-remote-offer', async () => {
    const a = peers.create();
    a.createDataChannel('x');
    await a.setLocalDescription();
    expect(a.localDescription?.type).toBe('offer');
    expect(a.localDescription?.sdp).toContain('m=application');
    const b = peers.create();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    expect(b.localDescription?.type).toBe('answer');
    expect(b.signalingState).toBe('stable');
  });

  it('{type} without sdp is implicit too', async () => {
    const a = peers.create();
    await a.setLocalDescription({ type: 'offer' });
    expect(a.signalingState).toBe('have-local-offer');
    const b = peers.create();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription({ type: 'answer' });
    expect(b.currentLocalDescription?.type).toBe('answer');
  });

  it('rejects an offer that is not the last one created with InvalidModificationError', async () => {
    const a = peers.create();
    a.createDataChannel('x');
    const offer = await a.createOffer();
    const modified = offer.sdp!.replace(/a=ice-ufrag:.*/, 'a=ice-ufrag:abcd');
    const error = await rejection(a.setLocalDescription({ type: 'offer', sdp: modified }));
    expect(errorName(error)).toBe('InvalidModificationError');
    expect(a.signalingState).toBe('stable');
    // the unmodified offer is still fine
    await a.setLocalDescription(offer);
    expect(a.signalingState).toBe('have-local-offer');
  });

  it('rejects an answer that is not the last one created with InvalidModificationError', async () => {
    const b = peers.create();
    await b.setRemoteDescription(await remoteOffer());
    const answer = await b.createAnswer();
    const modified = `${answer.sdp!}a=x-extra:1\r\n`;
    expect(errorName(await rejection(b.setLocalDescription({ type: 'answer', sdp: modified })))).toBe(
      'InvalidModificationError',
    );
    expect(errorName(await rejection(b.setLocalDescription({ type: 'pranswer', sdp: modified })))).toBe(
      'InvalidModificationError',
    );
    expect(b.signalingState).toBe('have-remote-offer');
  });

  it('createAnswer rejects with InvalidStateError in stable and in have-local-offer', async () => {
    const a = peers.create();
    expect(errorName(await rejection(a.createAnswer()))).toBe('InvalidStateError');
    await a.setLocalDescription();
    expect(errorName(await rejection(a.createAnswer()))).toBe('InvalidStateError');
  });

  it('rejects descriptions the signaling state does not allow with InvalidStateError', async () => {
    // a remote answer in stable
    const b = peers.create();
    const a = peers.create();
    a.createDataChannel('x');
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    const answer = await b.createAnswer();
    const fresh = peers.create();
    expect(errorName(await rejection(fresh.setRemoteDescription(answer)))).toBe('InvalidStateError');
    expect(
      errorName(await rejection(fresh.setRemoteDescription({ type: 'pranswer', sdp: answer.sdp! }))),
    ).toBe('InvalidStateError');
    // the last created answer again, once stable
    await b.setLocalDescription(answer);
    expect(errorName(await rejection(b.setLocalDescription(answer)))).toBe('InvalidStateError');
    // a local offer in have-remote-offer
    const c = peers.create();
    const ownOffer = await c.createOffer();
    await c.setRemoteDescription(a.localDescription!);
    expect(errorName(await rejection(c.setLocalDescription(ownOffer)))).toBe('InvalidStateError');
    expect(c.signalingState).toBe('have-remote-offer');
    // a remote offer in have-remote-pranswer
    await a.setRemoteDescription({ type: 'pranswer', sdp: answer.sdp! });
    expect(errorName(await rejection(a.setRemoteDescription(await remoteOffer())))).toBe('InvalidStateError');
    expect(a.signalingState).toBe('have-remote-pranswer');
  });

  it('checks the signaling state before the SDP: garbage as an answer in stable is an InvalidStateError', async () => {
    // webrtc-pc §4.4.1.5: "If the description's type is invalid for the current signaling state"
    // comes before "If the content of description is not valid SDP syntax".
    const pc = peers.create();
    expect(errorName(await rejection(pc.setRemoteDescription({ type: 'answer', sdp: 'garbage' })))).toBe(
      'InvalidStateError',
    );
    expect(errorName(await rejection(pc.setRemoteDescription({ type: 'pranswer', sdp: 'garbage' })))).toBe(
      'InvalidStateError',
    );
  });

  it('setRemoteDescription rejects a missing or unknown type with TypeError', async () => {
    const pc = peers.create();
    const bogus = { type: 'bogus', sdp: '' } as unknown as RTCSessionDescriptionInit;
    expect(await rejection(pc.setRemoteDescription(bogus))).toBeInstanceOf(TypeError);
    const untyped = { sdp: 'v=0' } as unknown as RTCSessionDescriptionInit;
    expect(await rejection(pc.setRemoteDescription(untyped))).toBeInstanceOf(TypeError);
  });

  it('setLocalDescription rejects an unknown type with TypeError', async () => {
    const pc = peers.create();
    const bogus = { type: 'bogus' } as unknown as RTCSessionDescriptionInit;
    expect(await rejection(pc.setLocalDescription(bogus))).toBeInstanceOf(TypeError);
  });

  it('runs operations in call order (the operations chain)', async () => {
    const a = peers.create();
    const b = peers.create();
    a.createDataChannel('x');
    const offer = await a.createOffer();
    // queued back to back, without awaiting: each sees the state the previous one left
    const results = await Promise.allSettled([
      b.setRemoteDescription(offer),
      b.createAnswer(),
      b.setLocalDescription(),
      b.createAnswer(),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect(errorName((results[3] as PromiseRejectedResult).reason)).toBe('InvalidStateError');
  });
});

describe('legacy callback overloads (§4.4.3.1)', () => {
  it('createOffer(success, failure) calls success with the offer; the promise resolves with undefined', async () => {
    const pc = peers.create();
    pc.createDataChannel('x');
    let offer: RTCSessionDescriptionInit | undefined;
    const result = await pc.createOffer(
      (o) => {
        offer = o;
      },
      () => {
        throw new Error('failure callback called');
      },
    );
    expect(result).toBeUndefined();
    expect(offer?.type).toBe('offer');
    expect(offer?.sdp).toContain('m=application');
  });

  it('createAnswer(success, failure) in stable calls failure with InvalidStateError', async () => {
    const pc = peers.create();
    let failure: unknown;
    const result = await pc.createAnswer(
      () => {
        throw new Error('success callback called');
      },
      (e) => {
        failure = e;
      },
    );
    expect(result).toBeUndefined();
    expect(errorName(failure)).toBe('InvalidStateError');
  });

  it('setLocalDescription / setRemoteDescription / addIceCandidate take (arg, success, failure)', async () => {
    const a = peers.create();
    const b = peers.create();
    a.createDataChannel('x');
    const calls: string[] = [];
    const offer = await a.createOffer();
    await a.setLocalDescription(
      offer,
      () => calls.push('sld ok'),
      () => calls.push('sld failed'),
    );
    // a candidate before any remote description: the failure callback
    await b.addIceCandidate(
      { candidate: 'candidate:1 1 udp 2130706431 127.0.0.1 9 typ host', sdpMid: '0' },
      () => calls.push('aic ok'),
      (e) => calls.push(`aic ${errorName(e)}`),
    );
    await b.setRemoteDescription(
      offer,
      () => calls.push('srd ok'),
      () => calls.push('srd failed'),
    );
    const other = peers.create();
    await other.setRemoteDescription(offer);
    const answer = await other.createAnswer();
    await b.setRemoteDescription(
      answer,
      () => calls.push('srd ok'),
      (e) => calls.push(`srd ${errorName(e)}`),
    );
    await b.addIceCandidate(
      { candidate: '', sdpMid: '0' },
      () => calls.push('aic ok'),
      (e) => calls.push(`aic ${errorName(e)}`),
    );
    expect(calls).toEqual(['sld ok', 'aic InvalidStateError', 'srd ok', 'srd InvalidStateError', 'aic ok']);
    expect(b.signalingState).toBe('have-remote-offer');
  });
});

describe('addIceCandidate', () => {
  const host = 'candidate:842163049 1 udp 1677729535 127.0.0.1 40000 typ host generation 0';

  async function withRemote(): Promise<{ pc: RTCPeerConnection; mid: string; ufrag: string }> {
    const pc = peers.create();
    const offer = await remoteOffer();
    await pc.setRemoteDescription(offer);
    return { pc, mid: attribute(offer.sdp!, 'mid')!, ufrag: attribute(offer.sdp!, 'ice-ufrag')! };
  }

  it('rejects with InvalidStateError before a remote description, end-of-candidates included', async () => {
    const pc = peers.create();
    expect(errorName(await rejection(pc.addIceCandidate({ candidate: host, sdpMid: '0' })))).toBe(
      'InvalidStateError',
    );
    expect(errorName(await rejection(pc.addIceCandidate()))).toBe('InvalidStateError');
  });

  it('rejects with TypeError when a candidate has neither sdpMid nor sdpMLineIndex', async () => {
    const { pc } = await withRemote();
    expect(await rejection(pc.addIceCandidate({ candidate: host }))).toBeInstanceOf(TypeError);
    expect(
      await rejection(pc.addIceCandidate({ candidate: host, sdpMid: null, sdpMLineIndex: null })),
    ).toBeInstanceOf(TypeError);
  });

  it('adds a candidate by sdpMid, by sdpMLineIndex, and as an RTCIceCandidate; it shows in remoteDescription', async () => {
    const { pc, mid, ufrag } = await withRemote();
    await pc.addIceCandidate({ candidate: host, sdpMid: mid });
    await pc.addIceCandidate({
      candidate: host.replace('40000', '40001'),
      sdpMLineIndex: 0,
      usernameFragment: ufrag,
    });
    await pc.addIceCandidate(new RTCIceCandidate({ candidate: host.replace('40000', '40002'), sdpMid: mid }));
    const sdp = pc.remoteDescription!.sdp;
    for (const port of ['40000', '40001', '40002']) expect(sdp).toContain(`127.0.0.1 ${port} typ host`);
    expect(sdp).not.toContain('a=end-of-candidates');
    await pc.addIceCandidate({ candidate: '', sdpMid: mid });
    expect(pc.remoteDescription!.sdp).toContain('a=end-of-candidates');
  });

  it('treats undefined, null, {} and an empty candidate as end-of-candidates', async () => {
    const { pc, mid } = await withRemote();
    await pc.addIceCandidate();
    await pc.addIceCandidate(null);
    await pc.addIceCandidate({});
    await pc.addIceCandidate({ candidate: '', sdpMLineIndex: 0 });
    await pc.addIceCandidate({ candidate: '', sdpMid: mid });
    expect(pc.remoteDescription!.sdp).toContain('a=end-of-candidates');
  });

  it('rejects an unknown sdpMid or an sdpMLineIndex past the last m= line with OperationError', async () => {
    const { pc, mid } = await withRemote();
    expect(errorName(await rejection(pc.addIceCandidate({ candidate: host, sdpMid: 'nope' })))).toBe(
      'OperationError',
    );
    expect(errorName(await rejection(pc.addIceCandidate({ candidate: host, sdpMLineIndex: 1 })))).toBe(
      'OperationError',
    );
    // a valid sdpMid wins over a bad index
    await pc.addIceCandidate({ candidate: host, sdpMid: mid, sdpMLineIndex: 7 });
  });

  it('rejects an end-of-candidates for an unknown sdpMid with OperationError', async () => {
    const { pc } = await withRemote();
    expect(errorName(await rejection(pc.addIceCandidate({ candidate: '', sdpMid: 'nope' })))).toBe(
      'OperationError',
    );
  });

  it('rejects a usernameFragment that no applied remote description has with OperationError', async () => {
    const { pc, mid } = await withRemote();
    const e = await rejection(
      pc.addIceCandidate({ candidate: host, sdpMid: mid, usernameFragment: 'stale' }),
    );
    expect(errorName(e)).toBe('OperationError');
    expect(pc.remoteDescription!.sdp).not.toContain('127.0.0.1 40000');
  });

  it('rejects with InvalidStateError once closed', async () => {
    const { pc, mid } = await withRemote();
    pc.close();
    expect(errorName(await rejection(pc.addIceCandidate({ candidate: host, sdpMid: mid })))).toBe(
      'InvalidStateError',
    );
  });
});
