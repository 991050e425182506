/**
 * DTLS 1.2: full handshakes in memory, and the record path every application datagram takes
 * (SCTP over DTLS carries each data channel message in one record). Ours (@purertc/dtls
 * `DtlsEndpoint`, sans-IO) against werift's `DtlsClient`/`DtlsServer`.
 *
 * Like with like where it can be:
 * - Both handshakes: ECDSA P-256 certificates on both sides, client certificate requested,
 *   extended_master_secret, use_srtp, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 over X25519
 *   (`check()` insists), one client and one server in one process, datagrams handed over in
 *   memory. Ours is synchronous (sans-IO: the loop shuttles datagrams); werift's is promise
 *   based, so its datagrams go through `setImmediate`, the cheapest hop that keeps its async
 *   handlers from re-entering. The work is NOT equal: werift verifies neither the
 *   ServerKeyExchange signature, nor the CertificateVerify, nor the peer's Finished, and does no
 *   HelloVerifyRequest cookie HMAC or fingerprint check; ours does all of them, with ECDSA and
 *   ECDH in @noble/curves (pure JS BigInt, design.md) where werift signs with node:crypto. The
 *   ceiling is the public-key work one handshake needs (2 ECDSA P-256 signs, 2 verifies,
 *   2 X25519 key pairs and shared secrets) done natively with node:crypto.
 * - The record path: a 1200-byte application_data record sealed by one connected endpoint and
 *   opened by the other (AES-128-GCM). Ours: `send` + `pollTransmit` + `handleInput` +
 *   `pollEvent` (replay window included); werift: `send` (its transport captures the datagram
 *   synchronously) + its datagram handler + `onData`. The ceiling is bare node:crypto AES-128-GCM.
 */
import {
  createCipheriv,
  createDecipheriv,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CipherSuite,
  type DtlsCertificate,
  DtlsEndpoint,
  generateCertificate,
  NamedGroup,
  SrtpProtectionProfile,
} from '@purertc/dtls';
import {
  CipherContext,
  DtlsClient,
  DtlsServer,
  HashAlgorithm,
  NamedCurveAlgorithm,
  SignatureAlgorithm,
} from 'werift';
import type { Suite } from '../harness.js';
import { packageVersion } from '../versions.js';

const RECORD_BYTES = 1200;
const payload = new Uint8Array(randomBytes(RECORD_BYTES));
/** Handshakes per scenario trial (one trial returns the mean ms per handshake). */
const HANDSHAKES_PER_TRIAL = 3;

// ---------------------------------------------------------------------------------------------
// Ours

const [clientCert, serverCert] = await Promise.all([generateCertificate(), generateCertificate()]);

function ourPair(client: DtlsCertificate, server: DtlsCertificate): [DtlsEndpoint, DtlsEndpoint] {
  const options = {
    cipherSuites: [CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256],
    namedGroups: [NamedGroup.x25519],
    srtpProfiles: [SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80],
  };
  const c = new DtlsEndpoint({
    role: 'client',
    certificate: client,
    remoteFingerprints: [server.fingerprint],
    ...options,
  });
  const s = new DtlsEndpoint({
    role: 'server',
    certificate: server,
    remoteFingerprints: [client.fingerprint],
    ...options,
  });
  return [c, s];
}

/** One full handshake, HelloVerifyRequest included, datagrams shuttled in memory. */
function ourHandshake(): [DtlsEndpoint, DtlsEndpoint] {
  const [c, s] = ourPair(clientCert, serverCert);
  c.start(0);
  for (let i = 0; i < 16 && (c.state !== 'connected' || s.state !== 'connected'); i++) {
    for (let d = c.pollTransmit(); d !== undefined; d = c.pollTransmit()) s.handleInput(d, 0);
    for (let d = s.pollTransmit(); d !== undefined; d = s.pollTransmit()) c.handleInput(d, 0);
  }
  if (c.state !== 'connected' || s.state !== 'connected') throw new Error('ours: handshake did not complete');
  return [c, s];
}

const [ourClient, ourServer] = ourHandshake();
for (let e = ourServer.pollEvent(); e !== undefined; e = ourServer.pollEvent());

function ourRoundTrip(): Uint8Array {
  ourClient.send(payload);
  ourServer.handleInput(ourClient.pollTransmit() as Uint8Array, 0);
  const e = ourServer.pollEvent();
  if (e?.type !== 'data') throw new Error('ours: no data event');
  return e.data;
}

function ourSeal(): Uint8Array {
  ourClient.send(payload);
  return ourClient.pollTransmit() as Uint8Array;
}

// ---------------------------------------------------------------------------------------------
// werift

