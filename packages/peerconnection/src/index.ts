/**
 * @purertc/peerconnection: the W3C RTCPeerConnection (webrtc-pc) over purertc's ICE, DTLS, SCTP
 * and SDP packages, with data channels. RTP media is the next layer to land.
 */
export { type AlgorithmIdentifier, RTCCertificate, type RTCDtlsFingerprint } from './certificate.js';
export type {
  RTCBundlePolicy,
  RTCConfiguration,
  RTCIceServer,
  RTCIceTransportPolicy,
  RTCRtcpMuxPolicy,
} from './configuration.js';
export {
  SecureTransportCore,
  type SecureTransportEvent,
  type SecureTransportOptions,
} from './core/secure-transport.js';
export {
  type BinaryType,
  RTCDataChannel,
  type RTCDataChannelInit,
  type RTCDataChannelState,
  type RTCPriorityType,
} from './data-channel.js';
export type { EventHandler } from './dom/event-target.js';
export {
  RTCDataChannelEvent,
  RTCErrorEvent,
  RTCPeerConnectionIceErrorEvent,
  RTCPeerConnectionIceEvent,
} from './dom/events.js';
export { RTCError, type RTCErrorDetailType, type RTCErrorInit } from './errors.js';
export { RTCIceCandidate, type RTCIceCandidateInit } from './ice-candidate.js';
export {
  type RTCAnswerOptions,
  type RTCIceConnectionState,
  type RTCIceGatheringState,
  type RTCOfferOptions,
  RTCPeerConnection,
  type RTCPeerConnectionState,
  type RTCSignalingState,
} from './peer-connection.js';
export {
  type RTCSdpType,
  RTCSessionDescription,
  type RTCSessionDescriptionInit,
} from './session-description.js';
export { type RTCStats, RTCStatsReport } from './stats.js';
export { RTCDtlsTransport, type RTCDtlsTransportState } from './transports/dtls-transport.js';
export {
  type RTCIceCandidatePair,
  type RTCIceParameters,
  type RTCIceRole,
  RTCIceTransport,
  type RTCIceTransportState,
} from './transports/ice-transport.js';
export { RTCSctpTransport, type RTCSctpTransportState } from './transports/sctp-transport.js';
