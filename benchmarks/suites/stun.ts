/**
 * STUN codec: the ICE connectivity check, the message a WebRTC stack builds and parses most
 * (every candidate pair, every consent refresh). Ours (@purertc/stun) against werift's Message.
 */
import { createHmac } from 'node:crypto';
import {
  AttributeType,
  decodeStunMessage,
  StunClass,
  StunMethod,
  StunWriter,
  shortTermKey,
  verifyFingerprint,
  verifyMessageIntegrity,
} from '@purertc/stun';
import { classes, Message, methods, parseMessage } from 'werift';
import type { Suite } from '../harness.js';
import { packageVersion } from '../versions.js';

// A realistic check from a controlling agent: ufrags of the length browsers use (4 and 8 chars),
// a 22-char password (RFC 8445 §5.3 asks for at least 128 bits), a prflx priority, a 64-bit
// tie-breaker, aggressive/regular nomination flag.
const USERNAME = 'Xk3q:a7PfR2mZ';
const PASSWORD = 'n8Vd2LqW5sJt0yHc6bE1aR';
const PRIORITY = 1853817087;
const TIE_BREAKER = 0x1d2c3b4a59687706n;

const ourKey = shortTermKey(PASSWORD);
const theirKey = Buffer.from(PASSWORD, 'utf8');

// One writer, reused message after message, as an ICE agent keeps one.
const writer = new StunWriter(256);

function buildOurs(): Uint8Array {
  return writer
    .reset(StunMethod.Binding, StunClass.Request)
    .addText(AttributeType.Username, USERNAME)
    .addUint32(AttributeType.Priority, PRIORITY)
    .addUint64(AttributeType.IceControlling, TIE_BREAKER)
    .addFlag(AttributeType.UseCandidate)
    .addMessageIntegrity(ourKey)
    .addFingerprint()
    .finish();
}

/** What werift's ICE agent does for a check (ice.js buildRequest, then protocol.request). */
function buildTheirs(): Buffer {
  return new Message(methods.BINDING, classes.REQUEST)
    .setAttribute('USERNAME', USERNAME)
    .setAttribute('PRIORITY', PRIORITY)
    .setAttribute('ICE-CONTROLLING', TIE_BREAKER)
    .setAttribute('USE-CANDIDATE', null)
    .addMessageIntegrity(theirKey)
    .addFingerprint().bytes;
}

/** The bytes both parsers read: a Buffer, as node:dgram hands datagrams over. */
const wire = Buffer.from(buildOurs());
const integrityOffset = decodeStunMessage(wire).integrityOffset;
/** What MESSAGE-INTEGRITY covers (header through the attribute before it). */
const hmacInput = wire.subarray(0, integrityOffset);

/** Decode, check FINGERPRINT and MESSAGE-INTEGRITY, read what an ICE agent reads. */
function parseOurs(): unknown {
  const m = decodeStunMessage(wire);
  if (!verifyFingerprint(m) || !verifyMessageIntegrity(m, ourKey)) throw new Error('ours: verify failed');
  return [m.username, m.priority, m.iceControlling, m.useCandidate];
}

/** werift's parseMessage(data, key) decodes every attribute and checks both (ice/src/stun/protocol.js). */
function parseTheirs(): unknown {
  const m = parseMessage(wire, theirKey);
  if (m === undefined) throw new Error('werift: verify failed');
  return [
    m.getAttributeValue('USERNAME'),
    m.getAttributeValue('PRIORITY'),
    m.getAttributeValue('ICE-CONTROLLING'),
    m.attributesKeys.includes('USE-CANDIDATE'),
  ];
}

/** The irreducible core of either direction: one HMAC-SHA1 through node:crypto. */
function bareHmac(): unknown {
  return createHmac('sha1', ourKey).update(hmacInput).digest();
}

function assertSameIceFields(label: string, bytes: Uint8Array): void {
  const ours = decodeStunMessage(bytes);
  if (!verifyFingerprint(ours) || !verifyMessageIntegrity(ours, ourKey)) {
    throw new Error(`${label}: purertc rejects it`);
  }
  if (
    ours.username !== USERNAME ||
    ours.priority !== PRIORITY ||
    ours.iceControlling !== TIE_BREAKER ||
    !ours.useCandidate
  ) {
    throw new Error(`${label}: purertc reads other values`);
  }
  const theirs = parseMessage(Buffer.from(bytes), theirKey);
  if (theirs === undefined) throw new Error(`${label}: werift rejects it`);
  if (
    theirs.getAttributeValue('USERNAME') !== USERNAME ||
    theirs.getAttributeValue('PRIORITY') !== PRIORITY ||
    theirs.getAttributeValue('ICE-CONTROLLING') !== TIE_BREAKER
  ) {
    throw new Error(`${label}: werift reads other values`);
  }
}

function checkEquivalent(): void {
  const ours = buildOurs();
  const theirs = buildTheirs();
  if (ours.length !== theirs.length) throw new Error(`sizes differ: ${ours.length} vs ${theirs.length}`);
  // Same bytes but for the random transaction id (and so MESSAGE-INTEGRITY and FINGERPRINT).
  if (Buffer.compare(ours.subarray(20, integrityOffset), theirs.subarray(20, integrityOffset)) !== 0) {
    throw new Error('attributes differ');
  }
  assertSameIceFields('ours', ours);
  assertSameIceFields('werift', theirs);
}

export const suite: Suite = {
  name: 'stun',
  theirs: `werift ${packageVersion('werift')}`,
  ceiling: `bare node:crypto \`createHmac('sha1', key).update(bytes).digest()\` over the ${hmacInput.length} bytes MESSAGE-INTEGRITY covers, one per message: no codec at all`,
  cases: [
    {
      name: 'build ICE Binding request',
      note: `USERNAME, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE, MESSAGE-INTEGRITY, FINGERPRINT (${wire.length} bytes), fresh random transaction id each; ours: a reused StunWriter, \`finish()\` view; werift: \`new Message\`, \`setAttribute\` ×4, \`addMessageIntegrity\`, \`addFingerprint\`, \`.bytes\``,
      ours: buildOurs,
      theirs: buildTheirs,
      ceiling: bareHmac,
      check: checkEquivalent,
    },
    {
      name: 'parse + verify ICE Binding request',
      note: 'the same Buffer each time; ours: `decodeStunMessage`, `verifyFingerprint`, `verifyMessageIntegrity`, then read USERNAME, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE; werift: `parseMessage(buf, key)` (decodes every attribute, checks both), then the same four reads',
      ours: parseOurs,
      theirs: parseTheirs,
      ceiling: bareHmac,
      check: () => {
        parseOurs();
        parseTheirs();
      },
    },
  ],
};
