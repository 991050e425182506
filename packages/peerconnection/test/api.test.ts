/**
 * The parts of the W3C surface that need no network: RTCConfiguration and its checks
 * (webrtc-pc §4.2, §4.4.1.3), getConfiguration / setConfiguration, generateCertificate and
 * RTCCertificate (§4.9), RTCSessionDescription (§4.6) and RTCIceCandidate (§4.8.1),
 * canTrickleIceCandidates, and what close() leaves behind (§4.4.1.6 close).
 */
import { describe, expect, it } from 'vitest';
import {
  RTCCertificate,
  type RTCConfiguration,
  RTCIceCandidate,
  RTCPeerConnection,
  RTCSessionDescription,
  type RTCSessionDescriptionInit,
} from '../src/index.js';
import { attribute, errorName, rejection, thrown, usePeers } from './support/local-pair.js';

const peers = usePeers();

/** Constructs outside usePeers (the constructor is what is tested), closing what it made. */
function construct(config: RTCConfiguration): unknown {
  return thrown(() => new RTCPeerConnection(config).close());
}

describe('RTCConfiguration', () => {
  it('getConfiguration returns the defaults', () => {
    const c = peers.create().getConfiguration();
    expect(c.iceServers).toEqual([]);
    expect(c.iceTransportPolicy).toBe('all');
    expect(c.bundlePolicy).toBe('balanced');
    expect(c.rtcpMuxPolicy).toBe('require');
    expect(c.iceCandidatePoolSize).toBe(0);
  });

  it('returns what it was given, and setConfiguration updates what may change', () => {
    const pc = peers.create({
      iceServers: [{ urls: 'stun:127.0.0.1:3478' }],
      iceTransportPolicy: 'relay',
      bundlePolicy: 'max-bundle',
      iceCandidatePoolSize: 3,
    });
    const c = pc.getConfiguration();
    expect(c.iceServers).toEqual([{ urls: 'stun:127.0.0.1:3478' }]);
    expect([c.iceTransportPolicy, c.bundlePolicy, c.iceCandidatePoolSize]).toEqual([
      'relay',
      'max-bundle',
      3,
    ]);
    pc.setConfiguration({
      iceServers: [{ urls: ['turn:127.0.0.1:3478?transport=udp'], username: 'u', credential: 'p' }],
      iceTransportPolicy: 'all',
      bundlePolicy: 'max-bundle',
      iceCandidatePoolSize: 3,
    });
    const d = pc.getConfiguration();
    expect(d.iceServers).toEqual([
      { urls: ['turn:127.0.0.1:3478?transport=udp'], username: 'u', credential: 'p' },
    ]);
    expect(d.iceTransportPolicy).toBe('all');
    // the returned object is a copy
    (d.iceServers as unknown as unknown[]).length = 0;
    expect(pc.getConfiguration().iceServers).toHaveLength(1);
  });

  it('validates in the constructor: TypeError for bad enums and pool sizes, SyntaxError for URLs, InvalidAccessError for TURN without credentials', () => {
    const cases: Array<[string, RTCConfiguration, string]> = [
      ['bundlePolicy', { bundlePolicy: 'bogus' as never }, 'TypeError'],
      ['iceTransportPolicy', { iceTransportPolicy: 'none' as never }, 'TypeError'],
      ['rtcpMuxPolicy negotiate', { rtcpMuxPolicy: 'negotiate' as never }, 'TypeError'],
      ['pool -1', { iceCandidatePoolSize: -1 }, 'TypeError'],
      ['pool 256', { iceCandidatePoolSize: 256 }, 'TypeError'],
      ['empty urls', { iceServers: [{ urls: [] }] }, 'SyntaxError'],
      ['not a URL', { iceServers: [{ urls: 'stun:' }] }, 'SyntaxError'],
      ['wrong scheme', { iceServers: [{ urls: 'http://example.com' }] }, 'SyntaxError'],
      ['TURN without credential', { iceServers: [{ urls: 'turn:127.0.0.1' }] }, 'InvalidAccessError'],
      [
        'TURN without username',
        { iceServers: [{ urls: 'turns:127.0.0.1', credential: 'x' }] },
        'InvalidAccessError',
      ],
    ];
    for (const [what, config, name] of cases) expect(errorName(construct(config)), what).toBe(name);
    for (const pool of [0, 255]) {
      const pc = peers.create({ iceCandidatePoolSize: pool });
      expect(pc.getConfiguration().iceCandidatePoolSize).toBe(pool);
    }
  });

  it('setConfiguration throws InvalidModificationError when bundlePolicy or the certificates change', async () => {
    const [c1, c2] = await Promise.all([
      RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' }),
      RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' }),
    ]);
    const pc = peers.create({ certificates: [c1], bundlePolicy: 'max-bundle' });
    pc.setConfiguration({ certificates: [c1], bundlePolicy: 'max-bundle' }); // the same: fine
    expect(
      errorName(thrown(() => pc.setConfiguration({ certificates: [c2], bundlePolicy: 'max-bundle' }))),
    ).toBe('InvalidModificationError');
    expect(
      errorName(thrown(() => pc.setConfiguration({ certificates: [c1, c2], bundlePolicy: 'max-bundle' }))),
    ).toBe('InvalidModificationError');
    expect(errorName(thrown(() => pc.setConfiguration({ bundlePolicy: 'balanced' })))).toBe(
      'InvalidModificationError',
    );
    expect(pc.getConfiguration().certificates).toEqual([c1]);
    const two = peers.create({ certificates: [c1, c2] });
    expect(errorName(thrown(() => two.setConfiguration({ certificates: [c2, c1] })))).toBe(
      'InvalidModificationError',
    );
    two.setConfiguration({ certificates: [c1, c2] });
  });

  it('setConfiguration validates like the constructor (TypeError, SyntaxError)', () => {
    const pc = peers.create();
    expect(thrown(() => pc.setConfiguration({ iceCandidatePoolSize: 256 }))).toBeInstanceOf(TypeError);
    expect(errorName(thrown(() => pc.setConfiguration({ iceServers: [{ urls: 'stun:' }] })))).toBe(
      'SyntaxError',
    );
    expect(pc.getConfiguration().iceServers).toEqual([]);
  });

  it('iceCandidatePoolSize may change until setLocalDescription, then InvalidModificationError', async () => {
    const pc = peers.create({ iceCandidatePoolSize: 5 });
    pc.setConfiguration({ iceCandidatePoolSize: 3 });
    expect(pc.getConfiguration().iceCandidatePoolSize).toBe(3);
    await pc.setLocalDescription();
    expect(errorName(thrown(() => pc.setConfiguration({ iceCandidatePoolSize: 4 })))).toBe(
      'InvalidModificationError',
    );
    pc.setConfiguration({ iceCandidatePoolSize: 3 }); // unchanged: fine
  });

  it('refuses an expired certificate with InvalidAccessError', async () => {
    const cert = await RTCPeerConnection.generateCertificate({
      name: 'ECDSA',
      namedCurve: 'P-256',
      expires: 0,
    });
    expect(cert.expires).toBeLessThanOrEqual(Date.now());
    expect(errorName(construct({ certificates: [cert] }))).toBe('InvalidAccessError');
  });
});

