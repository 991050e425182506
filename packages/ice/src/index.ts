export { IceAgent } from './agent/agent.js';
export { classifyDatagram, type DatagramKind } from './agent/demux.js';
export { pairPriority } from './agent/pair.js';
export type {
  CandidatePairInfo,
  CandidatePairState,
  CandidatePairStats,
  IceAgentOptions,
  IceAgentStats,
  IceConnectionState,
  IceCredentials,
  IceEvent,
  IceGatheringState,
  IceRole,
  IceServer,
  IceTransmit,
  LocalSocket,
  RemoteCredentialOptions,
} from './agent/types.js';
export {
  type CandidateTransport,
  type CandidateType,
  candidateExtension,
  candidateFoundation,
  candidatePriority,
  type IceCandidate,
  isMdnsName,
  parseCandidate,
  serializeCandidate,
  type TcpType,
  TYPE_PREFERENCE,
} from './candidate.js';
export {
  IceCandidateParseError,
  MdnsError,
  type MdnsErrorCode,
  MdnsParseError,
  type MdnsParseErrorCode,
} from './errors.js';
export {
  CLASS_TOP_BIT,
  DnsClass,
  DnsFlag,
  DnsType,
  HOST_RECORD_TTL,
  MDNS_IPV4_GROUP,
  MDNS_IPV6_GROUP,
  MDNS_PORT,
  mdnsGroup,
  opcodeOf,
  rcodeOf,
} from './mdns/constants.js';
export { type DnsMessageInit, encodeDnsMessage } from './mdns/encode.js';
export {
  DEFAULT_MAX_QUESTIONS,
  DEFAULT_MAX_RECORDS,
  type DnsDecodeOptions,
  type DnsMessage,
  type DnsQuestion,
  type DnsRecord,
  decodeDnsMessage,
  isResponse,
} from './mdns/message.js';
export { type DecodedName, encodeName, isLocalName, nameKey, readName } from './mdns/name.js';
export { addressRecord, nsecRecord } from './mdns/records.js';
export {
  type MdnsResolveFailure,
  MdnsResolver,
  type MdnsResolverEvent,
  type MdnsResolverOptions,
  type MdnsResolverStats,
  preferredAddress,
} from './mdns/resolver.js';
export { MdnsResponder, type MdnsResponderOptions, type MdnsResponderStats } from './mdns/responder.js';
export type { MdnsTransmit } from './mdns/transmit.js';
export {
  type IceServerConfig,
  NodeIceAgent,
  type NodeIceAgentEvents,
  type NodeIceAgentOptions,
  resolveIceServers,
} from './node/ice-agent.js';
export { type HostAddress, type HostAddressOptions, hostAddresses } from './node/interfaces.js';
export { MdnsService, type MdnsServiceOptions, type MdnsServiceStats } from './node/mdns.js';
export { parseServerUrl, type ServerScheme, type ServerUrl, ServerUrlError } from './server-url.js';
