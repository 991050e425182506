// Test fixture: a real coturn `turnserver` on 127.0.0.1, started and stopped by the test itself
// (docs/real-peers.md). Linux CI is the target; the fixture only needs the `turnserver` and
// `openssl` binaries. With `netns`, it runs inside a Linux network namespace the test built
// (`ip netns exec`, root only) on an address of that namespace, and is probed from inside it.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as dgram from 'node:dgram';
import { accessSync, constants, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface Coturn {
  /** The listening address: 127.0.0.1 unless `listeningIp` said otherwise. */
  host: string;
  /** STUN/TURN over UDP. */
  udpPort: number;
  /** STUN/TURN over TCP; coturn serves UDP and TCP on the same listening port. */
  tcpPort: number;
  /** STUN/TURN over TLS (self-signed certificate for CN=localhost / IP 127.0.0.1). */
  tlsPort: number;
  username: string;
  password: string;
  realm: string;
  stop(): Promise<void>;
}

export interface StartCoturnOptions {
  username?: string;
  password?: string;
  realm?: string;
  /** Address to listen on (default 127.0.0.1). */
  listeningIp?: string;
  /** Address relayed transport addresses are allocated on (default: `listeningIp`). */
  relayIp?: string;
  /**
   * Run turnserver inside this existing network namespace (`ip netns exec NAME`; needs root and
   * iproute2). Readiness is then probed by a short Node process inside the namespace, and the
   * ports default to 3478 (UDP/TCP) and 5349 (TLS): the namespace is the test's own, so nothing
   * else holds them.
   */
  netns?: string;
  /** Fixed UDP/TCP listening port (default: a free one, or 3478 inside `netns`). */
  listeningPort?: number;
  /** Fixed TLS listening port (default: a free one, or 5349 inside `netns`). */
  tlsListeningPort?: number;
  /** More turnserver flags, e.g. `--denied-peer-ip=...` for peers the topology cannot route to. */
  extraArgs?: readonly string[];
}

/** Where a server listens and, for a server inside a network namespace, which one. */
interface Target {
  extraArgs: readonly string[];
  host: string;
  relayIp: string;
  netns: string | undefined;
  listeningPort: number | undefined;
  tlsListeningPort: number | undefined;
}

const HOST = '127.0.0.1';
/** Also the marker `.ci/run` may look for on a leftover turnserver's command line. */
const TMP_PREFIX = 'purertc-coturn-';
const START_ATTEMPTS = 5;
const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3_000;
const LOG_TAIL_CHARS = 8_000;
const NETNS_LISTENING_PORT = 3478;
const NETNS_TLS_PORT = 5349;

/** The turnserver binary, or undefined when coturn is not installed. */
function findTurnserver(): string | undefined {
  const dirs = (process.env['PATH'] ?? '').split(path.delimiter).filter((d) => d !== '');
  // /usr/sbin is not always on a non-root PATH; the Debian package puts the binary in /usr/bin.
  for (const dir of [...dirs, '/usr/bin', '/usr/sbin', '/usr/local/bin']) {
    const candidate = path.join(dir, 'turnserver');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** True when a coturn `turnserver` binary is installed. */
export function turnserverAvailable(): boolean {
  return findTurnserver() !== undefined;
}

// Servers still running. If the test process ends without stop() they are killed synchronously:
// on 'exit', and on SIGTERM, which is how vitest ends a fork worker (SIGKILL 500 ms later, which
// nothing can catch; `.ci/run` reaps what survives that).
type Server = { child: ChildProcess; dir: string };
const live = new Set<Server>();

function killLive(): void {
  for (const server of live) {
    server.child.kill('SIGKILL');
    try {
      rmSync(server.dir, { recursive: true, force: true });
    } catch {
      // exiting anyway; a leftover temp dir is harmless
    }
  }
  live.clear();
}

function onSigterm(): void {
  killLive();
  // We were the only listener, so Node has gone back to the default action: die of SIGTERM as
  // the sender intended. Any other listener decides for itself.
  if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
}

/** The SIGTERM listener is installed only while servers run, to change nothing otherwise. */
function track(server: Server): void {
  live.add(server);
  process.off('exit', killLive).on('exit', killLive);
  process.off('SIGTERM', onSigterm).once('SIGTERM', onSigterm);
}

function untrack(server: Server): void {
  live.delete(server);
  if (live.size === 0) {
    process.off('exit', killLive);
    process.off('SIGTERM', onSigterm);
  }
}

/**
 * Starts a coturn TURN/STUN server on 127.0.0.1 (or `listeningIp`, optionally inside `netns`)
 * with long-term credentials and waits until it answers STUN over UDP and accepts TCP and TLS
 * connections.
 */
export async function startCoturn(opts: StartCoturnOptions = {}): Promise<Coturn> {
  const binary = findTurnserver();
  if (binary === undefined) {
    throw new Error('coturn is not installed: no turnserver binary (apt-get install -y coturn)');
  }
  const username = opts.username ?? 'purertc';
  const password = opts.password ?? 'purertc-secret';
  const realm = opts.realm ?? 'purertc.test';
  const host = opts.listeningIp ?? HOST;
  const target: Target = {
    extraArgs: opts.extraArgs ?? [],
    host,
    relayIp: opts.relayIp ?? host,
    netns: opts.netns,
    listeningPort: opts.listeningPort ?? (opts.netns !== undefined ? NETNS_LISTENING_PORT : undefined),
    tlsListeningPort: opts.tlsListeningPort ?? (opts.netns !== undefined ? NETNS_TLS_PORT : undefined),
  };

  const errors: string[] = [];
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const result = await startOnce(binary, username, password, realm, target);
    if (result.ok) return result.coturn;
    errors.push(`attempt ${attempt}: ${result.reason}`);
    if (!result.retryable) break;
  }
  throw new Error(`could not start coturn:\n${errors.join('\n')}`);
}

type Attempt = { ok: true; coturn: Coturn } | { ok: false; retryable: boolean; reason: string };

async function startOnce(
  binary: string,
  username: string,
  password: string,
  realm: string,
  target: Target,
): Promise<Attempt> {
  const dir = await mkdtemp(path.join(os.tmpdir(), TMP_PREFIX));
  let child: ChildProcess | undefined;
  let entry: Server | undefined;
  try {
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    await makeCertificate(cert, key, target.host);

    const fixed =
      target.listeningPort !== undefined && target.tlsListeningPort !== undefined
        ? { listeningPort: target.listeningPort, tlsPort: target.tlsListeningPort }
        : undefined;
    const picked = fixed ?? (await pickPorts(target.host));
    const listeningPort = target.listeningPort ?? picked.listeningPort;
    const tlsPort = target.tlsListeningPort ?? picked.tlsPort;
    // Relay ports come from a small window above Linux's default ephemeral range (32768-60999),
    // so they do not collide with the ports the kernel hands out for bind(0). Parallel servers may
    // draw overlapping windows; that is harmless because coturn binds UDP relay sockets without
    // SO_REUSEPORT and moves on to the next port in its range when one is taken.
    const minRelayPort = 61_000 + Math.floor(Math.random() * 4_300);
    const maxRelayPort = minRelayPort + 199;

    const args = [
      '-n', // no configuration file: everything below, nothing from /etc/turnserver.conf
      `--listening-ip=${target.host}`,
      `--relay-ip=${target.relayIp}`,
      `--listening-port=${listeningPort}`,
      `--tls-listening-port=${tlsPort}`,
      `--cert=${cert}`,
      `--pkey=${key}`,
      `--user=${username}:${password}`,
      `--realm=${realm}`,
      '--lt-cred-mech',
      '--fingerprint',
      // The tests' peers live on 127.0.0.1 too; coturn refuses loopback peers by default.
      '--allow-loopback-peers',
      '--no-multicast-peers',
      // Without these coturn also binds the CLI (5766) and DTLS, or port+1 for RFC 5780 when it
      // has two listening addresses: fixed or unreserved ports that parallel servers would share.
      '--no-cli',
      '--no-dtls',
      '--no-rfc5780',
      `--min-port=${minRelayPort}`,
      `--max-port=${maxRelayPort}`,
      // One relay thread is plenty for tests; the default is one per CPU.
      '--relay-threads=1',
      // The default user database is /var/lib/turn/turndb, shared with every other instance.
      `--db=${path.join(dir, 'turndb')}`,
      `--pidfile=${path.join(dir, 'purertc-coturn.pid')}`,
      '--log-file=stdout',
      '--simple-log',
      ...target.extraArgs,
    ];
    // `ip netns exec` execs the command in place, so the child is turnserver itself.
    child =
      target.netns === undefined
        ? spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn('ip', ['netns', 'exec', target.netns, binary, ...args], {
            stdio: ['ignore', 'pipe', 'pipe'],
          });
    const proc = child;
    const server: Server = { child: proc, dir };
    entry = server;
    track(server);

    let output = '';
    const onOutput = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-LOG_TAIL_CHARS * 4);
    };
    proc.stdout?.on('data', onOutput);
    proc.stderr?.on('data', onOutput);
    // A test that forgets stop() must not keep its process alive forever: the server and its
    // pipes do not hold the event loop, and the 'exit' hook kills the server when Node exits.
    proc.unref();
    for (const stream of [proc.stdout, proc.stderr]) (stream as unknown as net.Socket | null)?.unref();
    const tail = (): string => output.slice(-LOG_TAIL_CHARS);

    let exited: string | undefined;
    const exitPromise = new Promise<void>((resolve) => {
      proc.once('exit', (code, signal) => {
        exited = signal !== null ? `signal ${signal}` : `code ${code}`;
        untrack(server);
        resolve();
      });
      proc.once('error', (err) => {
        exited = `spawn error: ${err.message}`;
        untrack(server);
        resolve();
      });
    });

    const stop = async (): Promise<void> => {
      if (exited === undefined) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_GRACE_MS);
        await exitPromise;
        clearTimeout(timer);
      }
      untrack(server);
      await rm(dir, { recursive: true, force: true });
    };

    const ready = await waitReady(target, listeningPort, tlsPort, proc, () => exited, tail);
    if (!ready.ok) {
      await stop();
      return {
        ok: false,
        retryable: ready.retryable,
        reason: `${ready.reason}\n--- coturn output ---\n${tail()}`,
      };
    }

    const coturn: Coturn = {
      host: target.host,
      udpPort: listeningPort,
      tcpPort: listeningPort,
      tlsPort,
      username,
      password,
      realm,
      stop,
    };
    return { ok: true, coturn };
  } catch (err) {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (entry !== undefined) untrack(entry);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function makeCertificate(certFile: string, keyFile: string, host: string): Promise<void> {
  const san = host === HOST ? `IP:${HOST}` : `IP:${HOST},IP:${host}`;
  try {
    await execFileAsync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        `subjectAltName=DNS:localhost,${san}`,
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { timeout: 30_000 },
    );
  } catch (err) {
    throw new Error(`openssl could not make the throwaway TLS certificate: ${(err as Error).message}`);
  }
}

