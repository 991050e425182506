/** Binding client and server over real node:dgram sockets, IPv4 and IPv6. */
import { createSocket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  AttributeType,
  decodeStunMessage,
  ErrorCode,
  StunBindingServer,
  StunClass,
  StunErrorResponse,
  StunMethod,
  StunTimeoutError,
  StunWriter,
  shortTermKey,
  startStunServer,
  stunBinding,
  verifyFingerprint,
  verifyMessageIntegrity,
} from '../src/index.js';

const hasIPv6Loopback = Object.values(networkInterfaces()).some((list) =>
  (list ?? []).some((i) => i.family === 'IPv6' && i.address === '::1'),
);

describe('binding over real sockets', () => {
  it('IPv4: the server reports the client socket address', async () => {
    const server = await startStunServer({ software: 'purertc test' });
    try {
      const result = await stunBinding(server.address);
      // The client socket is bound to the wildcard address; the server sees loopback.
      expect(result.mapped).toEqual({ family: 'IPv4', address: '127.0.0.1', port: result.local.port });
      expect(result.software).toBe('purertc test');
      expect(server.core.stats.responses).toBe(1);
    } finally {
      await server.close();
    }
  });

  it.runIf(hasIPv6Loopback || process.env.CI)(
    'IPv6: the server reports the client socket address',
    async () => {
      const server = await startStunServer({ family: 'IPv6' });
      try {
        const result = await stunBinding(server.address);
        expect(result.mapped).toEqual({ family: 'IPv6', address: '::1', port: result.local.port });
      } finally {
        await server.close();
      }
    },
  );

  it('short-term credentials: signed request and response, wrong password is a typed 401', async () => {
    const server = await startStunServer({ passwordFor: (u) => (u === 'alice:bob' ? 'secret' : undefined) });
    try {
      const ok = await stunBinding(server.address, { username: 'alice:bob', password: 'secret' });
      expect(ok.mapped.port).toBe(ok.local.port);
      const err = await stunBinding(server.address, { username: 'alice:bob', password: 'nope' }).catch(
        (e) => e,
      );
      expect(err).toBeInstanceOf(StunErrorResponse);
      expect(err.code).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('times out with a typed error when nobody answers', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r));
    const port = silent.address().port;
    try {
      const err = await stunBinding(
        { family: 'IPv4', address: '127.0.0.1', port },
        { initialRto: 10, rc: 3, rm: 2 },
      ).catch((e) => e);
      expect(err).toBeInstanceOf(StunTimeoutError);
    } finally {
      silent.close();
    }
  });
});

describe('StunBindingServer core', () => {
  const from = { family: 'IPv4', address: '198.51.100.7', port: 40000 } as const;

  it('answers with XOR-MAPPED-ADDRESS and FINGERPRINT', () => {
    const core = new StunBindingServer();
    const req = new StunWriter().reset(StunMethod.Binding, StunClass.Request).addFingerprint().finishCopy();
    const res = decodeStunMessage(core.handle(req, from)!);
    expect(res.messageClass).toBe(StunClass.SuccessResponse);
    expect(res.transactionId).toEqual(req.subarray(8, 20));
    expect(res.xorMappedAddress).toEqual(from);
    expect(verifyFingerprint(res)).toBe(true);
  });

  it('rejects unknown comprehension-required attributes with 420 and lists them', () => {
    const core = new StunBindingServer();
    const req = new StunWriter()
      .reset(StunMethod.Binding, StunClass.Request)
      .add(0x7777, new Uint8Array([1, 2, 3]))
      .add(0xc001, new Uint8Array(4)) // comprehension-optional: ignored
      .finishCopy();
    const res = decodeStunMessage(core.handle(req, from)!);
    expect(res.messageClass).toBe(StunClass.ErrorResponse);
    expect(res.errorCode?.code).toBe(ErrorCode.UnknownAttribute);
    expect(res.unknownAttributes).toEqual([0x7777]);
  });

  it('with credentials: 400 without MESSAGE-INTEGRITY, 401 for a bad one, signed success otherwise', () => {
    const core = new StunBindingServer({ passwordFor: () => 'pw' });
    const bare = new StunWriter()
      .reset(StunMethod.Binding, StunClass.Request)
      .addText(AttributeType.Username, 'u')
      .finishCopy();
    expect(decodeStunMessage(core.handle(bare, from)!).errorCode?.code).toBe(400);
    const bad = new StunWriter()
      .reset(StunMethod.Binding, StunClass.Request)
      .addText(AttributeType.Username, 'u')
      .addMessageIntegrity(shortTermKey('other'))
      .finishCopy();
    expect(decodeStunMessage(core.handle(bad, from)!).errorCode?.code).toBe(401);
    const good = new StunWriter()
      .reset(StunMethod.Binding, StunClass.Request)
      .addText(AttributeType.Username, 'u')
      .addMessageIntegrity(shortTermKey('pw'))
      .finishCopy();
    const res = decodeStunMessage(core.handle(good, from)!);
    expect(res.messageClass).toBe(StunClass.SuccessResponse);
    expect(verifyMessageIntegrity(res, shortTermKey('pw'))).toBe(true);
  });

  it('drops garbage, bad fingerprints and non-requests, and counts the drops', () => {
    const core = new StunBindingServer();
    expect(core.handle(new Uint8Array([1, 2, 3]), from)).toBeUndefined();
    const req = new StunWriter().reset(StunMethod.Binding, StunClass.Request).addFingerprint().finishCopy();
    req[req.length - 1] = (req[req.length - 1] as number) ^ 1;
    expect(core.handle(req, from)).toBeUndefined();
    const ind = new StunWriter().reset(StunMethod.Binding, StunClass.Indication).finishCopy();
    expect(core.handle(ind, from)).toBeUndefined();
    expect(core.stats.dropped).toBe(2);
  });
});
