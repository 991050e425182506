/**
 * The sans-IO TurnClient on a virtual clock against a scripted fake server: responses are built
 * with StunWriter, requests checked with the codec, and time moves only when the test says so.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AttributeType,
  decodeChannelData,
  decodeStunMessage,
  encodeChannelData,
  isChannelData,
  longTermKey,
  PasswordAlgorithm,
  StunClass,
  StunErrorResponse,
  type StunMessage,
  StunMethod,
  StunTimeoutError,
  StunWriter,
  type TransportAddress,
  TurnClient,
  type TurnClientOptions,
  TurnError,
  type TurnEvent,
  verifyMessageIntegrity,
  verifyMessageIntegritySha256,
} from '../src/index.js';

const SERVER: TransportAddress = { family: 'IPv4', address: '192.0.2.1', port: 3478 };
const RELAYED: TransportAddress = { family: 'IPv4', address: '192.0.2.1', port: 49152 };
const MAPPED: TransportAddress = { family: 'IPv4', address: '198.51.100.2', port: 40000 };
const PEER: TransportAddress = { family: 'IPv4', address: '203.0.113.5', port: 5000 };
const PEER2: TransportAddress = { family: 'IPv4', address: '203.0.113.6', port: 6000 };
const USER = 'alice';
const PASS = 'secret';
const REALM = 'example.org';
const KEY = longTermKey(USER, REALM, PASS);
const S = 1000;

function client(options: Partial<TurnClientOptions> = {}): TurnClient {
  return new TurnClient({ server: SERVER, username: USER, password: PASS, ...options });
}

/** Decodes what the client sent; ChannelData comes back as such. */
function drainSent(c: TurnClient): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let t = c.pollTransmit(); t !== undefined; t = c.pollTransmit()) {
    expect(t.destination).toEqual(SERVER);
    out.push(t.data);
  }
  return out;
}

function drainRequests(c: TurnClient): StunMessage[] {
  return drainSent(c).map((b) => decodeStunMessage(b));
}

function drainEvents(c: TurnClient): TurnEvent[] {
  const out: TurnEvent[] = [];
  for (let e = c.pollEvent(); e !== undefined; e = c.pollEvent()) out.push(e);
  return out;
}

function only<T>(list: T[]): T {
  expect(list).toHaveLength(1);
  return list[0] as T;
}

/** A response to `req`; signed with `key` when given, always with FINGERPRINT. */
function respond(
  req: StunMessage,
  cls: StunClass,
  build: (w: StunWriter) => void = () => {},
  key: Uint8Array | null = KEY, // null: unsigned
): Uint8Array {
  const w = new StunWriter().reset(req.method, cls, req.transactionId);
  build(w);
  if (key !== null) w.addMessageIntegrity(key);
  w.addFingerprint();
  return w.finishCopy();
}

function errorResponse(req: StunMessage, code: number, key: Uint8Array | null = KEY): Uint8Array {
  return respond(req, StunClass.ErrorResponse, (w) => w.addErrorCode(code, 'Error'), key);
}

/** A 401 or 438 with REALM and NONCE: unsigned, as servers send them. */
function challenge(req: StunMessage, nonce: string, code = 401, extra?: (w: StunWriter) => void): Uint8Array {
  return respond(
    req,
    StunClass.ErrorResponse,
    (w) => {
      w.addErrorCode(code, code === 401 ? 'Unauthorized' : 'Stale Nonce');
      w.addText(AttributeType.Realm, REALM);
      w.addText(AttributeType.Nonce, nonce);
      extra?.(w);
    },
    null,
  );
}

function allocateSuccess(req: StunMessage, lifetime = 600, key: Uint8Array | null = KEY): Uint8Array {
  return respond(
    req,
    StunClass.SuccessResponse,
    (w) => {
      w.addXorAddress(AttributeType.XorRelayedAddress, RELAYED);
      w.addXorAddress(AttributeType.XorMappedAddress, MAPPED);
      w.addUint32(AttributeType.Lifetime, lifetime);
    },
    key,
  );
}

function success(req: StunMessage, lifetime?: number): Uint8Array {
  return respond(req, StunClass.SuccessResponse, (w) => {
    if (lifetime !== undefined) w.addUint32(AttributeType.Lifetime, lifetime);
  });
}

/** Runs the 401 handshake; the client is allocated at time `at` with LIFETIME `lifetime`. */
function allocated(options: Partial<TurnClientOptions> = {}, lifetime = 600, at = 0): TurnClient {
  const c = client(options);
  c.allocate(at);
  const first = only(drainRequests(c));
  c.handleInput(challenge(first, 'nonce-1'), at);
  const second = only(drainRequests(c));
  c.handleInput(allocateSuccess(second, lifetime), at);
  expect(drainEvents(c).map((e) => e.type)).toEqual(['allocated']);
  expect(c.state).toBe('allocated');
  return c;
}

type Script = (req: StunMessage, t: number) => Uint8Array | undefined;

