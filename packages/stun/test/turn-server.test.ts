/** The sans-IO TURN server core (RFC 8656) on a virtual clock: requests built with StunWriter. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AttributeType,
  decodeChannelData,
  decodeStunMessage,
  ErrorCode,
  encodeChannelData,
  longTermKey,
  StunClass,
  type StunMessage,
  StunMethod,
  StunWriter,
  type TransportAddress,
  TransportProtocol,
  TurnServer,
  type TurnServerOptions,
  type TurnTransmit,
  verifyFingerprint,
  verifyMessageIntegrity,
  verifyMessageIntegritySha256,
} from '../src/index.js';

const REALM = 'purertc.test';
const USERS = { alice: 'secret', bob: 'hunter2' };
const T0 = 1_000_000;
const SEC = 1000;
const CLIENT: TransportAddress = { family: 'IPv4', address: '192.0.2.10', port: 40000 };
const CLIENT2: TransportAddress = { family: 'IPv4', address: '192.0.2.11', port: 40001 };
const PEER: TransportAddress = { family: 'IPv4', address: '198.51.100.7', port: 50000 };
const PEER2: TransportAddress = { family: 'IPv4', address: '198.51.100.8', port: 50001 };
const RELAYED: TransportAddress = { family: 'IPv4', address: '203.0.113.1', port: 49152 };

const bytes = (s: string) => new TextEncoder().encode(s);

function makeServer(options: Partial<TurnServerOptions> = {}): TurnServer {
  return new TurnServer({ realm: REALM, users: USERS, ...options });
}

function drain(server: TurnServer): TurnTransmit[] {
  const out: TurnTransmit[] = [];
  for (let t = server.pollTransmit(); t !== undefined; t = server.pollTransmit()) out.push(t);
  return out;
}

function drainEvents(server: TurnServer) {
  const out = [];
  for (let e = server.pollEvent(); e !== undefined; e = server.pollEvent()) out.push(e);
  return out;
}

interface RequestOptions {
  /** Sign with the client's credentials (default true once a nonce is known). */
  auth?: boolean;
  transactionId?: Uint8Array;
  sha256?: boolean;
}

/** A TURN client made of raw messages: it keeps the nonce and the key, nothing else. */
class RawClient {
  nonce: string | undefined;
  username: string;
  realm = REALM;
  key: Uint8Array;

  constructor(
    readonly server: TurnServer,
    readonly from: TransportAddress = CLIENT,
    username = 'alice',
    password = 'secret',
  ) {
    this.username = username;
    this.key = longTermKey(username, REALM, password);
  }

  build(method: number, add: (w: StunWriter) => void = () => {}, options: RequestOptions = {}): Uint8Array {
    const w = new StunWriter().reset(method, StunClass.Request, options.transactionId);
    add(w);
    if (options.auth ?? this.nonce !== undefined) {
      w.addText(AttributeType.Username, this.username);
      w.addText(AttributeType.Realm, this.realm);
      w.addText(AttributeType.Nonce, this.nonce ?? '');
      if (options.sha256) w.addMessageIntegritySha256(this.key);
      else w.addMessageIntegrity(this.key);
    }
    w.addFingerprint();
    return w.finishCopy();
  }

  /** Sends a request and returns the one response it gets (asserting there is exactly one). */
  request(
    method: number,
    add?: (w: StunWriter) => void,
    now = T0,
    options: RequestOptions = {},
  ): StunMessage {
    this.server.handleClientInput(this.build(method, add, options), this.from, now);
    const out = drain(this.server);
    expect(out).toHaveLength(1);
    const t = out[0] as TurnTransmit;
    expect(t.via).toBe('listen');
    expect(t.destination).toEqual(this.from);
    const m = decodeStunMessage(t.data);
    expect(verifyFingerprint(m)).toBe(true);
    return m;
  }

  /** Learns REALM and NONCE from a 401 (RFC 8489 §9.2.4). */
  challenge(now = T0): void {
    const m = this.request(StunMethod.Allocate, (w) => w.addRequestedTransport(TransportProtocol.UDP), now, {
      auth: false,
    });
    expect(m.errorCode?.code).toBe(401);
    this.nonce = m.nonce;
  }

  /** Allocate through to success; returns the relay id and the response. */
  allocate(now = T0, add?: (w: StunWriter) => void): { relayId: number; response: StunMessage } {
    if (this.nonce === undefined) this.challenge(now);
    this.server.handleClientInput(
      this.build(StunMethod.Allocate, (w) => {
        w.addRequestedTransport(TransportProtocol.UDP);
        add?.(w);
      }),
      this.from,
      now,
    );
    expect(drain(this.server)).toEqual([]);
    const events = drainEvents(this.server);
    expect(events).toHaveLength(1);
    const open = events[0];
    if (open?.type !== 'open-relay') throw new Error('expected open-relay');
    expect(open.family).toBe('IPv4');
    expect(open.username).toBe(this.username);
    expect(this.server.relayOpened(open.relayId, RELAYED, now)).toBe(true);
    const out = drain(this.server);
    expect(out).toHaveLength(1);
    const response = decodeStunMessage((out[0] as TurnTransmit).data);
    expect(response.messageClass).toBe(StunClass.SuccessResponse);
    return { relayId: open.relayId, response };
  }

  createPermission(peers: TransportAddress[], now = T0): StunMessage {
    return this.request(
      StunMethod.CreatePermission,
      (w) => {
        for (const p of peers) w.addXorAddress(AttributeType.XorPeerAddress, p);
      },
      now,
    );
  }

  channelBind(channel: number, peer: TransportAddress, now = T0): StunMessage {
    return this.request(
      StunMethod.ChannelBind,
      (w) => {
        w.addChannelNumber(channel);
        w.addXorAddress(AttributeType.XorPeerAddress, peer);
      },
      now,
    );
  }