/**
 * Two ports the kernel considers free right now: one free for both UDP and TCP (coturn's plain
 * listening port), one free for TCP (TLS). They are released before coturn binds them, so a race
 * is possible; startOnce detects it and retries with new ports.
 */
async function pickPorts(host: string): Promise<{ listeningPort: number; tlsPort: number }> {
  for (let i = 0; i < 20; i++) {
    const udp = dgram.createSocket('udp4');
    try {
      const port = await new Promise<number>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(0, host, () => resolve(udp.address().port));
      });
      const tcp = await listenTcp(host, port);
      if (tcp === undefined) continue;
      const tlsServer = await listenTcp(host, 0);
      if (tlsServer === undefined) {
        await closeTcp(tcp);
        continue;
      }
      const address = tlsServer.address();
      const tlsPort = typeof address === 'object' && address !== null ? address.port : 0;
      await Promise.all([closeTcp(tcp), closeTcp(tlsServer)]);
      if (tlsPort === 0 || tlsPort === port) continue;
      return { listeningPort: port, tlsPort };
    } finally {
      udp.close();
    }
  }
  throw new Error(`could not find free ports on ${host} for coturn`);
}

function listenTcp(host: string, port: number): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host, exclusive: true }, () => resolve(server));
  });
}

function closeTcp(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

type Readiness = { ok: true } | { ok: false; retryable: boolean; reason: string };

async function waitReady(
  target: Target,
  listeningPort: number,
  tlsPort: number,
  child: ChildProcess,
  exited: () => string | undefined,
  tail: () => string,
): Promise<Readiness> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let udpOk = false;
  let tcpOk = false;
  let tlsOk = false;
  while (Date.now() < deadline) {
    const status = exited();
    if (status !== undefined)
      return { ok: false, retryable: false, reason: `turnserver exited early (${status})` };
    // coturn retries a bind that fails with EADDRINUSE forever instead of exiting.
    if (/Cannot bind/i.test(tail())) {
      return { ok: false, retryable: true, reason: `port ${listeningPort} or ${tlsPort} was taken` };
    }
    if (target.netns === undefined) {
      udpOk ||= await stunOverUdp(target.host, listeningPort, 200);
      tcpOk ||= await tcpConnects(target.host, listeningPort, 200);
      tlsOk ||= await tlsHandshakes(target.host, tlsPort, 500);
    } else {
      const round = await probeInNetns(target.netns, target.host, listeningPort, tlsPort);
      udpOk ||= round.udp;
      tcpOk ||= round.tcp;
      tlsOk ||= round.tls;
    }
    if (udpOk && tcpOk && tlsOk) {
      // coturn sets SO_REUSEPORT on its listeners, so a second coturn (a parallel test file)
      // that drew the same port binds it without any error and the kernel splits traffic between
      // the two. Only the socket table shows it (the child's own, for a server in a namespace).
      const procNet = target.netns === undefined ? '/proc/net' : `/proc/${child.pid}/net`;
      const foreign = await foreignListeners(child.pid, procNet, [
        { proto: 'udp', port: listeningPort },
        { proto: 'tcp', port: listeningPort },
        { proto: 'tcp', port: tlsPort },
      ]);
      if (foreign.length > 0) {
        return {
          ok: false,
          retryable: true,
          reason: `ports shared with another process: ${foreign.join(', ')}`,
        };
      }
      return { ok: true };
    }
    await sleep(50);
  }
  const missing = [
    udpOk ? '' : `STUN Binding over UDP ${listeningPort}`,
    tcpOk ? '' : `TCP ${listeningPort}`,
    tlsOk ? '' : `TLS ${tlsPort}`,
  ].filter((s) => s !== '');
  return {
    ok: false,
    retryable: false,
    reason: `coturn not ready after ${READY_TIMEOUT_MS} ms (no answer on: ${missing.join(', ')})`,
  };
}

