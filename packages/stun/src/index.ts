export {
  type AddressFamily,
  addressFamily,
  canonicalAddress,
  formatIp,
  parseIp,
  type TransportAddress,
  transportKey,
} from './address.js';
export type { ErrorCodeValue, PasswordAlgorithmValue } from './attributes.js';
export { type BindingServerOptions, type BindingServerStats, StunBindingServer } from './binding-server.js';
export {
  AttributeType,
  ErrorCode,
  HEADER_LENGTH,
  isComprehensionRequired,
  isKnownAttribute,
  MAGIC_COOKIE,
  PasswordAlgorithm,
  StunClass,
  StunMethod,
  TRANSACTION_ID_LENGTH,
  TransportProtocol,
} from './constants.js';
export { crc32 } from './crc32.js';
export { longTermKey, opaqueString, shortTermKey, userhash } from './credentials.js';
export {
  AddressParseError,
  StunErrorResponse,
  StunParseError,
  type StunParseErrorCode,
  StunTimeoutError,
  TurnError,
  type TurnErrorCode,
} from './errors.js';
export {
  FINGERPRINT_XOR,
  verifyFingerprint,
  verifyMessageIntegrity,
  verifyMessageIntegritySha256,
} from './integrity.js';
export {
  DEFAULT_MAX_ATTRIBUTES,
  DEFAULT_MAX_MESSAGE_SIZE,
  type DecodeOptions,
  decodeStunMessage,
  isStunMessage,
  joinMessageType,
  type StunAttribute,
  StunMessage,
  splitMessageType,
  stunFrameLength,
} from './message.js';
export { type BindingOptions, type BindingResult, stunBinding } from './node/binding-client.js';
export { type RunningStunServer, type StunServerOptions, startStunServer } from './node/stun-server.js';
export { now, TimerDriver } from './node/timer.js';
export {
  type ConnectTurnOptions,
  connectTurn,
  type TurnAllocation,
  TurnConnection,
  type TurnConnectionEvents,
} from './node/turn-client.js';
export { type RunningTurnServer, type StartTurnServerOptions, startTurnServer } from './node/turn-server.js';
export {
  openTurnSocket,
  type TurnSocket,
  type TurnSocketOptions,
  type TurnTransport,
} from './node/turn-socket.js';
export { bindUdp, closeUdp, fromRinfo, localAddress } from './node/udp.js';
export {
  type StartOptions,
  StunClientTransactions,
  type TransactionEvent,
  type TransactionOptions,
  type Transmit,
  transactionKey,
} from './transaction.js';
export type { AllocationState } from './turn/allocation.js';
export {
  CHANNEL_DATA_HEADER,
  type ChannelData,
  channelDataSize,
  decodeChannelData,
  encodeChannelData,
  isChannelData,
  isValidChannel,
  MAX_CHANNEL,
  MIN_CHANNEL,
  streamFrameLength,
} from './turn/channel-data.js';
export {
  TurnClient,
  type TurnClientOptions,
  type TurnClientStats,
  type TurnEvent,
  type TurnRequestKind,
} from './turn/client.js';
export type { PeerAddress } from './turn/peer.js';
export { StreamFramer } from './turn/stream-framer.js';
export type { TurnServerEvent, TurnServerStats, TurnTransmit } from './turn-server/io.js';
export type { TurnServerOptions, TurnUsers } from './turn-server/options.js';
export { TurnServer } from './turn-server/server.js';
export { fillTransactionId, newTransactionId, StunWriter } from './writer.js';