describe('generateCertificate and RTCCertificate', () => {
  const HEX_LOWER = /^([0-9a-f]{2}:){31}[0-9a-f]{2}$/;

  it('makes ECDSA P-256 certificates with a sha-256 fingerprint in lowercase hex (§4.9.2 RTCDtlsFingerprint)', async () => {
    const before = Date.now();
    const cert = await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(cert).toBeInstanceOf(RTCCertificate);
    expect(cert.expires).toBeGreaterThan(before);
    const fingerprints = cert.getFingerprints();
    expect(fingerprints.length).toBeGreaterThanOrEqual(1);
    expect(fingerprints[0]!.algorithm).toBe('sha-256');
    expect(fingerprints[0]!.value).toMatch(HEX_LOWER);
  });

  it('makes RSASSA-PKCS1-v1_5 certificates', async () => {
    const cert = await RTCPeerConnection.generateCertificate({
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      hash: 'SHA-256',
    });
    expect(cert.getFingerprints()[0]!.algorithm).toBe('sha-256');
    expect(cert.getFingerprints()[0]!.value.toLowerCase()).toMatch(HEX_LOWER);
  });

  it('rejects algorithms it does not support with NotSupportedError', async () => {
    for (const algorithm of [
      'bogus',
      { name: 'ECDSA', namedCurve: 'P-384' },
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024 },
      { name: 'Ed25519' },
      { name: 'AES-GCM' },
    ]) {
      expect(
        errorName(await rejection(RTCPeerConnection.generateCertificate(algorithm))),
        JSON.stringify(algorithm),
      ).toBe('NotSupportedError');
    }
  });

  it('honours expires (ms from now), capped at a year', async () => {
    const day = 24 * 3600 * 1000;
    const before = Date.now();
    const short = await RTCPeerConnection.generateCertificate({
      name: 'ECDSA',
      namedCurve: 'P-256',
      expires: day,
    });
    // X.509 times have a resolution of one second
    expect(short.expires).toBeGreaterThanOrEqual(before + day - 1000);
    expect(short.expires).toBeLessThanOrEqual(Date.now() + day + 1000);
    const long = await RTCPeerConnection.generateCertificate({
      name: 'ECDSA',
      namedCurve: 'P-256',
      expires: 10 * 365 * day,
    });
    expect(long.expires).toBeLessThanOrEqual(Date.now() + 365 * day + 1000);
  });

  it('the offer carries the configured certificate’s fingerprint', async () => {
    const [c1, c2] = await Promise.all([
      RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' }),
      RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' }),
    ]);
    const one = peers.create({ certificates: [c1] });
    one.createDataChannel('x');
    const offer = await one.createOffer();
    const line = (c: RTCCertificate) =>
      `a=fingerprint:sha-256 ${c.getFingerprints()[0]!.value.toUpperCase()}\r\n`;
    expect(offer.sdp).toContain(line(c1));
    expect(offer.sdp).not.toContain(line(c2));
  });

  it('an offer carries a=fingerprint for every configured certificate (RFC 9429 §5.2.1)', async () => {
    const [c1, c2] = await Promise.all([
      RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' }),
      RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' }),
    ]);
    const line = (c: RTCCertificate) =>
      `a=fingerprint:sha-256 ${c.getFingerprints()[0]!.value.toUpperCase()}\r\n`;
    const both = peers.create({ certificates: [c1, c2] });
    both.createDataChannel('x');
    const offer2 = await both.createOffer();
    expect(offer2.sdp).toContain(line(c1));
    expect(offer2.sdp).toContain(line(c2));
  });
});

