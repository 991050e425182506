/**
 * CertificateVerify (RFC 5246 §7.4.8):
 *
 *   struct {
 *     SignatureAndHashAlgorithm algorithm;      // uint16 SignatureScheme
 *     opaque signature<0..2^16-1>;
 *   } CertificateVerify;
 *
 * The client signs handshake_messages: every handshake message from its (cookie-carrying)
 * ClientHello up to, not including, this one, as keys/transcript.ts keeps them.
 */
import { ByteReader } from '../reader.js';
import { ByteWriter } from '../writer.js';

export interface CertificateVerify {
  readonly signatureScheme: number;
  readonly signature: Uint8Array;
}

export function encodeCertificateVerify(message: CertificateVerify): Uint8Array {
  return new ByteWriter(4 + message.signature.length)
    .u16(message.signatureScheme)
    .vector(2, message.signature)
    .finish();
}

export function decodeCertificateVerify(body: Uint8Array): CertificateVerify {
  const r = new ByteReader(body);
  const signatureScheme = r.u16('certificate_verify.algorithm');
  const signature = r.vector(2, 'certificate_verify.signature', 0, 0xffff);
  r.end('certificate_verify');
  return { signatureScheme, signature };
}
