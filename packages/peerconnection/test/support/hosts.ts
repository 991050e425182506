/**
 * Where a peer runs. Node stacks run in the test process, or in a child process of their own
 * (child-peer.ts) when the test will make them vanish, and werift always (node-peers.ts says
 * why); Chromium runs in a page of the file's shared browser, or in a browser of its own when it
 * will vanish. PeerHosts creates peers of any kind and disposes of all of them (and of the
 * browsers) in one call, for afterEach/afterAll.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChromiumBrowser, chromiumUnavailable } from './chromium.js';
import { inProcessDriver, type PeerDriver, type PeerKind, rpcDriver } from './driver.js';
import {
  createNodeAgent,
  NODE_PEERS,
  type NodePeerKind,
  nodePeerUnavailable,
  type PeerOptions,
} from './node-peers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');

export interface CreatePeerOptions extends PeerOptions {
  /** The test will call vanish(): run the peer where it can be killed. */
  vanishable?: boolean;
}

/** Why that kind of peer cannot run here, or undefined when it can. */
export async function peerUnavailable(kind: PeerKind): Promise<string | undefined> {
  return kind === 'chromium' ? chromiumUnavailable() : nodePeerUnavailable(kind);
}

export class PeerHosts {
  private readonly peers: PeerDriver[] = [];
  private shared: Promise<ChromiumBrowser> | undefined;
  private readonly own: ChromiumBrowser[] = [];

  async create(kind: PeerKind, name: string, options: CreatePeerOptions = {}): Promise<PeerDriver> {
    let driver: PeerDriver;
    if (kind === 'chromium') {
      const browser = options.vanishable === true ? await this.ownBrowser() : await this.sharedBrowser();
      driver = await browser.newPeer(name, { vanishable: options.vanishable === true });
    } else if (options.vanishable === true || NODE_PEERS[kind].ownProcess === true) {
      driver = await startChildPeer(kind, name, options);
    } else {
      driver = await startInProcessPeer(kind, name, options);
    }
    this.peers.push(driver);
    return driver;
  }

  /** Disposes of every peer created so far (the shared browser stays for the next test). */
  async disposePeers(): Promise<void> {
    const peers = this.peers.splice(0);
    const results = await Promise.allSettled(peers.map((p) => p.dispose()));
    for (const browser of this.own.splice(0)) await browser.close().catch(() => undefined);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
  }

  /** Disposes of the peers and closes the shared browser. */
  async disposeAll(): Promise<void> {
    try {
      await this.disposePeers();
    } finally {
      const shared = this.shared;
      this.shared = undefined;
      if (shared !== undefined) await (await shared.catch(() => undefined))?.close();
    }
  }

  private async sharedBrowser(): Promise<ChromiumBrowser> {
    this.shared ??= import('./chromium.js').then((m) => m.ChromiumBrowser.launch());
    return this.shared;
  }

  private async ownBrowser(): Promise<ChromiumBrowser> {
    const { ChromiumBrowser } = await import('./chromium.js');
    const browser = await ChromiumBrowser.launch();
    this.own.push(browser);
    return browser;
  }
}

async function startInProcessPeer(
  kind: NodePeerKind,
  name: string,
  options: PeerOptions,
): Promise<PeerDriver> {
  const agent = await createNodeAgent(kind, name, options);
  let disposed = false;
  return inProcessDriver(
    {
      kind,
      name,
      canVanish: false,
      vanish: async () => {
        throw new Error(
          `${name}: runs in the test process; create it with vanishable: true to make it vanish`,
        );
      },
      dispose: async () => {
        if (disposed) return;
        disposed = true;
        await agent.close();
      },
    },
    agent,
  );
}

const CHILD_SCRIPT = path.join(here, 'child-peer.ts');
const STDERR_TAIL = 4000;

/** A Node peer in a child process (child-peer.ts), spoken to over IPC. */
async function startChildPeer(kind: NodePeerKind, name: string, options: PeerOptions): Promise<PeerDriver> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@purertc/source', '--import', 'tsx', CHILD_SCRIPT, kind, name, JSON.stringify(options)],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: process.env },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let exit: string | undefined;
  const failure = (what: string): Error =>
    new Error(`${name} (child ${child.pid}): ${what}${stderr === '' ? '' : `\n--- stderr ---\n${stderr}`}`);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = signal !== null ? `signal ${signal}` : `code ${code}`;
      for (const p of pending.values()) p.reject(failure(`exited (${exit}) during a command`));
      pending.clear();
      resolve();
    });
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (m: { id?: number; result?: unknown; error?: string; ready?: boolean }) => {
      if (m.ready === true) return resolve();
      if (m.ready === false) return reject(failure(`did not start: ${m.error}`));
      const p = m.id === undefined ? undefined : pending.get(m.id);
      if (p === undefined) return;
      pending.delete(m.id as number);
      if (m.error !== undefined) p.reject(failure(m.error));
      else p.resolve(m.result);
    });
    void exited.then(() => reject(failure(`exited (${exit}) before it was ready`)));
  });
  await ready;
  let nextId = 1;
  const call = (command: string, args: unknown[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (exit !== undefined) return reject(failure(`cannot ${command}: exited (${exit})`));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, command, args });
    });
  const kill = async (): Promise<void> => {
    if (exit === undefined) child.kill('SIGKILL');
    await exited;
  };
  return rpcDriver(
    {
      kind,
      name,
      canVanish: true,
      vanish: kill,
      dispose: async () => {
        if (exit !== undefined) return;
        await Promise.race([call('close', []).catch(() => undefined), exited]);
        if (child.connected) child.disconnect();
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
      },
    },
    call,
  );
}
