/**
 * Linux network namespaces for the real-socket mDNS tests (docs/real-peers.md: root and
 * iproute2; CI runs as root). Namespaces are named `purertc-mdns-<pid>-<random>-<role>`, so a
 * run can remove what an earlier, killed run left behind (its pid is gone) without touching
 * anyone else's. Every namespace is deleted by `destroy()`, which the tests call in `finally`.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const PREFIX = 'purertc-mdns-';
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const PEER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'mdns-peer.ts');

/** Why namespaces cannot be used here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'iproute2 (`ip`) not installed';
  }
  return undefined;
}

/** Whether iptables exists (for the blocked-sending case). */
export function hasIptables(): boolean {
  try {
    execFileSync('iptables', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function ip(...args: string[]): Promise<void> {
  await execFileAsync('ip', args);
}

/** Runs a shell command inside a namespace (for /proc/sys writes and iptables). */
async function inNs(ns: string, command: string, ...args: string[]): Promise<void> {
  await execFileAsync('ip', ['netns', 'exec', ns, command, ...args]);
}

/** Removes namespaces of earlier runs whose process no longer exists. */
export async function reapStaleNamespaces(): Promise<void> {
  const { stdout } = await execFileAsync('ip', ['netns', 'list']);
  for (const line of stdout.split('\n')) {
    const ns = line.split(' ')[0] ?? '';
    const m = new RegExp(`^${PREFIX}(\\d+)-`).exec(ns);
    if (m === null || existsSync(`/proc/${m[1]}`)) continue;
    await ip('netns', 'del', ns).catch(() => undefined);
  }
}

export class Namespaces {
  private readonly created: string[] = [];
  private readonly children = new Set<ChildProcess>();
  private readonly tag = `${PREFIX}${process.pid}-${randomBytes(3).toString('hex')}`;

  /** A namespace with only `lo`, up. */
  async create(role: string): Promise<string> {
    const ns = `${this.tag}-${role}`;
    await ip('netns', 'add', ns);
    this.created.push(ns);
    await ip('-n', ns, 'link', 'set', 'lo', 'up');
    return ns;
  }

  /**
   * Two namespaces joined by a veth pair, with IPv4 10.77.0.1/24 and 10.77.0.2/24, IPv6
   * fd77::1/64 and fd77::2/64 when the kernel has IPv6, and a multicast route on the link (a
   * namespace has no default route to carry 224.0.0.0/4). Duplicate address detection is off so
   * the link-local IPv6 addresses mDNS sends from are usable at once.
   */
  async vethPair(): Promise<{ a: string; b: string; ipv6: boolean }> {
    const a = await this.create('a');
    const b = await this.create('b');
    const ipv6 = existsSync('/proc/sys/net/ipv6');
    if (ipv6) {
      for (const ns of [a, b]) {
        for (const scope of ['default', 'all']) {
          await inNs(ns, 'sh', '-c', `echo 0 > /proc/sys/net/ipv6/conf/${scope}/accept_dad`);
        }
      }
    }
    // Interface names live per namespace, but must not clash in the root one while created.
    const suffix = randomBytes(2).toString('hex');
    const va = `pmd${suffix}a`;
    const vb = `pmd${suffix}b`;
    await ip('link', 'add', va, 'netns', a, 'type', 'veth', 'peer', 'name', vb, 'netns', b);
    for (const [ns, dev, n] of [
      [a, va, 1],
      [b, vb, 2],
    ] as const) {
      await ip('-n', ns, 'addr', 'add', `10.77.0.${n}/24`, 'dev', dev);
      if (ipv6) await ip('-n', ns, '-6', 'addr', 'add', `fd77::${n}/64`, 'dev', dev, 'nodad');
      await ip('-n', ns, 'link', 'set', dev, 'up');
      await ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', dev);
    }
    return { a, b, ipv6 };
  }

  /** A namespace whose only interface, lo, carries multicast (route 224.0.0.0/4 via lo). */
  async loopbackMulticast(): Promise<string> {
    const ns = await this.create('lo');
    await ip('-n', ns, 'link', 'set', 'lo', 'multicast', 'on');
    await ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', 'lo', 'src', '127.0.0.1');
    return ns;
  }

  /** Drops every IPv4 multicast datagram leaving the namespace: sends fail with EPERM. */
  async blockMulticastOutput(ns: string): Promise<void> {
    await inNs(ns, 'iptables', '-A', 'OUTPUT', '-d', '224.0.0.0/4', '-j', 'DROP');
  }

  /**
   * Starts the mdns-peer script in a namespace (through tsx, resolving workspace packages to
   * their sources as vitest does). `ip netns exec` execs in place, so the child is node itself.
   */
  peer(ns: string, ...args: string[]): Peer {
    const child = spawn(
      'ip',
      [
        'netns',
        'exec',
        ns,
        process.execPath,
        '--conditions=@purertc/source',
        '--import',
        'tsx',
        PEER_SCRIPT,
        ...args,
      ],
      { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return new Peer(child);
  }

  /** Kills the children still running (ours, by pid) and deletes every namespace created. */
  async destroy(): Promise<void> {
    for (const child of this.children) child.kill('SIGKILL');
    for (const ns of this.created.splice(0)) await ip('netns', 'del', ns).catch(() => undefined);
  }
}

/** A child speaking one JSON object per stdout line. */
export class Peer {
  private readonly lines: string[] = [];
  private stderr = '';
  private wake: (() => void) | undefined;
  private exited = false;

  constructor(readonly child: ChildProcess) {
    let buffered = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      buffered += chunk;
      for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
        this.lines.push(buffered.slice(0, i));
        buffered = buffered.slice(i + 1);
      }
      this.wake?.();
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    child.once('exit', () => {
      this.exited = true;
      this.wake?.();
    });
  }

  /** The next JSON line, within `timeoutMs`. */
  async next<T>(timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length === 0) {
      if (this.exited) throw new Error(`peer exited without output; stderr: ${this.stderr.slice(-2000)}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`peer said nothing within ${timeoutMs} ms; stderr: ${this.stderr.slice(-2000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    return JSON.parse(this.lines.shift() as string) as T;
  }

  /** Closes the child's stdin, its cue to finish. */
  finish(): void {
    this.child.stdin?.end();
  }
}
