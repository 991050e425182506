/**
 * Real NATs for tests, built from Linux network namespaces (docs/real-peers.md, "real NATs"):
 *
 * ```
 *   <prefix>-a  10.0.1.2 ── 10.0.1.1 <prefix>-natA 203.0.113.2 ──┐
 *                                                                 ├─ br0 <prefix>-pub 203.0.113.1
 *   <prefix>-b  10.0.2.2 ── 10.0.2.1 <prefix>-natB 203.0.113.3 ──┘        (and 203.0.113.11)
 * ```
 *
 * Everything lives in namespaces this module creates: veth pairs are created directly between
 * them (never in the root namespace), the addresses are TEST-NET-3 (RFC 5737) and RFC 1918, and
 * nothing routes to the machine's real network. Each NAT router masquerades what leaves its
 * public side (`iptables -t nat -A POSTROUTING -o wan -j MASQUERADE`):
 *
 * - 'endpoint-independent': plain MASQUERADE. Conntrack keeps the source port when it is free,
 *   so one socket gets one public port whatever the destination (EIM); filtering is address-
 *   and port-dependent (conntrack only lets in replies of a flow): a port-restricted cone.
 * - 'symmetric': MASQUERADE --random. Every new flow (new destination address or port) gets a
 *   randomized public port: address- and port-dependent mapping.
 *
 * Neither NAT lets anything unsolicited in (no DNAT; new inbound flows are dropped, to the
 * private side and to the router itself), and the public namespace has no route to the private
 * networks, so host candidates alone never connect.
 *
 * ```ts
 * const net = await createNatTopology({ natA: 'endpoint-independent', natB: 'symmetric' });
 * try {
 *   const stun = await net.startStunServer();            // in pub, on 203.0.113.1
 *   const turn = await net.startCoturn();                // in pub: 203.0.113.1:3478, relay on pub
 *   const a = await net.worker('a');                     // a generic worker (netns-worker.ts)
 *   const agent = net.spawnTs('b', scriptPath, ['--x']); // any TS child speaking child-io.ts
 *   await net.exec('natA', ['iptables', '-t', 'nat', '-S']);
 * } finally {
 *   await net.destroy();
 * }
 * ```
 *
 * Needs root, iproute2 and iptables; `netnsSupport()` says whether this machine has them.
 * (support/netns.ts is the mDNS tests' own, simpler namespace helper; the two name their
 * namespaces apart, `purertc-<pid>-<n>-<role>` here and `purertc-mdns-...` there.)
 */
import { type ChildProcess, execFile, execFileSync, type SpawnOptions, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type Coturn, type StartCoturnOptions, startCoturn } from '../../../stun/test/support/coturn.js';
import { JsonChild } from './json-child.js';
import { type Address, NetnsWorker } from './worker-client.js';

const execFileAsync = promisify(execFile);

export type NatBehavior = 'endpoint-independent' | 'symmetric';
export type NamespaceKey = 'pub' | 'natA' | 'natB' | 'a' | 'b';
export const NAMESPACE_KEYS: readonly NamespaceKey[] = ['pub', 'natA', 'natB', 'a', 'b'];

export interface NatTopologyOptions {
  /** The NAT in front of host a (default 'endpoint-independent'). */
  readonly natA?: NatBehavior;
  /** The NAT in front of host b (default 'endpoint-independent'). */
  readonly natB?: NatBehavior;
}

export interface NatAddresses {
  /** On the public network. */
  readonly public: string;
  /** The gateway of the private network. */
  readonly private: string;
}

export interface NatTopologyAddresses {
  /** The public namespace's main address (coturn, STUN servers). */
  readonly pub: string;
  /** A second address of the public namespace, for a second server IP. */
  readonly pub2: string;
  readonly natA: NatAddresses;
  readonly natB: NatAddresses;
  readonly a: string;
  readonly b: string;
}

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
}