interface LogEntry {
  t: number;
  method: number;
  msg: StunMessage;
}

/** Answers every request the client sends with `script`, until it sends nothing more. */
function pump(c: TurnClient, t: number, script: Script, log: LogEntry[]): void {
  for (let sent = drainSent(c); sent.length > 0; sent = drainSent(c)) {
    for (const bytes of sent) {
      if (isChannelData(bytes)) continue;
      const msg = decodeStunMessage(bytes);
      log.push({ t, method: msg.method, msg });
      if (msg.messageClass !== StunClass.Request) continue;
      const reply = script(msg, t);
      if (reply !== undefined) c.handleInput(reply, t);
    }
  }
}

/** Moves the virtual clock from `from` to `until`, firing every timeout on the way. */
function runUntil(c: TurnClient, from: number, until: number, script: Script) {
  const log: LogEntry[] = [];
  const events: Array<TurnEvent & { at: number }> = [];
  const collect = (t: number) => {
    for (const e of drainEvents(c)) events.push({ ...e, at: t });
  };
  pump(c, from, script, log);
  collect(from);
  for (;;) {
    const next = c.pollTimeout();
    if (next === undefined || next > until) break;
    expect(next).toBeGreaterThanOrEqual(from); // never a deadline in the past twice
    from = next;
    c.handleTimeout(next);
    pump(c, next, script, log);
    collect(next);
  }
  return { log, events };
}

/** A well-behaved server: every Refresh, CreatePermission and ChannelBind succeeds. */
const happy: Script = (req) => {
  switch (req.method) {
    case StunMethod.Refresh:
      return success(req, req.lifetime === 0 ? 0 : (req.lifetime ?? 600));
    case StunMethod.CreatePermission:
    case StunMethod.ChannelBind:
      return success(req);
    default:
      return undefined;
  }
};

