/**
 * Interop with the OpenSSL command line (DTLS 1.2 reference, real-peers.md): our client against
 * `openssl s_server`, `openssl s_client` against our server, for every cipher suite and both
 * ECDHE groups. Each handshake must agree on the suite, the group and the SRTP profile, the
 * DTLS-SRTP keying material we export must equal what OpenSSL prints, and application data must
 * flow both ways before close_notify ends it. Skips only when openssl is missing and CI is unset.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CipherSuite } from '../src/cipher-suites.js';
import { NamedGroup, SrtpProtectionProfile } from '../src/constants.js';
import { connectDtls } from '../src/node/client.js';
import type { DtlsConnection } from '../src/node/connection.js';
import { type DtlsUdpServer, listenDtls } from '../src/node/server.js';
import { testCertificate } from './support/endpoints.js';
import {
  freeUdpPort,
  keyingMaterial,
  killAll,
  makeOpensslCerts,
  type OpensslCerts,
  type OpensslProcess,
  opensslAvailable,
  startClient,
  startServer,
} from './support/openssl.js';

const available = opensslAvailable();
if (!available && process.env.CI) throw new Error('openssl 3 is required in CI');

const SUITES = [
  {
    openssl: 'ECDHE-ECDSA-AES128-GCM-SHA256',
    id: CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    key: 'ec',
  },
  {
    openssl: 'ECDHE-ECDSA-AES256-GCM-SHA384',
    id: CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    key: 'ec',
  },
  {
    openssl: 'ECDHE-ECDSA-CHACHA20-POLY1305',
    id: CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    key: 'ec',
  },
  {
    openssl: 'ECDHE-RSA-AES128-GCM-SHA256',
    id: CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    key: 'rsa',
  },
] as const;
// OpenSSL gets both groups, ours first: it also checks ECDSA certificate curves against this
// list (RFC 8422 §5.1.1) and our certificates are on P-256.
const GROUPS = [
  { name: 'X25519', openssl: 'X25519:P-256', id: NamedGroup.x25519 },
  { name: 'P-256', openssl: 'P-256:X25519', id: NamedGroup.secp256r1 },
] as const;
const CASES = SUITES.flatMap((suite) => GROUPS.map((group) => ({ suite, group })));

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const nextData = (c: DtlsConnection): Promise<string> =>
  new Promise((resolve) => c.once('data', (d: Uint8Array) => resolve(new TextDecoder().decode(d))));

/** The server's first connection, or the reason there was none. */
function accepted(server: DtlsUdpServer, client: OpensslProcess): Promise<DtlsConnection> {
  return new Promise((resolve, reject) => {
    server.once('connection', resolve);
    server.once('handshakeError', reject);
    void client.exited.then(() => reject(new Error(`s_client exited:\n${client.text.slice(-2000)}`)));
  });
}

describe.skipIf(!available)('OpenSSL interop', () => {
  let certs: OpensslCerts;
  beforeAll(() => {
    certs = makeOpensslCerts();
  });
  afterEach(() => killAll());
  afterAll(() => certs?.remove());

  describe('our client, openssl s_server', () => {
    it.each(CASES)('$suite.openssl over $group.name', async ({ suite, group }) => {
      const port = await freeUdpPort();
      const peer = certs[suite.key];
      // -serverpref: s_server picks the group by its -groups order, whatever our client prefers.
      const server = await startServer({
        port,
        cert: peer,
        cipher: suite.openssl,
        groups: group.openssl,
        serverPreference: true,
      });
      const ours = await testCertificate('client');
      const conn = await connectDtls({
        host: '127.0.0.1',
        port,
        certificate: ours,
        remoteFingerprints: [peer.fingerprint],
        srtpProfiles: [SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80],
        retransmit: { initial: 300 },
      });
      try {
        const info = conn.info!;
        expect(info.cipherSuite.id).toBe(suite.id);
        expect(info.namedGroup).toBe(group.id);
        expect(info.srtpProfile?.name).toBe('SRTP_AES128_CM_HMAC_SHA1_80');
        expect(info.extendedMasterSecret).toBe(true);
        expect(Buffer.from(info.keyingMaterial!).toString('hex')).toBe(
          Buffer.from(await keyingMaterial(server)).toString('hex'),
        );
        // s_server required and got our certificate.
        await server.waitFor(/Client certificate/);
        const fromServer = nextData(conn);
        server.write('pong-from-openssl\n');
        expect(await fromServer).toBe('pong-from-openssl\n');
        conn.send(text('ping-from-purertc\n'));
        await server.waitFor(/ping-from-purertc/);
      } finally {
        conn.close();
      }
      // Our close_notify ends s_server's session (it prints DONE and, with -naccept 1, exits).
      await server.waitFor(/DONE/);
      await server.exited;
    });
  });

  describe('openssl s_client, our server', () => {
    it.each(CASES)('$suite.openssl over $group.name', async ({ suite, group }) => {
      const ours =
        suite.key === 'rsa' ? await testCertificate('server', 'rsa-2048') : await testCertificate('server');
      const server = await listenDtls({
        host: '127.0.0.1',
        port: 0,
        certificate: ours,
        remoteFingerprints: [certs.ec.fingerprint],
        srtpProfiles: [SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80],
        // s_client offers both groups; ours decides.
        namedGroups: [group.id],
        retransmit: { initial: 300 },
      });
      try {
        const client = startClient({
          port: server.address.port,
          cert: certs.ec,
          cipher: suite.openssl,
          groups: 'X25519:P-256',
        });
        const conn = await accepted(server, client);
        const info = conn.info!;
        expect(info.cipherSuite.id).toBe(suite.id);
        expect(info.namedGroup).toBe(group.id);
        expect(info.srtpProfile?.name).toBe('SRTP_AES128_CM_HMAC_SHA1_80');
        expect(Buffer.from(info.keyingMaterial!).toString('hex')).toBe(
          Buffer.from(await keyingMaterial(client)).toString('hex'),
        );
        const fromClient = nextData(conn);
        client.write('ping-from-openssl\n');
        expect(await fromClient).toBe('ping-from-openssl\n');
        conn.send(text('pong-from-purertc\n'));
        await client.waitFor(/pong-from-purertc/);
        conn.close();
        // s_client reads our close_notify and exits.
        await client.exited;
      } finally {
        await server.close();
      }
    });

    it('verifies an RSA client certificate (CertificateVerify with RSA-PSS)', async () => {
      const server = await listenDtls({
        host: '127.0.0.1',
        certificate: await testCertificate('server'),
        remoteFingerprints: [certs.rsa.fingerprint],
        srtpProfiles: [SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80],
        retransmit: { initial: 300 },
      });
      try {
        const client = startClient({
          port: server.address.port,
          cert: certs.rsa,
          cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256',
          groups: 'X25519:P-256',
        });
        const conn = await accepted(server, client);
        expect(Buffer.from(conn.info!.keyingMaterial!).toString('hex')).toBe(
          Buffer.from(await keyingMaterial(client)).toString('hex'),
        );
        conn.close();
        await client.exited;
      } finally {
        await server.close();
      }
    });
  });
});