  send(peer: TransportAddress, data: Uint8Array, now = T0): TurnTransmit[] {
    const w = new StunWriter().reset(StunMethod.Send, StunClass.Indication);
    w.addXorAddress(AttributeType.XorPeerAddress, peer);
    w.add(AttributeType.Data, data);
    this.server.handleClientInput(w.finishCopy(), this.from, now);
    return drain(this.server);
  }
}

function expectError(m: StunMessage, code: number, key?: Uint8Array): void {
  expect(m.messageClass).toBe(StunClass.ErrorResponse);
  expect(m.errorCode?.code).toBe(code);
  if (key !== undefined) expect(verifyMessageIntegrity(m, key)).toBe(true);
  else expect(m.integrityOffset).toBe(-1);
}

function expectSuccess(m: StunMessage, key: Uint8Array): void {
  expect(m.errorCode).toBeUndefined();
  expect(m.messageClass).toBe(StunClass.SuccessResponse);
  expect(verifyMessageIntegrity(m, key)).toBe(true);
}

/** Server with alice allocated and a permission for PEER. */
function withPermission(options: Partial<TurnServerOptions> = {}) {
  const server = makeServer(options);
  const client = new RawClient(server);
  const { relayId } = client.allocate();
  expectSuccess(client.createPermission([PEER]), client.key);
  return { server, client, relayId };
}

describe('TURN server core: STUN Binding', () => {
  it('answers Binding without credentials, with XOR-MAPPED-ADDRESS', () => {
    const server = makeServer({ software: 'purertc-test' });
    const m = new RawClient(server).request(StunMethod.Binding, undefined, T0, { auth: false });
    expect(m.messageClass).toBe(StunClass.SuccessResponse);
    expect(m.xorMappedAddress).toEqual(CLIENT);
    expect(m.software).toBe('purertc-test');
    expect(server.stats.successResponses).toBe(1);
  });
});

describe('TURN server core: long-term credentials (RFC 8489 §9.2.4)', () => {
  it('challenges an unauthenticated Allocate with 401, REALM and NONCE, unsigned', () => {
    const server = makeServer();
    const m = new RawClient(server).request(
      StunMethod.Allocate,
      (w) => w.addRequestedTransport(TransportProtocol.UDP),
      T0,
      { auth: false },
    );
    expectError(m, ErrorCode.Unauthorized);
    expect(m.realm).toBe(REALM);
    expect(m.nonce).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]+$/);
    expect(server.allocationCount).toBe(0);
  });

  it('401 for a wrong password, an unknown user, a prototype-named user and a wrong realm', () => {
    const server = makeServer();
    const good = new RawClient(server);
    good.challenge();
    for (const [user, pass] of [
      ['alice', 'wrong'],
      ['mallory', 'secret'],
      ['constructor', 'x'],
      ['__proto__', 'x'],
    ] as const) {
      const c = new RawClient(server, CLIENT, user, pass);
      c.nonce = good.nonce;
      const m = c.request(StunMethod.Allocate, (w) => w.addRequestedTransport(TransportProtocol.UDP));
      expectError(m, ErrorCode.Unauthorized);
      expect(m.realm).toBe(REALM);
      expect(m.nonce).toBeDefined();
    }
    const otherRealm = new RawClient(server);
    otherRealm.nonce = good.nonce;
    otherRealm.realm = 'elsewhere';
    expectError(
      otherRealm.request(StunMethod.Allocate, (w) => w.addRequestedTransport(TransportProtocol.UDP)),
      ErrorCode.Unauthorized,
    );
    expect(server.allocationCount).toBe(0);
  });

  it('400 when MESSAGE-INTEGRITY comes without NONCE', () => {
    const server = makeServer();
    const c = new RawClient(server);
    const w = new StunWriter().reset(StunMethod.Allocate, StunClass.Request);
    w.addRequestedTransport(TransportProtocol.UDP);
    w.addText(AttributeType.Username, 'alice');
    w.addText(AttributeType.Realm, REALM);
    w.addMessageIntegrity(c.key);
    server.handleClientInput(w.finishCopy(), CLIENT, T0);
    const m = decodeStunMessage((drain(server)[0] as TurnTransmit).data);
    expectError(m, ErrorCode.BadRequest);
    expect(m.realm).toBeUndefined();
  });

  it('a users function works like a table', () => {
    const server = makeServer({ users: (u) => (u === 'carol' ? 'pw' : undefined) });
    const c = new RawClient(server, CLIENT, 'carol', 'pw');
    expectSuccess(c.allocate().response, c.key);
    const throwing = makeServer({
      users: () => {
        throw new Error('database down');
      },
    });
    const d = new RawClient(throwing);
    d.challenge();
    expectError(
      d.request(StunMethod.Allocate, (w) => w.addRequestedTransport(TransportProtocol.UDP)),
      ErrorCode.Unauthorized,
    );
  });

  it('nonces expire: 438 Stale Nonce with a fresh NONCE, and the retry succeeds', () => {
    const server = makeServer({ nonceLifetime: 60 });
    const c = new RawClient(server);
    c.challenge(T0);
    const later = T0 + 60 * SEC;
    const stale = c.request(
      StunMethod.Allocate,
      (w) => w.addRequestedTransport(TransportProtocol.UDP),
      later,
    );
    expectError(stale, ErrorCode.StaleNonce);
    expect(stale.realm).toBe(REALM);
    expect(stale.nonce).toBeDefined();
    expect(stale.nonce).not.toBe(c.nonce);
    c.nonce = stale.nonce;
    expectSuccess(c.allocate(later).response, c.key);
  });

  it('438 for a nonce issued to another client address, or forged', () => {
    const server = makeServer();
    const a = new RawClient(server, CLIENT);
    a.challenge();
    const b = new RawClient(server, CLIENT2);
    for (const nonce of [a.nonce as string, 'abc.AAAAAAAAAAAAAAAA', 'x'.repeat(200), '.', 'zz']) {
      b.nonce = nonce;
      expectError(
        b.request(StunMethod.Allocate, (w) => w.addRequestedTransport(TransportProtocol.UDP)),
        ErrorCode.StaleNonce,
      );
    }
  });

  it('a nonce from another server instance is stale unless the secret is shared', () => {
    const secret = new Uint8Array(32).fill(7);
    const one = makeServer({ nonceSecret: secret });
    const c = new RawClient(one);
    c.challenge();
    const two = new RawClient(makeServer({ nonceSecret: secret }));
    two.nonce = c.nonce;
    expectSuccess(two.allocate().response, two.key);
    const three = new RawClient(makeServer());
    three.nonce = c.nonce;
    expectError(
      three.request(StunMethod.Allocate, (w) => w.addRequestedTransport(TransportProtocol.UDP)),
      ErrorCode.StaleNonce,
    );
  });

  it('MESSAGE-INTEGRITY-SHA256 requests get MESSAGE-INTEGRITY-SHA256 responses', () => {
    const server = makeServer();
    const c = new RawClient(server);
    c.allocate();
    const m = c.request(StunMethod.Refresh, undefined, T0, { sha256: true });
    expect(m.messageClass).toBe(StunClass.SuccessResponse);
    expect(verifyMessageIntegritySha256(m, c.key)).toBe(true);
    expect(m.integrityOffset).toBe(-1);
  });
});

