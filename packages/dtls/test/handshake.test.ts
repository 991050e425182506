/**
 * Our client against our server on the virtual network (RFC 6347 §4.2): every cipher suite and
 * group, with loss, reordering and duplication across many seeds; fragmentation at small MTUs;
 * the HelloVerifyRequest exchange; negotiation by our preferences.
 */
import { describe, expect, it } from 'vitest';
import { CipherSuite, cipherSuiteInfo } from '../src/cipher-suites.js';
import { NamedGroup, SrtpProtectionProfile } from '../src/constants.js';
import { DtlsEndpoint } from '../src/endpoint/endpoint.js';
import { connectPair, type EndpointHost, testCertificate } from './support/endpoints.js';
import { VirtualNetwork } from './support/virtual-network.js';

const bothConnected = (a: EndpointHost, b: EndpointHost) => () => a.has('connected') && b.has('connected');
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('hex');

const ECDSA_SUITES = [
  CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
  CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
  CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
];
const COMBINATIONS = [
  ...ECDSA_SUITES.map((suite) => ({ suite, rsa: false })),
  { suite: CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, rsa: true },
].flatMap(({ suite, rsa }) =>
  [NamedGroup.x25519, NamedGroup.secp256r1].map((group) => ({
    suite,
    rsa,
    group,
    name: `${cipherSuiteInfo(suite)!.name} over ${group === NamedGroup.x25519 ? 'X25519' : 'P-256'}`,
  })),
);

