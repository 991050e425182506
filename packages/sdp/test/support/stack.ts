/**
 * A stack's capabilities as a peerconnection would pass them: Chromium's payload types for the
 * audio codecs it fixes, allocated ones for video; the header extensions browsers use.
 */
import type {
  CodecSpec,
  Fingerprint,
  HeaderExtensionSpec,
  IceParameters,
  Origin,
  TransceiverDescription,
} from '../../src/index.js';

const VIDEO_FEEDBACK = [
  { type: 'goog-remb' },
  { type: 'transport-cc' },
  { type: 'ccm', parameter: 'fir' },
  { type: 'nack' },
  { type: 'nack', parameter: 'pli' },
];

export const AUDIO_CODECS: readonly CodecSpec[] = [
  {
    name: 'opus',
    clockRate: 48000,
    channels: 2,
    payloadType: 111,
    parameters: 'minptime=10;useinbandfec=1',
    feedback: [{ type: 'transport-cc' }],
  },
  { name: 'red', clockRate: 48000, channels: 2, payloadType: 63 },
  { name: 'PCMU', clockRate: 8000, payloadType: 0 },
  { name: 'PCMA', clockRate: 8000, payloadType: 8 },
  { name: 'telephone-event', clockRate: 8000, payloadType: 126 },
];

export const VIDEO_CODECS: readonly CodecSpec[] = [
  { name: 'VP8', clockRate: 90000, feedback: VIDEO_FEEDBACK, rtx: {} },
  {
    name: 'H264',
    clockRate: 90000,
    parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
    feedback: VIDEO_FEEDBACK,
    rtx: {},
  },
  { name: 'VP9', clockRate: 90000, parameters: 'profile-id=0', feedback: VIDEO_FEEDBACK, rtx: {} },
  { name: 'red', clockRate: 90000, rtx: {} },
  { name: 'ulpfec', clockRate: 90000 },
];

export const AUDIO_EXTENSIONS: readonly HeaderExtensionSpec[] = [
  { uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level' },
  { uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time' },
  { uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01' },
  { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid' },
];

export const VIDEO_EXTENSIONS: readonly HeaderExtensionSpec[] = [
  { uri: 'urn:ietf:params:rtp-hdrext:toffset' },
  { uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time' },
  { uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01' },
  { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid' },
  { uri: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id' },
  { uri: 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id' },
];

export const ICE: IceParameters = { ufrag: 'Xk3q9fZa', pwd: 'n8Vd2LqW5sJt0yHc6bE1aRzz' };
export const ICE_B: IceParameters = { ufrag: 'Pq7wRt2m', pwd: 'Zx9cV8bN7mL6kJ5hG4fD3sAa' };

export const FINGERPRINT: Fingerprint = {
  algorithm: 'sha-256',
  value: '25:36:95:E8:D5:7C:60:E4:A2:C2:6A:5B:63:57:B4:10:73:55:97:08:98:EE:44:B8:D5:D6:26:A7:9E:F9:F5:FE',
};
export const FINGERPRINT_B: Fingerprint = {
  algorithm: 'sha-256',
  value: 'FB:84:98:4A:CF:51:F1:AB:38:83:91:09:3E:77:DD:7B:55:C0:49:00:C2:A2:C2:B2:1A:E2:FC:68:73:FE:B2:39',
};

export const ORIGIN: Origin = {
  username: '-',
  sessionId: 4611686018427387903n,
  sessionVersion: 0n,
  netType: 'IN',
  addrType: 'IP4',
  address: '127.0.0.1',
};

export function audio(extra: Partial<TransceiverDescription> = {}): TransceiverDescription {
  return {
    kind: 'audio',
    direction: 'sendrecv',
    codecs: AUDIO_CODECS,
    headerExtensions: AUDIO_EXTENSIONS,
    ...extra,
  };
}

export function video(extra: Partial<TransceiverDescription> = {}): TransceiverDescription {
  return {
    kind: 'video',
    direction: 'sendrecv',
    codecs: VIDEO_CODECS,
    headerExtensions: VIDEO_EXTENSIONS,
    ...extra,
  };
}