describe('TURN server core: Allocate (RFC 8656 §7.2)', () => {
  it('opens a relay, then answers with XOR-RELAYED-ADDRESS, XOR-MAPPED-ADDRESS and LIFETIME, signed', () => {
    const server = makeServer({ software: 'purertc-test' });
    const c = new RawClient(server);
    const { response } = c.allocate();
    expectSuccess(response, c.key);
    expect(response.xorRelayedAddress).toEqual(RELAYED);
    expect(response.xorMappedAddress).toEqual(CLIENT);
    expect(response.lifetime).toBe(600);
    expect(response.software).toBe('purertc-test');
    expect(verifyFingerprint(response)).toBe(true);
    expect(server.allocationCount).toBe(1);
    expect(server.stats.allocationsCreated).toBe(1);
    expect(server.pollTimeout()).toBe(T0 + 600 * SEC);
  });

  it('grants max(default, min(requested, max)) seconds', () => {
    for (const [asked, granted] of [
      [0, 600],
      [100, 600],
      [1800, 1800],
      [99_999, 3600],
    ]) {
      const server = makeServer();
      const { response } = new RawClient(server).allocate(T0, (w) =>
        w.addUint32(AttributeType.Lifetime, asked as number),
      );
      expect(response.lifetime).toBe(granted);
    }
  });

  it('REQUESTED-TRANSPORT: missing is 400, TCP is 442, both signed', () => {
    const server = makeServer();
    const c = new RawClient(server);
    c.challenge();
    expectError(c.request(StunMethod.Allocate), ErrorCode.BadRequest, c.key);
    expectError(
      c.request(StunMethod.Allocate, (w) => w.addRequestedTransport(TransportProtocol.TCP)),
      ErrorCode.UnsupportedTransportProtocol,
      c.key,
    );
    expect(drainEvents(server)).toEqual([]);
  });

  it('437 for a second Allocate on the same 5-tuple; a retransmission gets the same answer', () => {
    const server = makeServer();
    const c = new RawClient(server);
    c.challenge();
    const transactionId = new Uint8Array(12).fill(9);
    const allocate = c.build(StunMethod.Allocate, (w) => w.addRequestedTransport(TransportProtocol.UDP), {
      transactionId,
    });
    server.handleClientInput(allocate, CLIENT, T0);
    const [open] = drainEvents(server);
    if (open?.type !== 'open-relay') throw new Error('expected open-relay');
    // Retransmitted while the relay is opening: no second relay, no answer yet.
    server.handleClientInput(allocate, CLIENT, T0 + 500);
    expect(drainEvents(server)).toEqual([]);
    expect(drain(server)).toEqual([]);
    // Another transaction on the same 5-tuple, even while opening: 437.
    expectError(
      c.request(StunMethod.Allocate, (w) => w.addRequestedTransport(TransportProtocol.UDP)),
      ErrorCode.AllocationMismatch,
      c.key,
    );
    server.relayOpened(open.relayId, RELAYED, T0 + 600);
    const [first] = drain(server);
    server.handleClientInput(allocate, CLIENT, T0 + 1500);
    const [again] = drain(server);
    expect(again?.data).toEqual(first?.data);
    expectError(
      c.request(StunMethod.Allocate, (w) => w.addRequestedTransport(TransportProtocol.UDP)),
      ErrorCode.AllocationMismatch,
      c.key,
    );
    expect(server.allocationCount).toBe(1);
    // Another client 5-tuple is another allocation.
    const other = new RawClient(server, CLIENT2, 'bob', 'hunter2');
    expectSuccess(other.allocate().response, other.key);
    expect(server.allocationCount).toBe(2);
  });

  it('420 for unknown comprehension-required attributes and for DONT-FRAGMENT; optional ones are ignored', () => {
    const server = makeServer();
    const c = new RawClient(server);
    c.challenge();
    const unknown = c.request(StunMethod.Allocate, (w) => {
      w.addRequestedTransport(TransportProtocol.UDP);
      w.add(0x0031, new Uint8Array(4));
      w.add(0x0032, new Uint8Array(0));
    });
    expectError(unknown, ErrorCode.UnknownAttribute, c.key);
    expect(unknown.unknownAttributes).toEqual([0x0031, 0x0032]);
    const df = c.request(StunMethod.Allocate, (w) => {
      w.addRequestedTransport(TransportProtocol.UDP);
      w.addFlag(AttributeType.DontFragment);
    });
    expectError(df, ErrorCode.UnknownAttribute, c.key);
    expect(df.unknownAttributes).toEqual([AttributeType.DontFragment]);
    expectSuccess(c.allocate(T0, (w) => w.add(0x8050, bytes('optional'))).response, c.key);
  });

  it('address families: 440 for IPv6, ADDRESS-ERROR-CODE for an additional IPv6, 400 for contradictions', () => {
    const server = makeServer();
    const c = new RawClient(server);
    c.challenge();
    const allocateWith = (add: (w: StunWriter) => void) =>
      c.request(StunMethod.Allocate, (w) => {
        w.addRequestedTransport(TransportProtocol.UDP);
        add(w);
      });
    expectError(
      allocateWith((w) => w.addAddressFamily(AttributeType.RequestedAddressFamily, 'IPv6')),
      ErrorCode.AddressFamilyNotSupported,
      c.key,
    );
    expectError(
      allocateWith((w) => {
        w.addAddressFamily(AttributeType.RequestedAddressFamily, 'IPv4');
        w.addAddressFamily(AttributeType.AdditionalAddressFamily, 'IPv6');
      }),
      ErrorCode.BadRequest,
      c.key,
    );
    expectError(
      allocateWith((w) => w.addAddressFamily(AttributeType.AdditionalAddressFamily, 'IPv4')),
      ErrorCode.BadRequest,
      c.key,
    );
    const { response } = c.allocate(T0, (w) =>
      w.addAddressFamily(AttributeType.AdditionalAddressFamily, 'IPv6'),
    );
    expectSuccess(response, c.key);
    expect(response.xorRelayedAddress).toEqual(RELAYED);
    const aec = response.get(AttributeType.AddressErrorCode);
    expect(aec?.[0]).toBe(0x02); // IPv6
    expect(((aec?.[2] ?? 0) & 7) * 100 + (aec?.[3] ?? 0)).toBe(440);
  });

  it('EVEN-PORT and RESERVATION-TOKEN cannot be satisfied: 508 (400 when combined wrongly)', () => {
    const server = makeServer();
    const c = new RawClient(server);
    c.challenge();
    const allocateWith = (add: (w: StunWriter) => void) =>
      c.request(StunMethod.Allocate, (w) => {
        w.addRequestedTransport(TransportProtocol.UDP);
        add(w);
      });
    expectError(
      allocateWith((w) => w.addEvenPort(false)),
      ErrorCode.InsufficientCapacity,
      c.key,
    );
    expectError(
      allocateWith((w) => w.add(AttributeType.ReservationToken, new Uint8Array(8))),
      ErrorCode.InsufficientCapacity,
      c.key,
    );
    expectError(
      allocateWith((w) => {
        w.add(AttributeType.ReservationToken, new Uint8Array(8));
        w.addEvenPort(true);
      }),
      ErrorCode.BadRequest,
      c.key,
    );
    expectError(
      allocateWith((w) => w.add(AttributeType.ReservationToken, new Uint8Array(3))),
      ErrorCode.BadRequest,
      c.key,
    );
  });

  it('quotas: 508 past maxAllocations, 486 past maxAllocationsPerUser', () => {
    const server = makeServer({ maxAllocations: 2, maxAllocationsPerUser: 1 });
    new RawClient(server, CLIENT).allocate();
    const alice2 = new RawClient(server, CLIENT2);
    alice2.challenge();
    expectError(
      alice2.request(StunMethod.Allocate, (w) => w.addRequestedTransport(TransportProtocol.UDP)),
      ErrorCode.AllocationQuotaReached,
      alice2.key,
    );
    new RawClient(server, CLIENT2, 'bob', 'hunter2').allocate();
    const third = new RawClient(server, { family: 'IPv4', address: '192.0.2.12', port: 1 }, 'bob', 'hunter2');
    third.challenge();
    const m = third.request(StunMethod.Allocate, (w) => w.addRequestedTransport(TransportProtocol.UDP));
    expectError(m, ErrorCode.AllocationQuotaReached, third.key);
    const carol = makeServer({ maxAllocations: 1 });
    new RawClient(carol, CLIENT).allocate();
    const d = new RawClient(carol, CLIENT2, 'bob', 'hunter2');
    d.challenge();
    expectError(
      d.request(StunMethod.Allocate, (w) => w.addRequestedTransport(TransportProtocol.UDP)),
      ErrorCode.InsufficientCapacity,
      d.key,
    );
  });

  it('relay handshake: relayFailed answers 508; a relay that opens too late is refused', () => {
    const server = makeServer({ relayOpenTimeout: 5 });
    const c = new RawClient(server);
    c.challenge();
    server.handleClientInput(
      c.build(StunMethod.Allocate, (w) => w.addRequestedTransport(TransportProtocol.UDP)),
      CLIENT,
      T0,
    );
    const [open] = drainEvents(server);
    if (open?.type !== 'open-relay') throw new Error('expected open-relay');
    server.relayFailed(open.relayId, T0 + 10);
    expectError(
      decodeStunMessage((drain(server)[0] as TurnTransmit).data),
      ErrorCode.InsufficientCapacity,
      c.key,
    );
    expect(server.allocationCount).toBe(0);
    expect(server.relayOpened(open.relayId, RELAYED, T0 + 20)).toBe(false);

    server.handleClientInput(
      c.build(StunMethod.Allocate, (w) => w.addRequestedTransport(TransportProtocol.UDP)),
      CLIENT,
      T0 + 100,
    );
    const [slow] = drainEvents(server);
    if (slow?.type !== 'open-relay') throw new Error('expected open-relay');
    expect(server.pollTimeout()).toBe(T0 + 100 + 5 * SEC);
    server.handleTimeout(T0 + 100 + 5 * SEC);
    expectError(
      decodeStunMessage((drain(server)[0] as TurnTransmit).data),
      ErrorCode.InsufficientCapacity,
      c.key,
    );
    expect(server.relayOpened(slow.relayId, RELAYED, T0 + 6 * SEC)).toBe(false);
    // No close-relay for a relay the core never accepted.
    expect(drainEvents(server)).toEqual([]);
    expect(server.pollTimeout()).toBeUndefined();

    // Too late is too late even when the timer has not fired yet.
    server.handleClientInput(
      c.build(StunMethod.Allocate, (w) => w.addRequestedTransport(TransportProtocol.UDP)),
      CLIENT,
      T0 + 10 * SEC,
    );
    const late = drainEvents(server)[0];
    if (late?.type !== 'open-relay') throw new Error('expected open-relay');
    expect(server.relayOpened(late.relayId, RELAYED, T0 + 15 * SEC)).toBe(false);
    expectError(
      decodeStunMessage((drain(server)[0] as TurnTransmit).data),
      ErrorCode.InsufficientCapacity,
      c.key,
    );
    expect(server.allocationCount).toBe(0);
  });
});

