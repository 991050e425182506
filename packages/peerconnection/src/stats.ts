/**
 * getStats() (webrtc-pc §8.2, webrtc-stats): one snapshot of the connection's counters as an
 * RTCStatsReport, a read-only map from stats id to dictionary. Types present today:
 * peer-connection, transport, candidate-pair, local-candidate, remote-candidate, certificate,
 * data-channel. Names and units are webrtc-stats' (timestamps in ms since the epoch).
 */
import { certificateFingerprint, type DtlsCertificate } from '@purertc/dtls';
import { type IceCandidate, serializeCandidate } from '@purertc/ice';
import type { SctpAssociation } from '@purertc/sctp';
import type { RTCDataChannel } from './data-channel.js';
import type { TransportController } from './transports/controller.js';
import type { RTCDtlsTransport } from './transports/dtls-transport.js';
import type { RTCIceTransport } from './transports/ice-transport.js';

export interface RTCStats {
  readonly id: string;
  readonly type: string;
  readonly timestamp: number;
  readonly [key: string]: unknown;
}

/** A Map of stats by id (the WebIDL maplike is read-only; we hand out a fresh one per call). */
export class RTCStatsReport extends Map<string, RTCStats> {}

export interface StatsSources {
  readonly controller: TransportController | undefined;
  readonly iceTransport: RTCIceTransport | undefined;
  readonly dtlsTransport: RTCDtlsTransport | undefined;
  readonly sctp: SctpAssociation | undefined;
  readonly channels: readonly RTCDataChannel[];
  readonly closedChannels: readonly RTCDataChannel[];
  readonly certificate: DtlsCertificate | undefined;
  readonly dataChannelsOpened: number;
  readonly dataChannelsClosed: number;
}

const TRANSPORT_ID = 'T01';

function candidateId(side: 'L' | 'R', c: IceCandidate): string {
  return `I${side}${hash(serializeCandidate(c))}`;
}

