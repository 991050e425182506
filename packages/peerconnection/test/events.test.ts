/**
 * What a full connect between two of our peers looks like from the W3C API (webrtc-pc §4.4.1,
 * §4.7.3, §5.5, §5.6, §6.1): the events and their order, the transports' states and their
 * statechange events, pc.sctp, negotiationneeded, and restartIce keeping the connection up.
 * Over 127.0.0.1 only.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type RTCDataChannel,
  RTCError,
  type RTCErrorEvent,
  type RTCPeerConnection,
  type RTCPeerConnectionIceEvent,
  type RTCSctpTransport,
} from '../src/index.js';
import {
  attribute,
  connectPair,
  negotiate,
  nextEvent,
  nextMessage,
  poll,
  tasks,
  until,
  usePeers,
  wireCandidates,
} from './support/local-pair.js';

const peers = usePeers();

/** Every event of the peer connection, as `type:detail`, in dispatch order. */
function eventLog(pc: RTCPeerConnection): string[] {
  const log: string[] = [];
  const on = (type: string, detail: (e: Event) => string) =>
    pc.addEventListener(type, (e) => log.push(`${type}:${detail(e)}`));
  on('signalingstatechange', () => pc.signalingState);
  on('icegatheringstatechange', () => pc.iceGatheringState);
  on('iceconnectionstatechange', () => pc.iceConnectionState);
  on('connectionstatechange', () => pc.connectionState);
  on('negotiationneeded', () => '');
  on('datachannel', () => '');
  on('icecandidate', (e) => {
    const c = (e as RTCPeerConnectionIceEvent).candidate;
    return c === null ? 'null' : c.candidate === '' ? 'end-of-generation' : 'candidate';
  });
  return log;
}

/** The entries of `log` with this event type, their details only. */
function of(log: readonly string[], type: string): string[] {
  return log.filter((l) => l.startsWith(`${type}:`)).map((l) => l.slice(type.length + 1));
}

/** RFC 8122 §5 fingerprint of a DER certificate: sha-256, upper-case hex pairs. */
function fingerprintOf(der: ArrayBuffer): string {
  const hex = createHash('sha256').update(new Uint8Array(der)).digest('hex').toUpperCase();
  return hex.match(/../g)!.join(':');
}

