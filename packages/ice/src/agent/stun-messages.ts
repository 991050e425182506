/**
 * The STUN messages of ICE: connectivity checks (RFC 8445 §7.2.4, §7.1.1-7.1.2), their success
 * and error responses (§7.3), and the plain Binding request of server-reflexive gathering
 * (§5.1.1.2). Built with one StunWriter shared by every agent (each message is written and
 * copied out synchronously), so an agent holds no buffer of its own; every result is a copy.
 */
import {
  AttributeType,
  decodeStunMessage,
  StunClass,
  type StunMessage,
  StunMethod,
  StunWriter,
  type TransportAddress,
} from '@purertc/stun';
import type { IceRole } from './types.js';

export interface CheckParams {
  /** USERNAME: "remote ufrag:local ufrag" (RFC 8445 §7.2.2). */
  readonly username: string;
  readonly role: IceRole;
  readonly tieBreaker: bigint;
  /** PRIORITY: the peer-reflexive priority of the local candidate (§7.1.1). */
  readonly priority: number;
  readonly useCandidate: boolean;
  /** The remote password (short-term key, RFC 8489 §9.1). */
  readonly key: Uint8Array;
  readonly software: string | undefined;
}

/** What a check request carries, read once with every attribute validated. */
export interface CheckRequest {
  readonly username: string;
  readonly priority: number | undefined;
  readonly useCandidate: boolean;
  readonly controlling: bigint | undefined;
  readonly controlled: bigint | undefined;
}

const writer = new StunWriter(512);

export class IceMessages {
  constructor(private readonly software: string | undefined) {}

  /** RFC 8445 §7.2.4: a Binding request with the ICE attributes, MESSAGE-INTEGRITY and FINGERPRINT. */
  check(p: CheckParams): Uint8Array {
    const w = writer.reset(StunMethod.Binding, StunClass.Request);
    w.addText(AttributeType.Username, p.username);
    if (p.role === 'controlling') w.addUint64(AttributeType.IceControlling, p.tieBreaker);
    else w.addUint64(AttributeType.IceControlled, p.tieBreaker);
    w.addUint32(AttributeType.Priority, p.priority);
    if (p.useCandidate) w.addFlag(AttributeType.UseCandidate);
    if (p.software !== undefined) w.addText(AttributeType.Software, p.software);
    w.addMessageIntegrity(p.key);
    w.addFingerprint();
    return w.finishCopy();
  }

  /** RFC 8445 §7.3.1: success response: XOR-MAPPED-ADDRESS = the request's source, signed with our password. */
  success(request: StunMessage, mapped: TransportAddress, key: Uint8Array): Uint8Array {
    const w = writer.reset(StunMethod.Binding, StunClass.SuccessResponse, request.transactionId);
    w.addXorAddress(AttributeType.XorMappedAddress, mapped);
    if (this.software !== undefined) w.addText(AttributeType.Software, this.software);
    w.addMessageIntegrity(key);
    w.addFingerprint();
    return w.finishCopy();
  }

  /**
   * An error response. 487 (§7.3.1.1) answers an authenticated request and is signed; 400/401
   * (RFC 8489 §9.1.3) are not, since the request could not be authenticated.
   */
  error(
    request: StunMessage,
    code: number,
    reason: string,
    key?: Uint8Array,
    unknown?: number[],
  ): Uint8Array {
    const w = writer.reset(request.method, StunClass.ErrorResponse, request.transactionId);
    w.addErrorCode(code, reason);
    if (unknown !== undefined && unknown.length > 0) w.addUnknownAttributes(unknown);
    if (this.software !== undefined) w.addText(AttributeType.Software, this.software);
    if (key !== undefined) w.addMessageIntegrity(key);
    w.addFingerprint();
    return w.finishCopy();
  }

  /** RFC 8445 §5.1.1.2 / RFC 8489 §6.1: a plain Binding request to a STUN server, with FINGERPRINT. */
  binding(): Uint8Array {
    const w = writer.reset(StunMethod.Binding, StunClass.Request);
    if (this.software !== undefined) w.addText(AttributeType.Software, this.software);
    w.addFingerprint();
    return w.finishCopy();
  }
}

/** Decodes a datagram as STUN, or undefined when it is not STUN (never throws). */
export function tryDecode(data: Uint8Array): StunMessage | undefined {
  try {
    return decodeStunMessage(data);
  } catch {
    return undefined;
  }
}

/** The ICE attributes of a request, or undefined when one is malformed (never throws). */
export function readCheckRequest(m: StunMessage): CheckRequest | undefined {
  try {
    const username = m.username;
    if (username === undefined) return undefined;
    return {
      username,
      priority: m.priority,
      useCandidate: m.useCandidate,
      controlling: m.iceControlling,
      controlled: m.iceControlled,
    };
  } catch {
    return undefined;
  }
}

/** XOR-MAPPED-ADDRESS (or, from RFC 3489 servers, MAPPED-ADDRESS) of a response; undefined if absent or malformed. */
export function readMappedAddress(m: StunMessage): TransportAddress | undefined {
  try {
    return m.xorMappedAddress ?? m.mappedAddress;
  } catch {
    return undefined;
  }
}

/** ERROR-CODE of an error response; undefined if absent or malformed. */
export function readErrorCode(m: StunMessage): { code: number; reason: string } | undefined {
  try {
    return m.errorCode;
  } catch {
    return undefined;
  }
}
