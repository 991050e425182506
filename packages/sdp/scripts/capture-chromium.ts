/// <reference lib="dom" />
/**
 * Captures real Chromium session descriptions as test fixtures for @purertc/sdp.
 *
 *   apt-get install -y chromium           # Debian's build, /usr/bin/chromium
 *   npx tsx packages/sdp/scripts/capture-chromium.ts [outDir]
 *
 * Writes the SDP texts byte for byte (CRLF, as the browser produced them) under
 * packages/sdp/test/fixtures/ (or `outDir`), plus chromium-version.txt. The tests read the saved
 * files and never start Chromium. Flags: docs/real-peers.md (fake camera and microphone, loopback
 * candidates). The page is served from http://127.0.0.1:PORT: getUserMedia needs a secure context.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(process.argv[2] ?? join(here, '..', 'test', 'fixtures'));

const FLAGS = [
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

/** Runs in the page. Returns name -> SDP text. Kept free of closures: Playwright serialises it. */
async function captureInPage(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const gathered = (pc: RTCPeerConnection): Promise<void> =>
    new Promise((done) => {
      if (pc.iceGatheringState === 'complete') return done();
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') done();
      });
    });
  const sdpOf = (d: RTCSessionDescriptionInit | RTCSessionDescription | null): string => {
    if (d?.sdp === undefined) throw new Error('no description');
    return d.sdp;
  };

  // 1. Audio + simulcast video + plain video + data channel, BUNDLE (Chromium's default policy).
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  const [audio] = stream.getAudioTracks();
  const [video] = stream.getVideoTracks();
  if (audio === undefined || video === undefined) throw new Error('no fake devices');
  const pc1 = new RTCPeerConnection();
  const pc2 = new RTCPeerConnection();
  pc1.addTransceiver(audio, { direction: 'sendrecv', streams: [stream] });
  pc1.addTransceiver(video, {
    direction: 'sendonly',
    streams: [stream],
    sendEncodings: [
      { rid: 'h', maxBitrate: 1_200_000 },
      { rid: 'm', maxBitrate: 600_000, scaleResolutionDownBy: 2 },
      { rid: 'l', maxBitrate: 300_000, scaleResolutionDownBy: 4 },
    ],
  });
  pc1.addTransceiver(video.clone(), { direction: 'sendrecv', streams: [stream] });
  pc1.createDataChannel('chat');
  const offer = await pc1.createOffer();
  out['chromium-offer.sdp'] = sdpOf(offer);
  await pc1.setLocalDescription(offer);
  await gathered(pc1);
  out['chromium-offer-gathered.sdp'] = sdpOf(pc1.localDescription);

  await pc2.setRemoteDescription(offer);
  const s2 = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  const tr = pc2.getTransceivers();
  const a2 = s2.getAudioTracks()[0];
  const v2 = s2.getVideoTracks()[0];
  if (tr[0] !== undefined && a2 !== undefined) {
    tr[0].direction = 'sendrecv';
    await tr[0].sender.replaceTrack(a2);
    tr[0].sender.setStreams(s2);
  }
  if (tr[2] !== undefined && v2 !== undefined) {
    tr[2].direction = 'sendrecv';
    await tr[2].sender.replaceTrack(v2);
    tr[2].sender.setStreams(s2);
  }
  const answer = await pc2.createAnswer();
  out['chromium-answer.sdp'] = sdpOf(answer);
  await pc2.setLocalDescription(answer);
  await gathered(pc2);
  out['chromium-answer-gathered.sdp'] = sdpOf(pc2.localDescription);
  await pc1.setRemoteDescription(answer);

  // 2. A subsequent offer: one transceiver stopped, a new one added, ICE restart.
  pc1.getTransceivers()[2]?.stop();
  pc1.addTransceiver('audio', { direction: 'recvonly' });
  const reoffer = await pc1.createOffer({ iceRestart: true });
  out['chromium-reoffer-ice-restart.sdp'] = sdpOf(reoffer);
  await pc1.setLocalDescription(reoffer);
  await pc2.setRemoteDescription(reoffer);
  const reanswer = await pc2.createAnswer();
  out['chromium-reanswer.sdp'] = sdpOf(reanswer);
  await pc2.setLocalDescription(reanswer);
  await pc1.setRemoteDescription(reanswer);
  // 3. Third offer: the stopped m-line (port 0 now) is recycled by a new transceiver.
  pc1.addTransceiver('video', { direction: 'recvonly' });
  out['chromium-offer-recycled.sdp'] = sdpOf(await pc1.createOffer());

  // 4. A data channel alone, and receive-only audio/video (as an SFU subscriber would offer).
  const pc3 = new RTCPeerConnection();
  pc3.createDataChannel('only');
  out['chromium-datachannel-offer.sdp'] = sdpOf(await pc3.createOffer());
  const pc4 = new RTCPeerConnection({ bundlePolicy: 'max-compat' });
  pc4.addTransceiver('audio', { direction: 'recvonly' });
  pc4.addTransceiver('video', { direction: 'recvonly' });
  out['chromium-recvonly-max-compat-offer.sdp'] = sdpOf(await pc4.createOffer());

  for (const pc of [pc1, pc2, pc3, pc4]) pc.close();
  for (const t of [...stream.getTracks(), ...s2.getTracks()]) t.stop();
  return out;
}

async function main(): Promise<void> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>capture</title>');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  const profile = mkdtempSync(join(tmpdir(), 'purertc-sdp-capture-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
  });
  try {
    const page = await context.newPage();
    // tsx (esbuild keepNames) wraps functions in __name(); the page has no such helper.
    await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    await page.goto(`http://127.0.0.1:${port}/`);
    const version = await page.evaluate(() => navigator.userAgent);
    const captured = await page.evaluate(captureInPage);
    for (const [name, sdp] of Object.entries(captured)) {
      writeFileSync(join(outDir, name), sdp);
      console.log(`${name}: ${sdp.length} bytes`);
    }
    writeFileSync(
      join(outDir, 'chromium-version.txt'),
      `${context.browser()?.version() ?? ''}\n${version}\n`,
    );
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

await main();