describe('TURN server core: Refresh and expiry (RFC 8656 §8.2)', () => {
  it('Refresh sets a new lifetime; LIFETIME 0 deletes the allocation and closes its relay', () => {
    const server = makeServer();
    const c = new RawClient(server);
    const { relayId } = c.allocate();
    const refreshed = c.request(
      StunMethod.Refresh,
      (w) => w.addUint32(AttributeType.Lifetime, 1200),
      T0 + 10 * SEC,
    );
    expectSuccess(refreshed, c.key);
    expect(refreshed.lifetime).toBe(1200);
    expect(server.pollTimeout()).toBe(T0 + 1210 * SEC);
    const plain = c.request(StunMethod.Refresh, undefined, T0 + 20 * SEC);
    expect(plain.lifetime).toBe(600);
    const gone = c.request(StunMethod.Refresh, (w) => w.addUint32(AttributeType.Lifetime, 0), T0 + 30 * SEC);
    expectSuccess(gone, c.key);
    expect(gone.lifetime).toBe(0);
    expect(drainEvents(server)).toEqual([{ type: 'close-relay', relayId, reason: 'released' }]);
    expect(server.allocationCount).toBe(0);
    expect(server.pollTimeout()).toBeUndefined();
    expectError(c.request(StunMethod.Refresh), ErrorCode.AllocationMismatch, c.key);
    // The 5-tuple is free again.
    expectSuccess(c.allocate(T0 + 40 * SEC).response, c.key);
  });

  it('437 without an allocation, 441 for another user, 443 for another family', () => {
    const server = makeServer();
    const c = new RawClient(server);
    c.challenge();
    expectError(c.request(StunMethod.Refresh), ErrorCode.AllocationMismatch, c.key);
    expectError(c.createPermission([PEER]), ErrorCode.AllocationMismatch, c.key);
    expectError(c.channelBind(0x4000, PEER), ErrorCode.AllocationMismatch, c.key);
    c.allocate();
    const bob = new RawClient(server, CLIENT, 'bob', 'hunter2');
    bob.nonce = c.nonce;
    expectError(bob.request(StunMethod.Refresh), ErrorCode.WrongCredentials, bob.key);
    expectError(
      c.request(StunMethod.Refresh, (w) => w.addAddressFamily(AttributeType.RequestedAddressFamily, 'IPv6')),
      ErrorCode.PeerAddressFamilyMismatch,
      c.key,
    );
  });

  it('the allocation expires on the clock, exactly at its lifetime', () => {
    const server = makeServer();
    const c = new RawClient(server);
    const { relayId } = c.allocate();
    expect(server.pollTimeout()).toBe(T0 + 600 * SEC);
    server.handleTimeout(T0 + 600 * SEC - 1);
    expect(drainEvents(server)).toEqual([]);
    server.handleTimeout(T0 + 600 * SEC);
    expect(drainEvents(server)).toEqual([{ type: 'close-relay', relayId, reason: 'expired' }]);
    expect(server.stats.allocationsExpired).toBe(1);
    expect(server.allocationCount).toBe(0);
    expect(server.pollTimeout()).toBeUndefined();
  });

  it('an expired allocation is gone even before the timer fired', () => {
    const server = makeServer({ nonceLifetime: 3600 });
    const c = new RawClient(server);
    const { relayId } = c.allocate();
    expectError(
      c.request(StunMethod.Refresh, undefined, T0 + 601 * SEC),
      ErrorCode.AllocationMismatch,
      c.key,
    );
    expect(drainEvents(server)).toEqual([{ type: 'close-relay', relayId, reason: 'expired' }]);
  });
});

