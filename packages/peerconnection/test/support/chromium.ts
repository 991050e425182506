/**
 * Headless Chromium as a peer (real-peers.md): the agent (agent.ts, transpiled by esbuild) runs in
 * a page served from http://127.0.0.1:PORT, one page per peer, and every command is one
 * page.evaluate round trip. A test file shares one browser across its tests (a fresh page per
 * test); a peer that must vanish gets a browser of its own, whose whole process group is
 * SIGKILLed (the renderer, where libwebrtc runs, and the network service that owns its sockets).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';
import type { AgentOptions } from './agent.js';
import { type PeerDriver, rpcDriver } from './driver.js';

export const CHROMIUM_PATH = process.env['PURERTC_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * The flags real-peers.md lists; --allow-loopback-in-peer-connection is the one that matters.
 * The browser example's test launches Chromium with the same ones.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
];

const here = path.dirname(fileURLToPath(import.meta.url));

/** Why Chromium cannot run here, or undefined when it can. */
export async function chromiumUnavailable(): Promise<string | undefined> {
  if (!existsSync(CHROMIUM_PATH)) return `${CHROMIUM_PATH} not found (apt-get install chromium)`;
  try {
    await import('playwright-core');
  } catch (e) {
    return `playwright-core does not load: ${String(e)}`;
  }
  return undefined;
}

let agentScript: Promise<string> | undefined;

/** agent.ts as a classic script that defines `PurertcAgent` (its exports) on the page's global. */
function agentBundle(): Promise<string> {
  agentScript ??= transform(readFileSync(path.join(here, 'agent.ts'), 'utf8'), {
    loader: 'ts',
    format: 'iife',
    globalName: 'PurertcAgent',
    target: 'es2022',
  }).then((r) => r.code);
  return agentScript;
}

const PAGE =
  '<!doctype html><meta charset="utf-8"><title>purertc interop</title><script src="/agent.js"></script>';

export class ChromiumBrowser {
  private readonly pages = new Set<Page>();
  private killed = false;

  private constructor(
    private readonly context: BrowserContext,
    private readonly server: Server,
    private readonly dir: string,
    private readonly origin: string,
  ) {}

  static async launch(): Promise<ChromiumBrowser> {
    const script = await agentBundle();
    const server = createServer((req, res) => {
      if (req.url === '/agent.js') {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
      } else if (req.url === '/' || req.url === '/index.html') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    const dir = mkdtempSync(path.join(tmpdir(), 'purertc-chromium-'));
    try {
      const { chromium } = await import('playwright-core');
      const context = await chromium.launchPersistentContext(dir, {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: [...CHROMIUM_ARGS],
      });
      return new ChromiumBrowser(context, server, dir, `http://127.0.0.1:${port}`);
    } catch (e) {
      server.close();
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /**
   * A peer in a new page. `vanishable` peers kill this whole browser when they vanish: give them
   * a browser of their own.
   */
  async newPeer(
    name: string,
    options: { vanishable?: boolean; agent?: AgentOptions } = {},
  ): Promise<PeerDriver> {
    const page = await this.context.newPage();
    this.pages.add(page);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    await page.goto(`${this.origin}/`);
    await page.evaluate(
      ([n, agentOptions]) => {
        const g = globalThis as unknown as {
          PurertcAgent: { PeerAgent: new (create: () => unknown, options: unknown) => unknown };
          RTCPeerConnection: new (config: unknown) => unknown;
          agent: unknown;
        };
        g.agent = new g.PurertcAgent.PeerAgent(() => new g.RTCPeerConnection({}), {
          ...agentOptions,
          name: n,
        });
      },
      [name, options.agent ?? {}] as const,
    );
    let disposed = false;
    const call = async (command: string, args: unknown[]): Promise<unknown> => {
      try {
        return await page.evaluate(
          ([c, a]) => {
            const agent = (globalThis as unknown as { agent: Record<string, (...x: unknown[]) => unknown> })
              .agent;
            return agent[c]?.(...a);
          },
          [command, args] as const,
        );
      } catch (e) {
        const extra = pageErrors.length > 0 ? `\npage errors:\n  ${pageErrors.join('\n  ')}` : '';
        throw new Error(`${name}: ${command} failed: ${e instanceof Error ? e.message : String(e)}${extra}`);
      }
    };
    return rpcDriver(
      {
        kind: 'chromium',
        name,
        canVanish: options.vanishable === true,
        vanish: async () => {
          if (options.vanishable !== true) throw new Error(`${name}: not vanishable (it shares its browser)`);
          this.kill();
        },
        dispose: async () => {
          if (disposed) return;
          disposed = true;
          if (!this.killed) await call('close', []).catch(() => undefined);
          this.pages.delete(page);
          await page.close().catch(() => undefined);
        },
      },
      call,
    );
  }

  /** SIGKILL for the browser's process group (Playwright starts Chromium as a group leader). */
  kill(): void {
    if (this.killed) return;
    this.killed = true;
    const pid = this.browserPid();
    if (pid === undefined) throw new Error(`the Chromium process of ${this.dir} was not found`);
    process.kill(-pid, 'SIGKILL');
  }

  async close(): Promise<void> {
    for (const page of this.pages) await page.close().catch(() => undefined);
    if (this.killed) {
      // The context notices its browser died; closing it only settles Playwright's side.
      await this.context.close().catch(() => undefined);
    } else {
      await this.context.close();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Our child whose command line names this browser's profile directory. */
  private browserPid(): number | undefined {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid !== process.pid) continue;
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        if (cmdline.includes(this.dir)) return Number(entry);
      } catch {
        // the process ended while we looked
      }
    }
    return undefined;
  }
}