describe('TurnClient: Allocate and long-term credentials', () => {
  it('sends an unauthenticated Allocate, answers the 401 with USERNAME, REALM, NONCE and MESSAGE-INTEGRITY', () => {
    const c = client({ software: 'purertc test' });
    const id = c.allocate(0);
    const first = only(drainRequests(c));
    expect(first.method).toBe(StunMethod.Allocate);
    expect(first.messageClass).toBe(StunClass.Request);
    expect(first.requestedTransport).toBe(17);
    expect(first.software).toBe('purertc test');
    expect(first.username).toBeUndefined();
    expect(first.integrityOffset).toBe(-1);
    expect(first.fingerprintOffset).toBeGreaterThan(0);

    c.handleInput(challenge(first, 'nonce-1'), 10);
    const second = only(drainRequests(c));
    expect(second.transactionId).not.toEqual(first.transactionId);
    expect(second.username).toBe(USER);
    expect(second.realm).toBe(REALM);
    expect(second.nonce).toBe('nonce-1');
    expect(second.requestedTransport).toBe(17);
    expect(verifyMessageIntegrity(second, KEY)).toBe(true);
    expect(second.passwordAlgorithm).toBeUndefined();

    c.handleInput(allocateSuccess(second, 600), 20);
    expect(drainEvents(c)).toEqual([
      { type: 'allocated', id, relayed: RELAYED, mapped: MAPPED, lifetime: 600, reservationToken: undefined },
    ]);
    expect(c.relayed).toEqual(RELAYED);
    expect(c.mapped).toEqual(MAPPED);
    expect(c.lifetime).toBe(600);
    expect(c.expiresAt).toBe(20 + 600 * S);
    expect(c.stats.authenticatedResponses).toBe(1);
  });

  it('retries with the new NONCE on 438 Stale Nonce', () => {
    const c = client();
    c.allocate(0);
    c.handleInput(challenge(only(drainRequests(c)), 'nonce-1'), 0);
    const signed = only(drainRequests(c));
    c.handleInput(challenge(signed, 'nonce-2', 438), 0);
    const retried = only(drainRequests(c));
    expect(retried.nonce).toBe('nonce-2');
    expect(verifyMessageIntegrity(retried, KEY)).toBe(true);
    c.handleInput(allocateSuccess(retried), 0);
    expect(only(drainEvents(c)).type).toBe('allocated');
  });

  it('gives up after three 438s in a row', () => {
    const c = client();
    c.allocate(0);
    c.handleInput(challenge(only(drainRequests(c)), 'n0'), 0);
    for (let i = 1; i <= 3; i++) c.handleInput(challenge(only(drainRequests(c)), `n${i}`, 438), 0);
    c.handleInput(challenge(only(drainRequests(c)), 'n4', 438), 0);
    const e = only(drainEvents(c));
    expect(e.type).toBe('allocation-failed');
    expect(e.type === 'allocation-failed' && e.error).toBeInstanceOf(StunErrorResponse);
    expect(e.type === 'allocation-failed' && (e.error as StunErrorResponse).code).toBe(438);
  });

  it('uses a NONCE from a signed response in the next request (RFC 8489 §9.2.5)', () => {
    const c = allocated();
    c.createPermission(PEER, 0);
    const req = only(drainRequests(c));
    c.handleInput(
      respond(req, StunClass.SuccessResponse, (w) => w.addText(AttributeType.Nonce, 'nonce-fresh')),
      0,
    );
    c.refresh(0);
    expect(only(drainRequests(c)).nonce).toBe('nonce-fresh');
  });

  it('a wrong password ends in a typed 401 after the credentialed retry', () => {
    const c = client({ password: 'wrong' });
    const id = c.allocate(0);
    c.handleInput(challenge(only(drainRequests(c)), 'nonce-1'), 0);
    const signed = only(drainRequests(c));
    expect(verifyMessageIntegrity(signed, KEY)).toBe(false);
    c.handleInput(challenge(signed, 'nonce-1'), 0); // the server cannot sign: it does not know our key
    expect(drainRequests(c)).toEqual([]); // no second retry
    const e = only(drainEvents(c));
    expect(e).toMatchObject({ type: 'allocation-failed', id });
    const error = (e as { error: Error }).error;
    expect(error).toBeInstanceOf(StunErrorResponse);
    expect(error).toMatchObject({ code: 401, method: StunMethod.Allocate });
    expect(c.state).toBe('idle');
  });

  it('drops an unsigned 441: only 401 and 438 are exempt from MESSAGE-INTEGRITY', () => {
    const c = client({ password: 'wrong' });
    c.allocate(0);
    c.handleInput(challenge(only(drainRequests(c)), 'nonce-1'), 0);
    c.handleInput(errorResponse(only(drainRequests(c)), 441, null), 0);
    // Unsigned (the server cannot sign with a key it rejects): dropped over UDP, so the answer
    // surfaces when the transaction times out, as an integrity failure.
    expect(drainEvents(c)).toEqual([]);
    expect(c.stats.integrityFailures).toBe(1);
  });

  it('reports a signed 441 at once', () => {
    const c = client();
    c.allocate(0);
    c.handleInput(challenge(only(drainRequests(c)), 'nonce-1'), 0);
    c.handleInput(errorResponse(only(drainRequests(c)), 441), 0);
    const e = only(drainEvents(c));
    expect(e.type === 'allocation-failed' && e.error).toMatchObject({ name: 'StunErrorResponse', code: 441 });
  });

  it('negotiates PASSWORD-ALGORITHM SHA-256 when the server offers it (RFC 8489 §9.2.3.2, §9.2.5)', () => {
    const c = client({ messageIntegritySha256: true });
    c.allocate(0);
    const offer = [
      { algorithm: PasswordAlgorithm.SHA256, parameters: new Uint8Array(0) },
      { algorithm: PasswordAlgorithm.MD5, parameters: new Uint8Array(0) },
    ];
    c.handleInput(
      challenge(only(drainRequests(c)), 'obMatJos2gAAAnonce', 401, (w) =>
        w.addPasswordAlgorithms(AttributeType.PasswordAlgorithms, offer),
      ),
      0,
    );
    const signed = only(drainRequests(c));
    const sha = longTermKey(USER, REALM, PASS, PasswordAlgorithm.SHA256);
    expect(signed.passwordAlgorithm?.algorithm).toBe(PasswordAlgorithm.SHA256);
    expect(signed.passwordAlgorithms?.map((a) => a.algorithm)).toEqual([
      PasswordAlgorithm.SHA256,
      PasswordAlgorithm.MD5,
    ]);
    expect(verifyMessageIntegrity(signed, sha)).toBe(true);
    expect(verifyMessageIntegritySha256(signed, sha)).toBe(true);
    // A response signed with the MD5 key is not authentic any more.
    c.handleInput(allocateSuccess(signed, 600, KEY), 0);
    expect(drainEvents(c)).toEqual([]);
    c.handleInput(allocateSuccess(signed, 600, sha), 0);
    expect(only(drainEvents(c)).type).toBe('allocated');
  });

  it('keeps MD5 when the server offers only MD5', () => {
    const c = client();
    c.allocate(0);
    c.handleInput(
      challenge(only(drainRequests(c)), 'n', 401, (w) =>
        w.addPasswordAlgorithms(AttributeType.PasswordAlgorithms, [{ algorithm: PasswordAlgorithm.MD5 }]),
      ),
      0,
    );
    const signed = only(drainRequests(c));
    expect(signed.passwordAlgorithm?.algorithm).toBe(PasswordAlgorithm.MD5);
    expect(verifyMessageIntegrity(signed, KEY)).toBe(true);
  });

  it('refuses to retry when the nonce cookie promises PASSWORD-ALGORITHMS and none came (bid-down)', () => {
    const c = client();
    c.allocate(0);
    c.handleInput(challenge(only(drainRequests(c)), 'obMatJos2gAAAnonce'), 0);
    expect(drainRequests(c)).toEqual([]);
    const e = only(drainEvents(c));
    expect(e.type === 'allocation-failed' && e.error).toMatchObject({ name: 'TurnError', code: 'BID_DOWN' });
  });

  it('sends REQUESTED-ADDRESS-FAMILY, EVEN-PORT, DONT-FRAGMENT and LIFETIME when asked, and exposes RESERVATION-TOKEN', () => {
    const c = client({
      requestedAddressFamily: 'IPv4',
      evenPort: { reserveNext: true },
      dontFragment: true,
      lifetime: 1200,
    });
    c.allocate(0);
    const req = only(drainRequests(c));
    expect(req.requestedAddressFamily).toBe('IPv4');
    expect(req.evenPort).toEqual({ reserveNext: true });
    expect(req.dontFragment).toBe(true);
    expect(req.lifetime).toBe(1200);
    const token = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    c.handleInput(
      respond(
        req,
        StunClass.SuccessResponse,
        (w) => {
          w.addXorAddress(AttributeType.XorRelayedAddress, RELAYED);
          w.addUint32(AttributeType.Lifetime, 1200);
          w.add(AttributeType.ReservationToken, token);
        },
        null, // a server without authentication
      ),
      0,
    );
    const e = only(drainEvents(c));
    expect(e).toMatchObject({
      type: 'allocated',
      lifetime: 1200,
      mapped: undefined,
      reservationToken: token,
    });
  });

  it('sends RESERVATION-TOKEN and refuses it with EVEN-PORT', () => {
    const token = new Uint8Array(8).fill(9);
    const c = client({ reservationToken: token });
    c.allocate(0);
    expect(only(drainRequests(c)).reservationToken).toEqual(token);
    expect(() => client({ reservationToken: token, evenPort: { reserveNext: false } })).toThrow(RangeError);
  });

  it('fails on a success without XOR-RELAYED-ADDRESS', () => {
    const c = client();
    c.allocate(0);
    c.handleInput(
      respond(
        only(drainRequests(c)),
        StunClass.SuccessResponse,
        (w) => w.addUint32(AttributeType.Lifetime, 600),
        null,
      ),
      0,
    );
    const e = only(drainEvents(c));
    expect(e.type === 'allocation-failed' && e.error).toMatchObject({
      name: 'TurnError',
      code: 'BAD_RESPONSE',
    });
  });

  it('throws INVALID_STATE for commands out of order', () => {
    const c = client();
    expect(() => c.send(PEER, new Uint8Array(1), 0)).toThrow(TurnError);
    expect(() => c.createPermission(PEER, 0)).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
    c.allocate(0);
    expect(() => c.allocate(0)).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
  });
});

