/**
 * ECDHE: X25519 against RFC 7748 §6.1 and node:crypto, P-256 against node:crypto's ECDH, and the
 * validation of hostile peer values (invalid or low-order points throw INVALID_PEER_KEY).
 */
import { createECDH, createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  computeEcdheSharedSecret,
  DtlsError,
  generateEcdheKeyPair,
  isSupportedGroup,
  NamedGroup,
  SUPPORTED_GROUPS,
  validateEcdhePublicKey,
} from '../src/index.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function expectInvalid(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DtlsError);
    expect((error as DtlsError).code).toBe('INVALID_PEER_KEY');
    expect((error as DtlsError).alert).toBe(47); // illegal_parameter
    return;
  }
  throw new Error('expected INVALID_PEER_KEY');
}

describe('X25519', () => {
  it('matches RFC 7748 §6.1', () => {
    const alice = {
      group: NamedGroup.x25519,
      privateKey: hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'),
      publicKey: hex('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a'),
    };
    const bobPublic = hex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    expect(toHex(computeEcdheSharedSecret(alice, bobPublic))).toBe(
      '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742',
    );
  });

  it('agrees with node:crypto', () => {
    const ours = generateEcdheKeyPair(NamedGroup.x25519);
    expect(ours.publicKey).toHaveLength(32);
    const peer = generateKeyPairSync('x25519');
    const peerPublic = new Uint8Array(
      Buffer.from(peer.publicKey.export({ format: 'jwk' }).x as string, 'base64url'),
    );
    const ourPublicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(ours.publicKey).toString('base64url') },
      format: 'jwk',
    });
    const theirs = diffieHellman({ privateKey: peer.privateKey, publicKey: ourPublicKey });
    expect(toHex(computeEcdheSharedSecret(ours, peerPublic))).toBe(theirs.toString('hex'));
  });

  it('rejects low-order points and wrong lengths', () => {
    const ours = generateEcdheKeyPair(NamedGroup.x25519);
    const lowOrder = [
      '0000000000000000000000000000000000000000000000000000000000000000',
      '0100000000000000000000000000000000000000000000000000000000000000',
      'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
      '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
      'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
      'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
      'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    ];
    for (const point of lowOrder) expectInvalid(() => computeEcdheSharedSecret(ours, hex(point)));
    expectInvalid(() => computeEcdheSharedSecret(ours, new Uint8Array(31)));
    expectInvalid(() => computeEcdheSharedSecret(ours, new Uint8Array(33)));
  });
});

describe('P-256', () => {
  it('produces uncompressed points and agrees with node:crypto (x coordinate, RFC 8422 §5.10)', () => {
    const ours = generateEcdheKeyPair(NamedGroup.secp256r1);
    expect(ours.publicKey).toHaveLength(65);
    expect(ours.publicKey[0]).toBe(4);
    const node = createECDH('prime256v1');
    const nodePublic = new Uint8Array(node.generateKeys());
    const secret = computeEcdheSharedSecret(ours, nodePublic);
    expect(secret).toHaveLength(32);
    expect(toHex(secret)).toBe(node.computeSecret(ours.publicKey).toString('hex'));
  });

  it('two of our key pairs agree', () => {
    const a = generateEcdheKeyPair(NamedGroup.secp256r1);
    const b = generateEcdheKeyPair(NamedGroup.secp256r1);
    expect(toHex(computeEcdheSharedSecret(a, b.publicKey))).toBe(
      toHex(computeEcdheSharedSecret(b, a.publicKey)),
    );
  });

  it('rejects compressed, off-curve, out-of-range and infinity encodings', () => {
    const ours = generateEcdheKeyPair(NamedGroup.secp256r1);
    const good = generateEcdheKeyPair(NamedGroup.secp256r1).publicKey;
    const offCurve = good.slice();
    offCurve[64] = (offCurve[64] as number) ^ 1;
    expectInvalid(() => computeEcdheSharedSecret(ours, offCurve));
    const compressed = new Uint8Array(33);
    compressed[0] = 2;
    compressed.set(good.subarray(1, 33), 1);
    expectInvalid(() => computeEcdheSharedSecret(ours, compressed));
    const wrongPrefix = good.slice();
    wrongPrefix[0] = 6;
    expectInvalid(() => computeEcdheSharedSecret(ours, wrongPrefix));
    expectInvalid(() => computeEcdheSharedSecret(ours, new Uint8Array(65).fill(0)));
    const zero = new Uint8Array(65);
    zero[0] = 4;
    expectInvalid(() => computeEcdheSharedSecret(ours, zero));
    // x = p (not reduced): 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff
    const big = good.slice();
    big.set(hex('ffffffff00000001000000000000000000000000ffffffffffffffffffffffff'), 1);
    expectInvalid(() => validateEcdhePublicKey(NamedGroup.secp256r1, big));
    expectInvalid(() => validateEcdhePublicKey(NamedGroup.secp256r1, new Uint8Array(0)));
  });
});

describe('groups', () => {
  it('lists x25519 then secp256r1 and refuses others', () => {
    expect(SUPPORTED_GROUPS).toEqual([0x001d, 0x0017]);
    expect(isSupportedGroup(0x0018)).toBe(false);
    expect(() => generateEcdheKeyPair(0x0018)).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_GROUP' }),
    );
    expect(() => validateEcdhePublicKey(0x0018, new Uint8Array(97))).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_GROUP' }),
    );
  });
});
