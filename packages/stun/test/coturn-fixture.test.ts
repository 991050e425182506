// The coturn fixture itself: it starts a server that answers STUN over UDP, TCP and TLS, and
// stop() gives its ports back. STUN bytes are built and read by hand so that this test does not
// depend on the codec it exists to test.
import { randomBytes } from 'node:crypto';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Coturn, startCoturn, turnserverAvailable } from './support/coturn.js';

const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const MAGIC_COOKIE = 0x2112a442;

function bindingRequest(): { request: Buffer; transactionId: Buffer } {
  const transactionId = randomBytes(12);
  const request = Buffer.alloc(20);
  request.writeUInt16BE(BINDING_REQUEST, 0);
  request.writeUInt16BE(0, 2);
  request.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(request, 8);
  return { request, transactionId };
}

function expectBindingSuccess(response: Buffer, transactionId: Buffer): void {
  expect(response.length).toBeGreaterThanOrEqual(20);
  expect(response.readUInt16BE(0)).toBe(BINDING_SUCCESS);
  expect(response.readUInt16BE(2)).toBe(response.length - 20);
  expect(response.readUInt32BE(4)).toBe(MAGIC_COOKIE);
  expect(response.subarray(8, 20).equals(transactionId)).toBe(true);
}

function udpExchange(port: number, request: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no UDP response within 5 s'));
    }, 5_000);
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.close();
      reject(err);
    });
    socket.once('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve(msg);
    });
    socket.send(request, port, '127.0.0.1');
  });
}

/** Over a stream, a STUN message is framed by its own header: 20 bytes plus the length field. */
function streamExchange(socket: net.Socket, request: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no stream response within 5 s'));
    }, 5_000);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 20) return;
      const total = 20 + buffered.readUInt16BE(2);
      if (buffered.length < total) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(buffered.subarray(0, total));
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.write(request);
  });
}

function tcpExchange(port: number, request: Buffer): Promise<Buffer> {
  const socket = net.connect({ host: '127.0.0.1', port });
  return streamExchange(socket, request);
}

function tlsExchange(port: number, request: Buffer): Promise<Buffer> {
  // The fixture's certificate is self-signed and thrown away; trust is not what is tested here.
  const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false });
  return streamExchange(socket, request);
}

function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

function tcpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const ci = process.env['CI'] !== undefined && !['', '0', 'false'].includes(process.env['CI']);

if (!turnserverAvailable()) {
  if (ci) {
    // CI must never skip silently: a missing coturn is an install failure.
    it('coturn is installed (CI)', () => {
      expect.fail('turnserver not found; .ci/run installs the Debian package coturn');
    });
  } else {
    console.warn('coturn not installed: skipping the coturn fixture tests (apt-get install -y coturn)');
    it.skip('coturn fixture (turnserver not installed)', () => {});
  }
} else {
  describe('coturn fixture', () => {
    let coturn: Coturn | undefined;
    const server = (): Coturn => {
      if (coturn === undefined) throw new Error('coturn did not start');
      return coturn;
    };

    beforeAll(async () => {
      coturn = await startCoturn({ username: 'alice', password: 's3cret', realm: 'example.test' });
    });

    afterAll(async () => {
      await coturn?.stop();
    });

    it('reports 127.0.0.1, distinct ports and the credentials it was given', () => {
      const c = server();
      expect(c.host).toBe('127.0.0.1');
      expect(c.udpPort).toBe(c.tcpPort);
      expect(c.tlsPort).not.toBe(c.tcpPort);
      expect([c.username, c.password, c.realm]).toEqual(['alice', 's3cret', 'example.test']);
    });

    it('answers a Binding request over UDP', async () => {
      const { request, transactionId } = bindingRequest();
      expectBindingSuccess(await udpExchange(server().udpPort, request), transactionId);
    });

    it('answers a Binding request over TCP', async () => {
      const { request, transactionId } = bindingRequest();
      expectBindingSuccess(await tcpExchange(server().tcpPort, request), transactionId);
    });

    it('answers a Binding request over TLS', async () => {
      const { request, transactionId } = bindingRequest();
      expectBindingSuccess(await tlsExchange(server().tlsPort, request), transactionId);
    });

    it('releases its ports on stop()', async () => {
      const c = server();
      await c.stop();
      coturn = undefined;
      expect(await udpPortFree(c.udpPort)).toBe(true);
      expect(await tcpPortFree(c.tcpPort)).toBe(true);
      expect(await tcpPortFree(c.tlsPort)).toBe(true);
      await c.stop(); // idempotent
    });
  });
}