export interface SpawnTsOptions {
  /** Default timeout of the child's `next()` and `call()`, ms (default 10 000). */
  readonly timeoutMs?: number;
  /** Names the child in error messages (default: script name and namespace). */
  readonly label?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export interface NatTopology {
  /** Unique per topology: `purertc-<pid>-<n>`. */
  readonly prefix: string;
  /** The names of the namespaces, for `ip netns exec` by hand. */
  readonly namespaces: Readonly<Record<NamespaceKey, string>>;
  readonly addresses: NatTopologyAddresses;
  readonly nat: { readonly natA: NatBehavior; readonly natB: NatBehavior };
  /** Runs a command to completion inside a namespace; rejects with its stderr when it fails. */
  exec(ns: NamespaceKey, argv: readonly string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;
  /** Starts a process inside a namespace (stdio piped by default); destroy() kills it. */
  spawn(ns: NamespaceKey, command: string, args?: readonly string[], opts?: SpawnOptions): ChildProcess;
  /**
   * Runs a TypeScript file with Node inside a namespace (tsx, `--conditions=@purertc/source`, so
   * workspace packages resolve to their sources) and talks JSON lines with it (child-io.ts).
   */
  spawnTs(ns: NamespaceKey, script: string, args?: readonly string[], opts?: SpawnTsOptions): JsonChild;
  /** The generic worker of a namespace (netns-worker.ts), started on first use and shared. */
  worker(ns: NamespaceKey): Promise<NetnsWorker>;
  /** Our STUN Binding server in pub (in pub's worker); default address pub, any free port. */
  startStunServer(opts?: { address?: string; port?: number }): Promise<Address>;
  /**
   * coturn in pub: listening on `addresses.pub` port 3478 (TLS 5349), relayed addresses on pub;
   * stopped by destroy().
   */
  startCoturn(opts?: Omit<StartCoturnOptions, 'netns'>): Promise<Coturn>;
  /**
   * Kills every process started here (and any other process inside the namespaces), deletes the
   * namespaces, and with them their veths and NAT rules. Idempotent; never throws.
   */
  destroy(): Promise<void>;
}

const NAME_BASE = 'purertc';
/** `purertc-<pid>-<counter>-<role>`: the pid tells whether a leftover's owner still runs. */
const NAME_PATTERN = /^purertc-(\d+)-(\d+)-[A-Za-z0-9]+$/;
const PUBLIC_PREFIX = '203.0.113';
const CMD_TIMEOUT_MS = 10_000;
const KILL_GRACE_MS = 2_000;

let counter = 0;

// --- availability -------------------------------------------------------------------------------

export type NetnsSupport = { ok: true } | { ok: false; reason: string };
let supportCache: Promise<NetnsSupport> | undefined;

function findBinary(name: string): string | undefined {
  const dirs = (process.env['PATH'] ?? '').split(path.delimiter).filter((d) => d !== '');
  for (const dir of [...dirs, '/usr/sbin', '/sbin', '/usr/bin', '/bin']) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/**
 * Whether this machine can build topologies: root, `ip` and `iptables` installed, and a
 * namespace with a veth pair and a MASQUERADE rule can actually be made (containers may forbid
 * it). The answer is cached; the first call also deletes stale namespaces of dead runs.
 */
export function netnsSupport(): Promise<NetnsSupport> {
  supportCache ??= checkSupport();
  return supportCache;
}

async function checkSupport(): Promise<NetnsSupport> {
  if (process.platform !== 'linux') {
    return { ok: false, reason: `network namespaces need Linux, not ${process.platform}` };
  }
  if (process.getuid?.() !== 0) return { ok: false, reason: 'network namespaces need root' };
  if (findBinary('ip') === undefined)
    return { ok: false, reason: 'no `ip` binary (apt-get install -y iproute2)' };
  if (findBinary('iptables') === undefined) {
    return { ok: false, reason: 'no `iptables` binary (apt-get install -y iptables)' };
  }
  // Once per process (this check is cached), before this process makes any namespace.
  await cleanStaleNamespaces();
  const probe = `${NAME_BASE}-${process.pid}-${counter++}-probe`;
  const peer = `${NAME_BASE}-${process.pid}-${counter++}-probe`;
  try {
    await run('ip', ['netns', 'add', probe]);
    await run('ip', ['netns', 'add', peer]);
    await run('ip', [
      'link',
      'add',
      'p0',
      'netns',
      probe,
      'type',
      'veth',
      'peer',
      'name',
      'p1',
      'netns',
      peer,
    ]);
    await run('ip', [
      'netns',
      'exec',
      probe,
      'iptables',
      '-t',
      'nat',
      '-A',
      'POSTROUTING',
      '-o',
      'p0',
      '-j',
      'MASQUERADE',
      '--random',
    ]);
    return { ok: true };
  } catch (err) {
    return {
      ok: false,
      reason: `cannot build a namespace with a veth and a NAT rule: ${(err as Error).message}`,
    };
  } finally {
    await deleteNamespaces([probe, peer]);
  }
}

// --- commands -----------------------------------------------------------------------------------

async function run(file: string, args: readonly string[], timeoutMs = CMD_TIMEOUT_MS): Promise<ExecResult> {
  try {
    const { stdout, stderr } = await execFileAsync(file, args, { timeout: timeoutMs, encoding: 'utf8' });
    return { stdout, stderr };
  } catch (err) {
    const e = err as Error & { stderr?: string; code?: unknown; signal?: unknown };
    const detail = (e.stderr ?? '').trim() || e.message;
    throw new Error(`\`${file} ${args.join(' ')}\` failed (${String(e.code ?? e.signal)}): ${detail}`);
  }
}

/** Our namespaces (by name pattern) that exist now. */
async function listOurNamespaces(): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'list']);
  // Lines look like "name (id: 3)" or just "name".
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => NAME_PATTERN.test(name));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Kills whatever still runs inside the namespaces, then deletes them. Never throws. */
async function deleteNamespaces(names: readonly string[]): Promise<void> {
  for (const name of names) {
    try {
      const { stdout } = await run('ip', ['netns', 'pids', name]);
      for (const pid of stdout.split(/\s+/).filter((p) => /^\d+$/.test(p))) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // gone already
        }
      }
    } catch {
      // no such namespace
    }
  }
  await Promise.all(names.map((name) => run('ip', ['netns', 'del', name]).catch(() => undefined)));
}

