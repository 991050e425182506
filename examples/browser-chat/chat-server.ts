/**
 * A browser talks to purertc: a node:http server on 127.0.0.1 serves one page (index.html) and is
 * the page's WebRTC peer, with our RTCPeerConnection. Signaling is one HTTP round trip: the page
 * gathers its candidates, POSTs the complete offer to /offer, and gets the complete answer back
 * (no trickle, so no second request and no ordering to get wrong).
 *
 * On the page's data channel ("chat", one JSON object per text message):
 *   page -> server  {"type":"chat","text":"hi"}                the server answers in upper case
 *   page -> server  {"type":"file","name":"a.bin","size":N}    then N bytes as binary messages
 *   server -> page  {"type":"chat","text":"HI"}                also a greeting on open
 *   server -> page  {"type":"file-done","name":"a.bin","size":N,"sha256":"..."}
 *   server -> page  {"type":"error","text":"..."}
 *
 * `startChatServer` is what server.ts runs and what the Chromium test starts in-process.
 */
import { createHash, type Hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type RTCConfiguration,
  type RTCDataChannel,
  RTCDataChannelEvent,
  RTCPeerConnection,
} from '@purertc/peerconnection';

export interface ChatServerOptions {
  /** TCP port of the page and of /offer; 0 (the default) picks a free one. */
  readonly port?: number;
  /**
   * Which local addresses our peer offers as host candidates (purertc's `hostAddresses`). The
   * default, every non-loopback address (or loopback when it is the only one), suits a browser
   * on this machine. `{ addresses: ['127.0.0.1'] }` keeps everything on loopback; Chromium then
   * needs --allow-loopback-in-peer-connection.
   */
  readonly hostAddresses?: RTCConfiguration['hostAddresses'];
  /** One line per event (new peer, chat message, file, close); default: none. */
  readonly log?: (line: string) => void;
}

export interface ChatServer {
  /** http://127.0.0.1:PORT/ */
  readonly url: string;
  /** Peer connections currently open. */
  readonly sessions: number;
  /** Closes every peer connection and the HTTP server. */
  close(): Promise<void>;
}

/** Largest offer we read; a browser's is a few KiB even with many candidates. */
const MAX_OFFER_BYTES = 64 * 1024;
/** Peers at once; more get 503 (each holds sockets and timers). */
const MAX_SESSIONS = 16;
/** A browser normally gathers in well under a second; past this we answer with what we have. */
const GATHERING_TIMEOUT_MS = 5_000;
/** A peer that has not connected by then is dropped (the page went away after /offer). */
const CONNECT_TIMEOUT_MS = 30_000;
/** Files larger than this are refused (the page reads a file into memory to hash it). */
const MAX_FILE_BYTES = 256 * 1024 * 1024;

const PAGE = readFileSync(new URL('./index.html', import.meta.url));

function runtime(): string {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  if (g.Bun !== undefined) return `Bun ${g.Bun.version}`;
  if (g.Deno !== undefined) return `Deno ${g.Deno.version.deno}`;
  return `Node ${process.versions.node}`;
}