/** A Binding request built by hand: the codec under test must not be needed to run its tests. */
function bindingRequest(): { request: Buffer; transactionId: Buffer } {
  const transactionId = randomBytes(12);
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0); // Binding request
  request.writeUInt16BE(0, 2); // no attributes
  request.writeUInt32BE(0x2112a442, 4); // magic cookie
  transactionId.copy(request, 8);
  return { request, transactionId };
}

function stunOverUdp(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const { request, transactionId } = bindingRequest();
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('error', () => finish(false));
    socket.on('message', (msg) => {
      if (msg.length >= 20 && msg.subarray(8, 20).equals(transactionId)) finish(true);
    });
    socket.send(request, port, host);
  });
}

function tcpConnects(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A full handshake rather than a TCP connect: it also proves coturn loaded the certificate. */
function tlsHandshakes(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host, port, servername: 'localhost', rejectUnauthorized: false });
    socket.setTimeout(timeoutMs);
    socket.once('secureConnect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Sockets bound to our ports that do not belong to the coturn child (Linux /proc; elsewhere the
 * check is skipped). A socket coturn closes between reading the table and reading its fds looks
 * foreign, so the check must fail three times in a row.
 */
async function foreignListeners(
  pid: number | undefined,
  procNet: string,
  wanted: { proto: 'udp' | 'tcp'; port: number }[],
): Promise<string[]> {
  if (pid === undefined || process.platform !== 'linux') return [];
  let foreign: string[] = [];
  for (let i = 0; i < 3; i++) {
    foreign = [];
    const sockets = wanted.flatMap((w) =>
      socketsOnPort(procNet, w.proto, w.port).map((inode) => ({ ...w, inode })),
    );
    const own = socketInodes(pid);
    if (own === undefined) return []; // /proc not readable: cannot tell
    for (const s of sockets) {
      if (!own.has(s.inode)) foreign.push(`${s.proto}/${s.port}`);
    }
    if (foreign.length === 0) return [];
    await sleep(50);
  }
  return [...new Set(foreign)];
}