describe('handshake on a clean network', () => {
  it('connects, agrees on keys and SRTP profile, carries data both ways', async () => {
    const net = new VirtualNetwork({ seed: 1 });
    const { client, server } = await connectPair(net);
    expect(net.run(bothConnected(client, server), 10_000)).toBe(true);
    const c = client.event('connected')!;
    const s = server.event('connected')!;
    expect(c.cipherSuite.id).toBe(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
    expect(c.namedGroup).toBe(NamedGroup.x25519);
    expect(c.srtpProfile?.id).toBe(SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM);
    expect(s.srtpProfile?.id).toBe(c.srtpProfile?.id);
    expect(hex(c.keyingMaterial)).toBe(hex(s.keyingMaterial));
    expect(c.keyingMaterial?.length).toBe(56);
    expect(c.extendedMasterSecret).toBe(true);
    expect(hex(c.peerCertificate)).toBe(hex((await testCertificate('server')).der));
    expect(hex(s.peerCertificate)).toBe(hex((await testCertificate('client')).der));
    // The server answered the first ClientHello statelessly (RFC 6347 §4.2.1).
    expect(server.endpoint.stats.helloVerifyRequestsSent).toBe(1);
    expect(hex(client.endpoint.exportKeyingMaterial('EXPERIMENTAL-test', 32, text('ctx')))).toBe(
      hex(server.endpoint.exportKeyingMaterial('EXPERIMENTAL-test', 32, text('ctx'))),
    );

    client.endpoint.send(text('hello server'));
    server.endpoint.send(text('hello client'));
    const big = new Uint8Array(1100).fill(7);
    client.endpoint.send(big);
    net.run(() => client.received.length >= 1 && server.received.length >= 2, 1000);
    expect(new TextDecoder().decode(server.received[0])).toBe('hello server');
    expect(new TextDecoder().decode(client.received[0])).toBe('hello client');
    expect(hex(server.received[1])).toBe(hex(big));
    expect(client.endpoint.state).toBe('connected');
  });

  it.each(COMBINATIONS)('$name', async ({ suite, rsa, group }) => {
    const net = new VirtualNetwork({ seed: 7 });
    const serverCert = rsa ? await testCertificate('server', 'rsa-2048') : await testCertificate('server');
    const { client, server } = await connectPair(net, {
      serverCert,
      client: { cipherSuites: [suite], namedGroups: [group] },
    });
    expect(net.run(bothConnected(client, server), 10_000)).toBe(true);
    expect(client.event('connected')!.cipherSuite.id).toBe(suite);
    expect(server.event('connected')!.namedGroup).toBe(group);
    expect(hex(client.event('connected')!.keyingMaterial)).toBe(
      hex(server.event('connected')!.keyingMaterial),
    );
  });
});

describe('handshake on a bad network', () => {
  // 10-30 % loss, reordering and duplication; enough retransmissions that giving up is rarer
  // than one in a million runs (a 2-datagram round trip at 30 % loss succeeds 1 time in 4).
  const SEEDS = Array.from({ length: 12 }, (_, i) => i + 1);
  const cases = COMBINATIONS.flatMap((c) => SEEDS.map((seed) => ({ ...c, seed })));

  it('completes every suite/group combination for every seed', async () => {
    const failures: string[] = [];
    for (const { suite, rsa, group, seed } of cases) {
      const loss = 0.1 + 0.2 * ((seed % 3) / 2);
      const net = new VirtualNetwork({ seed, loss, duplicate: 0.1, reorder: 0.3, delay: 20, jitter: 30 });
      const serverCert = rsa ? await testCertificate('server', 'rsa-2048') : await testCertificate('server');
      const retransmit = { initial: 500, maxRetransmissions: 20 };
      const { client, server } = await connectPair(net, {
        serverCert,
        client: { cipherSuites: [suite], namedGroups: [group], retransmit },
        server: { retransmit },
      });
      const ok = net.run(bothConnected(client, server), 3_600_000);
      const c = client.event('connected');
      const s = server.event('connected');
      if (!ok || c === undefined || s === undefined || hex(c.keyingMaterial) !== hex(s.keyingMaterial)) {
        failures.push(
          `suite ${suite.toString(16)} group ${group} seed ${seed}: ${JSON.stringify([client.events, server.events].map((e) => e.map((x) => x.type)))}`,
        );
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('retransmits its last flight when the peer retransmits (lost final flight)', async () => {
    const net = new VirtualNetwork({ seed: 3 });
    const { client, server } = await connectPair(net);
    // Drop the server's first flight 6 (the datagram with its ChangeCipherSpec).
    let dropped = false;
    net.tap = (d) => {
      if (!dropped && d.from === 'server' && d.data.includes(20) && d.data[0] === 20) {
        dropped = true;
        return undefined;
      }
      return d.data;
    };
    expect(net.run(bothConnected(client, server), 10_000)).toBe(true);
    expect(dropped).toBe(true);
    expect(client.endpoint.stats.retransmissions).toBeGreaterThanOrEqual(1);
    expect(server.endpoint.stats.reactiveRetransmissions).toBeGreaterThanOrEqual(1);
  });
});

describe('fragmentation', () => {
  it.each([256, 400, 700])('handshakes with every datagram within an MTU of %i bytes', async (mtu) => {
    const net = new VirtualNetwork({ seed: mtu, mtu, reorder: 0.3, duplicate: 0.1 });
    const { client, server } = await connectPair(net, {
      serverCert: await testCertificate('server', 'rsa-2048'),
      client: { mtu },
      server: { mtu },
    });
    expect(net.run(bothConnected(client, server), 60_000)).toBe(true);
    expect(net.stats.tooBig).toBe(0);
  });
});

describe('negotiation', () => {
  it('the server picks by its own preference among what the client offers', async () => {
    const net = new VirtualNetwork({ seed: 2 });
    const { client, server } = await connectPair(net, {
      client: {
        srtpProfiles: [
          SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
          SrtpProtectionProfile.SRTP_AEAD_AES_256_GCM,
        ],
        namedGroups: [NamedGroup.x25519, NamedGroup.secp256r1],
      },
      server: {
        srtpProfiles: [
          SrtpProtectionProfile.SRTP_AEAD_AES_256_GCM,
          SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
        ],
        namedGroups: [NamedGroup.secp256r1, NamedGroup.x25519],
        cipherSuites: [CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256],
      },
    });
    expect(net.run(bothConnected(client, server), 10_000)).toBe(true);
    const c = client.event('connected')!;
    expect(c.srtpProfile?.name).toBe('SRTP_AEAD_AES_256_GCM');
    expect(c.keyingMaterial?.length).toBe(2 * (32 + 12));
    expect(c.namedGroup).toBe(NamedGroup.secp256r1);
    expect(c.cipherSuite.id).toBe(CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256);
  });

  it('connects without SRTP when no profile is shared', async () => {
    const net = new VirtualNetwork({ seed: 2 });
    const { client, server } = await connectPair(net, {
      client: { srtpProfiles: [SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32] },
      server: { srtpProfiles: [SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM] },
    });
    expect(net.run(bothConnected(client, server), 10_000)).toBe(true);
    expect(client.event('connected')!.srtpProfile).toBeUndefined();
    expect(client.event('connected')!.keyingMaterial).toBeUndefined();
  });

  it('fails both sides with handshake_failure when no cipher suite is shared', async () => {
    const net = new VirtualNetwork({ seed: 2 });
    const { client, server } = await connectPair(net, {
      client: { cipherSuites: [CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256] },
    });
    net.run(() => client.has('closed') && server.has('closed'), 10_000);
    const se = server.event('error')!.error;
    expect(se.code).toBe('HANDSHAKE_FAILURE');
    const ce = client.event('error')!.error;
    expect(ce.code).toBe('ALERT_RECEIVED');
    expect('peerAlert' in ce && ce.peerAlert).toBe(40);
    expect(client.endpoint.state).toBe('failed');
  });

  it('a server without a cookie exchange skips the HelloVerifyRequest', async () => {
    const net = new VirtualNetwork({ seed: 4 });
    const { client, server } = await connectPair(net, { server: { cookieExchange: false } });
    expect(net.run(bothConnected(client, server), 10_000)).toBe(true);
    expect(server.endpoint.stats.helloVerifyRequestsSent).toBe(0);
  });
});

describe('retransmission timer', () => {
  it('doubles from the initial timeout and gives up with HANDSHAKE_TIMEOUT', async () => {
    const client = new DtlsEndpoint({
      role: 'client',
      certificate: await testCertificate('client'),
      remoteFingerprints: [],
      retransmit: { initial: 100, max: 400, maxRetransmissions: 5 },
    });
    const sends: number[] = [];
    let now = 0;
    for (let i = 0; i < 20 && client.state !== 'failed'; i++) {
      client.handleTimeout(now);
      while (client.pollTransmit() !== undefined) sends.push(now);
      const next = client.pollTimeout();
      if (next === undefined) break;
      now = next;
    }
    // Sent at 0, then 100, 200, 400, 400, 400 ms later; given up 400 ms after the last.
    expect(sends).toEqual([0, 100, 300, 700, 1100, 1500]);
    expect(now).toBe(1900);
    const events = [client.pollEvent(), client.pollEvent()];
    expect(events[0]?.type).toBe('error');
    expect(events[0]?.type === 'error' && events[0].error.code).toBe('HANDSHAKE_TIMEOUT');
    expect(events[1]).toEqual({ type: 'closed', reason: 'error' });
  });
});
