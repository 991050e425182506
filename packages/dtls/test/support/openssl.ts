/**
 * The OpenSSL command line as a DTLS 1.2 peer (real-peers.md): throwaway certificates made with
 * `openssl req` in a temp dir, `s_server` / `s_client` processes whose stdout we watch and whose
 * stdin we write. Every process started here is killed by `killAll()` (call it in afterEach) or
 * when the test process exits, also when a test fails.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateFingerprint } from '../../src/certificate/fingerprint.js';

export function opensslAvailable(): boolean {
  const r = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  return r.status === 0 && /OpenSSL 3\./.test(r.stdout);
}

export interface OpensslCert {
  readonly cert: string;
  readonly key: string;
  /** `sha-256 AB:CD:...` of the certificate. */
  readonly fingerprint: string;
}

export interface OpensslCerts {
  readonly dir: string;
  readonly ec: OpensslCert;
  readonly rsa: OpensslCert;
  remove(): void;
}

function derOfPem(path: string): Uint8Array {
  const pem = readFileSync(path, 'utf8');
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

function makeCert(dir: string, name: string, keyArgs: string[]): OpensslCert {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  const r = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      ...keyArgs,
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
  return { cert, key, fingerprint: certificateFingerprint(derOfPem(cert)) };
}

/** An EC P-256 and an RSA-2048 self-signed certificate in a fresh temp dir. */
export function makeOpensslCerts(): OpensslCerts {
  const dir = mkdtempSync(join(tmpdir(), 'purertc-dtls-openssl-'));
  return {
    dir,
    ec: makeCert(dir, 'ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']),
    rsa: makeCert(dir, 'rsa', ['-newkey', 'rsa:2048']),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A UDP port that was free a moment ago. */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcessWithoutNullStreams>();
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

/** Kills every openssl process still running. */
export function killAll(): void {
  for (const p of running) p.kill('SIGKILL');
  running.clear();
}

export class OpensslProcess {
  private output = '';
  private readonly waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    running.add(child);
    const onData = (chunk: Buffer): void => {
      this.output += chunk.toString('latin1');
      for (const w of [...this.waiters]) {
        const m = this.output.match(w.pattern);
        if (m !== null) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        running.delete(child);
        resolve(code);
      });
    });
  }

  /** Everything printed so far (stdout and stderr). */
  get text(): string {
    return this.output;
  }

  /** Resolves with the first match of `pattern` in the output; rejects after `ms`. */
  waitFor(pattern: RegExp, ms = 10_000): Promise<RegExpMatchArray> {
    const m = this.output.match(pattern);
    if (m !== null) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      const waiter = { pattern, resolve };
      this.waiters.push(waiter);
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`openssl: no ${pattern} within ${ms} ms; output:\n${this.output.slice(-3000)}`));
      }, ms);
      void this.exited.then(() => {
        // Give the last output a chance to match first.
        setTimeout(() => {
          if (this.waiters.includes(waiter)) {
            clearTimeout(timer);
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            reject(new Error(`openssl exited before ${pattern}; output:\n${this.output.slice(-3000)}`));
          }
        }, 50);
      });
      void timer;
    });
  }

  write(text: string): void {
    this.child.stdin.write(text);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

export interface PeerOptions {
  readonly port: number;
  readonly cert: OpensslCert;
  /** `-cipher` value, e.g. ECDHE-ECDSA-AES128-GCM-SHA256. */
  readonly cipher: string;
  /**
   * `-groups` value. Give both groups (`X25519:P-256`): OpenSSL also checks the curve of the
   * peer's ECDSA certificate against this list (RFC 8422 §5.1.1), and ours is on P-256.
   */
  readonly groups: string;
  /** Server: pick by our (the -groups) order rather than the client's. */
  readonly serverPreference?: boolean;
  /** `-use_srtp` value (default SRTP_AES128_CM_SHA1_80). */
  readonly srtp?: string;
}

const common = (o: PeerOptions): string[] => [
  '-dtls1_2',
  '-cert',
  o.cert.cert,
  '-key',
  o.cert.key,
  '-use_srtp',
  o.srtp ?? 'SRTP_AES128_CM_SHA1_80',
  '-keymatexport',
  'EXTRACTOR-dtls_srtp',
  '-keymatexportlen',
  '60',
  '-cipher',
  o.cipher,
  '-groups',
  o.groups,
  ...(o.serverPreference ? ['-serverpref'] : []),
];

/** `openssl s_server` on 127.0.0.1, requiring a client certificate (-Verify 1), one connection. */
export async function startServer(o: PeerOptions): Promise<OpensslProcess> {
  const p = new OpensslProcess(
    spawn('openssl', [
      's_server',
      ...common(o),
      '-accept',
      `127.0.0.1:${o.port}`,
      '-Verify',
      '1',
      '-naccept',
      '1',
    ]),
  );
  await p.waitFor(/ACCEPT/);
  return p;
}

/** `openssl s_client` connecting to 127.0.0.1. */
export function startClient(o: PeerOptions): OpensslProcess {
  return new OpensslProcess(spawn('openssl', ['s_client', ...common(o), '-connect', `127.0.0.1:${o.port}`]));
}

/** The hex of "Keying material: ..." as bytes. */
export function keyingMaterial(p: OpensslProcess): Promise<Uint8Array> {
  return p.waitFor(/Keying material: ([0-9A-F]+)/).then((m) => new Uint8Array(Buffer.from(m[1]!, 'hex')));
}
