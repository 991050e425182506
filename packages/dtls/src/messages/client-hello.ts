/**
 * ClientHello (RFC 6347 §4.2.1 / §4.3.2, RFC 5246 §7.4.1.2):
 *
 *   struct {
 *     ProtocolVersion client_version;                       // 0xfefd for DTLS 1.2
 *     Random random;                                        // 32 bytes
 *     SessionID session_id<0..32>;
 *     opaque cookie<0..2^8-1>;                              // DTLS only
 *     CipherSuite cipher_suites<2..2^16-2>;
 *     CompressionMethod compression_methods<1..2^8-1>;
 *     select (extensions_present) { case false: struct {}; case true: Extension extensions<0..2^16-1>; };
 *   } ClientHello;
 *
 * A DTLS 1.3 ClientHello (RFC 9147 §5.3) has the same shape: legacy_version 0xfefd, an empty
 * legacy_cookie, and supported_versions listing 0xfefc (and 0xfefd if it also speaks 1.2); its
 * key_share, psk_key_exchange_modes, pre_shared_key and cookie extensions land in
 * `extensions.other` and are ignored. {@link offersDtls12} tells a 1.2 server whether it can
 * answer with 1.2.
 */
import { MAX_COOKIE_LENGTH, MAX_SESSION_ID_LENGTH, ProtocolVersion, RANDOM_LENGTH } from '../constants.js';
import { DtlsParseError } from '../errors.js';
import { MAX_EXTENSIONS } from '../extensions/extension-list.js';
import {
  type HelloExtensions,
  readHelloExtensions,
  writeHelloExtensions,
} from '../extensions/hello-extensions.js';
import { ByteReader } from '../reader.js';
import { ByteWriter } from '../writer.js';

export interface ClientHello {
  readonly clientVersion: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cookie: Uint8Array;
  readonly cipherSuites: readonly number[];
  readonly compressionMethods: readonly number[];
  readonly extensions: HelloExtensions;
}

export interface ClientHelloLimits {
  /** Default 256 (OpenSSL offers ~60; GREASE adds a few). */
  readonly maxCipherSuites?: number;
  /** Default {@link MAX_EXTENSIONS}. */
  readonly maxExtensions?: number;
}

export const MAX_CIPHER_SUITES = 256;

export function encodeClientHello(hello: ClientHello): Uint8Array {
  const w = new ByteWriter(256);
  w.u16(hello.clientVersion);
  if (hello.random.length !== RANDOM_LENGTH) throw new RangeError(`random must be ${RANDOM_LENGTH} bytes`);
  w.bytes(hello.random);
  if (hello.sessionId.length > MAX_SESSION_ID_LENGTH) throw new RangeError('session_id longer than 32 bytes');
  w.vector(1, hello.sessionId);
  w.vector(1, hello.cookie);
  const suites = w.beginVector(2);
  for (const suite of hello.cipherSuites) w.u16(suite);
  w.endVector(suites);
  const compression = w.beginVector(1);
  for (const method of hello.compressionMethods) w.u8(method);
  w.endVector(compression);
  writeHelloExtensions(w, hello.extensions, 'client_hello');
  return w.finish();
}

/** Decodes a ClientHello body (after the handshake header). Throws only {@link DtlsParseError}. */
export function decodeClientHello(body: Uint8Array, limits: ClientHelloLimits = {}): ClientHello {
  const maxCipherSuites = limits.maxCipherSuites ?? MAX_CIPHER_SUITES;
  const r = new ByteReader(body);
  const clientVersion = r.u16('client_hello.client_version');
  const random = r.bytes(RANDOM_LENGTH, 'client_hello.random');
  const sessionId = r.vector(1, 'client_hello.session_id', 0, MAX_SESSION_ID_LENGTH);
  const cookie = r.vector(1, 'client_hello.cookie', 0, MAX_COOKIE_LENGTH);
  const suitesAt = r.offset;
  const suitesReader = r.subReader(2, 'client_hello.cipher_suites', 2, 0xfffe);
  if (suitesReader.remaining % 2 !== 0) {
    throw new DtlsParseError('BAD_LENGTH', 'client_hello.cipher_suites', suitesAt, 'odd length');
  }
  if (suitesReader.remaining / 2 > maxCipherSuites) {
    throw new DtlsParseError(
      'TOO_MANY',
      'client_hello.cipher_suites',
      suitesAt,
      `more than ${maxCipherSuites}`,
    );
  }
  const cipherSuites: number[] = [];
  while (suitesReader.remaining > 0) cipherSuites.push(suitesReader.u16('client_hello.cipher_suite'));
  const compressionMethods = Array.from(r.vector(1, 'client_hello.compression_methods', 1, 255));
  const extensions = readHelloExtensions(r, 'client_hello', limits.maxExtensions);
  return { clientVersion, random, sessionId, cookie, cipherSuites, compressionMethods, extensions };
}

/**
 * Whether a server speaking only DTLS 1.2 can answer this hello with 1.2: with
 * supported_versions, 0xfefd must be listed (RFC 8446 §4.2.1: then legacy_version is ignored);
 * without it, client_version must be 1.2 or newer (DTLS versions count down, RFC 6347 §4.1).
 */
export function offersDtls12(hello: ClientHello): boolean {
  const versions = hello.extensions.supportedVersions;
  if (versions !== undefined) return versions.includes(ProtocolVersion.DTLS1_2);
  return hello.clientVersion <= ProtocolVersion.DTLS1_2 && hello.clientVersion >= 0xfe00;
}

/** Whether the client offers DTLS 1.3 (supported_versions lists 0xfefc). */
export function offersDtls13(hello: ClientHello): boolean {
  return hello.extensions.supportedVersions?.includes(ProtocolVersion.DTLS1_3) ?? false;
}