describe('TurnClient: retransmission and integrity', () => {
  it('retransmits the Allocate over UDP on the RFC 8489 schedule and times out with StunTimeoutError', () => {
    const c = client();
    c.allocate(0);
    const { log, events } = runUntil(c, 0, 100 * S, () => undefined);
    expect(log.map((l) => l.t)).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    // The same transaction every time.
    for (const l of log) expect(l.msg.transactionId).toEqual(log[0]?.msg.transactionId);
    const e = only(events);
    expect(e.at).toBe(39500);
    expect(e.type === 'allocation-failed' && e.error).toBeInstanceOf(StunTimeoutError);
  });

  it('answers a retransmitted request once and counts the duplicate response', () => {
    const c = allocated();
    c.createPermission(PEER, 0);
    const req = only(drainRequests(c));
    c.handleTimeout(500);
    expect(only(drainRequests(c)).transactionId).toEqual(req.transactionId);
    c.handleInput(success(req), 600);
    c.handleInput(success(req), 610);
    expect(drainEvents(c).map((e) => e.type)).toEqual(['permission-created']);
    expect(c.stats.unexpected).toBe(1);
  });

  it('sends once over TCP/TLS (reliable) and times out after Ti', () => {
    const c = client({ reliable: true });
    c.allocate(0);
    const { log, events } = runUntil(c, 0, 100 * S, () => undefined);
    expect(log.map((l) => l.t)).toEqual([0]);
    expect(only(events).at).toBe(39500);
  });

  it('drops a response with a bad MESSAGE-INTEGRITY over UDP and keeps retransmitting', () => {
    const c = allocated();
    c.createPermission(PEER, 0);
    const req = only(drainRequests(c));
    c.handleInput(
      respond(req, StunClass.SuccessResponse, () => {}, longTermKey(USER, REALM, 'other')),
      1,
    );
    c.handleInput(
      respond(req, StunClass.SuccessResponse, () => {}, null),
      2,
    );
    expect(drainEvents(c)).toEqual([]);
    expect(c.stats.integrityFailures).toBe(2);
    c.handleTimeout(500);
    expect(only(drainRequests(c)).transactionId).toEqual(req.transactionId);
    c.handleInput(success(req), 501);
    expect(only(drainEvents(c)).type).toBe('permission-created');
  });

  it('reports INTEGRITY instead of a timeout when every response was forged', () => {
    const c = allocated();
    const id = c.createPermission(PEER, 0);
    const req = only(drainRequests(c));
    c.handleInput(
      respond(req, StunClass.SuccessResponse, () => {}, null),
      1,
    );
    const { events } = runUntil(c, 1, 50 * S, () => undefined);
    const e = events.find((x) => x.type === 'error');
    expect(e).toMatchObject({ id, request: 'permission' });
    expect(e?.type === 'error' && e.error).toMatchObject({ name: 'TurnError', code: 'INTEGRITY' });
  });

  it('fails at once on a bad MESSAGE-INTEGRITY over TCP/TLS', () => {
    const c = client({ reliable: true });
    c.allocate(0);
    c.handleInput(challenge(only(drainRequests(c)), 'n'), 0);
    c.handleInput(allocateSuccess(only(drainRequests(c)), 600, null), 0);
    const e = only(drainEvents(c));
    expect(e.type === 'allocation-failed' && e.error).toMatchObject({ code: 'INTEGRITY' });
  });
});