/** A short stable id from text (FNV-1a), so ids stay the same across getStats calls. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

function candidateStats(
  side: 'L' | 'R',
  c: IceCandidate,
  timestamp: number,
  ufrag: string | undefined,
): RTCStats {
  return {
    id: candidateId(side, c),
    type: side === 'L' ? 'local-candidate' : 'remote-candidate',
    timestamp,
    transportId: TRANSPORT_ID,
    address: c.address,
    port: c.port,
    protocol: c.transport,
    candidateType: c.type,
    priority: c.priority,
    foundation: c.foundation,
    ...(c.relatedAddress === undefined ? {} : { relatedAddress: c.relatedAddress }),
    ...(c.relatedPort === undefined ? {} : { relatedPort: c.relatedPort }),
    ...(c.tcpType === undefined ? {} : { tcpType: c.tcpType }),
    ...(ufrag === undefined ? {} : { usernameFragment: ufrag }),
  };
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function collectStats(src: StatsSources): RTCStatsReport {
  const timestamp = performance.timeOrigin + performance.now();
  const report = new RTCStatsReport();
  const add = (s: RTCStats): void => {
    report.set(s.id, s);
  };
  add({
    id: 'P',
    type: 'peer-connection',
    timestamp,
    dataChannelsOpened: src.dataChannelsOpened,
    dataChannelsClosed: src.dataChannelsClosed,
  });

  let localCertificateId: string | undefined;
  if (src.certificate !== undefined) {
    const [algorithm, value] = src.certificate.fingerprint.split(' ');
    localCertificateId = `CF${value?.replace(/:/g, '').slice(0, 16)}`;
    add({
      id: localCertificateId,
      type: 'certificate',
      timestamp,
      fingerprint: value,
      fingerprintAlgorithm: algorithm,
      base64Certificate: base64(src.certificate.der),
    });
  }
  let remoteCertificateId: string | undefined;
  const remoteCerts = src.dtlsTransport?.getRemoteCertificates() ?? [];
  const remoteDer = remoteCerts[0];
  if (remoteDer !== undefined) {
    const bytes = new Uint8Array(remoteDer);
    remoteCertificateId = `CR${hash(base64(bytes.subarray(0, 512)))}`;
    add({
      id: remoteCertificateId,
      type: 'certificate',
      timestamp,
      fingerprintAlgorithm: 'sha-256',
      fingerprint: certificateFingerprint(bytes, 'sha-256').split(' ')[1],
      base64Certificate: base64(bytes),
    });
  }

  const agent = src.controller?.ice.agent;
  let selectedId: string | undefined;
  let bytesSent = 0;
  let bytesReceived = 0;
  let packetsSent = 0;
  let packetsReceived = 0;
  if (agent !== undefined) {
    const localUfrag = agent.localCredentials.ufrag;
    const remoteUfrag = agent.remoteCredentials?.ufrag;
    for (const c of agent.localCandidates) add(candidateStats('L', c, timestamp, localUfrag));
    for (const c of agent.remoteCandidates) add(candidateStats('R', c, timestamp, remoteUfrag));
    const selected = agent.selectedPair;
    for (const p of agent.pairs) {
      const id = `CP${hash(`${serializeCandidate(p.local)}|${serializeCandidate(p.remote)}`)}`;
      if (selected !== undefined && selected.id === p.id) selectedId = id;
      if (!report.has(candidateId('L', p.local))) add(candidateStats('L', p.local, timestamp, localUfrag));
      if (!report.has(candidateId('R', p.remote))) add(candidateStats('R', p.remote, timestamp, remoteUfrag));
      bytesSent += p.bytesSent;
      bytesReceived += p.bytesReceived;
      packetsSent += p.packetsSent;
      packetsReceived += p.packetsReceived;
      add({
        id,
        type: 'candidate-pair',
        timestamp,
        transportId: TRANSPORT_ID,
        localCandidateId: candidateId('L', p.local),
        remoteCandidateId: candidateId('R', p.remote),
        state: p.state,
        nominated: p.nominated,
        priority: Number(p.priority),
        packetsSent: p.packetsSent,
        packetsReceived: p.packetsReceived,
        bytesSent: p.bytesSent,
        bytesReceived: p.bytesReceived,
        requestsSent: p.requestsSent,
        requestsReceived: p.requestsReceived,
        responsesSent: p.responsesSent,
        responsesReceived: p.responsesReceived,
        consentRequestsSent: p.consentRequestsSent,
        ...(p.rtt === undefined ? {} : { currentRoundTripTime: p.rtt / 1000 }),
        ...(p.lastReceived === undefined
          ? {}
          : { lastPacketReceivedTimestamp: performance.timeOrigin + p.lastReceived }),
      });
    }
  }

  const dtls = src.controller?.core?.dtls;
  const params = dtls?.parameters;
  add({
    id: TRANSPORT_ID,
    type: 'transport',
    timestamp,
    bytesSent,
    bytesReceived,
    packetsSent,
    packetsReceived,
    iceRole: src.iceTransport?.role ?? 'unknown',
    iceLocalUsernameFragment: src.iceTransport?.getLocalParameters()?.usernameFragment,
    iceState: src.iceTransport?.state ?? 'new',
    dtlsState: src.dtlsTransport?.state ?? 'new',
    ...(selectedId === undefined ? {} : { selectedCandidatePairId: selectedId }),
    ...(localCertificateId === undefined ? {} : { localCertificateId }),
    ...(remoteCertificateId === undefined ? {} : { remoteCertificateId }),
    ...(params === undefined
      ? {}
      : {
          tlsVersion: 'FEFD',
          dtlsCipher: params.cipherSuite.name,
          dtlsRole: dtls?.role === 'client' ? 'client' : 'server',
        }),
  });

  for (const c of [...src.channels, ...src.closedChannels]) {
    const id = `D${c.id ?? 'n'}${c.label === '' ? '' : `-${hash(c.label)}`}`;
    if (report.has(id) && c.readyState === 'closed') continue;
    add({
      id,
      type: 'data-channel',
      timestamp,
      label: c.label,
      protocol: c.protocol,
      ...(c.id === null ? {} : { dataChannelIdentifier: c.id }),
      state: c.readyState,
      messagesSent: c._counters.messagesSent,
      bytesSent: c._counters.bytesSent,
      messagesReceived: c._counters.messagesReceived,
      bytesReceived: c._counters.bytesReceived,
    });
  }
  return report;
}
