/**
 * The handshake transcript: the `handshake_messages` that Finished (RFC 5246 §7.4.9),
 * CertificateVerify (§7.4.8) and the extended master secret's session_hash (RFC 7627 §3) are
 * computed over.
 *
 * DTLS specifics (RFC 6347 §4.2.6):
 *  - Each message is hashed with its 12-byte DTLS handshake header, *as if it had been sent as a
 *    single fragment*: fragment_offset = 0 and fragment_length = length, whatever fragmentation
 *    happened on the wire. So add messages after reassembly, re-serialized with
 *    {@link HandshakeTranscript.addMessage} (or the output of `encodeHandshakeMessage`), never the
 *    raw fragments.
 *  - message_seq is part of the header and therefore of the hash.
 *  - The first ClientHello and the HelloVerifyRequest are NOT in the transcript (RFC 6347 §4.2.1):
 *    the transcript starts at the ClientHello that carries the cookie. If the engine added the
 *    first ClientHello before knowing a HelloVerifyRequest would come, it calls `reset()`.
 *  - HelloRequest messages are excluded (RFC 5246 §7.4.1.1); renegotiation is not supported anyway.
 *
 * The messages are kept (a few KB) rather than a running hash, because the PRF hash is only
 * known after the ServerHello and CertificateVerify needs the messages themselves (it signs them
 * with the signature scheme's hash, which may differ from the PRF hash).
 */
import { digest, type HashAlgorithm } from '../crypto/hash.js';
import { encodeHandshakeMessage } from '../messages/handshake-header.js';

export class HandshakeTranscript {
  private parts: Uint8Array[] = [];
  private total = 0;

  /** Appends a reassembled message, serialized with an unfragmented DTLS handshake header. */
  addMessage(msgType: number, messageSeq: number, body: Uint8Array): void {
    this.addRaw(encodeHandshakeMessage(msgType, messageSeq, body));
  }

  /** Appends bytes already in transcript form (header with fragment_offset 0, fragment_length = length, + body). */
  addRaw(message: Uint8Array): void {
    this.parts.push(message);
    this.total += message.length;
  }

  /** Total bytes in the transcript. */
  get length(): number {
    return this.total;
  }

  /** Number of messages in the transcript. */
  get count(): number {
    return this.parts.length;
  }

  /** The concatenated messages (what CertificateVerify signs). */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.total);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  /** Hash(handshake_messages) so far: pass the suite's PRF hash for Finished and the session hash. */
  hash(algorithm: HashAlgorithm): Uint8Array {
    return digest(algorithm, ...this.parts);
  }

  /** Forgets everything (e.g. after a HelloVerifyRequest). */
  reset(): void {
    this.parts = [];
    this.total = 0;
  }
}
