/**
 * getStats() (webrtc-pc §8.2, webrtc-stats §7) between two of our peers: the entries a data-only
 * connection has (peer-connection, transport, candidate-pair, local-candidate, remote-candidate,
 * certificate, data-channel), their standard fields, ids that point at entries that exist, and
 * counters that match what was sent.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RTCPeerConnection, RTCStats, RTCStatsReport } from '../src/index.js';
import {
  attribute,
  connectPair,
  GUARD_MS,
  messages,
  nextEvent,
  tasks,
  usePeers,
} from './support/local-pair.js';

const peers = usePeers();

function ofType(report: RTCStatsReport, type: string): RTCStats[] {
  return [...report.values()].filter((s) => s.type === type);
}

function one(report: RTCStatsReport, type: string): RTCStats {
  const all = ofType(report, type);
  expect(all, `one ${type} entry`).toHaveLength(1);
  return all[0]!;
}

function get(report: RTCStatsReport, id: unknown): RTCStats {
  expect(typeof id).toBe('string');
  const s = report.get(id as string);
  expect(s, `an entry with id ${String(id)}`).toBeDefined();
  return s!;
}

const FINGERPRINT = /^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/;

function sha256Fingerprint(base64: string): string {
  const hex = createHash('sha256').update(Buffer.from(base64, 'base64')).digest('hex').toUpperCase();
  return hex.match(/../g)!.join(':');
}

/** Stats once the transport reports its selected pair (right after 'open' it may still be settling). */
async function statsOf(pc: RTCPeerConnection): Promise<RTCStatsReport> {
  const end = Date.now() + GUARD_MS;
  for (;;) {
    const report = await pc.getStats();
    if (ofType(report, 'transport')[0]?.['selectedCandidatePairId'] !== undefined) return report;
    if (Date.now() > end) throw new Error('no selected candidate pair in the stats');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('getStats', () => {
  it('reports a peer-connection entry (and a certificate) before anything is negotiated', async () => {
    const pc = peers.create();
    pc.createDataChannel('x');
    await pc.setLocalDescription();
    const report = await pc.getStats();
    const p = one(report, 'peer-connection');
    expect(p['dataChannelsOpened']).toBe(0);
    expect(p['dataChannelsClosed']).toBe(0);
    for (const s of report.values()) {
      expect(s.id).toBe([...report.entries()].find(([, v]) => v === s)![0]);
      expect(typeof s.timestamp).toBe('number');
    }
  });

  it('describes the connection with entries whose ids point at each other', async () => {
    const { a, b, dcA, dcB } = await connectPair(peers);
    const report = await statsOf(a);
    const now = performance.timeOrigin + performance.now();
    for (const s of report.values()) {
      expect(s.timestamp).toBeGreaterThan(now - 60_000);
      expect(s.timestamp).toBeLessThanOrEqual(now + 1);
    }

    const transport = one(report, 'transport');
    expect(transport['dtlsState']).toBe('connected');
    expect(['connected', 'completed']).toContain(transport['iceState']);
    expect(transport['iceRole']).toBe('controlling');
    expect(transport['iceLocalUsernameFragment']).toBe(attribute(a.localDescription!.sdp, 'ice-ufrag'));
    expect(transport['dtlsRole']).toBe('server'); // our answerer is the DTLS client
    expect(transport['tlsVersion']).toBe('FEFD');
    expect(typeof transport['dtlsCipher']).toBe('string');
    for (const k of ['bytesSent', 'bytesReceived', 'packetsSent', 'packetsReceived'])
      expect(transport[k] as number, k).toBeGreaterThan(0);

    const pair = get(report, transport['selectedCandidatePairId']);
    expect(pair.type).toBe('candidate-pair');
    expect(pair['transportId']).toBe(transport.id);
    expect(pair['state']).toBe('succeeded');
    expect(pair['nominated']).toBe(true);
    expect(pair['bytesSent'] as number).toBeGreaterThan(0);
    expect(pair['responsesReceived'] as number).toBeGreaterThan(0);
    const local = get(report, pair['localCandidateId']);
    const remote = get(report, pair['remoteCandidateId']);
    expect(local.type).toBe('local-candidate');
    expect(remote.type).toBe('remote-candidate');
    for (const c of [local, remote]) {
      expect(c['transportId']).toBe(transport.id);
      expect(c['address']).toBe('127.0.0.1');
      expect(c['protocol']).toBe('udp');
      expect(c['candidateType']).toBe('host');
      expect(typeof c['port']).toBe('number');
      expect(typeof c['priority']).toBe('number');
      expect(typeof c['foundation']).toBe('string');
    }
    // every pair's candidates exist, and every entry's transportId is the transport
    for (const p of ofType(report, 'candidate-pair')) {
      get(report, p['localCandidateId']);
      get(report, p['remoteCandidateId']);
    }
    for (const s of report.values()) if ('transportId' in s) expect(s['transportId']).toBe(transport.id);

    // the other side's selected pair is the mirror image
    const reportB = await statsOf(b);
    const transportB = one(reportB, 'transport');
    expect(transportB['iceRole']).toBe('controlled');
    expect(transportB['dtlsRole']).toBe('client');
    const pairB = get(reportB, transportB['selectedCandidatePairId']);
    expect(get(reportB, pairB['localCandidateId'])['port']).toBe(remote['port']);
    expect(get(reportB, pairB['remoteCandidateId'])['port']).toBe(local['port']);

    // certificates: ours and the peer's, both with their fingerprint
    const localCert = get(report, transport['localCertificateId']);
    const remoteCert = get(report, transport['remoteCertificateId']);
    for (const [cert, sdp] of [
      [localCert, a.localDescription!.sdp],
      [remoteCert, b.localDescription!.sdp],
    ] as const) {
      expect(cert.type).toBe('certificate');
      expect(cert['fingerprintAlgorithm']).toBe('sha-256');
      expect(cert['fingerprint']).toMatch(FINGERPRINT);
      expect(`sha-256 ${String(cert['fingerprint']).toUpperCase()}`).toBe(attribute(sdp, 'fingerprint'));
      expect(sha256Fingerprint(String(cert['base64Certificate']))).toBe(
        String(cert['fingerprint']).toUpperCase(),
      );
    }
    expect(dcA.readyState).toBe('open');
    expect(dcB.readyState).toBe('open');
  });

  it('counts data channel messages and bytes on both sides, and opened / closed channels', async () => {
    const { a, b, dcA, dcB } = await connectPair(peers, { protocol: 'p1' });
    const sent: Array<string | Uint8Array> = ['hello', '世界', new Uint8Array(1000), 'x'.repeat(3000)];
    const bytes = 5 + 6 + 1000 + 3000;
    const got = messages(dcB, sent.length);
    for (const m of sent) dcA.send(m);
    await got;
    const back = messages(dcA, 1);
    dcB.send(new Uint8Array(7));
    await back;

    const [reportA, reportB] = await Promise.all([a.getStats(), b.getStats()]);
    const chA = one(reportA, 'data-channel');
    const chB = one(reportB, 'data-channel');
    expect(chA['label']).toBe('chat');
    expect(chA['protocol']).toBe('p1');
    expect(chA['dataChannelIdentifier']).toBe(dcA.id);
    expect(chA['state']).toBe('open');
    expect([chA['messagesSent'], chA['bytesSent']]).toEqual([4, bytes]);
    expect([chB['messagesReceived'], chB['bytesReceived']]).toEqual([4, bytes]);
    expect([chB['messagesSent'], chB['bytesSent']]).toEqual([1, 7]);
    expect([chA['messagesReceived'], chA['bytesReceived']]).toEqual([1, 7]);
    expect(chB['dataChannelIdentifier']).toBe(dcB.id);
    expect(one(reportA, 'peer-connection')['dataChannelsOpened']).toBe(1);
    expect(one(reportB, 'peer-connection')['dataChannelsOpened']).toBe(1);

    const closed = Promise.all([nextEvent(dcA, 'close'), nextEvent(dcB, 'close')]);
    dcA.close();
    await closed;
    const after = await a.getStats();
    expect(one(after, 'peer-connection')['dataChannelsClosed']).toBe(1);
    const closedEntry = one(after, 'data-channel');
    expect(closedEntry['state']).toBe('closed');
    expect(closedEntry['messagesSent']).toBe(4);
  });

  it('keeps ids stable from one call to the next, and still answers after close()', async () => {
    const { a } = await connectPair(peers);
    const first = await statsOf(a);
    await tasks();
    const second = await a.getStats();
    for (const type of [
      'transport',
      'candidate-pair',
      'local-candidate',
      'remote-candidate',
      'certificate',
    ]) {
      const ids = (r: RTCStatsReport) =>
        ofType(r, type)
          .map((s) => s.id)
          .sort();
      expect(ids(second), type).toEqual(ids(first));
    }
    a.close();
    const closed = await a.getStats();
    expect(one(closed, 'peer-connection')).toBeDefined();
  });
});
