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
  TYPE_PREFERENCE,
  type TcpType,
} from './candidate.js';
export { IceCandidateParseError } from './errors.js';
