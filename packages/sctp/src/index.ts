/**
 * @purertc/sctp: SCTP over DTLS (RFC 9260, 8261, 3758, 6525, 8841, 9653) and data channels (RFC 8831,
 * 8832) as a sans-IO engine, plus the wire codecs it is built from.
 */
export { SctpAssociation, type SctpStats } from './association/association.js';
export type { SctpAssociationOptions } from './association/options.js';
export { AssociationState } from './association/state.js';
export { type AbortChunk, decodeAbort, encodeAbort } from './chunks/abort.js';
export { ChunkType, isKnownChunkType, UnknownChunkAction, unknownChunkAction } from './chunks/chunk.js';
export { decodeCookieAck, encodeCookieAck } from './chunks/cookie-ack.js';
export { type CookieEchoChunk, decodeCookieEcho, encodeCookieEcho } from './chunks/cookie-echo.js';
export { type DataChunk, DataFlag, decodeData, encodeData } from './chunks/data.js';
export { decodeError, type ErrorChunk, encodeError } from './chunks/error.js';
export {
  decodeErrorCauses,
  describeErrorCause,
  type ErrorCause,
  ErrorCauseCode,
  encodeErrorCause,
} from './chunks/error-causes.js';
export { decodeForwardTsn, encodeForwardTsn, type ForwardTsnChunk } from './chunks/forward-tsn.js';
export { decodeHeartbeat, encodeHeartbeat, type HeartbeatChunk } from './chunks/heartbeat.js';
export { decodeHeartbeatAck, encodeHeartbeatAck } from './chunks/heartbeat-ack.js';
export { decodeInit, encodeInit, type InitChunk, type InitParams, readInitParams } from './chunks/init.js';
export { decodeInitAck, encodeInitAck } from './chunks/init-ack.js';
export { decodeReconfig, encodeReconfig, type ReconfigChunk } from './chunks/reconfig.js';
export { decodeSack, encodeSack, type GapBlock, type SackChunk } from './chunks/sack.js';
export { decodeShutdown, encodeShutdown, type ShutdownChunk } from './chunks/shutdown.js';
export { decodeShutdownAck, encodeShutdownAck } from './chunks/shutdown-ack.js';
export { decodeShutdownComplete, encodeShutdownComplete } from './chunks/shutdown-complete.js';
export type { ChannelOptions } from './dcep/channels.js';
export { MAX_CHANNEL_ID } from './dcep/channels.js';
export {
  ChannelType,
  type DataChannelAck,
  type DataChannelOpen,
  type DcepMessage,
  DcepType,
  decodeDcep,
  encodeDataChannelAck,
  encodeDataChannelOpen,
  Priority,
} from './dcep/messages.js';
export { Ppid } from './dcep/ppid.js';
export { SctpError, type SctpErrorCode, SctpParseError, type SctpParseErrorCode } from './errors.js';
export type { ChannelInfo, CloseReason, SctpEvent } from './events.js';
export { PacketBuilder } from './packet/builder.js';
export { packetChecksum, readChecksum, verifyChecksum, writeChecksum } from './packet/checksum.js';
export { crc32c } from './packet/crc32c.js';
export {
  type ChunkRef,
  COMMON_HEADER_LENGTH,
  type DecodedPacket,
  decodePacket,
  PacketReader,
} from './packet/packet.js';
export { encodeForwardTsnSupported } from './params/forward-tsn-supported.js';
export {
  decodeIncomingResetRequest,
  encodeIncomingResetRequest,
  type IncomingResetRequest,
} from './params/incoming-reset-request.js';
export {
  decodeOutgoingResetRequest,
  encodeOutgoingResetRequest,
  type OutgoingResetRequest,
} from './params/outgoing-reset-request.js';
export {
  decodeParams,
  encodeParam,
  ParamType,
  type RawParam,
  UnknownParamAction,
  unknownParamAction,
} from './params/param.js';
export {
  decodeReconfigResponse,
  encodeReconfigResponse,
  type ReconfigResponse,
  ReconfigResult,
} from './params/reconfig-response.js';
export { encodeStateCookie } from './params/state-cookie.js';
export { decodeSupportedExtensions, encodeSupportedExtensions } from './params/supported-extensions.js';
export {
  decodeZeroChecksumAcceptable,
  Edmid,
  encodeZeroChecksumAcceptable,
  ZERO_CHECKSUM_ACCEPTABLE_LENGTH,
} from './params/zero-checksum-acceptable.js';