export async function startChatServer(options: ChatServerOptions = {}): Promise<ChatServer> {
  const log = options.log ?? (() => {});
  const config: RTCConfiguration =
    options.hostAddresses === undefined ? {} : { hostAddresses: options.hostAddresses };
  const sessions = new Set<ChatSession>();
  let nextId = 1;

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      reply(res, 500, { error: e instanceof Error ? e.message : String(e) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && (path === '/' || path === '/index.html')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(PAGE);
      return;
    }
    if (path === '/offer') {
      if (req.method !== 'POST') return reply(res, 405, { error: 'POST an offer' });
      if (sessions.size >= MAX_SESSIONS) return reply(res, 503, { error: 'too many peers; try again later' });
      let offer: { type: 'offer'; sdp: string };
      try {
        offer = parseOffer(await readBody(req, MAX_OFFER_BYTES));
      } catch (e) {
        return reply(res, 400, { error: (e as Error).message });
      }
      const session = new ChatSession(nextId++, config, log, () => sessions.delete(session));
      sessions.add(session);
      try {
        return reply(res, 200, await session.answer(offer));
      } catch (e) {
        session.close();
        return reply(res, 400, { error: `cannot answer this offer: ${(e as Error).message}` });
      }
    }
    reply(res, 404, { error: 'not found' });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    get sessions() {
      return sessions.size;
    },
    async close() {
      for (const s of [...sessions]) s.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One browser tab: its peer connection, its channel, the file it is sending. */
class ChatSession {
  readonly #pc: RTCPeerConnection;
  #file: { name: string; size: number; received: number; hash: Hash } | undefined;
  #closed = false;
  readonly #connectTimer: ReturnType<typeof setTimeout>;

  constructor(
    readonly id: number,
    config: RTCConfiguration,
    private readonly log: (line: string) => void,
    private readonly onClose: () => void,
  ) {
    this.#pc = new RTCPeerConnection(config);
    const pc = this.#pc;
    this.#connectTimer = setTimeout(() => {
      this.log(`peer ${id}: not connected after ${CONNECT_TIMEOUT_MS / 1000} s, dropped`);
      this.close();
    }, CONNECT_TIMEOUT_MS);
    pc.addEventListener('connectionstatechange', () => {
      this.log(`peer ${id}: ${pc.connectionState}`);
      if (pc.connectionState === 'connected') clearTimeout(this.#connectTimer);
      // 'disconnected' may recover; 'failed' is final (consent lost, RFC 7675). A tab that closes
      // normally sends an SCTP ABORT first, which closes the channel and this session at once.
      if (pc.connectionState === 'failed') this.close();
    });
    pc.addEventListener('datachannel', (e) => {
      if (e instanceof RTCDataChannelEvent) this.#attach(e.channel);
    });
  }

  /** Applies the offer and returns our answer once our candidates are in it. */
  async answer(offer: { type: 'offer'; sdp: string }): Promise<{ type: 'answer'; sdp: string }> {
    const pc = this.#pc;
    await pc.setRemoteDescription(offer);
    await pc.setLocalDescription();
    await gatheringComplete(pc, GATHERING_TIMEOUT_MS);
    const answer = pc.localDescription;
    if (answer === null || answer.type !== 'answer') throw new Error('no local answer');
    this.log(`peer ${this.id}: answered (${candidateCount(answer.sdp)} candidates)`);
    return { type: 'answer', sdp: answer.sdp };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#connectTimer);
    this.#pc.close();
    this.log(`peer ${this.id}: closed`);
    this.onClose();
  }

  #attach(channel: RTCDataChannel): void {
    channel.binaryType = 'arraybuffer';
    const send = (message: Record<string, unknown>) => {
      if (channel.readyState === 'open') channel.send(JSON.stringify(message));
    };
    const greet = () =>
      send({
        type: 'chat',
        text: `Hello from purertc (${runtime()}): I answer in upper case, and drop a file to get its SHA-256.`,
      });
    if (channel.readyState === 'open') greet();
    else channel.addEventListener('open', greet, { once: true });
    channel.addEventListener('close', () => this.close());
    channel.addEventListener('message', (e) => {
      try {
        this.#onMessage((e as MessageEvent).data, send);
      } catch (err) {
        send({ type: 'error', text: (err as Error).message });
      }
    });
  }

  #onMessage(data: unknown, send: (message: Record<string, unknown>) => void): void {
    if (data instanceof ArrayBuffer) {
      const file = this.#file;
      if (file === undefined) throw new Error('binary data without a {"type":"file"} message first');
      file.received += data.byteLength;
      if (file.received > file.size) {
        this.#file = undefined;
        throw new Error(`${file.name}: more than the announced ${file.size} bytes`);
      }
      file.hash.update(new Uint8Array(data));
      if (file.received === file.size) this.#fileDone(send);
      return;
    }
    const message = JSON.parse(String(data)) as {
      type?: unknown;
      text?: unknown;
      name?: unknown;
      size?: unknown;
    };
    if (message.type === 'chat' && typeof message.text === 'string') {
      this.log(`peer ${this.id}: "${message.text}"`);
      send({ type: 'chat', text: message.text.toUpperCase() });
    } else if (
      message.type === 'file' &&
      typeof message.name === 'string' &&
      typeof message.size === 'number'
    ) {
      const { name, size } = message;
      if (!Number.isSafeInteger(size) || size < 0 || size > MAX_FILE_BYTES) {
        throw new Error(`${name}: size must be 0..${MAX_FILE_BYTES} bytes`);
      }
      if (this.#file !== undefined) throw new Error(`${this.#file.name} is still arriving`);
      this.#file = { name, size, received: 0, hash: createHash('sha256') };
      if (size === 0) this.#fileDone(send);
    } else {
      throw new Error(`unknown message ${JSON.stringify(message).slice(0, 80)}`);
    }
  }

  #fileDone(send: (message: Record<string, unknown>) => void): void {
    const file = this.#file;
    if (file === undefined) return;
    this.#file = undefined;
    const sha256 = file.hash.digest('hex');
    this.log(`peer ${this.id}: file ${file.name}, ${file.size} bytes, sha256 ${sha256}`);
    send({ type: 'file-done', name: file.name, size: file.size, sha256 });
  }
}

function gatheringComplete(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

function candidateCount(sdp: string): number {
  return sdp.split('\n').filter((l) => l.startsWith('a=candidate:')).length;
}

function parseOffer(body: string): { type: 'offer'; sdp: string } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new Error('the body is not JSON');
  }
  const { type, sdp } = (value ?? {}) as { type?: unknown; sdp?: unknown };
  if (type !== 'offer' || typeof sdp !== 'string') throw new Error('expected {"type":"offer","sdp":"..."}');
  return { type, sdp };
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error(`the offer is larger than ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
