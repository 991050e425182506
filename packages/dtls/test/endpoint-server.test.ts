/**
 * The stateless DtlsServer front (RFC 6347 §4.2.1): many clients on one "socket", endpoints
 * created only after a valid cookie, a ClientHello flood that allocates nothing, and a DTLS 1.3
 * ClientHello (as recent Chromium sends) answered with DTLS 1.2.
 */
import { describe, expect, it } from 'vitest';
import { AlertDescription, decodeAlert } from '../src/alert.js';
import {
  ContentType,
  ExtensionType,
  HandshakeType,
  NamedGroup,
  ProtocolVersion,
  SignatureScheme,
  SrtpProtectionProfile,
} from '../src/constants.js';
import { DtlsEndpoint } from '../src/endpoint/endpoint.js';
import { type ClientHello, encodeClientHello } from '../src/messages/client-hello.js';
import { splitHandshakeFragments, writeHandshakeFragment } from '../src/messages/handshake-header.js';
import { decodeHelloVerifyRequest } from '../src/messages/hello-verify-request.js';
import { decodeServerHello } from '../src/messages/server-hello.js';
import { writeRecordHeader } from '../src/record/header.js';
import { splitRecords } from '../src/record/split.js';
import { DtlsServer, type RemoteAddress } from '../src/server.js';
import { EndpointHost, sdpFingerprint, testCertificate } from './support/endpoints.js';
import { seededRandom, type VirtualHost, VirtualNetwork } from './support/virtual-network.js';

/** The DtlsServer as a host at one address; remotes are network addresses with port 0. */
class ServerHost implements VirtualHost {
  readonly events: { remote: string; type: string }[] = [];
  readonly received = new Map<string, Uint8Array[]>();
  constructor(readonly server: DtlsServer) {}
  receive(data: Uint8Array, from: string, now: number): void {
    this.server.handleInput(data, { address: from, port: 0 }, now);
    this.collect();
  }
  timeout(now: number): void {
    this.server.handleTimeout(now);
    this.collect();
  }
  nextTimeout(): number | undefined {
    return this.server.pollTimeout();
  }
  drain(send: (to: string, data: Uint8Array) => void): void {
    for (let t = this.server.pollTransmit(); t !== undefined; t = this.server.pollTransmit())
      send(t.remote.address, t.data);
  }
  private collect(): void {
    for (let e = this.server.pollEvent(); e !== undefined; e = this.server.pollEvent()) {
      this.events.push({ remote: e.remote.address, type: e.event.type });
      if (e.event.type === 'data') {
        const list = this.received.get(e.remote.address) ?? [];
        list.push(e.event.data);
        this.received.set(e.remote.address, list);
      }
    }
  }
}

const remote = (address: string): RemoteAddress => ({ address, port: 0 });