describe('TURN server core: permissions and Send/Data (RFC 8656 §9-11)', () => {
  it('CreatePermission without XOR-PEER-ADDRESS is 400; 443 for an IPv6 peer; 403 when policy refuses', () => {
    const server = makeServer({ allowPeer: (p) => p.address !== '10.0.0.1' });
    const c = new RawClient(server);
    c.allocate();
    expectError(c.request(StunMethod.CreatePermission), ErrorCode.BadRequest, c.key);
    expectError(
      c.createPermission([{ family: 'IPv6', address: '2001:db8::1', port: 1 }]),
      ErrorCode.PeerAddressFamilyMismatch,
      c.key,
    );
    // All or nothing: PEER must not get a permission when 10.0.0.1 is refused.
    expectError(
      c.createPermission([PEER, { family: 'IPv4', address: '10.0.0.1', port: 1 }]),
      ErrorCode.Forbidden,
      c.key,
    );
    expect(c.send(PEER, bytes('x'))).toEqual([]);
    expectError(
      c.channelBind(0x4000, { family: 'IPv4', address: '10.0.0.1', port: 1 }),
      ErrorCode.Forbidden,
      c.key,
    );
  });

  it('Send is relayed only with a permission, which covers every port of the peer IP', () => {
    const server = makeServer();
    const c = new RawClient(server);
    const { relayId } = c.allocate();
    expect(c.send(PEER, bytes('early'))).toEqual([]);
    expect(server.stats.dropped).toBe(1);
    expectSuccess(c.createPermission([PEER]), c.key);
    const sent = c.send({ ...PEER, port: 9 }, bytes('hello'));
    expect(sent).toEqual([{ via: relayId, data: bytes('hello'), destination: { ...PEER, port: 9 } }]);
    expect(c.send(PEER2, bytes('other'))).toEqual([]);
    // Zero-length DATA is allowed (RFC 8656 §11.2).
    expect(c.send(PEER, new Uint8Array(0))).toHaveLength(1);
    expect(server.stats.relayedToPeers).toBe(2);
  });

  it('Send indications that are incomplete, carry DONT-FRAGMENT or come from strangers are dropped', () => {
    const { server, client } = withPermission();
    const send = (add: (w: StunWriter) => void, from = CLIENT) => {
      const w = new StunWriter().reset(StunMethod.Send, StunClass.Indication);
      add(w);
      server.handleClientInput(w.finishCopy(), from, T0);
      return drain(server);
    };
    expect(send((w) => w.add(AttributeType.Data, bytes('no peer')))).toEqual([]);
    expect(send((w) => w.addXorAddress(AttributeType.XorPeerAddress, PEER))).toEqual([]);
    expect(
      send((w) => {
        w.addXorAddress(AttributeType.XorPeerAddress, PEER);
        w.add(AttributeType.Data, bytes('df'));
        w.addFlag(AttributeType.DontFragment);
      }),
    ).toEqual([]);
    expect(
      send((w) => {
        w.addXorAddress(AttributeType.XorPeerAddress, PEER);
        w.add(AttributeType.Data, bytes('unknown'));
        w.add(0x0031, new Uint8Array(4));
      }),
    ).toEqual([]);
    expect(
      send((w) => {
        w.addXorAddress(AttributeType.XorPeerAddress, PEER);
        w.add(AttributeType.Data, bytes('stranger'));
      }, CLIENT2),
    ).toEqual([]);
    expect(client.send(PEER, bytes('ok'))).toHaveLength(1);
  });

  it('a peer datagram becomes a Data indication when permitted, and is dropped otherwise', () => {
    const { server, relayId } = withPermission();
    server.handlePeerInput(relayId, bytes('from peer'), { ...PEER, port: 1234 }, T0);
    const [t] = drain(server);
    expect(t?.via).toBe('listen');
    expect(t?.destination).toEqual(CLIENT);
    const m = decodeStunMessage((t as TurnTransmit).data);
    expect(m.method).toBe(StunMethod.Data);
    expect(m.messageClass).toBe(StunClass.Indication);
    expect(m.xorPeerAddress).toEqual({ ...PEER, port: 1234 });
    expect(m.data).toEqual(bytes('from peer'));
    server.handlePeerInput(relayId, bytes('nope'), PEER2, T0);
    server.handlePeerInput(relayId + 100, bytes('nope'), PEER, T0);
    expect(drain(server)).toEqual([]);
    expect(server.stats.relayedToClients).toBe(1);
    expect(server.stats.dropped).toBe(2);
  });

  it('permissions last 300 s and are refreshed by CreatePermission, not by data', () => {
    const { server, client, relayId } = withPermission();
    expect(server.pollTimeout()).toBe(T0 + 300 * SEC);
    expect(client.send(PEER, bytes('a'), T0 + 299 * SEC)).toHaveLength(1);
    server.handleTimeout(T0 + 300 * SEC);
    expect(client.send(PEER, bytes('b'), T0 + 300 * SEC)).toEqual([]);
    server.handlePeerInput(relayId, bytes('c'), PEER, T0 + 300 * SEC);
    expect(drain(server)).toEqual([]);
    expect(server.pollTimeout()).toBe(T0 + 600 * SEC);
    expectSuccess(client.createPermission([PEER], T0 + 301 * SEC), client.key);
    expect(client.send(PEER, bytes('d'), T0 + 301 * SEC)).toHaveLength(1);
    expect(server.pollTimeout()).toBe(T0 + 600 * SEC);
    expectSuccess(client.createPermission([PEER], T0 + 400 * SEC), client.key);
    expect(server.pollTimeout()).toBe(T0 + 600 * SEC);
    server.handleTimeout(T0 + 600 * SEC);
    expect(server.allocationCount).toBe(0);
  });

  it('maxPermissions: the request that would exceed it gets 508 and installs nothing', () => {
    const server = makeServer({ maxPermissions: 2 });
    const c = new RawClient(server);
    c.allocate();
    expectSuccess(c.createPermission([PEER]), c.key);
    expectError(
      c.createPermission([PEER2, { family: 'IPv4', address: '198.51.100.9', port: 1 }]),
      ErrorCode.InsufficientCapacity,
      c.key,
    );
    expect(c.send(PEER2, bytes('x'))).toEqual([]);
    // Refreshing an existing one and adding one more fits.
    expectSuccess(c.createPermission([PEER, PEER2, PEER2]), c.key);
    expect(c.send(PEER2, bytes('x'))).toHaveLength(1);
  });

  it('IPv6 relays: a peer spelled differently by the socket still matches its permission', () => {
    const relayed6: TransportAddress = { family: 'IPv6', address: '2001:db8::100', port: 49152 };
    const server = makeServer({ relayFamily: 'IPv6' });
    const c = new RawClient(server);
    c.challenge();
    server.handleClientInput(
      c.build(StunMethod.Allocate, (w) => {
        w.addRequestedTransport(TransportProtocol.UDP);
        w.addAddressFamily(AttributeType.RequestedAddressFamily, 'IPv6');
      }),
      CLIENT,
      T0,
    );
    const [open] = drainEvents(server);
    if (open?.type !== 'open-relay') throw new Error('expected open-relay');
    expect(open.family).toBe('IPv6');
    server.relayOpened(open.relayId, relayed6, T0);
    const response = decodeStunMessage((drain(server)[0] as TurnTransmit).data);
    expect(response.xorRelayedAddress).toEqual(relayed6);
    expectSuccess(c.createPermission([{ family: 'IPv6', address: '2001:db8::7', port: 5 }]), c.key);
    server.handlePeerInput(
      open.relayId,
      bytes('v6'),
      { family: 'IPv6', address: '2001:DB8:0:0:0:0:0:7', port: 5 },
      T0,
    );
    const m = decodeStunMessage((drain(server)[0] as TurnTransmit).data);
    expect(m.xorPeerAddress).toEqual({ family: 'IPv6', address: '2001:db8::7', port: 5 });
    // An IPv4 Allocate on this server: 440.
    const d = new RawClient(server, CLIENT2, 'bob', 'hunter2');
    d.challenge();
    expectError(
      d.request(StunMethod.Allocate, (w) => w.addRequestedTransport(TransportProtocol.UDP)),
      ErrorCode.AddressFamilyNotSupported,
      d.key,
    );
  });
});

