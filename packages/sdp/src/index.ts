// The lossless layer: a description as its lines.

export {
  type Candidate,
  type CandidateType,
  candidateExtension,
  formatCandidate,
  formatIceCandidate,
  parseCandidate,
  parseIceCandidate,
} from './attributes/candidate.js';
export {
  type Fmtp,
  formatFmtp,
  formatFmtpParameters,
  formatRtcpFeedback,
  formatRtpmap,
  parseFmtp,
  parseFmtpParameters,
  parseRtcpFeedback,
  parseRtpmap,
  type RtcpFeedback,
  type RtcpFeedbackAttribute,
  type Rtpmap,
} from './attributes/codec.js';
export { DIRECTIONS, type Direction, isDirection, parseDirection } from './attributes/direction.js';
export {
  type Fingerprint,
  fingerprintBytes,
  formatFingerprint,
  parseFingerprint,
  parseSetup,
  type Setup,
} from './attributes/dtls.js';
export { type Extmap, formatExtmap, parseExtmap } from './attributes/extmap.js';
export { formatGroup, type Group, parseGroup } from './attributes/group.js';
export {
  formatMsid,
  formatMsidSemantic,
  type Msid,
  type MsidSemantic,
  parseMsid,
  parseMsidSemantic,
} from './attributes/msid.js';
export {
  formatRid,
  isRidId,
  parseRid,
  type Rid,
  type RidDirection,
  type RidRestriction,
} from './attributes/rid.js';
export { formatRtcp, parseRtcp, type Rtcp } from './attributes/rtcp.js';
export {
  formatSimulcast,
  parseSimulcast,
  type Simulcast,
  type SimulcastRid,
  type SimulcastStream,
} from './attributes/simulcast.js';
export {
  formatSsrc,
  formatSsrcGroup,
  parseSsrc,
  parseSsrcGroup,
  type SsrcAttribute,
  type SsrcGroup,
} from './attributes/ssrc.js';
export {
  attribute,
  field,
  lineText,
  type SdpAttribute,
  type SdpDocument,
  type SdpField,
  type SdpFieldType,
  type SdpLine,
  type SdpMediaSection,
} from './document.js';
// Edits: trickled candidates.
export { addCandidate, addCandidateLine, addEndOfCandidates, addEndOfCandidatesLine } from './edit.js';
export { JsepError, type JsepErrorCode, SdpParseError, type SdpParseErrorCode } from './errors.js';
// Fields and attributes, one codec each.
export { type Bandwidth, formatBandwidth, parseBandwidth } from './fields/bandwidth.js';
export { type Connection, formatConnection, parseConnection } from './fields/connection.js';
export {
  formatMediaLine,
  isRtpProto,
  isSctpProto,
  type MediaLine,
  parseMediaLine,
} from './fields/media-line.js';
export { formatOrigin, type Origin, parseOrigin } from './fields/origin.js';
export { formatTiming, parseTiming, type Timing } from './fields/timing.js';
// JSEP (RFC 8829) as pure functions.
export { type AnswerOptions, type AnswerResult, createAnswer } from './jsep/answer.js';
export { type Association, associateTransceivers, type TransceiverSlot } from './jsep/associate.js';
export {
  answerBundle,
  type BundlePolicy,
  bundleGroups,
  bundleOnlyMarks,
  isRejected,
  transportMid,
} from './jsep/bundle.js';
export {
  answerCodecs,
  associatedPayloadType,
  type CodecSpec,
  codecKey,
  codecsMatch,
  h264Profile,
  intersectFeedback,
  isPrimaryCodec,
  offerCodecs,
  PayloadTypeAllocator,
} from './jsep/codecs.js';
export {
  ABSENT_MAX_MESSAGE_SIZE,
  DATA_CHANNEL_PROTO,
  type DataChannelDescription,
  DEFAULT_MAX_MESSAGE_SIZE,
  DEFAULT_SCTP_PORT,
  isDataChannelSection,
  negotiateSctp,
  type SctpParameters,
} from './jsep/data.js';
export {
  answerDirection,
  directionOf,
  hasRecv,
  hasSend,
  intersectDirections,
  negotiatedDirection,
  reverseDirection,
} from './jsep/directions.js';
export {
  answerExtmaps,
  ExtensionIdAllocator,
  type HeaderExtensionSpec,
  offerExtmaps,
} from './jsep/extensions.js';
export { createOffer, type OfferOptions, type OfferResult } from './jsep/offer.js';
export { createOrigin, stampOrigin } from './jsep/origin.js';
export { type LocalTransport, RTP_PROTO } from './jsep/sections.js';
export { answerSetup, dtlsRole } from './jsep/setup.js';
export {
  applyDescription,
  initialNegotiation,
  localDescriptionOf,
  midsIntroducedBy,
  type Negotiation,
  remoteDescriptionOf,
  type SdpType,
  type SignalingState,
  type Transition,
} from './jsep/signaling.js';
export type {
  MediaKind,
  SendEncoding,
  SenderDescription,
  TransceiverDescription,
} from './jsep/transceiver.js';
export {
  createIceCredentials,
  defaultCandidate,
  type IceParameters,
  iceRestartMids,
  type TransportParameters,
  transportParameters,
} from './jsep/transport.js';
export { validateDescription } from './jsep/validate.js';
export {
  DEFAULT_MAX_LENGTH,
  DEFAULT_MAX_LINE_LENGTH,
  DEFAULT_MAX_LINES,
  DEFAULT_MAX_MEDIA_SECTIONS,
  type SdpLimits,
} from './limits.js';
// The typed model.
export {
  type Attribute,
  type Codec,
  emptyMedia,
  emptySession,
  type MediaDescription,
  type SessionDescription,
} from './model/description.js';
export { parseDescription, readDescription, readMedia } from './model/read.js';
export { buildMedia, buildSdp, writeDescription } from './model/write.js';
export { parseSdp } from './parse.js';
export { serializeSdp } from './serialize.js';
