/**
 * @purertc/dtls: DTLS 1.2 for WebRTC (RFC 6347, RFC 5764, RFC 7627, RFC 5705).
 *
 * Below the handshake engine: the record layer (record/), handshake message and extension codecs
 * (messages/, extensions/), the cipher suite table, the key schedule (keys/), the crypto
 * primitives (crypto/) and certificates (certificate/). The handshake engine's exports follow
 * at the end of this file.
 */

// Errors, alerts, protocol numbers
export {
  ALERT_LENGTH,
  type Alert,
  AlertDescription,
  AlertLevel,
  alertClosesConnection,
  alertName,
  decodeAlert,
  encodeAlert,
} from './alert.js';
export { type CertificateFields, MAX_CERTIFICATE_LENGTH, parseCertificateFields } from './certificate/der.js';
export {
  assertFingerprint,
  certificateFingerprint,
  computeFingerprint,
  type Fingerprint,
  type FingerprintAlgorithm,
  formatFingerprint,
  parseFingerprint,
  verifyFingerprint,
} from './certificate/fingerprint.js';
export {
  type DtlsCertificate,
  type GenerateCertificateOptions,
  generateCertificate,
  importCertificate,
} from './certificate/generate.js';
export { certificatePublicKey } from './certificate/public-key.js';
export {
  CIPHER_SUITE_PREFERENCE,
  CipherSuite,
  type CipherSuiteInfo,
  cipherSuiteInfo,
  isCipherSuiteSupported,
  supportedCipherSuites,
} from './cipher-suites.js';
export {
  ClientCertificateType,
  CompressionMethod,
  ContentType,
  EcCurveType,
  EcPointFormat,
  ExtensionType,
  HandshakeType,
  MAX_COOKIE_LENGTH,
  MAX_SESSION_ID_LENGTH,
  NamedGroup,
  ProtocolVersion,
  RANDOM_LENGTH,
  SignatureScheme,
  SrtpProtectionProfile,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
  TLS_FALLBACK_SCSV,
} from './constants.js';
// Crypto primitives
export {
  AEAD_NONCE_LENGTH,
  AEAD_TAG_LENGTH,
  type AeadAlgorithm,
  AeadCipher,
  aeadKeyLength,
  isAeadSupported,
} from './crypto/aead.js';
export {
  computeEcdheSharedSecret,
  type EcdheKeyPair,
  generateEcdheKeyPair,
  isSupportedGroup,
  SUPPORTED_GROUPS,
  validateEcdhePublicKey,
} from './crypto/ecdhe.js';
export { constantTimeEqual, digest, HASH_LENGTH, type HashAlgorithm, hmac } from './crypto/hash.js';
export {
  type CertificateKeyType,
  type EcdsaP256SigningKey,
  type EcdsaP256VerificationKey,
  importSigningKey,
  importVerificationKey,
  MAX_RSA_MODULUS_BITS,
  MIN_RSA_MODULUS_BITS,
  type RsaSigningKey,
  type RsaVerificationKey,
  type SigningKey,
  type VerificationKey,
  verificationKeyOf,
} from './crypto/keys.js';
export { pHash, prf12 } from './crypto/prf-tls12.js';
export { randomBytes } from './crypto/random.js';
export {
  chooseSignatureScheme,
  SUPPORTED_SIGNATURE_SCHEMES,
  signatureSchemesFor,
  signData,
  verifySignature,
} from './crypto/signature.js';
export { DtlsError, type DtlsErrorCode, DtlsParseError, type DtlsParseErrorCode } from './errors.js';
// Extensions
export { decodeEcPointFormats, encodeEcPointFormats } from './extensions/ec-point-formats.js';
export {
  decodeExtendedMasterSecret,
  encodeExtendedMasterSecret,
} from './extensions/extended-master-secret.js';
export { type Extension, MAX_EXTENSIONS } from './extensions/extension-list.js';
export { type HelloExtensions, type HelloKind, helloExtensionList } from './extensions/hello-extensions.js';
export { decodeRenegotiationInfo, encodeRenegotiationInfo } from './extensions/renegotiation-info.js';
export {
  decodeSignatureAlgorithms,
  encodeSignatureAlgorithms,
  MAX_SIGNATURE_ALGORITHMS,
} from './extensions/signature-algorithms.js';
export {
  decodeSupportedGroups,
  encodeSupportedGroups,
  MAX_SUPPORTED_GROUPS,
} from './extensions/supported-groups.js';
export {
  decodeSelectedVersion,
  decodeSupportedVersions,
  encodeSelectedVersion,
  encodeSupportedVersions,
} from './extensions/supported-versions.js';
export { decodeUseSrtp, encodeUseSrtp, MAX_SRTP_PROFILES, type UseSrtp } from './extensions/use-srtp.js';
// Key schedule
export {
  computeExtendedMasterSecret,
  computeMasterSecret,
  computeVerifyData12,
  expandKeyBlock12,
  exportKeyingMaterial12,
  type KeyBlock12,
  MASTER_SECRET_LENGTH,
} from './keys/key-schedule-dtls12.js';
export {
  DTLS_SRTP_EXPORTER_LABEL,
  deriveSrtpKeyingMaterial12,
  SRTP_PROFILE_PREFERENCE,
  type SrtpKeyingMaterial,
  type SrtpProfileInfo,
  splitSrtpKeyingMaterial,
  srtpKeyingMaterialLength,
  srtpKeysForRole,
  srtpProfileInfo,
} from './keys/srtp.js';
export { HandshakeTranscript } from './keys/transcript.js';
// Handshake messages
export {
  type Certificate,
  type CertificateLimits,
  decodeCertificate,
  encodeCertificate,
  MAX_CERTIFICATE_LIST_LENGTH,
  MAX_CERTIFICATES,
} from './messages/certificate.js';
export {
  type CertificateRequest,
  decodeCertificateRequest,
  encodeCertificateRequest,
  MAX_CERTIFICATE_AUTHORITIES,
} from './messages/certificate-request.js';
export {
  type CertificateVerify,
  decodeCertificateVerify,
  encodeCertificateVerify,
} from './messages/certificate-verify.js';
export {
  CHANGE_CIPHER_SPEC_VALUE,
  decodeChangeCipherSpec,
  encodeChangeCipherSpec,
} from './messages/change-cipher-spec.js';
export {
  type ClientHello,
  type ClientHelloLimits,
  decodeClientHello,
  encodeClientHello,
  MAX_CIPHER_SUITES,
  offersDtls12,
  offersDtls13,
} from './messages/client-hello.js';
export {
  type ClientKeyExchange,
  decodeClientKeyExchange,
  encodeClientKeyExchange,
} from './messages/client-key-exchange.js';
export { decodeFinished, encodeFinished, type Finished } from './messages/finished.js';
export {
  DEFAULT_MAX_FRAGMENTS_PER_RECORD,
  decodeHandshakeHeader,
  encodeHandshakeMessage,
  HANDSHAKE_HEADER_LENGTH,
  type HandshakeFragment,
  type HandshakeHeader,
  MAX_HANDSHAKE_LENGTH,
  splitHandshakeFragments,
  writeHandshakeFragment,
  writeHandshakeHeader,
} from './messages/handshake-header.js';
export {
  decodeHandshakeMessage,
  type HandshakeDecodeOptions,
  type HandshakeMessage,
} from './messages/handshake-message.js';
export {
  decodeHelloVerifyRequest,
  encodeHelloVerifyRequest,
  type HelloVerifyRequest,
} from './messages/hello-verify-request.js';
export { decodeServerHello, encodeServerHello, type ServerHello } from './messages/server-hello.js';
export { decodeServerHelloDone, encodeServerHelloDone } from './messages/server-hello-done.js';
export {
  decodeServerKeyExchange,
  encodeServerEcdhParams,
  encodeServerKeyExchange,
  type ServerKeyExchange,
  serverKeyExchangeSignedData,
} from './messages/server-key-exchange.js';
// Wire helpers
export { ByteReader } from './reader.js';
// Record layer
export {
  decodeRecordHeader,
  encodePlaintextRecord,
  encodeRecordHeader,
  MAX_CIPHERTEXT_LENGTH,
  MAX_EPOCH,
  MAX_PLAINTEXT_LENGTH,
  MAX_SEQUENCE_NUMBER,
  RECORD_HEADER_LENGTH,
  type RecordHeader,
  writeRecordHeader,
} from './record/header.js';
export type { RecordProtection } from './record/protection.js';
export { Dtls12AeadProtection, dtls12Protections } from './record/protection-dtls12.js';
export {
  type OpenResult,
  type RecordDropReason,
  RecordLayer,
  type RecordLayerOptions,
  type RecordLayerStats,
} from './record/record-layer.js';
export { DEFAULT_REPLAY_WINDOW_SIZE, ReplayWindow } from './record/replay-window.js';
export {
  DEFAULT_MAX_RECORDS_PER_DATAGRAM,
  type DtlsRecord,
  type SplitResult,
  splitRecords,
} from './record/split.js';
export { ByteWriter } from './writer.js';