describe('TurnClient: timers on the caller clock', () => {
  it('refreshes the allocation a margin before its lifetime runs out, and again after each refresh', () => {
    const c = allocated({ lifetime: 600 });
    expect(c.pollTimeout()).toBe(540 * S);
    const { log, events } = runUntil(c, 0, 1200 * S, happy);
    const refreshes = log.filter((l) => l.method === StunMethod.Refresh);
    expect(refreshes.map((l) => l.t)).toEqual([540 * S, 1080 * S]);
    for (const r of refreshes) {
      expect(r.msg.lifetime).toBe(600);
      expect(verifyMessageIntegrity(r.msg, KEY)).toBe(true);
    }
    expect(events.filter((e) => e.type === 'refreshed').map((e) => e.at)).toEqual([540 * S, 1080 * S]);
    expect(c.state).toBe('allocated');
  });

  it('refreshes short lifetimes at half their length', () => {
    const c = allocated({ lifetime: 60 }, 60);
    const { log } = runUntil(c, 0, 100 * S, happy);
    expect(log.filter((l) => l.method === StunMethod.Refresh).map((l) => l.t)).toEqual([
      30 * S,
      60 * S,
      90 * S,
    ]);
  });

  it('retries a Refresh that timed out, and closes with ALLOCATION_EXPIRED when none got through', () => {
    // A fixed RTO of 500 ms (the handshake on a virtual clock measured an RTT of 0).
    const c = allocated({ transactions: { minRto: 500 } }, 600);
    const { log, events } = runUntil(c, 0, 700 * S, () => undefined);
    const firstSends = log.filter(
      (l, i, all) => all.findIndex((x) => x.msg.transactionId.join() === l.msg.transactionId.join()) === i,
    );
    // First at 540 s, a second transaction after the first timed out (39.5 s later).
    expect(firstSends.map((l) => l.t).slice(0, 2)).toEqual([
      540 * S,
      540 * S + 39500 + (600 * S - 579500) / 2,
    ]);
    const closed = events.find((e) => e.type === 'closed');
    expect(closed?.at).toBe(600 * S);
    expect(closed?.type === 'closed' && closed.error).toMatchObject({ code: 'ALLOCATION_EXPIRED' });
    expect(c.state).toBe('closed');
    expect(c.pollTimeout()).toBeUndefined();
  });

  it('closes when a Refresh gets 437 Allocation Mismatch', () => {
    const c = allocated();
    const { events } = runUntil(c, 0, 600 * S, (req) =>
      req.method === StunMethod.Refresh ? errorResponse(req, 437) : undefined,
    );
    expect(events.map((e) => e.type)).toEqual(['error', 'closed']);
    const closed = events[1];
    expect(closed?.type === 'closed' && closed.error).toMatchObject({ code: 437 });
  });

  it('installs several permissions in one CreatePermission and refreshes them every 300 s minus the margin', () => {
    const c = allocated();
    const id = c.createPermission([PEER, PEER2], 10);
    const req = only(drainRequests(c));
    expect(req.method).toBe(StunMethod.CreatePermission);
    expect(req.xorPeerAddresses).toEqual([PEER, PEER2]);
    expect(verifyMessageIntegrity(req, KEY)).toBe(true);
    c.handleInput(success(req), 10);
    expect(drainEvents(c)).toEqual([{ type: 'permission-created', id, peers: [PEER, PEER2] }]);
    expect(c.hasPermission(PEER2, 10)).toBe(true);

    const { log, events } = runUntil(c, 10, 800 * S, happy);
    const perms = log.filter((l) => l.method === StunMethod.CreatePermission);
    expect(perms.map((l) => l.t)).toEqual([10 + 240 * S, 10 + 480 * S, 10 + 720 * S]);
    for (const p of perms) expect(p.msg.xorPeerAddresses).toEqual([PEER, PEER2]);
    // Refreshes by timer are silent; only the allocation's refreshes report.
    expect(events.every((e) => e.type === 'refreshed')).toBe(true);
    expect(c.hasPermission(PEER, 800 * S)).toBe(true);
  });

  it('stops refreshing a forgotten permission, which then lapses', () => {
    const c = allocated();
    c.createPermission(PEER, 0);
    c.handleInput(success(only(drainRequests(c))), 0);
    drainEvents(c);
    c.forgetPermission(PEER);
    const early = runUntil(c, 0, 299 * S, happy);
    expect(c.hasPermission(PEER, 299 * S)).toBe(true);
    const late = runUntil(c, 299 * S, 400 * S, happy);
    expect([...early.log, ...late.log].filter((l) => l.method === StunMethod.CreatePermission)).toEqual([]);
    expect(c.hasPermission(PEER, 400 * S)).toBe(false);
  });

  it('binds channel 0x4000, then refreshes the binding before 600 s and its permission before 300 s', () => {
    const c = allocated({ lifetime: 3600 }, 3600);
    const id = c.bindChannel(PEER, 0);
    const req = only(drainRequests(c));
    expect(req.method).toBe(StunMethod.ChannelBind);
    expect(req.channelNumber).toBe(0x4000);
    expect(req.xorPeerAddress).toEqual(PEER);
    expect(verifyMessageIntegrity(req, KEY)).toBe(true);
    c.handleInput(success(req), 0);
    expect(drainEvents(c)).toEqual([{ type: 'channel-bound', id, peer: PEER, channel: 0x4000 }]);
    expect(c.channelFor(PEER)).toBe(0x4000);

    const { log } = runUntil(c, 0, 1200 * S, happy);
    const binds = log.filter((l) => l.method === StunMethod.ChannelBind);
    expect(binds.map((l) => l.t)).toEqual([540 * S, 1080 * S]);
    for (const b of binds) {
      expect(b.msg.channelNumber).toBe(0x4000);
      expect(b.msg.xorPeerAddress).toEqual(PEER);
    }
    const perms = log.filter((l) => l.method === StunMethod.CreatePermission);
    // The ChannelBind at 540 s refreshed the permission too, which moves its next refresh.
    expect(perms.map((l) => l.t)).toEqual([240 * S, 480 * S, 780 * S, 1020 * S]);
  });

  it('gives a second peer the next channel and reports an already bound peer at once', () => {
    const c = allocated();
    c.bindChannel(PEER, 0);
    c.handleInput(success(only(drainRequests(c))), 0);
    c.bindChannel(PEER2, 0);
    const req = only(drainRequests(c));
    expect(req.channelNumber).toBe(0x4001);
    c.handleInput(success(req), 0);
    drainEvents(c);
    const again = c.bindChannel(PEER, 0);
    expect(drainRequests(c)).toEqual([]);
    expect(drainEvents(c)).toEqual([{ type: 'channel-bound', id: again, peer: PEER, channel: 0x4000 }]);
  });

  it('frees a refused channel number and reports the error', () => {
    const c = allocated();
    const id = c.bindChannel(PEER, 0);
    c.handleInput(errorResponse(only(drainRequests(c)), 400), 0);
    const e = only(drainEvents(c));
    expect(e).toMatchObject({ type: 'error', id, request: 'channel', peers: [PEER] });
    expect(c.channelFor(PEER)).toBeUndefined();
    c.bindChannel(PEER2, 0);
    expect(only(drainRequests(c)).channelNumber).toBe(0x4001); // numbers advance; 0x4000 is free again later
  });

  it('close() sends Refresh with LIFETIME 0 and ends in closed', () => {
    const c = allocated();
    c.createPermission(PEER, 0);
    c.handleInput(success(only(drainRequests(c))), 0);
    drainEvents(c);
    c.close(5 * S);
    const req = only(drainRequests(c));
    expect(req.method).toBe(StunMethod.Refresh);
    expect(req.lifetime).toBe(0);
    expect(verifyMessageIntegrity(req, KEY)).toBe(true);
    expect(c.state).toBe('closing');
    c.handleInput(success(req, 0), 5 * S);
    expect(drainEvents(c)).toEqual([{ type: 'closed', error: undefined }]);
    expect(c.state).toBe('closed');
    expect(c.pollTimeout()).toBeUndefined();
    expect(() => c.send(PEER, new Uint8Array(1), 5 * S)).toThrow(TurnError);
  });

  it('close() takes 437 as success (RFC 8656 §8.3) and fails pending commands with CLOSED', () => {
    const c = allocated();
    const id = c.createPermission(PEER, 0);
    drainRequests(c);
    c.close(0);
    const events = drainEvents(c);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error', id, error: { code: 'CLOSED' } });
    c.handleInput(errorResponse(only(drainRequests(c)), 437), 0);
    expect(drainEvents(c)).toEqual([{ type: 'closed', error: undefined }]);
  });

  it('close() before allocating closes at once', () => {
    const c = client();
    c.close(0);
    expect(drainEvents(c)).toEqual([{ type: 'closed', error: undefined }]);
    expect(drainSent(c)).toEqual([]);
  });
});

