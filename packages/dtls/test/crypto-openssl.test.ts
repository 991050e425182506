/**
 * Cross-check of this package's byte formats and cryptography against OpenSSL over real UDP:
 * a *scripted*, linear DTLS 1.2 peer built only from the codecs, key schedule, record layer,
 * ECDHE, signatures and certificates of this package talks to `openssl s_server` (we are the
 * client) and `openssl s_client` (we are the server), with mutual authentication, use_srtp and
 * the extended master secret, for every cipher suite. Both sides export EXTRACTOR-dtls_srtp
 * keying material (RFC 5764 §4.2) and it must match what OpenSSL prints; application data
 * must arrive in both directions.
 *
 * This is not the handshake engine (no retransmission, no reordering tolerance beyond dropping
 * duplicates): that lives in src/handshake and has its own interop tests. Skipped without
 * openssl, failing under CI=true.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AlertLevel,
  type CipherSuiteInfo,
  ContentType,
  certificatePublicKey,
  cipherSuiteInfo,
  computeEcdheSharedSecret,
  computeExtendedMasterSecret,
  computeVerifyData12,
  constantTimeEqual,
  type DtlsCertificate,
  type DtlsRecord,
  decodeAlert,
  decodeCertificate,
  decodeCertificateRequest,
  decodeCertificateVerify,
  decodeClientHello,
  decodeClientKeyExchange,
  decodeFinished,
  decodeHelloVerifyRequest,
  decodeServerHello,
  decodeServerKeyExchange,
  deriveSrtpKeyingMaterial12,
  dtls12Protections,
  encodeAlert,
  encodeCertificate,
  encodeCertificateRequest,
  encodeCertificateVerify,
  encodeChangeCipherSpec,
  encodeClientHello,
  encodeClientKeyExchange,
  encodeFinished,
  encodeHandshakeMessage,
  encodeHelloVerifyRequest,
  encodeServerHello,
  encodeServerHelloDone,
  encodeServerKeyExchange,
  expandKeyBlock12,
  generateCertificate,
  generateEcdheKeyPair,
  HandshakeTranscript,
  HandshakeType,
  NamedGroup,
  ProtocolVersion,
  RecordLayer,
  type RecordProtection,
  randomBytes,
  SignatureScheme,
  SrtpProtectionProfile,
  serverKeyExchangeSignedData,
  signData,
  splitHandshakeFragments,
  srtpProfileInfo,
  verifySignature,
} from '../src/index.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const OPENSSL = hasOpenssl();
if (!OPENSSL && process.env['CI'] === 'true') throw new Error('openssl is required under CI');

const pem = (label: string, der: Uint8Array): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')}\n-----END ${label}-----\n`;

type Incoming =
  | { kind: 'handshake'; msgType: number; body: Uint8Array; raw: Uint8Array }
  | { kind: 'ccs' }
  | { kind: 'alert'; level: number; description: number }
  | { kind: 'data'; payload: Uint8Array };

/** One side of a scripted handshake over a UDP socket. */
class ScriptedPeer {
  readonly layer = new RecordLayer();
  readonly transcript = new HandshakeTranscript();
  private sendSeq = 0;
  private recvSeq = 0;
  private readonly partial = new Map<number, { msgType: number; body: Uint8Array; got: Set<number> }>();
  private readonly queue: Incoming[] = [];
  private waiter: (() => void) | undefined;
  /** Read protection to install when the peer's ChangeCipherSpec arrives. */
  pendingRead: RecordProtection | undefined;
  remote: { address: string; port: number } | undefined;

  constructor(readonly socket: Socket) {
    socket.on('message', (msg, rinfo) => {
      this.remote ??= { address: rinfo.address, port: rinfo.port };
      this.records.push(...this.layer.split(new Uint8Array(msg)));
      this.waiter?.();
    });
  }

  private readonly records: DtlsRecord[] = [];

