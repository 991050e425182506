/**
 * The endpoint around the handshake: certificate fingerprints (RFC 8122 §5) checked at once or
 * when signalling delivers them late, close_notify both ways (RFC 5246 §7.2.1), the API's
 * typed errors, and early records held back until they can be read.
 */
import { describe, expect, it } from 'vitest';
import { AlertDescription, decodeAlert } from '../src/alert.js';
import { ContentType, HandshakeType } from '../src/constants.js';
import { DtlsEndpoint } from '../src/endpoint/endpoint.js';
import { DtlsHandshakeError } from '../src/handshake/errors.js';
import { writeHandshakeFragment } from '../src/messages/handshake-header.js';
import type { RecordLayer } from '../src/record/record-layer.js';
import { connectPair, type EndpointHost, sdpFingerprint, testCertificate } from './support/endpoints.js';
import { VirtualNetwork } from './support/virtual-network.js';

const bothConnected = (a: EndpointHost, b: EndpointHost) => () => a.has('connected') && b.has('connected');
const bothClosed = (a: EndpointHost, b: EndpointHost) => () => a.has('closed') && b.has('closed');
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('fingerprints', () => {
  it('client: a server certificate that does not match fails with FINGERPRINT_MISMATCH and bad_certificate', async () => {
    const net = new VirtualNetwork({ seed: 1 });
    const other = await testCertificate('someone-else');
    const { client, server } = await connectPair(net, {
      client: { remoteFingerprints: [sdpFingerprint(other)] },
    });
    net.run(bothClosed(client, server), 10_000);
    expect(client.event('error')!.error.code).toBe('FINGERPRINT_MISMATCH');
    const se = server.event('error')!.error;
    expect(se).toBeInstanceOf(DtlsHandshakeError);
    expect(se.code).toBe('ALERT_RECEIVED');
    expect((se as DtlsHandshakeError).peerAlert).toBe(AlertDescription.bad_certificate);
    expect(client.has('connected') || server.has('connected')).toBe(false);
  });

  it('server: a client certificate that does not match fails the same way', async () => {
    const net = new VirtualNetwork({ seed: 2 });
    const other = await testCertificate('someone-else');
    const { client, server } = await connectPair(net, {
      server: { remoteFingerprints: [other.fingerprint] },
    });
    net.run(bothClosed(client, server), 10_000);
    expect(server.event('error')!.error.code).toBe('FINGERPRINT_MISMATCH');
    expect((client.event('error')!.error as DtlsHandshakeError).peerAlert).toBe(
      AlertDescription.bad_certificate,
    );
  });

  it('accepts any of several fingerprints, in any hash the registry allows', async () => {
    const net = new VirtualNetwork({ seed: 3 });
    const serverCert = await testCertificate('server');
    const { createHash } = await import('node:crypto');
    const sha512 = createHash('sha512')
      .update(serverCert.der)
      .digest('hex')
      .toUpperCase()
      .match(/../g)!
      .join(':');
    const { client, server } = await connectPair(net, {
      client: {
        remoteFingerprints: [
          sdpFingerprint(await testCertificate('someone-else')),
          { algorithm: 'sha-512', value: sha512 },
        ],
      },
    });
    expect(net.run(bothConnected(client, server), 10_000)).toBe(true);
  });

  it("waits for late fingerprints before reporting 'connected'", async () => {
    const net = new VirtualNetwork({ seed: 4 });
    const { client, server } = await connectPair(net, { client: { remoteFingerprints: undefined } });
    net.run(() => server.has('connected'), 10_000);
    net.advance(1000);
    expect(client.has('connected')).toBe(false);
    expect(client.endpoint.state).toBe('handshaking');
    // Data the server sent meanwhile is held back, then delivered after 'connected'.
    server.endpoint.send(text('early'));
    net.advance(100);
    expect(client.received).toHaveLength(0);
    client.endpoint.setRemoteFingerprints([(await testCertificate('server')).fingerprint], net.now);
    expect(client.has('connected')).toBe(true);
    expect(client.events.map((e) => e.type)).toEqual(['connected', 'data']);
    expect(new TextDecoder().decode(client.received[0])).toBe('early');
  });

  it('late fingerprints that do not match fail the endpoint and alert the peer', async () => {
    const net = new VirtualNetwork({ seed: 5 });
    const { client, server } = await connectPair(net, { client: { remoteFingerprints: undefined } });
    net.run(() => server.has('connected'), 10_000);
    client.endpoint.setRemoteFingerprints([(await testCertificate('someone-else')).fingerprint], net.now);
    net.run(bothClosed(client, server), 10_000);
    expect(client.event('error')!.error.code).toBe('FINGERPRINT_MISMATCH');
    expect((server.event('error')!.error as DtlsHandshakeError).peerAlert).toBe(
      AlertDescription.bad_certificate,
    );
  });

  it('rejects a malformed fingerprint at construction', async () => {
    const certificate = await testCertificate('client');
    expect(
      () => new DtlsEndpoint({ role: 'client', certificate, remoteFingerprints: ['sha-256 XY'] }),
    ).toThrow(/BAD_FINGERPRINT/);
  });
});