describe('RTCSessionDescription', () => {
  it('keeps type and sdp, and toJSON gives them back', () => {
    for (const type of ['offer', 'answer', 'pranswer', 'rollback'] as const) {
      const d = new RTCSessionDescription({ type, sdp: 'v=0\r\n' });
      expect([d.type, d.sdp]).toEqual([type, 'v=0\r\n']);
      expect(d.toJSON()).toEqual({ type, sdp: 'v=0\r\n' });
      expect(JSON.parse(JSON.stringify(d))).toEqual({ type, sdp: 'v=0\r\n' });
    }
    expect(new RTCSessionDescription({ type: 'rollback' }).sdp).toBe('');
  });

  it('throws TypeError for an unknown or missing type', () => {
    expect(
      thrown(() => new RTCSessionDescription({ type: 'bogus' } as unknown as RTCSessionDescriptionInit)),
    ).toBeInstanceOf(TypeError);
    expect(
      thrown(() => new RTCSessionDescription({ sdp: '' } as unknown as RTCSessionDescriptionInit)),
    ).toBeInstanceOf(TypeError);
  });

  it('is accepted by setRemoteDescription and returned by the description attributes', async () => {
    const a = peers.create();
    a.createDataChannel('x');
    const offer = await a.createOffer();
    const b = peers.create();
    await b.setRemoteDescription(new RTCSessionDescription({ type: 'offer', sdp: offer.sdp! }));
    expect(b.remoteDescription).toBeInstanceOf(RTCSessionDescription);
    expect(b.remoteDescription?.type).toBe('offer');
  });
});

