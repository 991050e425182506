/**
 * A sans-IO STUN Binding server (RFC 8489 §6.3, §7): give it a datagram and where it came from,
 * get back the bytes of the response, if any. Enough for ICE tests and for learners: it answers
 * Binding requests with XOR-MAPPED-ADDRESS, optionally checks short-term credentials (§9.1.3), and
 * rejects what RFC 8489 says to reject. Malformed input is dropped and counted, never thrown.
 */
import type { TransportAddress } from './address.js';
import { AttributeType, ErrorCode, StunClass, StunMethod } from './constants.js';
import { shortTermKey } from './credentials.js';
import { verifyFingerprint, verifyMessageIntegrity } from './integrity.js';
import { decodeStunMessage, type StunMessage } from './message.js';
import { StunWriter } from './writer.js';

export interface BindingServerOptions {
  /** SOFTWARE attribute for responses (RFC 8489 §14.14); none when undefined. */
  readonly software?: string;
  /**
   * Short-term credentials: the password for a USERNAME, or undefined for an unknown user. When
   * set, requests must carry USERNAME and MESSAGE-INTEGRITY and responses are signed.
   */
  readonly passwordFor?: (username: string) => string | undefined;
}

export interface BindingServerStats {
  requests: number;
  responses: number;
  errorResponses: number;
  /** Datagrams that were not STUN, failed to parse, or had a bad FINGERPRINT. */
  dropped: number;
}

export class StunBindingServer {
  readonly stats: BindingServerStats = { requests: 0, responses: 0, errorResponses: 0, dropped: 0 };
  private readonly writer = new StunWriter(512);

  constructor(private readonly options: BindingServerOptions = {}) {}

  /** The response to send back to `from`, or undefined when nothing should be sent. */
  handle(data: Uint8Array, from: TransportAddress): Uint8Array | undefined {
    let message: StunMessage;
    try {
      message = decodeStunMessage(data);
      // Touching the typed values now turns a malformed attribute into a drop, not a throw later.
      void message.username;
    } catch {
      this.stats.dropped++;
      return undefined;
    }
    if (message.fingerprintOffset >= 0 && !verifyFingerprint(message)) {
      this.stats.dropped++;
      return undefined;
    }
    // Indications and responses get no answer (§6.3.2, §6.3.3).
    if (message.messageClass !== StunClass.Request) return undefined;
    this.stats.requests++;
    if (message.method !== StunMethod.Binding)
      return this.error(message, ErrorCode.BadRequest, 'Bad Request');
    const unknown = message.unknownComprehensionRequired();
    if (unknown.length > 0)
      return this.error(message, ErrorCode.UnknownAttribute, 'Unknown Attribute', unknown);

    let key: Uint8Array | undefined;
    const passwordFor = this.options.passwordFor;
    if (passwordFor !== undefined) {
      const username = message.username;
      // §9.1.3: no USERNAME or no MESSAGE-INTEGRITY is 400; a wrong user or HMAC is 401.
      if (username === undefined || message.integrityOffset < 0) {
        return this.error(message, ErrorCode.BadRequest, 'Bad Request');
      }
      const password = passwordFor(username);
      if (password === undefined) return this.error(message, ErrorCode.Unauthorized, 'Unauthorized');
      key = shortTermKey(password);
      if (!verifyMessageIntegrity(message, key))
        return this.error(message, ErrorCode.Unauthorized, 'Unauthorized');
    }

    const w = this.writer.reset(StunMethod.Binding, StunClass.SuccessResponse, message.transactionId);
    w.addXorAddress(AttributeType.XorMappedAddress, from);
    if (this.options.software !== undefined) w.addText(AttributeType.Software, this.options.software);
    if (key !== undefined) w.addMessageIntegrity(key);
    w.addFingerprint();
    this.stats.responses++;
    return w.finishCopy();
  }

  private error(request: StunMessage, code: number, reason: string, unknown?: number[]): Uint8Array {
    const w = this.writer.reset(request.method, StunClass.ErrorResponse, request.transactionId);
    w.addErrorCode(code, reason);
    if (unknown !== undefined) w.addUnknownAttributes(unknown);
    if (this.options.software !== undefined) w.addText(AttributeType.Software, this.options.software);
    w.addFingerprint();
    this.stats.errorResponses++;
    return w.finishCopy();
  }
}