describe('a full connect, event by event', () => {
  it('fires the peer connection events in spec order on both sides', async () => {
    const a = peers.create();
    const b = peers.create();
    const logA = eventLog(a);
    const logB = eventLog(b);
    wireCandidates(a, b);
    const dc = a.createDataChannel('x');
    await tasks(); // let negotiationneeded fire before the offer
    const opened = nextEvent(dc, 'open');
    const announced = nextEvent(b, 'datachannel');
    await negotiate(a, b);
    await Promise.all([opened, announced]);
    await Promise.all([
      until(a, 'connectionstatechange', () => a.connectionState, 'connected'),
      until(b, 'connectionstatechange', () => b.connectionState, 'connected'),
      until(a, 'icegatheringstatechange', () => a.iceGatheringState, 'complete'),
      until(b, 'icegatheringstatechange', () => b.iceGatheringState, 'complete'),
    ]);

    for (const [log, first] of [
      [logA, 'have-local-offer'],
      [logB, 'have-remote-offer'],
    ] as const) {
      expect(of(log, 'signalingstatechange')).toEqual([first, 'stable']);
      expect(of(log, 'icegatheringstatechange')).toEqual(['gathering', 'complete']);
      expect(of(log, 'connectionstatechange')).toEqual(['connecting', 'connected']);
      const ice = of(log, 'iceconnectionstatechange');
      expect(ice[0]).toBe('checking');
      expect(ice).toContain('connected');
      expect(ice.every((s) => ['checking', 'connected', 'completed'].includes(s))).toBe(true);

      // Candidates come while gathering; the null candidate comes last, right after 'complete'.
      const candidates = of(log, 'icecandidate');
      expect(candidates.filter((c) => c === 'candidate').length).toBeGreaterThan(0);
      expect(candidates.at(-1)).toBe('null');
      expect(candidates.filter((c) => c === 'null')).toHaveLength(1);
      const gathering = log.indexOf('icegatheringstatechange:gathering');
      const complete = log.indexOf('icegatheringstatechange:complete');
      expect(log.indexOf('icecandidate:candidate')).toBeGreaterThan(gathering);
      expect(log.lastIndexOf('icecandidate:candidate')).toBeLessThan(complete);
      expect(log.indexOf('icecandidate:null')).toBe(complete + 1);
      // gathering starts once the local description is set
      expect(gathering).toBeGreaterThan(log.indexOf(`signalingstatechange:${first}`));

      // ICE connected before the connection is, and the connection connected only after ICE
      expect(log.indexOf('iceconnectionstatechange:connected')).toBeLessThan(
        log.indexOf('connectionstatechange:connected'),
      );
    }
    expect(of(logA, 'negotiationneeded')).toEqual(['']);
    expect(of(logB, 'negotiationneeded')).toEqual([]);
    expect(of(logB, 'datachannel')).toEqual(['']);
  });

  it('ends each generation of candidates with an empty-string candidate before the null one', async () => {
    // webrtc-pc §4.4.1.x: when gathering for a generation finishes, an icecandidate event whose
    // candidate is "" (with that generation's usernameFragment) precedes the final null one.
    const a = peers.create();
    const events: Array<RTCPeerConnectionIceEvent['candidate']> = [];
    a.addEventListener('icecandidate', (e) => events.push((e as RTCPeerConnectionIceEvent).candidate));
    a.createDataChannel('x');
    await a.setLocalDescription();
    await until(a, 'icegatheringstatechange', () => a.iceGatheringState, 'complete');
    await tasks();
    const endOfGeneration = events.at(-2);
    expect(events.at(-1)).toBeNull();
    expect(endOfGeneration?.candidate).toBe('');
    expect(endOfGeneration?.usernameFragment).toBe(attribute(a.localDescription!.sdp, 'ice-ufrag'));
  });

  it('icecandidate events carry sdpMid, sdpMLineIndex and usernameFragment of the local description', async () => {
    const a = peers.create();
    const got: RTCPeerConnectionIceEvent[] = [];
    a.addEventListener('icecandidate', (e) => got.push(e as RTCPeerConnectionIceEvent));
    a.createDataChannel('x');
    await a.setLocalDescription();
    await until(a, 'icegatheringstatechange', () => a.iceGatheringState, 'complete');
    const withCandidate = got.filter((e) => e.candidate !== null && e.candidate.candidate !== '');
    expect(withCandidate.length).toBeGreaterThan(0);
    const sdp = a.localDescription!.sdp;
    for (const { candidate } of withCandidate) {
      expect(candidate?.sdpMid).toBe(attribute(sdp, 'mid'));
      expect(candidate?.sdpMLineIndex).toBe(0);
      expect(candidate?.usernameFragment).toBe(attribute(sdp, 'ice-ufrag'));
      expect(candidate?.address).toBe('127.0.0.1');
      expect(candidate?.protocol).toBe('udp');
      expect(candidate?.type).toBe('host');
      // the candidate is in the local description from now on (§4.4.1.6)
      expect(sdp).toContain(`a=${candidate?.candidate.split(' generation')[0]}`);
    }
    expect(sdp).toContain('a=end-of-candidates');
  });

  it('exposes pc.sctp, its DTLS and ICE transports, their states and statechange events', async () => {
    const a = peers.create();
    const b = peers.create();
    wireCandidates(a, b);
    const dc = a.createDataChannel('x');
    expect(a.sctp).toBeNull();
    await a.setLocalDescription();
    expect(a.sctp).toBeNull(); // not negotiated yet
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    const sctpB = b.sctp;
    expect(sctpB).not.toBeNull();
    await a.setRemoteDescription(b.localDescription!);
    const sctp = a.sctp as RTCSctpTransport;
    expect(sctp).not.toBeNull();
    expect(sctp.maxMessageSize).toBe(262_144); // RFC 8841 §6: what our answer advertised
    expect(sctp.state).toBe('connecting');
    expect(sctp.maxChannels).toBeNull();
    const dtls = sctp.transport;
    const ice = dtls.iceTransport;
    expect(['new', 'connecting']).toContain(dtls.state);
    expect(ice.role).toBe('controlling');
    expect(sctpB?.transport.iceTransport.role).toBe('controlled');
    expect(ice.component).toBe('rtp');

    const sctpStates: string[] = [];
    const dtlsStates: string[] = [];
    const iceStates: string[] = [];
    let pairChanges = 0;
    sctp.addEventListener('statechange', () => sctpStates.push(sctp.state));
    dtls.addEventListener('statechange', () => dtlsStates.push(dtls.state));
    ice.addEventListener('statechange', () => iceStates.push(ice.state));
    ice.addEventListener('selectedcandidatepairchange', () => pairChanges++);
    // the RTCIceTransport statechange comes before the pc's iceconnectionstatechange (§5.6)
    const order: string[] = [];
    ice.addEventListener('statechange', () => order.push(`transport:${ice.state}`));
    a.addEventListener('iceconnectionstatechange', () => order.push(`pc:${a.iceConnectionState}`));

    await nextEvent(dc, 'open');
    await until(sctp, 'statechange', () => sctp.state, 'connected');
    expect(sctpStates).toEqual(['connected']);
    expect(sctp.maxChannels).toBeGreaterThan(0);
    expect(dtls.state).toBe('connected');
    expect(dtlsStates.at(-1)).toBe('connected');
    expect(['connected', 'completed']).toContain(ice.state);
    expect(iceStates).toContain('connected');
    for (const s of iceStates) expect(order.indexOf(`transport:${s}`)).toBeLessThan(order.indexOf(`pc:${s}`));
    expect(pairChanges).toBeGreaterThan(0);

    // the selected pair, the parameters and the remote certificate agree with the descriptions
    const pair = ice.getSelectedCandidatePair();
    expect(pair?.local.address).toBe('127.0.0.1');
    expect(pair?.remote.address).toBe('127.0.0.1');
    const pairB = sctpB?.transport.iceTransport.getSelectedCandidatePair();
    expect(pair?.local.port).toBe(pairB?.remote.port);
    expect(pair?.remote.port).toBe(pairB?.local.port);
    expect(ice.getLocalParameters()?.usernameFragment).toBe(attribute(a.localDescription!.sdp, 'ice-ufrag'));
    expect(ice.getLocalParameters()?.password).toBe(attribute(a.localDescription!.sdp, 'ice-pwd'));
    expect(ice.getRemoteParameters()?.usernameFragment).toBe(attribute(b.localDescription!.sdp, 'ice-ufrag'));
    expect(ice.gatheringState).toBe('complete');
    const certs = dtls.getRemoteCertificates();
    expect(certs.length).toBeGreaterThan(0);
    expect(certs[0]).toBeInstanceOf(ArrayBuffer);
    expect(`sha-256 ${fingerprintOf(certs[0]!)}`).toBe(attribute(b.localDescription!.sdp, 'fingerprint'));
  });

  it('a certificate that does not match the signalled fingerprint fails the DTLS transport and the connection', async () => {
    const a = peers.create();
    const b = peers.create();
    wireCandidates(a, b);
    const dc = a.createDataChannel('x');
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    // a man in the middle's fingerprint instead of b's
    const forged = b.localDescription!.sdp.replace(
      /(a=fingerprint:sha-256 )(\S+)/,
      (_, p: string, v: string) => `${p}${v.split(':').reverse().join(':')}`,
    );
    await a.setRemoteDescription({ type: 'answer', sdp: forged });
    const dtls = a.sctp!.transport;
    const errors: RTCErrorEvent[] = [];
    dtls.addEventListener('error', (e) => errors.push(e as RTCErrorEvent));
    const channelEvents: string[] = [];
    for (const type of ['open', 'error', 'close']) dc.addEventListener(type, () => channelEvents.push(type));
    await until(dtls, 'statechange', () => dtls.state, 'failed');
    await until(a, 'connectionstatechange', () => a.connectionState, 'failed');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.error).toBeInstanceOf(RTCError);
    expect(errors[0]!.error.errorDetail).toBe('fingerprint-failure');
    await until(dc, 'close', () => dc.readyState, 'closed');
    expect(channelEvents).not.toContain('open');
    expect(a.sctp!.state).toBe('closed');
  });

  it('close() sets every state to closed at once and fires no event', async () => {
    const { a, b, dcA, dcB } = await connectPair(peers);
    const sctp = a.sctp!;
    const log = eventLog(a);
    const transportEvents: string[] = [];
    for (const t of [sctp, sctp.transport, sctp.transport.iceTransport])
      t.addEventListener('statechange', () => transportEvents.push('statechange'));
    for (const type of ['close', 'closing', 'error'])
      dcA.addEventListener(type, () => transportEvents.push(`dc ${type}`));
    a.close();
    expect(a.signalingState).toBe('closed');
    expect(a.iceConnectionState).toBe('closed');
    expect(a.connectionState).toBe('closed');
    expect(sctp.state).toBe('closed');
    expect(sctp.transport.state).toBe('closed');
    expect(sctp.transport.iceTransport.state).toBe('closed');
    expect(dcA.readyState).toBe('closed');
    a.close(); // twice is fine
    await tasks(10);
    expect(log).toEqual([]);
    expect(transportEvents).toEqual([]);
    expect(b.connectionState).not.toBe('closed'); // only our side is closed
    expect(dcB.readyState).not.toBe('connecting');
  });
});