const signatureHash = { hash: HashAlgorithm.sha256_4, signature: SignatureAlgorithm.ecdsa_3 };
const [weriftClientCert, weriftServerCert] = await Promise.all([
  CipherContext.createSelfSignedCertificateWithKey(signatureHash, NamedCurveAlgorithm.secp256r1_23),
  CipherContext.createSelfSignedCertificateWithKey(signatureHash, NamedCurveAlgorithm.secp256r1_23),
]);

/** An in-memory werift Transport: `send` hands the datagram to the peer (or to `capture`). */
class MemoryTransport {
  readonly type = 'udp';
  readonly address = { address: '127.0.0.1', port: 9, family: 'IPv4' };
  closed = false;
  peer: MemoryTransport | undefined;
  /** When set, sent datagrams land here instead of at the peer (the record benchmarks). */
  capture: ((data: Buffer) => void) | undefined;
  onData: (data: Buffer, addr?: unknown) => void = () => {};
  send = (data: Buffer): Promise<void> => {
    if (this.capture !== undefined) this.capture(data);
    else {
      const peer = this.peer;
      setImmediate(() => peer?.onData(data, ['127.0.0.1', 9]));
    }
    return Promise.resolve();
  };
  close = async (): Promise<void> => {
    this.closed = true;
  };
}

type WeriftOptions = ConstructorParameters<typeof DtlsClient>[0];

async function weriftHandshake(): Promise<[DtlsClient, DtlsServer, MemoryTransport, MemoryTransport]> {
  const ct = new MemoryTransport();
  const st = new MemoryTransport();
  ct.peer = st;
  st.peer = ct;
  const common = {
    signatureHash,
    certificateRequest: true,
    extendedMasterSecret: true,
    srtpProfiles: [SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80],
  };
  const server = new DtlsServer({
    transport: st,
    cert: weriftServerCert.certPem,
    key: weriftServerCert.keyPem,
    ...common,
  } as unknown as WeriftOptions);
  const client = new DtlsClient({
    transport: ct,
    cert: weriftClientCert.certPem,
    key: weriftClientCert.keyPem,
    ...common,
  } as unknown as WeriftOptions);
  const connected = Promise.all([
    new Promise<void>((resolve) => client.onConnect.subscribe(() => resolve())),
    new Promise<void>((resolve) => server.onConnect.subscribe(() => resolve())),
  ]);
  // connect() itself resolves only after werift's first retransmission wait (500 ms).
  client.connect().catch(() => {});
  await connected;
  return [client, server, ct, st];
}

/**
 * werift's flights wait 500 ms on a timer after each transmission before they look at the
 * outcome (its Flight.transmit), so a finished handshake leaves timers running for half a
 * second. The first trial of each variant is checked for leftovers: it waits them out.
 */
const WERIFT_FLIGHT_WAIT_MS = 600;

const [weriftClient, weriftServer, weriftClientTransport] = await weriftHandshake();
let weriftReceived: Buffer | undefined;
weriftServer.onData.subscribe((data: Buffer) => {
  weriftReceived = data;
});
let weriftSent: Buffer | undefined;
weriftClientTransport.capture = (data) => {
  weriftSent = data;
};
/** werift's datagram handler (TypeScript-private; what its transport calls for each datagram). */
const weriftServerInput = (weriftServer as unknown as { udpOnMessage: (data: Buffer) => void }).udpOnMessage;
const payloadBuffer = Buffer.from(payload);

function weriftRoundTrip(): Buffer {
  void weriftClient.send(payloadBuffer);
  weriftReceived = undefined;
  weriftServerInput(weriftSent as Buffer);
  if (weriftReceived === undefined) throw new Error('werift: no data');
  return weriftReceived;
}

function weriftSeal(): Buffer {
  void weriftClient.send(payloadBuffer);
  return weriftSent as Buffer;
}

// ---------------------------------------------------------------------------------------------
// Ceilings

const gcmKey = randomBytes(16);
const aad = randomBytes(13);
const nonce = randomBytes(12);
let sealed = Buffer.alloc(0);
let tag = Buffer.alloc(0);

function bareSeal(): Buffer {
  const c = createCipheriv('aes-128-gcm', gcmKey, nonce);
  c.setAAD(aad);
  sealed = Buffer.concat([c.update(payload), c.final()]);
  tag = c.getAuthTag();
  return sealed;
}

function bareRoundTrip(): Buffer {
  bareSeal();
  const d = createDecipheriv('aes-128-gcm', gcmKey, nonce);
  d.setAAD(aad);
  d.setAuthTag(tag);
  return Buffer.concat([d.update(sealed), d.final()]);
}

const ecdsaKeys = [
  generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  generateKeyPairSync('ec', { namedCurve: 'P-256' }),
];
const signedBytes = randomBytes(300);

