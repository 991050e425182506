/**
 * examples/browser-chat with a real browser: the chat server (our RTCPeerConnection) in this
 * process, headless Chromium (libwebrtc) driven by Playwright through the page's own UI: Connect,
 * type and send a message, pick a file. Asserts the greeting, the upper-case echo and the
 * server's SHA-256 of the file (against one computed here).
 *
 * Needs /usr/bin/chromium (PURERTC_CHROMIUM overrides it): skipped locally without it, a failure
 * in CI (process.env.CI), where .ci/run installs it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../packages/peerconnection/test/support/chromium.js';
import { type ChatServer, startChatServer } from '../browser-chat/chat-server.js';

const available = existsSync(CHROMIUM_PATH);
const inCi = process.env['CI'] !== undefined;

describe('browser chat: Chromium <-> our RTCPeerConnection', () => {
  describe.runIf(available || inCi)('through the page', () => {
    let server: ChatServer;
    let context: BrowserContext;
    let page: Page;
    let profile: string;
    const serverLog: string[] = [];
    const pageErrors: string[] = [];

    beforeAll(async () => {
      if (!available) return; // the test fails (CI only gets here without Chromium)
      server = await startChatServer({
        // Loopback only: the machine may have no other interface, and the test must not use one.
        hostAddresses: { addresses: ['127.0.0.1'] },
        log: (line) => serverLog.push(line),
      });
      profile = mkdtempSync(join(tmpdir(), 'purertc-browser-chat-'));
      const { chromium } = await import('playwright-core');
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: [...CHROMIUM_ARGS],
      });
      page = context.pages()[0] ?? (await context.newPage());
      page.on('pageerror', (e) => pageErrors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') pageErrors.push(m.text());
      });
    }, 60_000);

    afterAll(async () => {
      await context?.close();
      await server?.close();
      if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
    });

    /** What went wrong, for assertion messages. */
    const diagnostics = () =>
      `\nserver log:\n  ${serverLog.join('\n  ')}\npage errors:\n  ${pageErrors.join('\n  ') || '(none)'}`;

    it('connects, greets, echoes in upper case and hashes a dropped file', async () => {
      expect(available, `${CHROMIUM_PATH} not found: CI installs Debian's chromium (.ci/run)`).toBe(true);
      await page.goto(server.url);
      await page.click('#connect');
      await page
        .locator('#status', { hasText: /^connected$/ })
        .waitFor({ timeout: 20_000 })
        .catch(async (e: Error) => {
          throw new Error(`${e.message}\nstatus: ${await page.textContent('#status')}${diagnostics()}`);
        });
      expect(server.sessions, diagnostics()).toBe(1);

      const fromServer = page.locator('#log li.server');
      await expect
        .poll(() => fromServer.first().textContent(), { timeout: 10_000 })
        .toMatch(/^Hello from purertc \(Node \d+\.\d+\.\d+\)/);

      await page.fill('#text', 'hello from Chromium, ünïcödé ✓');
      await page.click('#send');
      await page.locator('#log li.you', { hasText: 'hello from Chromium' }).waitFor({ timeout: 5_000 });
      await page
        .locator('#log li.server', { hasText: 'HELLO FROM CHROMIUM, ÜNÏCÖDÉ ✓' })
        .waitFor({ timeout: 10_000 });

      // Enough 16 KiB messages that the page's bufferedAmount flow control pauses, and an odd
      // size so the last message is a short one.
      const file = randomBytes(3 * 1024 * 1024 + 123);
      const sha256 = createHash('sha256').update(file).digest('hex');
      await page.setInputFiles('#file', {
        name: 'random.bin',
        mimeType: 'application/octet-stream',
        buffer: file,
      });
      const done = page.locator('#log li.server[data-sha256]');
      await done.waitFor({ timeout: 30_000 }).catch((e: Error) => {
        throw new Error(`${e.message}${diagnostics()}`);
      });
      expect(await done.getAttribute('data-sha256'), diagnostics()).toBe(sha256);
      expect(await done.getAttribute('data-match'), diagnostics()).toBe('true');
      expect(await done.textContent()).toContain(`got random.bin (${file.length} bytes)`);
      expect(serverLog, diagnostics()).toContain(
        `peer 1: file random.bin, ${file.length} bytes, sha256 ${sha256}`,
      );

      // Leaving the page closes the browser's peer, and ours notices at once (SCTP ABORT). (A tab
      // killed outright says nothing; consent freshness ends that session after ~30 s instead.)
      await page.goto('about:blank');
      await expect.poll(() => server.sessions, { timeout: 10_000 }).toBe(0);
      expect(serverLog, diagnostics()).toContain('peer 1: closed');
      expect(pageErrors).toEqual([]);
    }, 90_000);
  });
});