describe('DtlsServer', () => {
  it('serves several clients, each with its own fingerprint, and forgets closed ones', async () => {
    const net = new VirtualNetwork({ seed: 5, loss: 0.1, reorder: 0.2 });
    const serverCert = await testCertificate('server');
    const names = ['alice', 'bob', 'carol', 'dave'];
    const certs = new Map(await Promise.all(names.map(async (n) => [n, await testCertificate(n)] as const)));
    const server = new ServerHost(
      new DtlsServer({
        certificate: serverCert,
        fingerprintsFor: (r) => [certs.get(r.address)!.fingerprint],
        retransmit: { initial: 300, maxRetransmissions: 12 },
      }),
    );
    net.attach('server', server);
    const clients = names.map((n) => {
      const host = new EndpointHost(
        new DtlsEndpoint({
          role: 'client',
          certificate: certs.get(n)!,
          remoteFingerprints: [sdpFingerprint(serverCert)],
          retransmit: { initial: 300, maxRetransmissions: 12 },
        }),
        'server',
      );
      net.attach(n, host);
      return host;
    });
    expect(net.run(() => clients.every((c) => c.has('connected')), 600_000)).toBe(true);
    expect(server.server.size).toBe(4);
    expect(server.server.stats.accepted).toBe(4);
    // Application data is unreliable: check it on a clean network.
    net.setImpairments({});
    clients.forEach((c, i) => {
      c.endpoint.send(new TextEncoder().encode(`hi from ${names[i]}`));
    });
    net.run(() => names.every((n) => server.received.has(n)), 60_000);
    for (const n of names) expect(new TextDecoder().decode(server.received.get(n)![0])).toBe(`hi from ${n}`);
    server.server.send(remote('bob'), new TextEncoder().encode('only bob'), net.now);
    net.run(() => clients[1]!.received.length > 0, 60_000);
    expect(new TextDecoder().decode(clients[1]!.received[0])).toBe('only bob');

    clients[0]!.endpoint.close(net.now);
    net.run(() => server.events.some((e) => e.remote === 'alice' && e.type === 'closed'), 60_000);
    expect(server.server.size).toBe(3);
    expect(server.server.endpoint(remote('alice'))).toBeUndefined();
  });

  it('a flood of ClientHellos without valid cookies allocates no per-peer state', async () => {
    const serverCert = await testCertificate('server');
    const server = new DtlsServer({ certificate: serverCert });
    // A genuine ClientHello, replayed from 20 000 spoofed addresses, plus garbage cookies.
    const client = new DtlsEndpoint({ role: 'client', certificate: await testCertificate('client') });
    client.start(0);
    const hello = client.pollTransmit()!;
    const random = seededRandom(3);
    let answers = 0;
    for (let i = 0; i < 20_000; i++) {
      const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      let datagram = hello;
      if (i % 2 === 1) {
        // Same hello with a forged 32-byte cookie.
        datagram = withCookie(
          hello,
          Uint8Array.from({ length: 32 }, () => Math.floor(random() * 256)),
        );
      }
      server.handleInput(datagram, { address, port: 5000 }, i);
      while (server.pollTransmit() !== undefined) answers++;
    }
    expect(server.size).toBe(0);
    expect(server.pollTimeout()).toBeUndefined();
    expect(server.stats.accepted).toBe(0);
    expect(server.stats.helloVerifyRequests).toBe(20_000);
    expect(answers).toBe(20_000);
    expect(server.pollEvent()).toBeUndefined();
  });

  it('drops non-hello datagrams from unknown addresses without answering', async () => {
    const server = new DtlsServer({ certificate: await testCertificate('server') });
    const random = seededRandom(4);
    for (let i = 0; i < 2000; i++) {
      const d = Uint8Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * 256));
      if (i % 3 === 0 && d.length > 13) {
        d[0] = 22;
        d[1] = 0xfe;
        d[2] = 0xfd;
      }
      server.handleInput(d, { address: '10.0.0.1', port: i }, i);
    }
    expect(server.pollTransmit()).toBeUndefined();
    expect(server.size).toBe(0);
    expect(server.stats.dropped).toBe(2000);
  });
});

/** Rebuilds a one-record ClientHello datagram with `cookie` in place of its cookie. */
function withCookie(datagram: Uint8Array, cookie: Uint8Array): Uint8Array {
  const record = splitRecords(datagram).records[0]!;
  const [fragment] = splitHandshakeFragments(record.fragment);
  const body = fragment!.fragment;
  const sessionLength = body[34]!;
  const cookieAt = 35 + sessionLength;
  const oldCookie = body[cookieAt]!;
  const newBody = new Uint8Array(body.length - oldCookie + cookie.length);
  newBody.set(body.subarray(0, cookieAt));
  newBody[cookieAt] = cookie.length;
  newBody.set(cookie, cookieAt + 1);
  newBody.set(body.subarray(cookieAt + 1 + oldCookie), cookieAt + 1 + cookie.length);
  return helloDatagram(newBody, fragment!.messageSeq, record.sequenceNumber);
}

function helloDatagram(body: Uint8Array, messageSeq: number, recordSeq: number): Uint8Array {
  const out = new Uint8Array(13 + 12 + body.length);
  writeRecordHeader(out, 0, ContentType.handshake, ProtocolVersion.DTLS1_2, 0, recordSeq, 12 + body.length);
  writeHandshakeFragment(out, 13, HandshakeType.client_hello, messageSeq, body, 0, body.length);
  return out;
}

/**
 * A ClientHello shaped like a DTLS 1.3 client's (RFC 9147 §5.3, as Chrome sends by default):
 * legacy_version 1.2, supported_versions [1.3, 1.2], key_share, psk_key_exchange_modes,
 * TLS 1.3 cipher suites next to the 1.2 ones, a GREASE value.
 */
