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
export { IceCandidateParseError } from './errors.js';
