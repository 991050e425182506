/**
 * RFC 5769 test vectors (the published STUN sample messages). Each must decode, verify its
 * MESSAGE-INTEGRITY with the given credentials and its FINGERPRINT, and where the RFC's padding
 * is zero, re-encode byte for byte.
 */
import { describe, expect, it } from 'vitest';
import {
  AttributeType,
  decodeStunMessage,
  longTermKey,
  StunClass,
  StunMethod,
  StunWriter,
  shortTermKey,
  verifyFingerprint,
  verifyMessageIntegrity,
} from '../src/index.js';
import { hex } from './support/hex.js';

const PASSWORD = 'VOkJxbRl1RmTxUk/WvJxBt';
const TID = hex('b7e7a701bc34d686fa87dfae');

// §2.1 Sample Request (USERNAME and SOFTWARE are padded with spaces in the RFC, on purpose).
const REQUEST = hex(`
  00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
  80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
  00 24 00 04 6e 00 01 ff
  80 29 00 08 93 2f f9 b1 51 26 3b 36
  00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
  00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
  80 28 00 04 e5 7a 3b cf`);

// §2.2 Sample IPv4 Response.
const IPV4_RESPONSE = hex(`
  01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
  80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
  00 20 00 08 00 01 a1 47 e1 12 a6 43
  00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
  80 28 00 04 c0 7d 4c 96`);

// §2.3 Sample IPv6 Response.
const IPV6_RESPONSE = hex(`
  01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
  80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
  00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
  00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
  80 28 00 04 c8 fb 0b 4c`);

// §2.4 Sample Request with Long-Term Authentication.
const LONG_TERM_REQUEST = hex(`
  00 01 00 60 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e
  00 06 00 12 e3 83 9e e3 83 88 e3 83 aa e3 83 83 e3 82 af e3 82 b9 00 00
  00 15 00 1c 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39 46 53 54 76 79 36 34 73 41
  00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00
  00 08 00 14 f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2 8c a8 96 66`);

describe('RFC 5769 test vectors', () => {
  it('§2.1 sample request: attributes, short-term integrity, fingerprint', () => {
    const m = decodeStunMessage(REQUEST);
    expect(m.method).toBe(StunMethod.Binding);
    expect(m.messageClass).toBe(StunClass.Request);
    expect(m.transactionId).toEqual(TID);
    expect(m.software).toBe('STUN test client');
    expect(m.username).toBe('evtj:h6vY');
    expect(m.priority).toBe(0x6e0001ff);
    expect(m.iceControlled).toBe(0x932ff9b151263b36n);
    expect(m.iceControlling).toBeUndefined();
    expect(m.unknownComprehensionRequired()).toEqual([]);
    expect(verifyMessageIntegrity(m, shortTermKey(PASSWORD))).toBe(true);
    expect(verifyMessageIntegrity(m, shortTermKey('wrong'))).toBe(false);
    expect(verifyFingerprint(m)).toBe(true);
  });

  it('§2.2 IPv4 response: XOR-MAPPED-ADDRESS 192.0.2.1:32853', () => {
    const m = decodeStunMessage(IPV4_RESPONSE);
    expect(m.messageClass).toBe(StunClass.SuccessResponse);
    expect(m.software).toBe('test vector');
    expect(m.xorMappedAddress).toEqual({ family: 'IPv4', address: '192.0.2.1', port: 32853 });
    expect(verifyMessageIntegrity(m, shortTermKey(PASSWORD))).toBe(true);
    expect(verifyFingerprint(m)).toBe(true);
  });

  it('§2.3 IPv6 response: XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853', () => {
    const m = decodeStunMessage(IPV6_RESPONSE);
    expect(m.xorMappedAddress).toEqual({
      family: 'IPv6',
      address: '2001:db8:1234:5678:11:2233:4455:6677',
      port: 32853,
    });
    expect(verifyMessageIntegrity(m, shortTermKey(PASSWORD))).toBe(true);
    expect(verifyFingerprint(m)).toBe(true);
  });

  it('§2.2/§2.3 responses re-encode byte for byte', () => {
    const w = new StunWriter();
    for (const [vector, address] of [
      [IPV4_RESPONSE, { family: 'IPv4', address: '192.0.2.1', port: 32853 }],
      [IPV6_RESPONSE, { family: 'IPv6', address: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 }],
    ] as const) {
      w.reset(StunMethod.Binding, StunClass.SuccessResponse, TID)
        // The vector pads SOFTWARE with a space, so add the 12 padded bytes with length 11.
        .add(AttributeType.Software, new TextEncoder().encode('test vector'))
        .addXorAddress(AttributeType.XorMappedAddress, address)
        .addMessageIntegrity(shortTermKey(PASSWORD))
        .addFingerprint();
      const out = w.finish();
      // Only the padding byte of SOFTWARE differs (we pad with zero, the RFC with 0x20).
      const expected = vector.slice();
      expected[20 + 4 + 11] = 0;
      // Integrity and fingerprint cover the padding, so compare the parts that do not.
      expect(out.subarray(0, 36)).toEqual(expected.subarray(0, 36));
      expect(out.subarray(36, address.family === 'IPv4' ? 48 : 60)).toEqual(
        vector.subarray(36, address.family === 'IPv4' ? 48 : 60),
      );
      const again = decodeStunMessage(out);
      expect(verifyMessageIntegrity(again, shortTermKey(PASSWORD))).toBe(true);
      expect(verifyFingerprint(again)).toBe(true);
    }
  });

  it('§2.4 long-term credentials with SASLprep, and a byte-exact re-encode', () => {
    const m = decodeStunMessage(LONG_TERM_REQUEST);
    expect(m.username).toBe('マトリックス');
    expect(m.nonce).toBe('f//499k954d6OL34oL9FSTvy64sA');
    expect(m.realm).toBe('example.org');
    expect(m.fingerprintOffset).toBe(-1);
    const key = longTermKey('マトリックス', 'example.org', 'TheMatrIX');
    // The RFC gives the password before SASLprep as "The<U+00AD>M<U+00AA>tr<U+2168>".
    expect(longTermKey('マトリックス', 'example.org', 'The\u00adM\u00aatr\u2168')).toEqual(key);
    expect(verifyMessageIntegrity(m, key)).toBe(true);
    expect(verifyMessageIntegrity(m, longTermKey('マトリックス', 'example.org', 'thematrix'))).toBe(false);
    const out = new StunWriter()
      .reset(StunMethod.Binding, StunClass.Request, m.transactionId)
      .addText(AttributeType.Username, 'マトリックス')
      .addText(AttributeType.Nonce, 'f//499k954d6OL34oL9FSTvy64sA')
      .addText(AttributeType.Realm, 'example.org')
      .addMessageIntegrity(key)
      .finish();
    expect(out).toEqual(LONG_TERM_REQUEST);
  });
});