// --- Handshake engine (src/handshake/, src/endpoint*, src/node/) exports below ---

// Endpoint (sans-IO), stateless server front, handshake layers
export { DtlsEndpoint, type DtlsEndpointStats } from './endpoint/endpoint.js';
export type { DtlsConnectedEvent, DtlsEndpointState, DtlsEvent } from './endpoint/events.js';
export {
  type DtlsEndpointOptions,
  parseRemoteFingerprints,
  type RemoteFingerprint,
} from './endpoint/options.js';
export {
  COOKIE_LENGTH,
  type CookieOptions,
  CookieSecrets,
  DEFAULT_COOKIE_ROTATION,
  splitClientHelloForCookie,
} from './handshake/cookie.js';
export { DtlsHandshakeError, type DtlsHandshakeErrorCode } from './handshake/errors.js';
export { DEFAULT_MTU, type FlightMessage, MIN_MTU, packFlight } from './handshake/flight.js';
export {
  DEFAULT_MAX_HANDSHAKE_BUFFER,
  DEFAULT_MAX_HANDSHAKE_MESSAGE,
  DEFAULT_MAX_MESSAGES_AHEAD,
  HandshakeReassembler,
  type ReassemblyLimits,
} from './handshake/reassembler.js';
export {
  DEFAULT_MAX_RETRANSMISSIONS,
  DEFAULT_RETRANSMIT_INITIAL,
  DEFAULT_RETRANSMIT_MAX,
  type RetransmitOptions,
  RetransmitTimer,
} from './handshake/retransmit.js';
export type { Dtls12Result } from './handshake/v12/config.js';
// node:dgram adapters
export { type ConnectDtlsOptions, connectDtls } from './node/client.js';
export { DtlsConnection } from './node/connection.js';
export { DtlsUdpServer, type ListenDtlsOptions, listenDtls } from './node/server.js';
export { DtlsTimerDriver } from './node/timer.js';
export {
  DtlsServer,
  type DtlsServerEvent,
  type DtlsServerOptions,
  type DtlsServerStats,
  type DtlsServerTransmit,
  type RemoteAddress,
  remoteKey,
} from './server.js';