describe('negotiationneeded (§4.7.3)', () => {
  const count = (pc: RTCPeerConnection) => {
    const c = { n: 0 };
    pc.addEventListener('negotiationneeded', () => c.n++);
    return c;
  };

  it('fires once, as a queued task, after the first createDataChannel', async () => {
    const pc = peers.create();
    pc.createDataChannel('first');
    const c = count(pc); // attached after the call: the event is queued, so it still arrives
    expect(c.n).toBe(0);
    await tasks();
    expect(c.n).toBe(1);
    pc.createDataChannel('second');
    await tasks();
    expect(c.n).toBe(1);
  });

  it('waits for stable: a channel created during an offer fires once the answer is applied', async () => {
    const a = peers.create();
    const b = peers.create();
    const c = count(a);
    await a.setLocalDescription(); // an offer without any m= section
    a.createDataChannel('late');
    await tasks();
    expect(c.n).toBe(0);
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    await tasks();
    expect(c.n).toBe(1);
  });

  it('does not fire for channels created once data is negotiated', async () => {
    const { a, b } = await connectPair(peers);
    const ca = count(a);
    const cb = count(b);
    a.createDataChannel('more');
    b.createDataChannel('more');
    await tasks();
    expect([ca.n, cb.n]).toEqual([0, 0]);
  });

  it('does not fire on a closed connection', async () => {
    const pc = peers.create();
    const c = count(pc);
    pc.createDataChannel('x');
    pc.close();
    await tasks();
    expect(c.n).toBe(0);
  });
});