/** Inodes of UDP sockets, or listening TCP sockets, bound to `port` (IPv4 and IPv6 tables). */
function socketsOnPort(procNet: string, proto: 'udp' | 'tcp', port: number): string[] {
  const inodes: string[] = [];
  for (const table of [`${procNet}/${proto}`, `${procNet}/${proto}6`]) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      const state = fields[3];
      const inode = fields[9];
      if (local === undefined || state === undefined || inode === undefined) continue;
      const localPort = Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
      if (localPort !== port) continue;
      if (proto === 'tcp' && state !== '0A') continue; // only TCP_LISTEN
      inodes.push(inode);
    }
  }
  return inodes;
}

function socketInodes(pid: number): Set<string> | undefined {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match?.[1] !== undefined) inodes.add(match[1]);
      } catch {
        // fd closed while we looked
      }
    }
  } catch {
    return undefined;
  }
  return inodes;
}

/**
 * One round of the three readiness probes, run by a short Node process inside the namespace
 * (Node cannot enter a namespace itself). The same checks as stunOverUdp, tcpConnects and
 * tlsHandshakes, in plain JavaScript.
 */
const NETNS_PROBE = `
import { randomBytes } from 'node:crypto';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as tls from 'node:tls';
const [host, port, tlsPort] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
const udp = () => new Promise((resolve) => {
  const socket = dgram.createSocket('udp4');
  const id = randomBytes(12);
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0);
  request.writeUInt32BE(0x2112a442, 4);
  id.copy(request, 8);
  const finish = (ok) => { clearTimeout(timer); socket.close(); resolve(ok); };
  const timer = setTimeout(() => finish(false), 300);
  socket.on('error', () => finish(false));
  socket.on('message', (msg) => { if (msg.length >= 20 && msg.subarray(8, 20).equals(id)) finish(true); });
  socket.send(request, port, host);
});
const stream = (connect, event) => new Promise((resolve) => {
  const socket = connect();
  socket.setTimeout(500);
  socket.once(event, () => { socket.destroy(); resolve(true); });
  socket.once('timeout', () => { socket.destroy(); resolve(false); });
  socket.once('error', () => resolve(false));
});
const result = {
  udp: await udp(),
  tcp: await stream(() => net.connect({ host, port }), 'connect'),
  tls: await stream(() => tls.connect({ host, port: tlsPort, servername: 'localhost', rejectUnauthorized: false }), 'secureConnect'),
};
process.stdout.write(JSON.stringify(result));
`;

async function probeInNetns(
  netns: string,
  host: string,
  port: number,
  tlsPort: number,
): Promise<{ udp: boolean; tcp: boolean; tls: boolean }> {
  try {
    const { stdout } = await execFileAsync(
      'ip',
      [
        'netns',
        'exec',
        netns,
        process.execPath,
        '--input-type=module',
        '-e',
        NETNS_PROBE,
        host,
        `${port}`,
        `${tlsPort}`,
      ],
      { timeout: 5_000 },
    );
    const r = JSON.parse(stdout) as { udp?: unknown; tcp?: unknown; tls?: unknown };
    return { udp: r.udp === true, tcp: r.tcp === true, tls: r.tls === true };
  } catch {
    return { udp: false, tcp: false, tls: false };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
