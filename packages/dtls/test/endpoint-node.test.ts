/** The node:dgram adapters end to end on 127.0.0.1: our client against our server. */
import { describe, expect, it } from 'vitest';
import { connectDtls } from '../src/node/client.js';
import type { DtlsConnection } from '../src/node/connection.js';
import { listenDtls } from '../src/node/server.js';
import { sdpFingerprint, testCertificate } from './support/endpoints.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const nextData = (c: DtlsConnection): Promise<string> =>
  new Promise((resolve) => c.once('data', (d: Uint8Array) => resolve(new TextDecoder().decode(d))));

describe('node adapters', () => {
  it('connect, exchange data, close_notify ends both sides', async () => {
    const clientCert = await testCertificate('client');
    const serverCert = await testCertificate('server');
    const server = await listenDtls({
      certificate: serverCert,
      remoteFingerprints: [sdpFingerprint(clientCert)],
    });
    try {
      const accepted = new Promise<DtlsConnection>((resolve) => server.once('connection', resolve));
      const client = await connectDtls({
        host: '127.0.0.1',
        port: server.address.port,
        certificate: clientCert,
        remoteFingerprints: [sdpFingerprint(serverCert)],
      });
      const peer = await accepted;
      expect(Buffer.from(client.info!.keyingMaterial!)).toEqual(Buffer.from(peer.info!.keyingMaterial!));
      const atServer = nextData(peer);
      client.send(text('ping'));
      expect(await atServer).toBe('ping');
      const atClient = nextData(client);
      peer.send(text('pong'));
      expect(await atClient).toBe('pong');
      const closed = new Promise((resolve) => peer.once('close', resolve));
      client.close();
      expect(await closed).toBe('remote');
      expect(client.closed).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('rejects with FINGERPRINT_MISMATCH, and the server reports the handshake error', async () => {
    const server = await listenDtls({
      certificate: await testCertificate('server'),
      remoteFingerprints: [sdpFingerprint(await testCertificate('client'))],
    });
    try {
      const failed = new Promise<Error>((resolve) => server.once('handshakeError', resolve));
      await expect(
        connectDtls({
          host: '127.0.0.1',
          port: server.address.port,
          certificate: await testCertificate('client'),
          remoteFingerprints: [sdpFingerprint(await testCertificate('someone-else'))],
        }),
      ).rejects.toMatchObject({ code: 'FINGERPRINT_MISMATCH' });
      expect(await failed).toMatchObject({ code: 'ALERT_RECEIVED' });
    } finally {
      await server.close();
    }
  });
});