/**
 * Deletes namespaces of earlier runs that crashed: ours by name, whose creating process is
 * gone (after killing what still runs in them). Parallel test files are other, live pids and
 * keep theirs. Returns the names deleted.
 */
export async function cleanStaleNamespaces(): Promise<string[]> {
  const stale = (await listOurNamespaces().catch(() => [])).filter((name) => {
    const pid = Number(NAME_PATTERN.exec(name)?.[1]);
    return pid !== process.pid && !pidAlive(pid);
  });
  await deleteNamespaces(stale);
  return stale;
}

// --- exit hooks ---------------------------------------------------------------------------------

// Topologies still up. If the test process ends without destroy(), their processes are killed
// and their namespaces deleted synchronously: on 'exit', and on SIGTERM (how vitest ends a fork
// worker). The same pattern as the coturn fixture.
type LiveTopology = { names: string[]; children: Set<ChildProcess> };
const live = new Set<LiveTopology>();

function destroyLiveSync(): void {
  for (const topo of live) {
    for (const child of topo.children) child.kill('SIGKILL');
    for (const name of topo.names) {
      try {
        execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore', timeout: 5_000 });
      } catch {
        // exiting anyway; the next run's cleanStaleNamespaces() takes it
      }
    }
  }
  live.clear();
}

function onSigterm(): void {
  destroyLiveSync();
  if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
}

function track(topo: LiveTopology): void {
  live.add(topo);
  process.off('exit', destroyLiveSync).on('exit', destroyLiveSync);
  process.off('SIGTERM', onSigterm).once('SIGTERM', onSigterm);
}

function untrack(topo: LiveTopology): void {
  live.delete(topo);
  if (live.size === 0) {
    process.off('exit', destroyLiveSync);
    process.off('SIGTERM', onSigterm);
  }
}

// --- TypeScript children ------------------------------------------------------------------------

const here = path.dirname(fileURLToPath(import.meta.url));
/** The generic worker script. */
export const WORKER_SCRIPT = path.join(here, 'netns-worker.ts');

/** `--import` URL of the repository's tsx loader (what `node --import tsx` loads). */
function tsxLoader(): string {
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  } catch {
    return pathToFileURL(path.resolve(here, '../../../../node_modules/tsx/dist/loader.mjs')).href;
  }
}

/** Node arguments that run a TypeScript file against the workspace sources. */
export function nodeTsArgs(script: string, args: readonly string[] = []): string[] {
  return ['--conditions=@purertc/source', '--import', tsxLoader(), script, ...args];
}

