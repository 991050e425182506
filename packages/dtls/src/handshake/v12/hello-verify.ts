/**
 * The stateless HelloVerifyRequest record (RFC 6347 §4.2.1), written without a record layer
 * because the server keeps no state for the client yet: the record sequence number is the
 * ClientHello's, the message_seq the ClientHello's, and the version DTLS 1.0 (0xfeff), which
 * §4.2.1 asks 1.2 servers to use in HelloVerifyRequest whatever they will negotiate.
 */
import { ContentType, HandshakeType, ProtocolVersion } from '../../constants.js';
import { HANDSHAKE_HEADER_LENGTH, writeHandshakeFragment } from '../../messages/handshake-header.js';
import { encodeHelloVerifyRequest } from '../../messages/hello-verify-request.js';
import { RECORD_HEADER_LENGTH, writeRecordHeader } from '../../record/header.js';

export function helloVerifyRequestDatagram(
  cookie: Uint8Array,
  messageSeq: number,
  recordSeq: number,
): Uint8Array {
  const body = encodeHelloVerifyRequest({ serverVersion: ProtocolVersion.DTLS1_0, cookie });
  const length = HANDSHAKE_HEADER_LENGTH + body.length;
  const out = new Uint8Array(RECORD_HEADER_LENGTH + length);
  writeRecordHeader(out, 0, ContentType.handshake, ProtocolVersion.DTLS1_0, 0, recordSeq, length);
  writeHandshakeFragment(
    out,
    RECORD_HEADER_LENGTH,
    HandshakeType.hello_verify_request,
    messageSeq,
    body,
    0,
    body.length,
  );
  return out;
}