describe('close_notify', () => {
  it.each(['client', 'server'] as const)(
    '%s closes: both sides report closed, the peer as remote',
    async (who) => {
      const net = new VirtualNetwork({ seed: 6 });
      const { client, server } = await connectPair(net);
      net.run(bothConnected(client, server), 10_000);
      const [closer, peer] = who === 'client' ? [client, server] : [server, client];
      closer.endpoint.close(net.now);
      net.run(bothClosed(client, server), 10_000);
      expect(closer.event('closed')).toEqual({ type: 'closed', reason: 'local' });
      expect(peer.event('closed')).toEqual({ type: 'closed', reason: 'remote' });
      expect(client.endpoint.state).toBe('closed');
      expect(server.endpoint.state).toBe('closed');
      expect(() => closer.endpoint.send(text('x'))).toThrow(DtlsHandshakeError);
    },
  );

  it('ignores an unprotected close_notify once connected (anyone could forge it)', async () => {
    const net = new VirtualNetwork({ seed: 7 });
    const { client, server } = await connectPair(net);
    net.run(bothConnected(client, server), 10_000);
    // Epoch 0, sequence 99: an alert record anyone on the path could write.
    const forged = Uint8Array.of(21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 99, 0, 2, 1, 0);
    client.endpoint.handleInput(forged, net.now);
    expect(client.endpoint.state).toBe('connected');
  });
});

describe('API states', () => {
  it('send before the handshake throws INVALID_STATE; exporter too', async () => {
    const client = new DtlsEndpoint({ role: 'client', certificate: await testCertificate('client') });
    expect(() => client.send(text('x'))).toThrow(/INVALID_STATE/);
    expect(() => client.exportKeyingMaterial('EXPERIMENTAL-x', 16)).toThrow(/INVALID_STATE/);
    expect(client.state).toBe('new');
    expect(client.pollTimeout()).toBe(0);
    client.handleTimeout(0);
    expect(client.state).toBe('handshaking');
    expect(client.pollTransmit()).toBeDefined();
  });

  it('rejects bad options', async () => {
    const certificate = await testCertificate('client');
    expect(() => new DtlsEndpoint({ role: 'client', certificate, mtu: 100 })).toThrow(RangeError);
    expect(() => new DtlsEndpoint({ role: 'client', certificate, cipherSuites: [0x1301] })).toThrow(
      RangeError,
    );
    expect(() => new DtlsEndpoint({ role: 'client', certificate, namedGroups: [0x18] })).toThrow(RangeError);
    expect(() => new DtlsEndpoint({ role: 'client', certificate, srtpProfiles: [0x99] })).toThrow(RangeError);
  });

  it('a record larger than 2^14 bytes is refused', async () => {
    const net = new VirtualNetwork({ seed: 8 });
    const { client, server } = await connectPair(net);
    net.run(bothConnected(client, server), 10_000);
    expect(() => client.endpoint.send(new Uint8Array(16385))).toThrow(RangeError);
  });
});

describe('early records', () => {
  it('holds back a Finished that overtakes the key exchange, and data that overtakes Finished', async () => {
    // Small datagrams, much reordering: epoch-1 records often arrive before their keys exist.
    let heldBack = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const net = new VirtualNetwork({ seed, reorder: 0.5, reorderDelay: 40 });
      const { client, server } = await connectPair(net, { client: { mtu: 300 }, server: { mtu: 300 } });
      expect(net.run(bothConnected(client, server), 60_000)).toBe(true);
      heldBack += client.endpoint.stats.recordsHeldBack + server.endpoint.stats.recordsHeldBack;
    }
    expect(heldBack).toBeGreaterThan(0);
  });
});

describe('renegotiation', () => {
  it('is refused with a no_renegotiation warning; the connection stays up', async () => {
    const net = new VirtualNetwork({ seed: 10 });
    const { client, server } = await connectPair(net);
    net.run(bothConnected(client, server), 10_000);
    // A ClientHello under the epoch-1 keys, message_seq 0: what a renegotiating client sends.
    const records = (client.endpoint as unknown as { records: RecordLayer }).records;
    const body = new Uint8Array(60);
    const fragment = new Uint8Array(12 + body.length);
    writeHandshakeFragment(fragment, 0, HandshakeType.client_hello, 0, body, 0, body.length);
    server.endpoint.handleInput(records.seal(ContentType.handshake, fragment), net.now);
    const answer = server.endpoint.pollTransmit()!;
    // The client's record layer reads the server's epoch-1 records.
    const [record] = records.split(answer);
    const opened = records.open(record!);
    expect(opened.ok && opened.contentType).toBe(ContentType.alert);
    expect(opened.ok && decodeAlert(opened.payload)).toEqual({
      level: 1,
      description: AlertDescription.no_renegotiation,
    });
    expect(server.endpoint.state).toBe('connected');
    client.endpoint.send(text('still here'));
    net.run(() => server.received.length > 0, 1000);
    expect(new TextDecoder().decode(server.received[0])).toBe('still here');
  });
});
