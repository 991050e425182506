/**
 * @purertc/srtp: RTP and RTCP packets (RFC 3550, RFC 8285, RFC 4585, RFC 5104, transport-wide
 * congestion control, REMB) and SRTP/SRTCP sessions (RFC 3711, RFC 7714, keys from RFC 5764).
 * Depends on no other package of ours.
 */

export {
  type ParseErrorCode,
  RtcpEncodeError,
  RtcpParseError,
  RtpEncodeError,
  RtpParseError,
  SrtpError,
  type SrtpErrorCode,
} from './errors.js';
export { type ApplicationDefined, decodeApplicationDefined, writeApplicationDefined } from './rtcp/app.js';
export { decodeGoodbye, type Goodbye, writeGoodbye } from './rtcp/bye.js';
export {
  decodeRtcp,
  encodeRtcp,
  forEachRtcpBody,
  isRtcpPacket,
  MAX_RTCP_PACKETS,
  type RtcpPacket,
  rtcpPacketLength,
  writeRtcp,
  writeRtcpPacket,
} from './rtcp/compound.js';
export type { FeedbackSources } from './rtcp/feedback.js';
export {
  decodeFullIntraRequest,
  type FirEntry,
  type FullIntraRequest,
  writeFullIntraRequest,
} from './rtcp/fir.js';
export { PsfbFormat, RTCP_HEADER_LENGTH, type RtcpBody, RtcpPacketType, RtpfbFormat } from './rtcp/header.js';
export {
  decodeGenericNack,
  type GenericNack,
  type NackEntry,
  nackEntries,
  nackSequenceNumbers,
  writeGenericNack,
} from './rtcp/nack.js';
export {
  decodePictureLossIndication,
  type PictureLossIndication,
  writePictureLossIndication,
} from './rtcp/pli.js';
export { decodeRawRtcpPacket, type RawRtcpPacket, writeRawRtcpPacket } from './rtcp/raw.js';
export { decodeRemb, REMB_IDENTIFIER, type Remb, rembExponentMantissa, writeRemb } from './rtcp/remb.js';
export { REPORT_BLOCK_LENGTH, type ReportBlock } from './rtcp/report-block.js';
export { decodeReceiverReport, type ReceiverReport, writeReceiverReport } from './rtcp/rr.js';
export {
  decodeSourceDescription,
  type SdesChunk,
  type SdesItem,
  SdesItemType,
  type SourceDescription,
  writeSourceDescription,
} from './rtcp/sdes.js';
export { decodeSenderReport, type SenderReport, writeSenderReport } from './rtcp/sr.js';
export {
  decodeTransportCc,
  type TransportCc,
  TWCC_DELTA_TICK_US,
  TWCC_REFERENCE_TICK_MS,
  TwccStatus,
  writeTransportCc,
} from './rtcp/twcc.js';
export {
  chooseExtensionForm,
  decodeHeaderExtensions,
  type ExtensionForm,
  findHeaderExtension,
  isOneByteProfile,
  isTwoByteProfile,
  MAX_HEADER_EXTENSIONS,
  ONE_BYTE_PROFILE,
  type RtpHeaderExtension,
  TWO_BYTE_PROFILE,
} from './rtp/extensions.js';
export {
  decodeRtpPacket,
  encodeRtpPacket,
  MAX_CSRC_COUNT,
  RTP_FIXED_HEADER_LENGTH,
  RTP_VERSION,
  type RtpExtensionBlock,
  type RtpHeader,
  type RtpPacket,
  type RtpPacketInit,
  RtpView,
  rtpHeaderLength,
  rtpPacketLength,
  rtpPaddingLength,
  writeRtpPacket,
} from './rtp/header.js';
export {
  extendedSequence,
  isSeqNewer,
  isTimestampNewer,
  SequenceUnwrapper,
  seqDiff,
  timestampDiff,
} from './rtp/sequence.js';
export { deriveSessionKey, KdfLabel } from './srtp/kdf.js';
export { type DtlsRole, type SrtpKeys, type SrtpMasterKey, splitKeyingMaterial } from './srtp/keys.js';
export { SrtpProfile, type SrtpProfileParams, srtpProfileParams } from './srtp/profile.js';
export {
  DEFAULT_REPLAY_WINDOW,
  estimateIndex,
  MAX_REPLAY_WINDOW,
  MIN_REPLAY_WINDOW,
  type ReplayCheck,
  ReplayWindow,
} from './srtp/replay.js';
export { isSrtpFailure, type SrtpFailure, type SrtpFailureCode } from './srtp/result.js';
export {
  MAX_PACKET_LENGTH,
  SrtpSession,
  type SrtpSessionOptions,
  type SrtpSessionStats,
} from './srtp/session.js';
export type { SrtpStreamStats } from './srtp/streams.js';