describe('TurnClient: data', () => {
  function dataIndication(peer: TransportAddress, data: Uint8Array): Uint8Array {
    const w = new StunWriter().reset(StunMethod.Data, StunClass.Indication);
    w.addXorAddress(AttributeType.XorPeerAddress, peer);
    w.add(AttributeType.Data, data);
    w.addFingerprint();
    return w.finishCopy();
  }

  it('sends a Send indication until a channel is bound, then ChannelData', () => {
    const c = allocated({ dontFragment: true });
    const payload = new Uint8Array([1, 2, 3, 4, 5]);
    c.send(PEER, payload, 0);
    const ind = decodeStunMessage(only(drainSent(c)));
    expect(ind.method).toBe(StunMethod.Send);
    expect(ind.messageClass).toBe(StunClass.Indication);
    expect(ind.xorPeerAddress).toEqual(PEER);
    expect(ind.data).toEqual(payload);
    expect(ind.dontFragment).toBe(true);
    expect(ind.integrityOffset).toBe(-1);

    c.bindChannel(PEER, 0);
    const bind = only(drainRequests(c));
    c.send(PEER, payload, 0); // binding still pending: still an indication (RFC 8656 §12.1)
    expect(decodeStunMessage(only(drainSent(c))).method).toBe(StunMethod.Send);
    c.handleInput(success(bind), 0);
    c.send(PEER, payload, 0);
    const cd = only(drainSent(c));
    expect(cd.length).toBe(9); // no padding over UDP
    expect(decodeChannelData(cd)).toEqual({ channel: 0x4000, data: payload });
    expect(c.stats).toMatchObject({ sendIndications: 2, channelDataSent: 1 });
  });

  it('pads ChannelData to 4 bytes over TCP/TLS (RFC 8656 §12.5)', () => {
    const c = allocated({ reliable: true });
    c.bindChannel(PEER, 0);
    c.handleInput(success(only(drainRequests(c))), 0);
    c.send(PEER, new Uint8Array([1, 2, 3, 4, 5]), 0);
    const cd = only(drainSent(c));
    expect(cd).toEqual(new Uint8Array([0x40, 0x00, 0x00, 0x05, 1, 2, 3, 4, 5, 0, 0, 0]));
  });

  it('delivers Data indications and ChannelData with the peer address', () => {
    const c = allocated();
    c.createPermission(PEER, 0);
    c.handleInput(success(only(drainRequests(c))), 0);
    c.bindChannel(PEER2, 0);
    c.handleInput(success(only(drainRequests(c))), 0);
    drainEvents(c);
    c.handleInput(dataIndication(PEER, new Uint8Array([7])), 1);
    c.handleInput(encodeChannelData(0x4000, new Uint8Array([8, 9])), 1);
    // Over UDP, ChannelData may arrive padded.
    c.handleInput(new Uint8Array([0x40, 0x00, 0x00, 0x01, 10, 0, 0, 0]), 1);
    expect(drainEvents(c)).toEqual([
      { type: 'data', peer: PEER, data: new Uint8Array([7]), via: 'indication' },
      { type: 'data', peer: PEER2, data: new Uint8Array([8, 9]), via: 'channel' },
      { type: 'data', peer: PEER2, data: new Uint8Array([10]), via: 'channel' },
    ]);
  });

  it('drops data from peers without a permission and on unknown channels (RFC 8656 §11.4, §12.6)', () => {
    const c = allocated();
    c.handleInput(dataIndication(PEER, new Uint8Array([1])), 0);
    c.handleInput(encodeChannelData(0x4abc, new Uint8Array([1])), 0);
    expect(drainEvents(c)).toEqual([]);
    expect(c.stats.unknownPeer).toBe(2);
  });

  it('reassembles STUN and ChannelData from a TCP/TLS stream cut at every byte', () => {
    const c = client({ reliable: true });
    c.allocate(0);
    const first = only(drainRequests(c));
    const ch = challenge(first, 'n');
    for (let i = 0; i < ch.length; i++) c.handleInput(ch.subarray(i, i + 1), 0);
    const second = only(drainRequests(c));
    c.handleInput(allocateSuccess(second), 0);
    drainEvents(c);
    c.bindChannel(PEER, 0);
    const bind = only(drainRequests(c));
    // The success, two ChannelData frames and a Data indication in one buffer, delivered in odd chunks.
    c.createPermission(PEER2, 0);
    const perm = only(drainRequests(c));
    const stream = concat(
      success(bind),
      encodeChannelData(0x4000, new Uint8Array([1, 2, 3]), true),
      encodeChannelData(0x4000, new Uint8Array(0), true),
      success(perm),
      dataIndication(PEER2, new Uint8Array([4, 5])),
    );
    for (let at = 0; at < stream.length; at += 7) c.handleInput(stream.slice(at, at + 7), 1);
    expect(drainEvents(c).map((e) => (e.type === 'data' ? [e.via, [...e.data]] : e.type))).toEqual([
      'channel-bound',
      ['channel', [1, 2, 3]],
      ['channel', []],
      'permission-created',
      ['indication', [4, 5]],
    ]);
    expect(c.stats.malformed).toBe(0);
  });

  it('closes with STREAM_CORRUPT when the stream loses its framing', () => {
    const c = allocated({ reliable: true });
    c.handleInput(new Uint8Array([0xff, 0, 0, 0]), 0);
    expect(drainEvents(c)).toEqual([
      { type: 'closed', error: expect.objectContaining({ code: 'STREAM_CORRUPT' }) },
    ]);
    expect(c.stats.malformed).toBe(1);
  });

  it('fails pending requests with CONNECTION_CLOSED when the transport goes', () => {
    const c = allocated({ reliable: true });
    const id = c.bindChannel(PEER, 0);
    c.transportClosed(0);
    const events = drainEvents(c);
    expect(events.map((e) => e.type)).toEqual(['error', 'closed']);
    expect(events[0]).toMatchObject({ id, error: { code: 'CONNECTION_CLOSED' } });
  });
});

