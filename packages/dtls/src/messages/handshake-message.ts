/**
 * Decodes a reassembled handshake message body by its msg_type into a tagged union, for engines
 * that prefer one switch over calling each decoder. Unknown types (hello_request,
 * new_session_ticket, DTLS 1.3 types) come back as `{ type: 'unknown' }` with the raw body:
 * whether that is an unexpected_message is the state machine's call.
 */
import { HandshakeType } from '../constants.js';
import { type Certificate, type CertificateLimits, decodeCertificate } from './certificate.js';
import { type CertificateRequest, decodeCertificateRequest } from './certificate-request.js';
import { type CertificateVerify, decodeCertificateVerify } from './certificate-verify.js';
import { type ClientHello, type ClientHelloLimits, decodeClientHello } from './client-hello.js';
import { type ClientKeyExchange, decodeClientKeyExchange } from './client-key-exchange.js';
import { decodeFinished, type Finished } from './finished.js';
import { decodeHelloVerifyRequest, type HelloVerifyRequest } from './hello-verify-request.js';
import { decodeServerHello, type ServerHello } from './server-hello.js';
import { decodeServerHelloDone } from './server-hello-done.js';
import { decodeServerKeyExchange, type ServerKeyExchange } from './server-key-exchange.js';

export type HandshakeMessage =
  | { readonly type: 'client_hello'; readonly message: ClientHello }
  | { readonly type: 'server_hello'; readonly message: ServerHello }
  | { readonly type: 'hello_verify_request'; readonly message: HelloVerifyRequest }
  | { readonly type: 'certificate'; readonly message: Certificate }
  | { readonly type: 'server_key_exchange'; readonly message: ServerKeyExchange }
  | { readonly type: 'certificate_request'; readonly message: CertificateRequest }
  | { readonly type: 'server_hello_done' }
  | { readonly type: 'certificate_verify'; readonly message: CertificateVerify }
  | { readonly type: 'client_key_exchange'; readonly message: ClientKeyExchange }
  | { readonly type: 'finished'; readonly message: Finished }
  | { readonly type: 'unknown'; readonly msgType: number; readonly body: Uint8Array };

export interface HandshakeDecodeOptions {
  readonly clientHello?: ClientHelloLimits;
  readonly certificate?: CertificateLimits;
  /** verify_data length of the negotiated suite (12 for all of ours). */
  readonly verifyDataLength?: number;
}

/** Decodes `body` as a message of type `msgType`. Throws only `DtlsParseError`. */
export function decodeHandshakeMessage(
  msgType: number,
  body: Uint8Array,
  options: HandshakeDecodeOptions = {},
): HandshakeMessage {
  switch (msgType) {
    case HandshakeType.client_hello:
      return { type: 'client_hello', message: decodeClientHello(body, options.clientHello) };
    case HandshakeType.server_hello:
      return { type: 'server_hello', message: decodeServerHello(body) };
    case HandshakeType.hello_verify_request:
      return { type: 'hello_verify_request', message: decodeHelloVerifyRequest(body) };
    case HandshakeType.certificate:
      return { type: 'certificate', message: decodeCertificate(body, options.certificate) };
    case HandshakeType.server_key_exchange:
      return { type: 'server_key_exchange', message: decodeServerKeyExchange(body) };
    case HandshakeType.certificate_request:
      return { type: 'certificate_request', message: decodeCertificateRequest(body) };
    case HandshakeType.server_hello_done:
      decodeServerHelloDone(body);
      return { type: 'server_hello_done' };
    case HandshakeType.certificate_verify:
      return { type: 'certificate_verify', message: decodeCertificateVerify(body) };
    case HandshakeType.client_key_exchange:
      return { type: 'client_key_exchange', message: decodeClientKeyExchange(body) };
    case HandshakeType.finished:
      return { type: 'finished', message: decodeFinished(body, options.verifyDataLength) };
    default:
      return { type: 'unknown', msgType, body };
  }
}