describe('TURN server core: channels (RFC 8656 §12)', () => {
  it('ChannelBind checks its number and peer: 400 outside 0x4000-0x4FFF or without a peer', () => {
    const server = makeServer();
    const c = new RawClient(server);
    c.allocate();
    for (const n of [0x3fff, 0x5000, 0x7fff, 0])
      expectError(c.channelBind(n, PEER), ErrorCode.BadRequest, c.key);
    expectError(
      c.request(StunMethod.ChannelBind, (w) => w.addChannelNumber(0x4000)),
      ErrorCode.BadRequest,
      c.key,
    );
    expectError(
      c.request(StunMethod.ChannelBind, (w) => w.addXorAddress(AttributeType.XorPeerAddress, PEER)),
      ErrorCode.BadRequest,
      c.key,
    );
    expectError(
      c.channelBind(0x4000, { family: 'IPv6', address: '2001:db8::1', port: 1 }),
      ErrorCode.PeerAddressFamilyMismatch,
      c.key,
    );
    expectSuccess(c.channelBind(0x4000, PEER), c.key);
    expectSuccess(c.channelBind(0x4fff, PEER2), c.key);
  });

  it('ChannelData flows both ways; the binding installs a permission', () => {
    const server = makeServer();
    const c = new RawClient(server);
    const { relayId } = c.allocate();
    expectSuccess(c.channelBind(0x4001, PEER), c.key);
    // Client -> peer, padded as a stream would pad it; the padding is not relayed.
    const padded = new Uint8Array(12);
    encodeChannelData(0x4001, bytes('hello'), true, padded);
    server.handleClientInput(padded, CLIENT, T0);
    expect(drain(server)).toEqual([{ via: relayId, data: bytes('hello'), destination: PEER }]);
    // Peer -> client, from the bound transport address: ChannelData.
    server.handlePeerInput(relayId, bytes('world'), PEER, T0);
    const [t] = drain(server);
    expect(t?.via).toBe('listen');
    expect(t?.destination).toEqual(CLIENT);
    expect(decodeChannelData((t as TurnTransmit).data)).toEqual({ channel: 0x4001, data: bytes('world') });
    // Same IP, another port: permitted (by the binding's permission) but not bound: Data indication.
    server.handlePeerInput(relayId, bytes('other port'), { ...PEER, port: 7 }, T0);
    const m = decodeStunMessage((drain(server)[0] as TurnTransmit).data);
    expect(m.method).toBe(StunMethod.Data);
    // Send indications still work alongside the channel.
    expect(c.send(PEER, bytes('via send'))).toHaveLength(1);
    // An unbound channel, or another client's 5-tuple: dropped.
    server.handleClientInput(encodeChannelData(0x4002, bytes('x')), CLIENT, T0);
    server.handleClientInput(encodeChannelData(0x4001, bytes('x')), CLIENT2, T0);
    expect(drain(server)).toEqual([]);
    expect(server.stats.relayedToPeers).toBe(2);
    expect(server.stats.relayedToClients).toBe(2);
  });

  it('one channel per peer and one peer per channel: rebinding the same pair refreshes, crossing is 400', () => {
    const server = makeServer();
    const c = new RawClient(server);
    c.allocate();
    expectSuccess(c.channelBind(0x4000, PEER), c.key);
    expectSuccess(c.channelBind(0x4000, PEER, T0 + 100 * SEC), c.key);
    expectError(c.channelBind(0x4000, PEER2), ErrorCode.BadRequest, c.key);
    expectError(c.channelBind(0x4001, PEER), ErrorCode.BadRequest, c.key);
    // Same IP, another port is another transport address: it may have its own channel.
    expectSuccess(c.channelBind(0x4001, { ...PEER, port: PEER.port + 1 }), c.key);
  });

  it('bindings last 600 s; after expiry ChannelData is dropped and the number is free again', () => {
    const server = makeServer({ nonceLifetime: 3600 });
    const c = new RawClient(server);
    const { relayId } = c.allocate(T0, (w) => w.addUint32(AttributeType.Lifetime, 3600));
    expectSuccess(c.channelBind(0x4000, PEER), c.key);
    expect(server.pollTimeout()).toBe(T0 + 300 * SEC); // the permission first
    server.handleTimeout(T0 + 300 * SEC);
    expect(server.pollTimeout()).toBe(T0 + 600 * SEC);
    // The channel alone still carries client data (RFC 8656 §12.6), but peer data needs a permission.
    server.handleClientInput(encodeChannelData(0x4000, bytes('still bound')), CLIENT, T0 + 400 * SEC);
    expect(drain(server)).toHaveLength(1);
    server.handlePeerInput(relayId, bytes('no permission'), PEER, T0 + 400 * SEC);
    expect(drain(server)).toEqual([]);
    server.handleTimeout(T0 + 600 * SEC);
    server.handleClientInput(encodeChannelData(0x4000, bytes('expired')), CLIENT, T0 + 600 * SEC);
    expect(drain(server)).toEqual([]);
    expectSuccess(c.channelBind(0x4000, PEER2, T0 + 601 * SEC), c.key);
    expectSuccess(c.channelBind(0x4001, PEER, T0 + 601 * SEC), c.key);
    server.handlePeerInput(relayId, bytes('rebound'), PEER2, T0 + 602 * SEC);
    expect(decodeChannelData((drain(server)[0] as TurnTransmit).data).channel).toBe(0x4000);
  });

  it('maxChannels: 508 past the cap', () => {
    const server = makeServer({ maxChannels: 1 });
    const c = new RawClient(server);
    c.allocate();
    expectSuccess(c.channelBind(0x4000, PEER), c.key);
    expectError(c.channelBind(0x4001, PEER2), ErrorCode.InsufficientCapacity, c.key);
    expectSuccess(c.channelBind(0x4000, PEER), c.key);
  });
});