  /**
   * Opens one received record. Records are opened only as the script asks for input, so that
   * the keys for epoch 1 (`pendingRead`) are in place by the time the record after the peer's
   * ChangeCipherSpec is opened, even when both came in one datagram.
   */
  private processRecord(record: DtlsRecord): void {
    const opened = this.layer.open(record);
    if (!opened.ok) return;
    if (opened.contentType === ContentType.change_cipher_spec) {
      if (this.pendingRead !== undefined && this.layer.readEpoch === 0) {
        this.layer.installReadEpoch(1, this.pendingRead);
      }
      this.push({ kind: 'ccs' });
    } else if (opened.contentType === ContentType.alert) {
      const alert = decodeAlert(opened.payload);
      this.push({ kind: 'alert', ...alert });
    } else if (opened.contentType === ContentType.application_data) {
      this.push({ kind: 'data', payload: opened.payload.slice() });
    } else if (opened.contentType === ContentType.handshake) {
      for (const f of splitHandshakeFragments(opened.payload)) {
        if (f.messageSeq < this.recvSeq) continue; // a retransmission
        let entry = this.partial.get(f.messageSeq);
        if (entry === undefined) {
          entry = { msgType: f.msgType, body: new Uint8Array(f.length), got: new Set() };
          this.partial.set(f.messageSeq, entry);
        }
        entry.body.set(f.fragment, f.fragmentOffset);
        for (let i = 0; i < f.fragmentLength; i++) entry.got.add(f.fragmentOffset + i);
        while (true) {
          const next = this.partial.get(this.recvSeq);
          if (next === undefined || next.got.size !== next.body.length) break;
          this.partial.delete(this.recvSeq);
          const raw = encodeHandshakeMessage(next.msgType, this.recvSeq, next.body);
          this.recvSeq++;
          this.push({ kind: 'handshake', msgType: next.msgType, body: next.body, raw });
        }
      }
    }
  }

  private push(item: Incoming): void {
    this.queue.push(item);
  }

  async next(timeoutMs = 5000): Promise<Incoming> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      const record = this.records.shift();
      if (record !== undefined) {
        this.processRecord(record);
        continue;
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for the peer');
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 50);
      });
    }
    return this.queue.shift()!;
  }

  /** The next handshake message, which must be of `msgType`; added to the transcript. */
  async expect(msgType: number): Promise<Uint8Array> {
    const item = await this.next();
    if (item.kind !== 'handshake' || item.msgType !== msgType) {
      throw new Error(`expected handshake ${msgType}, got ${JSON.stringify(item)}`);
    }
    this.transcript.addRaw(item.raw);
    return item.body;
  }

  async expectKind(kind: Incoming['kind']): Promise<Incoming> {
    const item = await this.next();
    if (item.kind !== kind) throw new Error(`expected ${kind}, got ${JSON.stringify(item)}`);
    return item;
  }

  /** A handshake message as a record of the current write epoch (added to the transcript unless told). */
  handshake(msgType: number, body: Uint8Array, inTranscript = true): Uint8Array {
    const message = encodeHandshakeMessage(msgType, this.sendSeq++, body);
    if (inTranscript) this.transcript.addRaw(message);
    return this.layer.seal(ContentType.handshake, message);
  }

  send(...records: Uint8Array[]): void {
    if (this.remote === undefined) throw new Error('no peer address yet');
    this.socket.send(Buffer.concat(records), this.remote.port, this.remote.address);
  }
}

interface Case {
  suite: number;
  group: number;
  cert: 'ecdsa' | 'rsa';
  srtp: number;
}

const CASES: Case[] = [
  {
    suite: 0xc02b,
    group: NamedGroup.x25519,
    cert: 'ecdsa',
    srtp: SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM,
  },
  {
    suite: 0xc02c,
    group: NamedGroup.secp256r1,
    cert: 'ecdsa',
    srtp: SrtpProtectionProfile.SRTP_AEAD_AES_256_GCM,
  },
  {
    suite: 0xcca9,
    group: NamedGroup.x25519,
    cert: 'ecdsa',
    srtp: SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
  },
  {
    suite: 0xc02f,
    group: NamedGroup.secp256r1,
    cert: 'rsa',
    srtp: SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32,
  },
];

