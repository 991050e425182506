/**
 * Ephemeral ECDH for the ECDHE key exchange (RFC 8422 §5.4, §5.10) over X25519 (RFC 7748) and
 * P-256 with uncompressed points (the only format RFC 8422 §5.1.2 still allows), via
 * @noble/curves.
 *
 * Peer public values are hostile input. They are validated before use and a bad one throws
 * `DtlsError('INVALID_PEER_KEY')` with alert illegal_parameter:
 *  - P-256: exactly 65 bytes, 0x04 prefix, coordinates below p, on the curve, not the point at
 *    infinity (RFC 8422 §5.11 / SP 800-56A partial validation; P-256 has cofactor 1).
 *  - X25519: exactly 32 bytes; low-order inputs, which give an all-zero shared secret, are
 *    rejected (RFC 7748 §6.1, RFC 8422 §5.11).
 *
 * The shared secret is the pre-master secret: the X25519 output, or the x coordinate of the
 * P-256 product (RFC 8422 §5.10).
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { AlertDescription } from '../alert.js';
import { NamedGroup } from '../constants.js';
import { DtlsError } from '../errors.js';

export interface EcdheKeyPair {
  readonly group: number;
  readonly privateKey: Uint8Array;
  /** The public value as sent on the wire (32 bytes for X25519, 65 uncompressed bytes for P-256). */
  readonly publicKey: Uint8Array;
}

/** Groups implemented here, in our order of preference. */
export const SUPPORTED_GROUPS: readonly number[] = [NamedGroup.x25519, NamedGroup.secp256r1];

export function isSupportedGroup(group: number): boolean {
  return group === NamedGroup.x25519 || group === NamedGroup.secp256r1;
}

function unsupported(group: number): DtlsError {
  return new DtlsError(
    'UNSUPPORTED_GROUP',
    AlertDescription.illegal_parameter,
    `named group 0x${group.toString(16).padStart(4, '0')} is not supported`,
  );
}

/** A fresh key pair for `group`. */
export function generateEcdheKeyPair(group: number): EcdheKeyPair {
  if (group === NamedGroup.x25519) {
    const { secretKey, publicKey } = x25519.keygen();
    return { group, privateKey: secretKey, publicKey };
  }
  if (group === NamedGroup.secp256r1) {
    const privateKey = p256.utils.randomSecretKey();
    return { group, privateKey, publicKey: p256.getPublicKey(privateKey, false) };
  }
  throw unsupported(group);
}

function invalid(group: number, detail: string): DtlsError {
  return new DtlsError(
    'INVALID_PEER_KEY',
    AlertDescription.illegal_parameter,
    `peer ${group === NamedGroup.x25519 ? 'X25519' : 'P-256'} public value: ${detail}`,
  );
}

/**
 * Checks a peer's public value for `group` without computing anything secret. Throws
 * `INVALID_PEER_KEY` (or `UNSUPPORTED_GROUP`).
 */
export function validateEcdhePublicKey(group: number, publicKey: Uint8Array): void {
  if (group === NamedGroup.x25519) {
    if (publicKey.length !== 32) throw invalid(group, `${publicKey.length} bytes, expected 32`);
    return;
  }
  if (group === NamedGroup.secp256r1) {
    if (publicKey.length !== 65 || publicKey[0] !== 0x04) {
      throw invalid(group, 'not an uncompressed point (65 bytes starting with 0x04)');
    }
    try {
      p256.Point.fromBytes(publicKey).assertValidity();
    } catch {
      throw invalid(group, 'not a point on the curve');
    }
    return;
  }
  throw unsupported(group);
}

/** The ECDHE shared secret (the pre-master secret). Throws `INVALID_PEER_KEY` for a bad peer value. */
export function computeEcdheSharedSecret(keyPair: EcdheKeyPair, peerPublicKey: Uint8Array): Uint8Array {
  const { group } = keyPair;
  validateEcdhePublicKey(group, peerPublicKey);
  if (group === NamedGroup.x25519) {
    let shared: Uint8Array;
    try {
      shared = x25519.getSharedSecret(keyPair.privateKey, peerPublicKey);
    } catch {
      throw invalid(group, 'low-order point');
    }
    // noble rejects the known low-order points; this is the RFC 7748 §6.1 check in any case.
    let acc = 0;
    for (const byte of shared) acc |= byte;
    if (acc === 0) throw invalid(group, 'low-order point (all-zero shared secret)');
    return shared;
  }
  let point: Uint8Array;
  try {
    point = p256.getSharedSecret(keyPair.privateKey, peerPublicKey, true);
  } catch {
    throw invalid(group, 'not a point on the curve');
  }
  // Compressed encoding: one parity byte, then x.
  return point.subarray(1);
}