/** The public-key work of one handshake, natively: 2 signs, 2 verifies, 2 X25519 exchanges. */
function bareHandshakeCrypto(): void {
  for (const { privateKey, publicKey } of ecdsaKeys) {
    const signature = sign('sha256', signedBytes, privateKey);
    if (!verify('sha256', signedBytes, publicKey, signature)) throw new Error('ceiling: verify failed');
  }
  const a = generateKeyPairSync('x25519');
  const b = generateKeyPairSync('x25519');
  const x = diffieHellman({ privateKey: a.privateKey as KeyObject, publicKey: b.publicKey as KeyObject });
  const y = diffieHellman({ privateKey: b.privateKey as KeyObject, publicKey: a.publicKey as KeyObject });
  if (!x.equals(y)) throw new Error('ceiling: X25519 mismatch');
}

// ---------------------------------------------------------------------------------------------

async function timePerHandshake(run: () => unknown | Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < HANDSHAKES_PER_TRIAL; i++) await run();
  return (performance.now() - start) / HANDSHAKES_PER_TRIAL;
}

let weriftTrials = 0;

function checkRecords(): void {
  const ours = ourRoundTrip();
  const theirs = weriftRoundTrip();
  if (Buffer.compare(ours, payload) !== 0 || Buffer.compare(theirs, payloadBuffer) !== 0) {
    throw new Error('a round trip changed the payload');
  }
  if (ourSeal().length !== weriftSeal().length) throw new Error('records of different sizes');
}

export const suite: Suite = {
  name: 'dtls',
  theirs: `werift ${packageVersion('werift')}`,
  ceiling: `bare node:crypto: AES-128-GCM (\`createCipheriv\`/\`createDecipheriv\`, 13-byte AAD) over the ${RECORD_BYTES}-byte payload for records; for the handshake, its public-key operations done natively (2 ECDSA P-256 sign + verify, 2 X25519 key pairs + shared secrets)`,
  cases: [
    {
      name: `seal ${RECORD_BYTES}-byte application data record`,
      note: 'AES-128-GCM, epoch 1; ours: `send` + `pollTransmit` (header, explicit nonce, tag, a fresh datagram); werift: `DtlsSocket.send` up to its transport (captured synchronously)',
      ours: ourSeal,
      theirs: weriftSeal,
      ceiling: bareSeal,
      check: checkRecords,
    },
    {
      name: `seal + open ${RECORD_BYTES}-byte application data record`,
      note: 'one record from a connected client to its server: ours `send`, `pollTransmit`, `handleInput` (split, replay window, AES-128-GCM open), `pollEvent`; werift `send`, its datagram handler (`udpOnMessage`), `onData`',
      ours: ourRoundTrip,
      theirs: weriftRoundTrip,
      ceiling: bareRoundTrip,
      check: checkRecords,
    },
  ],
  scenarios: [
    {
      name: 'full handshake in memory',
      unit: 'ms',
      better: 'lower',
      note: `mean ms per handshake over ${HANDSHAKES_PER_TRIAL} sequential handshakes (handshakes/s = 1000 / ms); ECDSA P-256 both sides, X25519, AES-128-GCM, client certificate, EMS, use_srtp. Ours: HelloVerifyRequest, every signature and Finished verified, fingerprints checked, noble ECDSA/ECDH. werift: HelloVerifyRequest, no signature or Finished verification, node:crypto signing, tweetnacl X25519; datagrams via setImmediate`,
      ours: () => timePerHandshake(ourHandshake),
      theirs: async () => {
        const ms = await timePerHandshake(weriftHandshake);
        if (weriftTrials++ === 0) await sleep(WERIFT_FLIGHT_WAIT_MS);
        return ms;
      },
      ceiling: () => timePerHandshake(bareHandshakeCrypto),
      check: async () => {
        const [c, s] = ourHandshake();
        const [wc, ws] = await weriftHandshake();
        const ours = c.parameters;
        if (
          ours?.cipherSuite.id !== CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 ||
          ours.namedGroup !== NamedGroup.x25519 ||
          s.parameters === undefined
        ) {
          throw new Error('ours: unexpected parameters');
        }
        const w = wc.cipher as unknown as { cipherSuite: number; namedCurve: number };
        const wsCipher = ws.cipher as unknown as { namedCurve: number };
        if (w.cipherSuite !== CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256) {
          throw new Error(`werift: cipher suite 0x${w.cipherSuite.toString(16)}`);
        }
        if (wsCipher.namedCurve !== NamedCurveAlgorithm.x25519_29) throw new Error('werift: not X25519');
        const km = (e: { exportKeyingMaterial(l: string, n: number): Uint8Array }) =>
          Buffer.from(e.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60)).toString('hex');
        if (km(c) !== km(s) || km(wc) !== km(ws)) throw new Error('keying material differs between the ends');
        await sleep(WERIFT_FLIGHT_WAIT_MS);
      },
    },
  ],
};