const OPENSSL_CIPHER: Record<number, string> = {
  49195: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  49196: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  52393: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  49199: 'ECDHE-RSA-AES128-GCM-SHA256',
};
const OPENSSL_SRTP: Record<number, string> = {
  1: 'SRTP_AES128_CM_SHA1_80',
  2: 'SRTP_AES128_CM_SHA1_32',
  7: 'SRTP_AEAD_AES_128_GCM',
  8: 'SRTP_AEAD_AES_256_GCM',
};
const OPENSSL_GROUP: Record<number, string> = {
  [NamedGroup.x25519]: 'X25519',
  [NamedGroup.secp256r1]: 'P-256',
};
/**
 * The groups to offer with `group` first. secp256r1 must always be offered: in TLS 1.2,
 * supported_groups also limits the curve of the peer's ECDSA certificate (RFC 8422 §5.1), and
 * OpenSSL refuses a P-256 certificate when only X25519 was offered.
 */
const groupsFor = (group: number): number[] =>
  group === NamedGroup.secp256r1 ? [group] : [group, NamedGroup.secp256r1];
const opensslGroups = (group: number): string =>
  groupsFor(group)
    .map((g) => OPENSSL_GROUP[g])
    .join(':');

/** Spawns openssl and collects its stdout. */
function runOpenssl(args: string[]): {
  child: ChildProcess;
  output: () => string;
  waitFor: (re: RegExp) => Promise<RegExpExecArray>;
} {
  const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const waitFor = async (re: RegExp): Promise<RegExpExecArray> => {
    const deadline = Date.now() + 8000;
    while (Date.now() < deadline) {
      const m = re.exec(out);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`openssl never printed ${re}; output:\n${out}`);
  };
  return { child, output: () => out, waitFor };
}