describe('restartIce', () => {
  it('fires negotiationneeded; the next offer and answer carry new ICE credentials; the channel stays open', async () => {
    const { a, b, dcA, dcB } = await connectPair(peers);
    await tasks();
    const before = { a: a.localDescription!.sdp, b: b.localDescription!.sdp };
    const needed = nextEvent(a, 'negotiationneeded');
    const iceStates: string[] = [];
    a.addEventListener('iceconnectionstatechange', () => iceStates.push(a.iceConnectionState));
    a.restartIce();
    await needed;
    await negotiate(a, b);
    for (const [pc, old] of [
      [a, before.a],
      [b, before.b],
    ] as const) {
      const sdp = pc.localDescription!.sdp;
      expect(attribute(sdp, 'ice-ufrag')).not.toBe(attribute(old, 'ice-ufrag'));
      expect(attribute(sdp, 'ice-pwd')).not.toBe(attribute(old, 'ice-pwd'));
    }
    expect(a.remoteDescription!.sdp).toContain(
      `a=ice-ufrag:${attribute(b.localDescription!.sdp, 'ice-ufrag')}`,
    );
    // the new generation connects too
    await poll(
      () =>
        a.sctp?.transport.iceTransport.getLocalParameters()?.usernameFragment ===
          attribute(a.localDescription!.sdp, 'ice-ufrag') &&
        ['connected', 'completed'].includes(a.iceConnectionState),
      'the restarted ICE generation to connect',
    );
    const got = nextMessage(dcB);
    dcA.send('after restart');
    expect(await got).toBe('after restart');
    const back = nextMessage(dcA);
    dcB.send('and back');
    expect(await back).toBe('and back');
    expect(dcA.readyState).toBe('open');
    expect(a.connectionState).toBe('connected');
    expect(iceStates).not.toContain('failed');
    expect(iceStates).not.toContain('disconnected');
    // nothing left to negotiate
    const again = { n: 0 };
    a.addEventListener('negotiationneeded', () => again.n++);
    await tasks();
    expect(again.n).toBe(0);
  });

  it('createOffer({iceRestart: true}) makes new credentials too', async () => {
    const { a, b, dcA, dcB } = await connectPair(peers);
    const old = attribute(a.localDescription!.sdp, 'ice-ufrag');
    const offer = await a.createOffer({ iceRestart: true });
    expect(attribute(offer.sdp!, 'ice-ufrag')).not.toBe(old);
    await a.setLocalDescription(offer);
    await b.setRemoteDescription(offer);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    const got = nextMessage(dcB);
    dcA.send('still here');
    expect(await got).toBe('still here');
  });

  it('a restart without a prior negotiation only asks for one (no throw, an offer follows)', async () => {
    const pc = peers.create();
    pc.restartIce();
    await tasks();
    const offer = await pc.createOffer();
    expect(offer.type).toBe('offer');
  });
});

describe('the channel a connected pair opened', () => {
  it('is open on both sides with the same id, and its peer connection is connected', async () => {
    const { a, b, dcA, dcB } = await connectPair(peers);
    expect(dcA.id).toBe(dcB.id);
    expect([dcA.readyState, dcB.readyState]).toEqual(['open', 'open']);
    await Promise.all([
      until(a, 'connectionstatechange', () => a.connectionState, 'connected'),
      until(b, 'connectionstatechange', () => b.connectionState, 'connected'),
    ]);
    expect(a.canTrickleIceCandidates).toBe(true);
    expect(b.canTrickleIceCandidates).toBe(true);
    const channel: RTCDataChannel = dcB;
    expect(channel.label).toBe('chat');
  });
});