describe('TURN server core: hostile and odd input', () => {
  it('unknown methods are 400; responses and other indications are dropped', () => {
    const server = makeServer();
    const c = new RawClient(server);
    expectError(c.request(0x0abc, undefined, T0, { auth: false }), ErrorCode.BadRequest);
    expectError(c.request(StunMethod.Send, undefined, T0, { auth: false }), ErrorCode.BadRequest);
    for (const cls of [StunClass.SuccessResponse, StunClass.ErrorResponse]) {
      server.handleClientInput(new StunWriter().reset(StunMethod.Allocate, cls).finishCopy(), CLIENT, T0);
    }
    server.handleClientInput(
      new StunWriter().reset(StunMethod.Data, StunClass.Indication).finishCopy(),
      CLIENT,
      T0,
    );
    expect(drain(server)).toEqual([]);
    expect(server.stats.dropped).toBe(3);
  });

  it('a malformed attribute in an authenticated request is answered 400', () => {
    const server = makeServer();
    const c = new RawClient(server);
    c.allocate();
    expectError(
      c.request(StunMethod.Refresh, (w) => w.add(AttributeType.Lifetime, new Uint8Array(2))),
      ErrorCode.BadRequest,
      c.key,
    );
    expectError(
      c.request(StunMethod.CreatePermission, (w) =>
        w.add(AttributeType.XorPeerAddress, new Uint8Array([0, 9, 0, 0])),
      ),
      ErrorCode.BadRequest,
      c.key,
    );
  });

  it('garbage, truncation, bad FINGERPRINT and bad ChannelData are dropped and counted', () => {
    const { server, client } = withPermission();
    const good = client.build(StunMethod.Refresh);
    const badFingerprint = good.slice();
    const last = badFingerprint.length - 1;
    badFingerprint[last] = (badFingerprint[last] as number) ^ 1;
    for (const input of [
      new Uint8Array(0),
      new Uint8Array([0xff, 0, 0, 0]),
      good.subarray(0, 30),
      badFingerprint,
      new Uint8Array([0x40, 0x00, 0x00, 0x10, 1, 2]), // ChannelData claiming more than it has
      new Uint8Array([0x50, 0x00, 0x00, 0x00]), // channel 0x5000: reserved
      new Uint8Array([0x40]),
    ]) {
      expect(() => server.handleClientInput(input, CLIENT, T0)).not.toThrow();
    }
    expect(drain(server)).toEqual([]);
    expect(server.stats.malformed).toBe(7);
  });

  it('never throws on random or mutated datagrams, from clients or peers', () => {
    const { server, client, relayId } = withPermission();
    expectSuccess(client.channelBind(0x4000, PEER), client.key);
    const seeds = [
      client.build(StunMethod.Refresh),
      client.build(StunMethod.ChannelBind, (w) => {
        w.addChannelNumber(0x4001);
        w.addXorAddress(AttributeType.XorPeerAddress, PEER2);
      }),
      client.build(StunMethod.CreatePermission, (w) => w.addXorAddress(AttributeType.XorPeerAddress, PEER2)),
      encodeChannelData(0x4000, bytes('data')),
    ];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc
            .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }))))
            .map(([seed, edits]) => {
              const copy = seed.slice();
              for (const [at, v] of edits) copy[at % copy.length] = v;
              return copy;
            }),
        ),
        fc.boolean(),
        (input, fromPeer) => {
          if (fromPeer) server.handlePeerInput(relayId, input, PEER, T0);
          else server.handleClientInput(input, CLIENT, T0);
          drain(server);
          drainEvents(server);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('the transmit queue is capped', () => {
    const server = makeServer({ maxQueuedTransmits: 2 });
    const c = new RawClient(server);
    for (let i = 0; i < 3; i++) {
      server.handleClientInput(c.build(StunMethod.Binding, undefined, { auth: false }), CLIENT, T0);
    }
    expect(drain(server)).toHaveLength(2);
    expect(server.stats.dropped).toBe(1);
  });

  it('peer datagrams too large to wrap are dropped', () => {
    const { server, relayId } = withPermission();
    server.handlePeerInput(relayId, new Uint8Array(65_507), PEER, T0);
    expect(drain(server)).toEqual([]);
    server.handlePeerInput(relayId, new Uint8Array(65_000), PEER, T0);
    expect(drain(server)).toHaveLength(1);
  });
});