async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function exporterHex(text: string): string {
  const m = /Keying material: ([0-9A-F]+)/i.exec(text);
  if (!m) throw new Error(`no keying material in openssl output:\n${text}`);
  return (m[1] as string).toLowerCase();
}

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe.skipIf(!OPENSSL)('byte formats and crypto against OpenSSL (scripted peer)', () => {
  let dir: string;
  const certs: Record<'ecdsa' | 'rsa', { ours: DtlsCertificate; theirs: DtlsCertificate }> = {} as never;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'purertc-dtls-'));
    for (const kind of ['ecdsa', 'rsa'] as const) {
      const keyType = kind === 'ecdsa' ? 'ecdsa-p256' : 'rsa-2048';
      const [ours, theirs] = await Promise.all([
        generateCertificate({ keyType }),
        generateCertificate({ keyType }),
      ]);
      certs[kind] = { ours, theirs };
      writeFileSync(join(dir, `${kind}-cert.pem`), pem('CERTIFICATE', theirs.der));
      writeFileSync(join(dir, `${kind}-key.pem`), pem('PRIVATE KEY', theirs.privateKey.pkcs8));
    }
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    const info = cipherSuiteInfo(c.suite) as CipherSuiteInfo;
    const label = `${info.name}, ${OPENSSL_GROUP[c.group]}, ${c.cert} certificates, ${OPENSSL_SRTP[c.srtp]}`;
    const srtpLength =
      2 * (srtpProfileInfo(c.srtp)!.masterKeyLength + srtpProfileInfo(c.srtp)!.masterSaltLength);

    it(`we are the client: ${label}`, async () => {
      const port = await freePort();
      const server = runOpenssl([
        's_server',
        '-dtls1_2',
        '-accept',
        `127.0.0.1:${port}`,
        '-naccept',
        '1',
        '-cert',
        join(dir, `${c.cert}-cert.pem`),
        '-key',
        join(dir, `${c.cert}-key.pem`),
        '-cipher',
        OPENSSL_CIPHER[c.suite] as string,
        '-groups',
        opensslGroups(c.group),
        '-use_srtp',
        OPENSSL_SRTP[c.srtp] as string,
        '-keymatexport',
        'EXTRACTOR-dtls_srtp',
        '-keymatexportlen',
        String(srtpLength),
        '-Verify',
        '1',
        '-no_ticket',
      ]);
      const socket = createSocket('udp4');
      await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
      try {
        await server.waitFor(/ACCEPT/);
        const peer = new ScriptedPeer(socket);
        peer.remote = { address: '127.0.0.1', port };
        const { ours } = certs[c.cert];
        const clientRandom = randomBytes(32);
        const hello = {
          clientVersion: ProtocolVersion.DTLS1_2,
          random: clientRandom,
          sessionId: new Uint8Array(0),
          cookie: new Uint8Array(0),
          cipherSuites: [c.suite],
          compressionMethods: [0],
          extensions: {
            extendedMasterSecret: true,
            renegotiationInfo: new Uint8Array(0),
            supportedGroups: groupsFor(c.group),
            ecPointFormats: [0],
            signatureAlgorithms: [0x0403, 0x0804, 0x0401],
            useSrtp: { profiles: [c.srtp], mki: new Uint8Array(0) },
          },
        };
        // Flight 1; a HelloVerifyRequest sends us round again with the cookie (RFC 6347 §4.2.1).
        peer.send(peer.handshake(HandshakeType.client_hello, encodeClientHello(hello), false));
        let first = await peer.next();
        if (first.kind === 'handshake' && first.msgType === HandshakeType.hello_verify_request) {
          const { cookie } = decodeHelloVerifyRequest(first.body);
          peer.send(peer.handshake(HandshakeType.client_hello, encodeClientHello({ ...hello, cookie })));
          first = await peer.next();
        } else {
          peer.transcript.addRaw(
            encodeHandshakeMessage(HandshakeType.client_hello, 0, encodeClientHello(hello)),
          );
        }
        if (first.kind !== 'handshake' || first.msgType !== HandshakeType.server_hello) {
          throw new Error(`no ServerHello: ${JSON.stringify(first)}`);
        }
        peer.transcript.addRaw(first.raw);
        const serverHello = decodeServerHello(first.body);
        expect(serverHello.cipherSuite).toBe(c.suite);
        expect(serverHello.extensions.extendedMasterSecret).toBe(true);
        expect(serverHello.extensions.useSrtp?.profiles).toEqual([c.srtp]);
        const serverCert = decodeCertificate(await peer.expect(HandshakeType.certificate)).certificates[0]!;
        const ske = decodeServerKeyExchange(await peer.expect(HandshakeType.server_key_exchange));
        expect(ske.namedGroup).toBe(c.group);
        const signed = serverKeyExchangeSignedData(
          clientRandom,
          serverHello.random,
          ske.namedGroup,
          ske.publicKey,
        );
        expect(
          verifySignature(certificatePublicKey(serverCert), ske.signatureScheme, signed, ske.signature),
        ).toBe(true);
        const request = decodeCertificateRequest(await peer.expect(HandshakeType.certificate_request));
        await peer.expect(HandshakeType.server_hello_done);

        // Flight 5: Certificate, ClientKeyExchange, CertificateVerify, ChangeCipherSpec, Finished.
        const ecdhe = generateEcdheKeyPair(c.group);
        const pms = computeEcdheSharedSecret(ecdhe, ske.publicKey);
        const flight = [
          peer.handshake(HandshakeType.certificate, encodeCertificate({ certificates: [ours.der] })),
          peer.handshake(
            HandshakeType.client_key_exchange,
            encodeClientKeyExchange({ publicKey: ecdhe.publicKey }),
          ),
        ];
        const masterSecret = computeExtendedMasterSecret(
          info.prfHash,
          pms,
          peer.transcript.hash(info.prfHash),
        );
        const scheme =
          c.cert === 'ecdsa' ? SignatureScheme.ecdsa_secp256r1_sha256 : SignatureScheme.rsa_pss_rsae_sha256;
        expect(request.signatureAlgorithms).toContain(scheme);
        const signature = signData(ours.privateKey, scheme, peer.transcript.bytes());
        flight.push(
          peer.handshake(
            HandshakeType.certificate_verify,
            encodeCertificateVerify({ signatureScheme: scheme, signature }),
          ),
        );
        flight.push(peer.layer.seal(ContentType.change_cipher_spec, encodeChangeCipherSpec()));
        const keys = expandKeyBlock12(info, masterSecret, clientRandom, serverHello.random);
        const { read, write } = dtls12Protections(info, keys, 'client');
        peer.layer.installWriteEpoch(1, write);
        peer.pendingRead = read;
        const clientVerify = computeVerifyData12(
          info.prfHash,
          masterSecret,
          'client',
          peer.transcript.hash(info.prfHash),
        );
        flight.push(peer.handshake(HandshakeType.finished, encodeFinished({ verifyData: clientVerify })));
        peer.send(...flight);

        // Flight 6: ChangeCipherSpec, Finished.
        await peer.expectKind('ccs');
        const expectedServerVerify = computeVerifyData12(
          info.prfHash,
          masterSecret,
          'server',
          peer.transcript.hash(info.prfHash),
        );
        const serverFinished = decodeFinished(await peer.expect(HandshakeType.finished));
        expect(constantTimeEqual(serverFinished.verifyData, expectedServerVerify)).toBe(true);

        // Application data both ways, then the exporter.
        peer.send(
          peer.layer.seal(ContentType.application_data, new TextEncoder().encode('hello from purertc\n')),
        );
        await server.waitFor(/hello from purertc/);
        server.child.stdin?.write('hello from openssl\n');
        const data = (await peer.expectKind('data')) as { payload: Uint8Array };
        expect(new TextDecoder().decode(data.payload)).toBe('hello from openssl\n');
        const srtp = deriveSrtpKeyingMaterial12(
          info.prfHash,
          masterSecret,
          clientRandom,
          serverHello.random,
          c.srtp,
        );
        const ourMaterial = toHex(
          Buffer.concat([
            srtp.clientMasterKey,
            srtp.serverMasterKey,
            srtp.clientMasterSalt,
            srtp.serverMasterSalt,
          ]),
        );
        expect(exporterHex(server.output())).toBe(ourMaterial);
        peer.send(
          peer.layer.seal(ContentType.alert, encodeAlert({ level: AlertLevel.warning, description: 0 })),
        );
        expect(peer.layer.stats.decryptFailed).toBe(0);
      } finally {
        server.child.kill();
        socket.close();
      }
    });

    it(`we are the server: ${label}`, async () => {
      const socket = createSocket('udp4');
      await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
      const { port } = socket.address();
      const client = runOpenssl([
        's_client',
        '-dtls1_2',
        '-connect',
        `127.0.0.1:${port}`,
        '-cert',
        join(dir, `${c.cert}-cert.pem`),
        '-key',
        join(dir, `${c.cert}-key.pem`),
        '-cipher',
        OPENSSL_CIPHER[c.suite] as string,
        '-groups',
        opensslGroups(c.group),
        '-use_srtp',
        OPENSSL_SRTP[c.srtp] as string,
        '-keymatexport',
        'EXTRACTOR-dtls_srtp',
        '-keymatexportlen',
        String(srtpLength),
        '-no_ticket',
      ]);
      try {
        const peer = new ScriptedPeer(socket);
        const { ours } = certs[c.cert];
        // ClientHello without cookie -> HelloVerifyRequest (not in the transcript) -> ClientHello with cookie.
        const first = await peer.next();
        if (first.kind !== 'handshake' || first.msgType !== HandshakeType.client_hello)
          throw new Error('no ClientHello');
        const cookie = randomBytes(20);
        peer.send(
          peer.handshake(
            HandshakeType.hello_verify_request,
            encodeHelloVerifyRequest({ serverVersion: ProtocolVersion.DTLS1_0, cookie }),
            false,
          ),
        );
        const hello = decodeClientHello(await peer.expect(HandshakeType.client_hello));
        expect(toHex(hello.cookie)).toBe(toHex(cookie));
        expect(hello.cipherSuites).toContain(c.suite);
        expect(hello.extensions.extendedMasterSecret).toBe(true);
        expect(hello.extensions.useSrtp?.profiles).toContain(c.srtp);
        expect(hello.extensions.supportedGroups).toContain(c.group);

        const serverRandom = randomBytes(32);
        const ecdhe = generateEcdheKeyPair(c.group);
        const scheme =
          c.cert === 'ecdsa' ? SignatureScheme.ecdsa_secp256r1_sha256 : SignatureScheme.rsa_pkcs1_sha256;
        const skeSignature = signData(
          ours.privateKey,
          scheme,
          serverKeyExchangeSignedData(hello.random, serverRandom, c.group, ecdhe.publicKey),
        );
        peer.send(
          peer.handshake(
            HandshakeType.server_hello,
            encodeServerHello({
              serverVersion: ProtocolVersion.DTLS1_2,
              random: serverRandom,
              sessionId: new Uint8Array(0),
              cipherSuite: c.suite,
              compressionMethod: 0,
              extensions: {
                extendedMasterSecret: true,
                renegotiationInfo: new Uint8Array(0),
                ecPointFormats: [0],
                useSrtp: { profiles: [c.srtp], mki: new Uint8Array(0) },
              },
            }),
          ),
          peer.handshake(HandshakeType.certificate, encodeCertificate({ certificates: [ours.der] })),
          peer.handshake(
            HandshakeType.server_key_exchange,
            encodeServerKeyExchange({
              namedGroup: c.group,
              publicKey: ecdhe.publicKey,
              signatureScheme: scheme,
              signature: skeSignature,
            }),
          ),
          peer.handshake(
            HandshakeType.certificate_request,
            encodeCertificateRequest({
              certificateTypes: [64, 1],
              signatureAlgorithms: [0x0403, 0x0804, 0x0401],
              certificateAuthorities: [],
            }),
          ),
          peer.handshake(HandshakeType.server_hello_done, encodeServerHelloDone()),
        );

        const clientCert = decodeCertificate(await peer.expect(HandshakeType.certificate)).certificates[0]!;
        const cke = decodeClientKeyExchange(await peer.expect(HandshakeType.client_key_exchange));
        const pms = computeEcdheSharedSecret(ecdhe, cke.publicKey);
        const masterSecret = computeExtendedMasterSecret(
          info.prfHash,
          pms,
          peer.transcript.hash(info.prfHash),
        );
        const signedMessages = peer.transcript.bytes();
        const cv = decodeCertificateVerify(await peer.expect(HandshakeType.certificate_verify));
        expect(
          verifySignature(certificatePublicKey(clientCert), cv.signatureScheme, signedMessages, cv.signature),
        ).toBe(true);
        const keys = expandKeyBlock12(info, masterSecret, hello.random, serverRandom);
        const { read, write } = dtls12Protections(info, keys, 'server');
        peer.pendingRead = read;
        await peer.expectKind('ccs');
        const expectedClientVerify = computeVerifyData12(
          info.prfHash,
          masterSecret,
          'client',
          peer.transcript.hash(info.prfHash),
        );
        const finished = decodeFinished(await peer.expect(HandshakeType.finished));
        expect(toHex(finished.verifyData)).toBe(toHex(expectedClientVerify));
        const ccs = peer.layer.seal(ContentType.change_cipher_spec, encodeChangeCipherSpec());
        peer.layer.installWriteEpoch(1, write);
        const serverVerify = computeVerifyData12(
          info.prfHash,
          masterSecret,
          'server',
          peer.transcript.hash(info.prfHash),
        );
        peer.send(ccs, peer.handshake(HandshakeType.finished, encodeFinished({ verifyData: serverVerify })));

        await client.waitFor(/Keying material: [0-9A-F]+/i);
        const srtp = deriveSrtpKeyingMaterial12(
          info.prfHash,
          masterSecret,
          hello.random,
          serverRandom,
          c.srtp,
        );
        expect(exporterHex(client.output())).toBe(
          toHex(
            Buffer.concat([
              srtp.clientMasterKey,
              srtp.serverMasterKey,
              srtp.clientMasterSalt,
              srtp.serverMasterSalt,
            ]),
          ),
        );
        client.child.stdin?.write('ping from openssl\n');
        const data = (await peer.expectKind('data')) as { payload: Uint8Array };
        expect(new TextDecoder().decode(data.payload)).toBe('ping from openssl\n');
        peer.send(
          peer.layer.seal(ContentType.application_data, new TextEncoder().encode('pong from purertc\n')),
        );
        await client.waitFor(/pong from purertc/);
      } finally {
        client.child.kill();
        socket.close();
      }
    });
  }
});
