/** Test helpers: certificates (generated once per process), endpoints on a virtual network. */
import { type DtlsCertificate, generateCertificate } from '../../src/certificate/generate.js';
import { DtlsEndpoint } from '../../src/endpoint/endpoint.js';
import type { DtlsEvent } from '../../src/endpoint/events.js';
import type { DtlsEndpointOptions } from '../../src/endpoint/options.js';
import type { VirtualHost, VirtualNetwork } from './virtual-network.js';

const certificates = new Map<string, Promise<DtlsCertificate>>();

/** A certificate per name and key type, generated once per test process. */
export function testCertificate(
  name: string,
  keyType: 'ecdsa-p256' | 'rsa-2048' = 'ecdsa-p256',
): Promise<DtlsCertificate> {
  const key = `${name}/${keyType}`;
  let c = certificates.get(key);
  if (c === undefined) {
    c = generateCertificate({ keyType, commonName: name });
    certificates.set(key, c);
  }
  return c;
}

/** `{ algorithm, value }` as SDP's a=fingerprint carries it. */
export function sdpFingerprint(cert: DtlsCertificate): { algorithm: string; value: string } {
  const [algorithm, value] = cert.fingerprint.split(' ') as [string, string];
  return { algorithm, value };
}

/** An endpoint attached to the network at `address`, sending to `peer`; events are collected. */
export class EndpointHost implements VirtualHost {
  readonly events: DtlsEvent[] = [];
  readonly received: Uint8Array[] = [];

  constructor(
    readonly endpoint: DtlsEndpoint,
    readonly peer: string,
  ) {}

  receive(data: Uint8Array, _from: string, now: number): void {
    this.endpoint.handleInput(data, now);
    this.collect();
  }

  timeout(now: number): void {
    this.endpoint.handleTimeout(now);
    this.collect();
  }

  nextTimeout(): number | undefined {
    return this.endpoint.pollTimeout();
  }

  drain(send: (to: string, data: Uint8Array) => void): void {
    for (let d = this.endpoint.pollTransmit(); d !== undefined; d = this.endpoint.pollTransmit())
      send(this.peer, d);
  }

  private collect(): void {
    for (let e = this.endpoint.pollEvent(); e !== undefined; e = this.endpoint.pollEvent()) {
      this.events.push(e);
      if (e.type === 'data') this.received.push(e.data);
    }
  }

  has(type: DtlsEvent['type']): boolean {
    this.collect();
    return this.events.some((e) => e.type === type);
  }

  event<T extends DtlsEvent['type']>(type: T): Extract<DtlsEvent, { type: T }> | undefined {
    this.collect();
    return this.events.find((e) => e.type === type) as Extract<DtlsEvent, { type: T }> | undefined;
  }
}

export interface PairOptions {
  readonly client?: Partial<DtlsEndpointOptions>;
  readonly server?: Partial<DtlsEndpointOptions>;
  readonly clientCert?: DtlsCertificate;
  readonly serverCert?: DtlsCertificate;
}

/** A client at 'client' and a server at 'server' that expect each other's fingerprints. */
export async function connectPair(
  net: VirtualNetwork,
  options: PairOptions = {},
): Promise<{ client: EndpointHost; server: EndpointHost }> {
  const clientCert = options.clientCert ?? (await testCertificate('client'));
  const serverCert = options.serverCert ?? (await testCertificate('server'));
  const client = new EndpointHost(
    new DtlsEndpoint({
      role: 'client',
      certificate: clientCert,
      remoteFingerprints: [sdpFingerprint(serverCert)],
      ...options.client,
    }),
    'server',
  );
  const server = new EndpointHost(
    new DtlsEndpoint({
      role: 'server',
      certificate: serverCert,
      remoteFingerprints: [sdpFingerprint(clientCert)],
      remoteKey: 'client',
      ...options.server,
    }),
    'client',
  );
  net.attach('client', client);
  net.attach('server', server);
  return { client, server };
}