function dtls13Hello(cookie: Uint8Array, versions: number[]): ClientHello {
  const keyShare = new Uint8Array(2 + 4 + 32);
  keyShare.set([0, 36, 0, NamedGroup.x25519, 0, 32], 0);
  keyShare.fill(9, 6);
  return {
    clientVersion: ProtocolVersion.DTLS1_2,
    random: new Uint8Array(32).fill(1),
    sessionId: new Uint8Array(0),
    cookie,
    cipherSuites: [0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xcca9],
    compressionMethods: [0],
    extensions: {
      extendedMasterSecret: true,
      renegotiationInfo: new Uint8Array(0),
      supportedGroups: [0x0a0a, NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1],
      ecPointFormats: [0],
      signatureAlgorithms: [
        SignatureScheme.ecdsa_secp256r1_sha256,
        SignatureScheme.rsa_pss_rsae_sha256,
        SignatureScheme.rsa_pkcs1_sha256,
      ],
      useSrtp: {
        profiles: [
          SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM,
          SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
        ],
        mki: new Uint8Array(0),
      },
      supportedVersions: versions,
      other: [
        { type: 0x1a1a, data: new Uint8Array(0) },
        { type: ExtensionType.key_share, data: keyShare },
        { type: ExtensionType.psk_key_exchange_modes, data: Uint8Array.of(1, 1) },
      ],
    },
  };
}

describe('a DTLS 1.3 ClientHello', () => {
  async function answer(versions: number[]): Promise<Uint8Array[]> {
    const server = new DtlsEndpoint({ role: 'server', certificate: await testCertificate('server') });
    server.handleInput(helloDatagram(encodeClientHello(dtls13Hello(new Uint8Array(0), versions)), 0, 0), 0);
    const out: Uint8Array[] = [];
    for (let d = server.pollTransmit(); d !== undefined; d = server.pollTransmit()) out.push(d);
    const records = out.flatMap((d) => splitRecords(d).records);
    if (records[0]?.contentType !== ContentType.handshake) return out;
    // The HelloVerifyRequest: echo its cookie as a 1.2-capable client must (RFC 6347 §4.2.1).
    const [hvr] = splitHandshakeFragments(records[0].fragment);
    expect(hvr!.msgType).toBe(HandshakeType.hello_verify_request);
    const { cookie } = decodeHelloVerifyRequest(hvr!.fragment);
    server.handleInput(helloDatagram(encodeClientHello(dtls13Hello(cookie, versions)), 1, 1), 1);
    out.length = 0;
    for (let d = server.pollTransmit(); d !== undefined; d = server.pollTransmit()) out.push(d);
    return out;
  }

  it('offering 1.3 and 1.2 gets a plain DTLS 1.2 ServerHello', async () => {
    const flight = await answer([ProtocolVersion.DTLS1_3, ProtocolVersion.DTLS1_2]);
    const record = splitRecords(flight[0]!).records[0]!;
    const [first] = splitHandshakeFragments(record.fragment);
    expect(first!.msgType).toBe(HandshakeType.server_hello);
    expect(first!.messageSeq).toBe(1);
    const sh = decodeServerHello(first!.fragment);
    expect(sh.serverVersion).toBe(ProtocolVersion.DTLS1_2);
    // RFC 8446 §4.2.1: a 1.2 ServerHello carries no supported_versions.
    expect(sh.extensions.supportedVersions).toBeUndefined();
    expect(sh.extensions.other).toBeUndefined();
    expect(sh.cipherSuite).toBe(0xc02b);
    expect(sh.extensions.useSrtp?.profiles).toEqual([SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM]);
    expect(sh.extensions.extendedMasterSecret).toBe(true);
    // Not a 1.3 server: no downgrade sentinel (RFC 8446 §4.1.3) in the random.
    expect(Buffer.from(sh.random.subarray(24)).toString('latin1')).not.toMatch(/^DOWNGRD/);
  });

  it('offering only 1.3 gets a protocol_version alert', async () => {
    const out = await answer([ProtocolVersion.DTLS1_3]);
    const records = out.flatMap((d) => splitRecords(d).records);
    const alert = records.find((r) => r.contentType === ContentType.alert);
    expect(alert).toBeDefined();
    expect(decodeAlert(alert!.fragment)).toEqual({
      level: 2,
      description: AlertDescription.protocol_version,
    });
  });
});
