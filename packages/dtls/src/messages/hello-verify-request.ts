/**
 * HelloVerifyRequest (RFC 6347 §4.2.1), the server's stateless cookie challenge:
 *
 *   struct {
 *     ProtocolVersion server_version;
 *     opaque cookie<0..2^8-1>;
 *   } HelloVerifyRequest;
 *
 * server_version SHOULD be DTLS 1.0 (0xfeff) whatever version will be negotiated (§4.2.1), and
 * clients must not treat it as the negotiated version. The cookie is at most 255 bytes in DTLS
 * 1.2 (§4.2.1 raised it from 32); an empty cookie makes no sense but is not a format error.
 */
import { MAX_COOKIE_LENGTH } from '../constants.js';
import { ByteReader } from '../reader.js';
import { ByteWriter } from '../writer.js';

export interface HelloVerifyRequest {
  readonly serverVersion: number;
  readonly cookie: Uint8Array;
}

export function encodeHelloVerifyRequest(request: HelloVerifyRequest): Uint8Array {
  return new ByteWriter(3 + request.cookie.length)
    .u16(request.serverVersion)
    .vector(1, request.cookie)
    .finish();
}

export function decodeHelloVerifyRequest(body: Uint8Array): HelloVerifyRequest {
  const r = new ByteReader(body);
  const serverVersion = r.u16('hello_verify_request.server_version');
  const cookie = r.vector(1, 'hello_verify_request.cookie', 0, MAX_COOKIE_LENGTH);
  r.end('hello_verify_request');
  return { serverVersion, cookie };
}