describe('TurnClient: hostile input', () => {
  it('drops and counts malformed input without throwing', () => {
    const c = allocated();
    c.createPermission(PEER, 0);
    const req = only(drainRequests(c));
    const good = dataIndicationFor(PEER);
    const badFingerprint = good.slice();
    badFingerprint[badFingerprint.length - 1] = (good[good.length - 1] as number) ^ 1;
    const inputs = [
      new Uint8Array(0),
      new Uint8Array([0x80, 1, 2, 3]), // neither STUN nor ChannelData
      new Uint8Array(19), // shorter than a STUN header
      good.subarray(0, good.length - 4), // truncated
      badFingerprint,
      new Uint8Array([0x40, 0x00, 0x00, 0x10, 1]), // ChannelData longer than the datagram
      new Uint8Array([0x50, 0x00, 0x00, 0x00]), // channel number 0x5000 is reserved
      noDataIndication(), // a Data indication without DATA
      respond(req, StunClass.ErrorResponse, () => {}, KEY), // an error response without ERROR-CODE
    ];
    for (const bytes of inputs) expect(() => c.handleInput(bytes, 0)).not.toThrow();
    expect(c.stats.malformed).toBe(inputs.length);
    expect(drainEvents(c)).toEqual([]);
    // A response from somewhere other than the server is not the server's.
    c.handleInput(success(req), 0, { family: 'IPv4', address: '192.0.2.99', port: 3478 });
    expect(c.stats.unexpected).toBe(1);
    c.handleInput(success(req), 0, SERVER);
    expect(only(drainEvents(c)).type).toBe('permission-created');
  });

  it('never throws on random bytes, over UDP or a stream', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 8 }),
        fc.boolean(),
        (chunks, reliable) => {
          const c = allocated({ reliable });
          c.bindChannel(PEER, 0);
          for (const chunk of chunks) c.handleInput(chunk, 0);
          c.handleTimeout(1);
          drainEvents(c);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on mutated server messages', () => {
    const c0 = allocated();
    c0.createPermission(PEER, 0);
    const req = only(drainRequests(c0));
    const samples = [
      success(req),
      dataIndicationFor(PEER),
      encodeChannelData(0x4000, new Uint8Array([1, 2])),
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: samples.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (which, flips) => {
          const c = allocated();
          const bytes = (samples[which] as Uint8Array).slice();
          for (const [at, v] of flips) bytes[at % bytes.length] = v;
          c.handleInput(bytes, 0);
          drainEvents(c);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('caps the event queue: data beyond it is dropped and counted', () => {
    const c = allocated({ maxEvents: 2 });
    c.createPermission(PEER, 0);
    c.handleInput(success(only(drainRequests(c))), 0);
    drainEvents(c);
    for (let i = 0; i < 5; i++) c.handleInput(dataIndicationFor(PEER), 0);
    expect(drainEvents(c)).toHaveLength(2);
    expect(c.stats.eventsDropped).toBe(3);
  });

  function dataIndicationFor(peer: TransportAddress): Uint8Array {
    const w = new StunWriter().reset(StunMethod.Data, StunClass.Indication);
    w.addXorAddress(AttributeType.XorPeerAddress, peer);
    w.add(AttributeType.Data, new Uint8Array([1, 2, 3]));
    w.addFingerprint();
    return w.finishCopy();
  }

  function noDataIndication(): Uint8Array {
    const w = new StunWriter().reset(StunMethod.Data, StunClass.Indication);
    w.addXorAddress(AttributeType.XorPeerAddress, PEER);
    return w.finishCopy();
  }
});

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