describe('RTCIceCandidate', () => {
  const text =
    'candidate:1905690388 1 udp 2113937151 192.0.2.1 58041 typ host generation 0 ufrag thC8 network-cost 50';

  it('needs sdpMid or sdpMLineIndex (TypeError otherwise)', () => {
    for (const init of [
      undefined,
      {},
      { candidate: '' },
      { candidate: text },
      { sdpMid: null, sdpMLineIndex: null },
    ])
      expect(
        thrown(() => new RTCIceCandidate(init)),
        JSON.stringify(init),
      ).toBeInstanceOf(TypeError);
  });

  it('keeps candidate, sdpMid and sdpMLineIndex unvalidated', () => {
    const c = new RTCIceCandidate({ sdpMid: 'audio' });
    expect([c.candidate, c.sdpMid, c.sdpMLineIndex, c.usernameFragment]).toEqual(['', 'audio', null, null]);
    const d = new RTCIceCandidate({ sdpMLineIndex: 65535 });
    expect([d.sdpMid, d.sdpMLineIndex]).toEqual([null, 65535]);
    const junk = new RTCIceCandidate({ candidate: '<arbitrary>;', sdpMid: 'x' });
    expect(junk.candidate).toBe('<arbitrary>;');
    expect([junk.foundation, junk.port, junk.address, junk.type]).toEqual([null, null, null, null]);
  });

  it('parses the candidate attribute into its read-only fields', () => {
    const c = new RTCIceCandidate({
      candidate: text,
      sdpMid: 'video',
      sdpMLineIndex: 1,
      usernameFragment: 'test',
    });
    expect(c.foundation).toBe('1905690388');
    expect(c.component).toBe('rtp');
    expect(c.priority).toBe(2113937151);
    expect(c.address).toBe('192.0.2.1');
    expect(c.protocol).toBe('udp');
    expect(c.port).toBe(58041);
    expect(c.type).toBe('host');
    expect(c.tcpType).toBeNull();
    expect(c.relatedAddress).toBeNull();
    expect(c.relatedPort).toBeNull();
    expect(c.usernameFragment).toBe('test');
    const srflx = new RTCIceCandidate({
      candidate:
        'candidate:2 2 tcp 1518214911 198.51.100.7 9 typ srflx raddr 192.0.2.1 rport 50000 tcptype passive',
      sdpMLineIndex: 0,
    });
    expect([srflx.component, srflx.protocol, srflx.type, srflx.tcpType]).toEqual([
      'rtcp',
      'tcp',
      'srflx',
      'passive',
    ]);
    expect([srflx.relatedAddress, srflx.relatedPort]).toEqual(['192.0.2.1', 50000]);
  });

  it('toJSON gives candidate, sdpMid, sdpMLineIndex and usernameFragment', () => {
    const c = new RTCIceCandidate({
      candidate: text,
      sdpMid: '0',
      sdpMLineIndex: 0,
      usernameFragment: 'thC8',
    });
    expect(c.toJSON()).toEqual({ candidate: text, sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'thC8' });
    expect(JSON.parse(JSON.stringify(c))).toEqual(c.toJSON());
  });
});

describe('canTrickleIceCandidates', () => {
  it('is null without a remote description, then what the remote a=ice-options says', async () => {
    const a = peers.create();
    a.createDataChannel('x');
    const offer = await a.createOffer();
    const b = peers.create();
    expect(b.canTrickleIceCandidates).toBeNull();
    await b.setRemoteDescription(offer);
    expect(b.canTrickleIceCandidates).toBe(true);
    const c = peers.create();
    await c.setRemoteDescription({ type: 'offer', sdp: offer.sdp!.replace('a=ice-options:trickle\r\n', '') });
    expect(c.canTrickleIceCandidates).toBe(false);
  });
});

describe('close()', () => {
  it('leaves a closed connection whose methods reject or throw InvalidStateError', async () => {
    const pc = peers.create();
    const offerBeforeClose = await (async () => {
      const other = peers.create();
      other.createDataChannel('x');
      return other.createOffer();
    })();
    pc.close();
    expect(pc.signalingState).toBe('closed');
    expect(pc.iceConnectionState).toBe('closed');
    expect(pc.connectionState).toBe('closed');
    for (const [what, p] of [
      ['createOffer', pc.createOffer()],
      ['createAnswer', pc.createAnswer()],
      ['setLocalDescription', pc.setLocalDescription()],
      ['setRemoteDescription', pc.setRemoteDescription(offerBeforeClose)],
      ['setRemoteDescription(rollback)', pc.setRemoteDescription({ type: 'rollback' })],
      ['addIceCandidate', pc.addIceCandidate()],
    ] as const)
      expect(errorName(await rejection(p)), what).toBe('InvalidStateError');
    expect(errorName(thrown(() => pc.createDataChannel('x')))).toBe('InvalidStateError');
    expect(errorName(thrown(() => pc.setConfiguration({})))).toBe('InvalidStateError');
    pc.restartIce(); // no effect, no throw
    pc.close();
    expect(pc.getConfiguration().bundlePolicy).toBe('balanced');
    await pc.getStats();
  });

  it('rejects the legacy callback forms through their failure callback', async () => {
    const pc = peers.create();
    pc.close();
    let failure: unknown;
    await pc.createOffer(
      () => {},
      (e) => {
        failure = e;
      },
    );
    expect(errorName(failure)).toBe('InvalidStateError');
  });

  it('keeps the descriptions it had', async () => {
    const pc = peers.create();
    pc.createDataChannel('x');
    await pc.setLocalDescription();
    const sdp = pc.localDescription!.sdp;
    pc.close();
    expect(pc.localDescription?.type).toBe('offer');
    expect(attribute(pc.localDescription!.sdp, 'ice-ufrag')).toBe(attribute(sdp, 'ice-ufrag'));
  });
});
