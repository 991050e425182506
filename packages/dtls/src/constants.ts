/**
 * DTLS 1.2 protocol numbers: content types, versions, handshake types, extension types and the
 * code points of the groups, signature schemes and SRTP profiles this package implements
 * (RFC 6347, RFC 5246, RFC 8422, RFC 8446 §4.2.3, RFC 5764 §4.1.2, IANA TLS registries).
 */

/** Record content types (RFC 5246 §6.2.1, RFC 6347 §4.1). */
export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;
export type ContentType = (typeof ContentType)[keyof typeof ContentType];

/** Wire versions. DTLS counts down: 1.0 is 0xfeff (`~1.0`), 1.2 is 0xfefd, 1.3 is 0xfefc (RFC 6347 §4.1, RFC 9147 §5.3). */
export const ProtocolVersion = {
  DTLS1_0: 0xfeff,
  DTLS1_2: 0xfefd,
  DTLS1_3: 0xfefc,
} as const;
export type ProtocolVersion = (typeof ProtocolVersion)[keyof typeof ProtocolVersion];

/** Handshake message types (RFC 5246 §7.4, RFC 6347 §4.3.2, RFC 8446 §4). */
export const HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  hello_verify_request: 3,
  new_session_ticket: 4,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
} as const;
export type HandshakeType = (typeof HandshakeType)[keyof typeof HandshakeType];

/** TLS extension types (IANA "TLS ExtensionType Values"). Only some are implemented; the rest are named for logs. */
export const ExtensionType = {
  server_name: 0,
  supported_groups: 10,
  ec_point_formats: 11,
  signature_algorithms: 13,
  use_srtp: 14,
  application_layer_protocol_negotiation: 16,
  encrypt_then_mac: 22,
  extended_master_secret: 23,
  session_ticket: 35,
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  cookie: 44,
  psk_key_exchange_modes: 45,
  key_share: 51,
  connection_id: 54,
  renegotiation_info: 0xff01,
} as const;
export type ExtensionType = (typeof ExtensionType)[keyof typeof ExtensionType];

/** Named groups for ECDHE (RFC 8422 §5.1.1, RFC 7919; "supported_groups" in RFC 8446 §4.2.7). */
export const NamedGroup = {
  secp256r1: 0x0017,
  secp384r1: 0x0018,
  x25519: 0x001d,
} as const;
export type NamedGroup = (typeof NamedGroup)[keyof typeof NamedGroup];

/**
 * Signature schemes (RFC 8446 §4.2.3). In TLS 1.2 the same two bytes are the
 * SignatureAndHashAlgorithm pair (RFC 5246 §7.4.1.4.1): 0x0403 is {sha256, ecdsa}, 0x0401 is
 * {sha256, rsa}; 0x0804 (RSA-PSS with an rsaEncryption key) is defined for TLS 1.2 by RFC 8446 §4.2.3.
 */
export const SignatureScheme = {
  rsa_pkcs1_sha256: 0x0401,
  ecdsa_secp256r1_sha256: 0x0403,
  rsa_pkcs1_sha384: 0x0501,
  ecdsa_secp384r1_sha384: 0x0503,
  rsa_pss_rsae_sha256: 0x0804,
  ed25519: 0x0807,
} as const;
export type SignatureScheme = (typeof SignatureScheme)[keyof typeof SignatureScheme];

/** DTLS-SRTP protection profiles (RFC 5764 §4.1.2, RFC 7714 §14.2). */
export const SrtpProtectionProfile = {
  SRTP_AES128_CM_HMAC_SHA1_80: 0x0001,
  SRTP_AES128_CM_HMAC_SHA1_32: 0x0002,
  SRTP_AEAD_AES_128_GCM: 0x0007,
  SRTP_AEAD_AES_256_GCM: 0x0008,
} as const;
export type SrtpProtectionProfile = (typeof SrtpProtectionProfile)[keyof typeof SrtpProtectionProfile];

/** The only compression method (RFC 5246 §7.4.1.2; RFC 8446 §4.1.2 forbids any other). */
export const CompressionMethod = { null: 0 } as const;

/** EC point formats (RFC 8422 §5.1.2): only uncompressed is defined today. */
export const EcPointFormat = { uncompressed: 0 } as const;

/** ECCurveType of ServerECDHParams (RFC 8422 §5.4): only named_curve is allowed. */
export const EcCurveType = { named_curve: 3 } as const;

/** ClientCertificateType of CertificateRequest (RFC 5246 §7.4.4, RFC 8422 §5.5). */
export const ClientCertificateType = {
  rsa_sign: 1,
  ecdsa_sign: 64,
} as const;
export type ClientCertificateType = (typeof ClientCertificateType)[keyof typeof ClientCertificateType];

/** Random is 32 bytes in every hello (RFC 5246 §7.4.1.2). */
export const RANDOM_LENGTH = 32;
/** SessionID is at most 32 bytes (RFC 5246 §7.4.1.2). */
export const MAX_SESSION_ID_LENGTH = 32;
/** A DTLS 1.2 cookie is at most 255 bytes (RFC 6347 §4.2.1 raised it from 32). */
export const MAX_COOKIE_LENGTH = 255;

/** TLS_EMPTY_RENEGOTIATION_INFO_SCSV, a pseudo cipher suite meaning "renegotiation_info, empty" (RFC 5746 §3.3). */
export const TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;
/** TLS_FALLBACK_SCSV (RFC 7507): a client retrying with a lower version. */
export const TLS_FALLBACK_SCSV = 0x5600;