// --- the topology -------------------------------------------------------------------------------

/** Builds the five namespaces, their links and NAT rules. Cleans up itself when a step fails. */
export async function createNatTopology(opts: NatTopologyOptions = {}): Promise<NatTopology> {
  const support = await netnsSupport();
  if (!support.ok) throw new Error(`cannot build a NAT topology: ${support.reason}`);

  const prefix = `${NAME_BASE}-${process.pid}-${counter++}`;
  const ns = Object.fromEntries(NAMESPACE_KEYS.map((k) => [k, `${prefix}-${k}`])) as Record<
    NamespaceKey,
    string
  >;
  const nat = {
    natA: opts.natA ?? 'endpoint-independent',
    natB: opts.natB ?? 'endpoint-independent',
  } as const;
  const addresses: NatTopologyAddresses = {
    pub: `${PUBLIC_PREFIX}.1`,
    pub2: `${PUBLIC_PREFIX}.11`,
    natA: { public: `${PUBLIC_PREFIX}.2`, private: '10.0.1.1' },
    natB: { public: `${PUBLIC_PREFIX}.3`, private: '10.0.2.1' },
    a: '10.0.1.2',
    b: '10.0.2.2',
  };

  const children = new Set<ChildProcess>();
  const entry: LiveTopology = { names: [], children };
  track(entry);
  const workers = new Map<NamespaceKey, Promise<NetnsWorker>>();
  const coturns: Coturn[] = [];
  let destroyed: Promise<void> | undefined;

  const destroy = (): Promise<void> => {
    destroyed ??= (async () => {
      await Promise.all(
        [...workers.values()].map((w) =>
          w.then(
            (worker) => worker.close(),
            () => undefined,
          ),
        ),
      );
      await Promise.all(coturns.map((c) => c.stop().catch(() => undefined)));
      await Promise.all([...children].map((child) => killChild(child)));
      await deleteNamespaces(entry.names);
      untrack(entry);
    })();
    return destroyed;
  };

  const ip = (args: readonly string[]): Promise<ExecResult> => run('ip', args);
  const inNs = (k: NamespaceKey, argv: readonly string[]): Promise<ExecResult> =>
    run('ip', ['netns', 'exec', ns[k], ...argv]);

  try {
    for (const k of NAMESPACE_KEYS) {
      await ip(['netns', 'add', ns[k]]);
      entry.names.push(ns[k]);
    }
    await Promise.all(
      NAMESPACE_KEYS.map(async (k) => {
        await ip(['-n', ns[k], 'link', 'set', 'lo', 'up']);
        // IPv4 only: no IPv6 link-local addresses for ICE to gather. Routers forward.
        const forward = k === 'natA' || k === 'natB' ? 1 : 0;
        await inNs(k, [
          'sh',
          '-c',
          `echo ${forward} > /proc/sys/net/ipv4/ip_forward; ` +
            'if [ -d /proc/sys/net/ipv6 ]; then echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; ' +
            'echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6; fi',
        ]);
      }),
    );

    // The public network: a bridge in pub with the NATs' public sides on it.
    await ip(['-n', ns.pub, 'link', 'add', 'br0', 'type', 'bridge']);
    await ip(['-n', ns.pub, 'addr', 'add', `${addresses.pub}/24`, 'dev', 'br0']);
    await ip(['-n', ns.pub, 'addr', 'add', `${addresses.pub2}/24`, 'dev', 'br0']);
    await ip(['-n', ns.pub, 'link', 'set', 'br0', 'up']);

    const sides = [
      {
        router: 'natA',
        host: 'a',
        behavior: nat.natA,
        natAddr: addresses.natA,
        hostAddr: addresses.a,
        port: 'vA',
      },
      {
        router: 'natB',
        host: 'b',
        behavior: nat.natB,
        natAddr: addresses.natB,
        hostAddr: addresses.b,
        port: 'vB',
      },
    ] as const;
    await Promise.all(
      sides.map(async (s) => {
        const r = ns[s.router];
        const h = ns[s.host];
        // Created directly between the namespaces: nothing ever appears in the root namespace.
        await ip(['link', 'add', 'wan', 'netns', r, 'type', 'veth', 'peer', 'name', s.port, 'netns', ns.pub]);
        await ip(['-n', ns.pub, 'link', 'set', s.port, 'master', 'br0']);
        await ip(['-n', ns.pub, 'link', 'set', s.port, 'up']);
        await ip(['-n', r, 'addr', 'add', `${s.natAddr.public}/24`, 'dev', 'wan']);
        await ip(['-n', r, 'link', 'set', 'wan', 'up']);

        await ip(['link', 'add', 'lan', 'netns', r, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h]);
        await ip(['-n', r, 'addr', 'add', `${s.natAddr.private}/24`, 'dev', 'lan']);
        await ip(['-n', r, 'link', 'set', 'lan', 'up']);
        await ip(['-n', h, 'addr', 'add', `${s.hostAddr}/24`, 'dev', 'eth0']);
        await ip(['-n', h, 'link', 'set', 'eth0', 'up']);
        await ip(['-n', h, 'route', 'add', 'default', 'via', s.natAddr.private]);

        const masquerade = ['iptables', '-t', 'nat', '-A', 'POSTROUTING', '-o', 'wan', '-j', 'MASQUERADE'];
        await inNs(s.router, s.behavior === 'symmetric' ? [...masquerade, '--random'] : masquerade);
        // Nothing new comes in from the public side, neither to the private network nor to the
        // router itself: only replies of flows opened from inside. The INPUT rule matters for
        // hole punching: a datagram the router accepted for itself would leave a conntrack entry
        // (peer -> our public port) that the host's own flow to that peer then clashes with, and
        // MASQUERADE would move the host to another port. Dropped before conntrack confirms it,
        // the datagram leaves no entry.
        for (const chain of ['FORWARD', 'INPUT']) {
          await inNs(s.router, [
            'iptables',
            '-A',
            chain,
            '-i',
            'wan',
            '-m',
            'conntrack',
            '!',
            '--ctstate',
            'ESTABLISHED,RELATED',
            '-j',
            'DROP',
          ]);
        }
      }),
    );
  } catch (err) {
    await destroy();
    throw err;
  }

  const spawnIn = (
    k: NamespaceKey,
    command: string,
    args: readonly string[] = [],
    options: SpawnOptions = {},
  ): ChildProcess => {
    if (destroyed !== undefined) throw new Error(`topology ${prefix} is destroyed`);
    // `ip netns exec` execs the command in place: the child is the command itself.
    const child = spawn('ip', ['netns', 'exec', ns[k], command, ...args], { stdio: 'pipe', ...options });
    children.add(child);
    child.once('exit', () => children.delete(child));
    child.once('error', () => children.delete(child));
    return child;
  };

  const spawnTs = (k: NamespaceKey, script: string, args: readonly string[] = [], o: SpawnTsOptions = {}) => {
    const child = spawnIn(k, process.execPath, nodeTsArgs(script, args), {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: o.env ?? process.env,
    });
    return new JsonChild(child, o.label ?? `${path.basename(script)} in ${k}`, o.timeoutMs);
  };

  const worker = (k: NamespaceKey): Promise<NetnsWorker> => {
    let w = workers.get(k);
    if (w === undefined) {
      w = (async () => {
        const child = spawnTs(k, WORKER_SCRIPT, [], { label: `worker in ${k}` });
        await child.next((m) => m['event'] === 'ready', 20_000, 'ready');
        return new NetnsWorker(child, ns[k]);
      })();
      workers.set(k, w);
    }
    return w;
  };

  return {
    prefix,
    namespaces: ns,
    addresses,
    nat,
    exec: (k, argv, o) => run('ip', ['netns', 'exec', ns[k], ...argv], o?.timeoutMs),
    spawn: spawnIn,
    spawnTs,
    worker,
    startStunServer: async (o = {}) =>
      (await worker('pub')).stunServer(o.address ?? addresses.pub, o.port ?? 0),
    startCoturn: async (o = {}) => {
      if (destroyed !== undefined) throw new Error(`topology ${prefix} is destroyed`);
      const coturn = await startCoturn({
        listeningIp: addresses.pub,
        relayIp: addresses.pub,
        ...o,
        netns: ns.pub,
      });
      coturns.push(coturn);
      return coturn;
    },
    destroy,
  };
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
