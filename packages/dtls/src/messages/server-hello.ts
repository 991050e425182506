/**
 * ServerHello (RFC 5246 §7.4.1.3; unchanged in DTLS 1.2, RFC 6347 §4.2.1):
 *
 *   struct {
 *     ProtocolVersion server_version;
 *     Random random;
 *     SessionID session_id<0..32>;
 *     CipherSuite cipher_suite;
 *     CompressionMethod compression_method;
 *     select (extensions_present) { case false: struct {}; case true: Extension extensions<0..2^16-1>; };
 *   } ServerHello;
 *
 * The server may only echo extensions the client offered (RFC 5246 §7.4.1.4); that check
 * belongs to the client engine, which sees them here (`extensions.other` for unknown ones).
 */
import { MAX_SESSION_ID_LENGTH, RANDOM_LENGTH } from '../constants.js';
import { MAX_EXTENSIONS } from '../extensions/extension-list.js';
import {
  type HelloExtensions,
  readHelloExtensions,
  writeHelloExtensions,
} from '../extensions/hello-extensions.js';
import { ByteReader } from '../reader.js';
import { ByteWriter } from '../writer.js';

export interface ServerHello {
  readonly serverVersion: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuite: number;
  readonly compressionMethod: number;
  readonly extensions: HelloExtensions;
}

export function encodeServerHello(hello: ServerHello): Uint8Array {
  const w = new ByteWriter(128);
  w.u16(hello.serverVersion);
  if (hello.random.length !== RANDOM_LENGTH) throw new RangeError(`random must be ${RANDOM_LENGTH} bytes`);
  w.bytes(hello.random);
  if (hello.sessionId.length > MAX_SESSION_ID_LENGTH) throw new RangeError('session_id longer than 32 bytes');
  w.vector(1, hello.sessionId);
  w.u16(hello.cipherSuite);
  w.u8(hello.compressionMethod);
  writeHelloExtensions(w, hello.extensions, 'server_hello');
  return w.finish();
}

/** Decodes a ServerHello body. Throws only `DtlsParseError`. */
export function decodeServerHello(body: Uint8Array, maxExtensions: number = MAX_EXTENSIONS): ServerHello {
  const r = new ByteReader(body);
  const serverVersion = r.u16('server_hello.server_version');
  const random = r.bytes(RANDOM_LENGTH, 'server_hello.random');
  const sessionId = r.vector(1, 'server_hello.session_id', 0, MAX_SESSION_ID_LENGTH);
  const cipherSuite = r.u16('server_hello.cipher_suite');
  const compressionMethod = r.u8('server_hello.compression_method');
  const extensions = readHelloExtensions(r, 'server_hello', maxExtensions);
  return { serverVersion, random, sessionId, cipherSuite, compressionMethod, extensions };
}
