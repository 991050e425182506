/**
 * The peer under test as seen from inside its own runtime: one W3C-like RTCPeerConnection and its
 * data channels, driven by high-level commands so that bulk work (thousands of messages, megabytes
 * of binary with flow control, checksums) runs next to the stack and only small JSON results
 * travel back to the test.
 *
 * The same file runs in three places: in the test process (in-process peers), in a child process
 * (a peer that must be able to vanish), and inside a Chromium page (transpiled by esbuild and
 * injected; see chromium.ts). Hence: no imports, no Node globals (no Buffer, no process), only
 * what both a browser and Node have (Uint8Array, TextEncoder, setTimeout), and every argument and
 * result is plain JSON.
 *
 * Stacks differ from W3C in places (werift calls `onopen()` with no event, emits Buffers, ends
 * gathering with `candidate: undefined`; node-datachannel hands out candidate objects that libwebrtc
 * rejects): everything the agent reads from an event is checked, and what it hands out is
 * normalised to plain objects.
 */

export interface SessionDescriptionInit {
  type: string;
  sdp: string;
}

/** A local ICE candidate as plain JSON, with only the fields the stack gave (never null). */
export interface CandidateInit {
  candidate: string;
  sdpMid?: string;
  sdpMLineIndex?: number;
  usernameFragment?: string;
}

export interface ChannelOptions {
  ordered?: boolean;
  maxRetransmits?: number;
  maxPacketLifeTime?: number;
  protocol?: string;
  negotiated?: boolean;
  id?: number;
}

/** What a data channel says about itself (W3C attribute names; absent values are null). */
export interface ChannelInfo {
  label: string;
  protocol: string;
  id: number | null;
  ordered: boolean;
  maxRetransmits: number | null;
  maxPacketLifeTime: number | null;
  negotiated: boolean;
  readyState: string;
}

/** Binary traffic on one channel: how many bytes in how many messages, and their digest. */
export interface BinarySummary {
  bytes: number;
  messages: number;
  digest: string;
}

export interface BinarySendOptions {
  /** Total bytes to send. */
  bytes: number;
  /** Bytes per message (the last one may be shorter). */
  chunk: number;
  /** Seeds the pseudo-random content, so both directions carry different data. */
  seed: number;
}

export interface OfferOptions {
  /** Return the description at once and let candidates trickle (nextCandidates); default: wait for gathering. */
  trickle?: boolean;
  /** createOffer({ iceRestart: true }). */
  iceRestart?: boolean;
}

export interface PeerStatus {
  connectionState: string;
  iceConnectionState: string;
  iceGatheringState: string;
  signalingState: string;
  /** Every connectionState the peer went through, starting from the one at construction. */
  connectionStates: string[];
  iceConnectionStates: string[];
  /** How many negotiationneeded events fired so far. */
  negotiationNeeded: number;
  localUfrag: string | null;
  remoteUfrag: string | null;
}

export interface CandidateBatch {
  candidates: CandidateInit[];
  /** How many times gathering ended (end-of-candidates) so far. */
  gatheringEnded: number;
}

export interface ChannelClosed {
  readyState: string;
  /** How many `close` events the channel fired. */
  closeEvents: number;
}

export interface AgentOptions {
  /** Prefix of error messages and of the event log. */
  name?: string;
  /** Failure guard of every wait, in ms (a wait may pass its own). Default 15 000. */
  timeoutMs?: number;
  /**
   * Also poll bufferedAmount every this many ms while waiting for `bufferedamountlow`. Only for
   * a third-party stack whose event is known to be unreliable; never for ours, whose event the
   * flow control must rely on.
   */
  bufferedAmountPollMs?: number;
  /**
   * The number a stack reports for an unset maxRetransmits / maxPacketLifeTime instead of null
   * (libwebrtc in @roamhq/wrtc says 65535); read as null.
   */
  unsetReliability?: number;
}

/**
 * The commands, all asynchronous with JSON arguments and results, so that a Chromium page or a
 * child process can serve them as well. PeerDriver (driver.ts) is this plus the host's own
 * operations.
 */
export interface PeerCommands {
  status(): Promise<PeerStatus>;
  createOffer(options?: OfferOptions): Promise<SessionDescriptionInit>;
  /** setRemoteDescription(offer), createAnswer, setLocalDescription; returns the answer. */
  acceptOffer(
    offer: SessionDescriptionInit,
    options?: { trickle?: boolean },
  ): Promise<SessionDescriptionInit>;
  acceptAnswer(answer: SessionDescriptionInit): Promise<void>;
  addIceCandidates(candidates: CandidateInit[]): Promise<void>;
  /** Local candidates gathered since the last call; waits up to `waitMs` for at least one. */
  nextCandidates(waitMs: number): Promise<CandidateBatch>;
  createDataChannel(label: string, options?: ChannelOptions): Promise<ChannelInfo>;
  /** Creates several channels in one go (same task, no await in between). */
  createDataChannels(labels: string[], options?: ChannelOptions): Promise<ChannelInfo[]>;
  /** Waits until the channel with this label (local or announced by the remote peer) is open. */
  waitChannelOpen(label: string, timeoutMs?: number): Promise<ChannelInfo>;
  /** Waits for a `datachannel` event with this label and for that channel to be open. */
  waitRemoteChannel(label: string, timeoutMs?: number): Promise<ChannelInfo>;
  channelInfo(label: string): Promise<ChannelInfo>;
  /** Sends `count` strings made by stringMessage(prefix, i), in order, with flow control. */
  sendStrings(label: string, prefix: string, count: number): Promise<void>;
  /** Takes the next `count` strings the channel received, in arrival order (waits for them). */
  waitStrings(label: string, count: number, timeoutMs?: number): Promise<string[]>;
  /** Sends pseudo-random binary in messages of options.chunk bytes under bufferedAmount flow control. */
  sendBinary(label: string, options: BinarySendOptions): Promise<BinarySummary>;
  /** Waits until the channel has received at least `bytes` bytes of binary; returns the summary. */
  waitBinary(label: string, bytes: number, timeoutMs?: number): Promise<BinarySummary>;
  closeChannel(label: string): Promise<void>;
  /** Waits until the channel is closed and has fired `close`. */
  waitChannelClosed(label: string, timeoutMs?: number): Promise<ChannelClosed>;
  restartIce(): Promise<void>;
  /** Waits until at least `count` negotiationneeded events have fired in total. */
  waitNegotiationNeeded(count: number, timeoutMs?: number): Promise<number>;
  /**
   * Waits until `state` (or one of several) appears in the history of `kind` at index `from` or
   * later; returns the whole history.
   */
  waitState(
    kind: 'connectionState' | 'iceConnectionState',
    state: string | string[],
    from?: number,
    timeoutMs?: number,
  ): Promise<string[]>;
  /** Anomalies seen so far (error events, duplicate channels, unexpected message types). */
  problems(): Promise<string[]>;
  /** The peer's state, channels and recent events, for failure messages. */
  report(): Promise<string>;
  close(): Promise<void>;
}

/** The names of PeerCommands, for hosts that forward them (kept in step by the type below). */
export const COMMAND_NAMES = [
  'status',
  'createOffer',
  'acceptOffer',
  'acceptAnswer',
  'addIceCandidates',
  'nextCandidates',
  'createDataChannel',
  'createDataChannels',
  'waitChannelOpen',
  'waitRemoteChannel',
  'channelInfo',
  'sendStrings',
  'waitStrings',
  'sendBinary',
  'waitBinary',
  'closeChannel',
  'waitChannelClosed',
  'restartIce',
  'waitNegotiationNeeded',
  'waitState',
  'problems',
  'report',
  'close',
] as const satisfies readonly (keyof PeerCommands)[];
// Every command is listed: this fails to compile when PeerCommands grows and the list does not.
const everyCommandListed: Record<keyof PeerCommands, true> = Object.fromEntries(
  COMMAND_NAMES.map((n) => [n, true]),
) as { [K in (typeof COMMAND_NAMES)[number]]: true };
void everyCommandListed;

/**
 * The i-th message of a string series. Every seventh carries multi-byte UTF-8 (2, 3 and 4 bytes
 * per character), so a stack that counts UTF-16 units instead of bytes shows.
 */
export function stringMessage(prefix: string, i: number): string {
  return i % 7 === 3 ? `${prefix}${i} héllo ✓ 🎉` : `${prefix}${i}`;
}

/**
 * Two 32-bit hashes (FNV-1a and a multiply-rotate one) over a byte stream plus its length:
 * order-sensitive, the same in every runtime, cheap enough for megabytes in a page.
 */
export class StreamDigest {
  private h1 = 0x811c9dc5;
  private h2 = 0x9e3779b9;
  length = 0;

  update(bytes: Uint8Array): void {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i] as number;
      h1 = Math.imul(h1 ^ b, 0x01000193);
      h2 = Math.imul(h2 ^ (b + i), 0x5bd1e995);
      h2 = (h2 << 13) | (h2 >>> 19);
    }
    this.h1 = h1;
    this.h2 = h2;
    this.length += bytes.length;
  }

  get value(): string {
    const hex = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
    return `${this.length}:${hex(this.h1)}${hex(this.h2)}`;
  }
}

/** xorshift32 bytes: the content of sendBinary, reproducible from the seed. */
export class PatternSource {
  private x: number;

  constructor(seed: number) {
    this.x = seed >>> 0 || 0x2545f491;
  }

  next(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let x = this.x;
    for (let i = 0; i < n; i += 4) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 0xff;
      if (i + 1 < n) out[i + 1] = (x >>> 8) & 0xff;
      if (i + 2 < n) out[i + 2] = (x >>> 16) & 0xff;
      if (i + 3 < n) out[i + 3] = (x >>> 24) & 0xff;
    }
    this.x = x;
    return out;
  }
}

// --- the structural W3C surface the agent relies on ---------------------------------------------

/** Whatever a stack passes to listeners (werift passes nothing at all for some events). */
interface EventLike {
  candidate?: unknown;
  channel?: unknown;
  data?: unknown;
  error?: unknown;
  message?: unknown;
}
type Listener = (event?: EventLike) => void;

interface EventSourceLike {
  addEventListener(type: string, listener: Listener): void;
  removeEventListener(type: string, listener: Listener): void;
}

export interface DataChannelLike extends EventSourceLike {
  readonly label: string;
  readonly protocol?: string;
  readonly id: number | null | undefined;
  readonly ordered: boolean;
  readonly maxRetransmits?: number | null;
  readonly maxPacketLifeTime?: number | null;
  readonly negotiated?: boolean;
  readonly readyState: string;
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  binaryType?: string;
  send(data: string | Uint8Array): void;
  close(): void;
}

export interface PeerConnectionLike extends EventSourceLike {
  readonly connectionState: string;
  readonly iceConnectionState: string;
  readonly iceGatheringState: string;
  readonly signalingState: string;
  readonly localDescription: { type: string; sdp: string } | null;
  readonly remoteDescription: { type: string; sdp: string } | null;
  createOffer(options?: { iceRestart?: boolean }): Promise<{ type?: string; sdp?: string }>;
  createAnswer(): Promise<{ type?: string; sdp?: string }>;
  setLocalDescription(description: SessionDescriptionInit): Promise<unknown>;
  setRemoteDescription(description: SessionDescriptionInit): Promise<unknown>;
  addIceCandidate(candidate: CandidateInit): Promise<unknown>;
  createDataChannel(label: string, options?: ChannelOptions): DataChannelLike;
  restartIce?(): void;
  close(): unknown;
}

// --- the agent ------------------------------------------------------------------------------

const HIGH_WATER = 1 << 20;
const LOW_WATER = 256 << 10;
const MAX_STRINGS = 100_000;
const LOG_LINES = 60;

interface ChannelRecord {
  readonly dc: DataChannelLike;
  readonly origin: 'local' | 'remote';
  readonly strings: string[];
  readonly digest: StreamDigest;
  binaryMessages: number;
  opens: number;
  closeEvents: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function ufragOf(sdp: string | undefined): string | null {
  const m = sdp === undefined ? null : /a=ice-ufrag:(\S+)/.exec(sdp);
  return m?.[1] ?? null;
}

/** Any binary message representation (ArrayBuffer, typed array, Node Buffer) as a Uint8Array view. */
function asBytes(data: unknown): Uint8Array | undefined {
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (Object.prototype.toString.call(data) === '[object ArrayBuffer]')
    return new Uint8Array(data as ArrayBuffer);
  return undefined;
}

function plainDescription(d: { type?: unknown; sdp?: unknown } | null | undefined, what: string) {
  if (!isObject(d) || typeof d['type'] !== 'string' || typeof d['sdp'] !== 'string')
    throw new Error(`${what}: not a session description: ${String(d)}`);
  return { type: d['type'], sdp: d['sdp'] };
}

export class PeerAgent implements PeerCommands {
  readonly name: string;
  private readonly pc: PeerConnectionLike;
  private readonly timeoutMs: number;
  private readonly pollMs: number | undefined;
  private readonly unsetReliability: number | undefined;
  private readonly channels = new Map<string, ChannelRecord>();
  private readonly remoteLabels = new Set<string>();
  private readonly candidates: CandidateInit[] = [];
  private gatheringEnded = 0;
  private negotiationNeeded = 0;
  private readonly connectionStates: string[];
  private readonly iceConnectionStates: string[];
  private readonly anomalies: string[] = [];
  private readonly log: string[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly started = Date.now();
  private closed = false;

  constructor(createPeerConnection: () => PeerConnectionLike, options: AgentOptions = {}) {
    this.name = options.name ?? 'peer';
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.pollMs = options.bufferedAmountPollMs;
    this.unsetReliability = options.unsetReliability;
    const pc = createPeerConnection();
    this.pc = pc;
    this.connectionStates = [pc.connectionState];
    this.iceConnectionStates = [pc.iceConnectionState];
    pc.addEventListener('icecandidate', (e) => this.onCandidate(e));
    pc.addEventListener('datachannel', (e) => this.onDataChannel(e));
    pc.addEventListener('negotiationneeded', () => {
      this.negotiationNeeded++;
      this.note('negotiationneeded');
    });
    pc.addEventListener('connectionstatechange', () => {
      const s = pc.connectionState;
      if (this.connectionStates[this.connectionStates.length - 1] !== s) this.connectionStates.push(s);
      this.note(`connectionState ${s}`);
    });
    pc.addEventListener('iceconnectionstatechange', () => {
      const s = pc.iceConnectionState;
      if (this.iceConnectionStates[this.iceConnectionStates.length - 1] !== s)
        this.iceConnectionStates.push(s);
      this.note(`iceConnectionState ${s}`);
    });
    pc.addEventListener('icegatheringstatechange', () =>
      this.note(`iceGatheringState ${pc.iceGatheringState}`),
    );
    pc.addEventListener('signalingstatechange', () => this.note(`signalingState ${pc.signalingState}`));
  }

  async status(): Promise<PeerStatus> {
    const pc = this.pc;
    return {
      connectionState: pc.connectionState,
      iceConnectionState: pc.iceConnectionState,
      iceGatheringState: pc.iceGatheringState,
      signalingState: pc.signalingState,
      connectionStates: [...this.connectionStates],
      iceConnectionStates: [...this.iceConnectionStates],
      negotiationNeeded: this.negotiationNeeded,
      localUfrag: ufragOf(pc.localDescription?.sdp),
      remoteUfrag: ufragOf(pc.remoteDescription?.sdp),
    };
  }

  // --- signaling ---

  async createOffer(options: OfferOptions = {}): Promise<SessionDescriptionInit> {
    const offer = await this.guard(
      'createOffer',
      this.pc.createOffer(options.iceRestart === true ? { iceRestart: true } : undefined),
    );
    await this.guard(
      'setLocalDescription(offer)',
      this.pc.setLocalDescription(plainDescription(offer, 'createOffer')),
    );
    this.note('offer set');
    return this.localDescription(options.trickle === true);
  }

  async acceptOffer(
    offer: SessionDescriptionInit,
    options: { trickle?: boolean } = {},
  ): Promise<SessionDescriptionInit> {
    await this.guard('setRemoteDescription(offer)', this.pc.setRemoteDescription(offer));
    const answer = await this.guard('createAnswer', this.pc.createAnswer());
    await this.guard(
      'setLocalDescription(answer)',
      this.pc.setLocalDescription(plainDescription(answer, 'createAnswer')),
    );
    this.note('answer set');
    return this.localDescription(options.trickle === true);
  }

  async acceptAnswer(answer: SessionDescriptionInit): Promise<void> {
    await this.guard('setRemoteDescription(answer)', this.pc.setRemoteDescription(answer));
    this.note('remote answer set');
  }

  async addIceCandidates(candidates: CandidateInit[]): Promise<void> {
    for (const c of candidates) {
      try {
        await this.guard('addIceCandidate', this.pc.addIceCandidate(c));
      } catch (e) {
        throw new Error(`${this.name}: addIceCandidate(${JSON.stringify(c)}) failed: ${String(e)}`);
      }
    }
  }

  async nextCandidates(waitMs: number): Promise<CandidateBatch> {
    if (this.candidates.length === 0 && !this.closed) {
      await this.until(
        'a local candidate',
        () => (this.candidates.length > 0 || this.closed ? true : undefined),
        {
          timeoutMs: waitMs,
          quiet: true,
        },
      );
    }
    return { candidates: this.candidates.splice(0), gatheringEnded: this.gatheringEnded };
  }

  /**
   * The current local description; unless trickling, once gathering is complete and it lists
   * candidates (after an ICE restart the description first comes without any).
   */
  private async localDescription(trickle: boolean): Promise<SessionDescriptionInit> {
    const pc = this.pc;
    if (!trickle) {
      await this.until('ICE gathering to complete with candidates in the local description', () =>
        pc.iceGatheringState === 'complete' && /\r?\na=candidate:/.test(pc.localDescription?.sdp ?? '')
          ? true
          : undefined,
      );
    }
    return plainDescription(pc.localDescription, 'localDescription');
  }

  // --- channels ---

  async createDataChannel(label: string, options: ChannelOptions = {}): Promise<ChannelInfo> {
    const [info] = await this.createDataChannels([label], options);
    return info as ChannelInfo;
  }

  async createDataChannels(labels: string[], options: ChannelOptions = {}): Promise<ChannelInfo[]> {
    return labels.map((label) => {
      if (this.channels.has(label)) throw new Error(`${this.name}: a channel '${label}' exists already`);
      const dc = this.pc.createDataChannel(label, options);
      this.track(dc, 'local');
      return this.info(dc);
    });
  }

  async waitChannelOpen(label: string, timeoutMs?: number): Promise<ChannelInfo> {
    return this.until(
      `channel '${label}' to open`,
      () => {
        const rec = this.channels.get(label);
        return rec !== undefined && rec.dc.readyState === 'open' ? this.info(rec.dc) : undefined;
      },
      { timeoutMs },
    );
  }

  async waitRemoteChannel(label: string, timeoutMs?: number): Promise<ChannelInfo> {
    return this.until(
      `a datachannel event for '${label}' and its channel open`,
      () => {
        const rec = this.channels.get(label);
        return rec?.origin === 'remote' && rec.dc.readyState === 'open' ? this.info(rec.dc) : undefined;
      },
      { timeoutMs },
    );
  }

  async channelInfo(label: string): Promise<ChannelInfo> {
    return this.info(this.channel(label).dc);
  }

  async sendStrings(label: string, prefix: string, count: number): Promise<void> {
    const { dc } = this.channel(label);
    dc.bufferedAmountLowThreshold = LOW_WATER;
    for (let i = 0; i < count; i++) {
      if (dc.bufferedAmount > HIGH_WATER) await this.drain(dc);
      dc.send(stringMessage(prefix, i));
    }
  }

  async waitStrings(label: string, count: number, timeoutMs?: number): Promise<string[]> {
    return this.until(
      `${count} strings on '${label}'`,
      () => {
        const rec = this.channels.get(label);
        return rec !== undefined && rec.strings.length >= count ? rec.strings.splice(0, count) : undefined;
      },
      { timeoutMs },
    );
  }

  async sendBinary(label: string, options: BinarySendOptions): Promise<BinarySummary> {
    const { dc } = this.channel(label);
    const source = new PatternSource(options.seed);
    const digest = new StreamDigest();
    let messages = 0;
    dc.bufferedAmountLowThreshold = LOW_WATER;
    for (let sent = 0; sent < options.bytes; ) {
      if (dc.bufferedAmount > HIGH_WATER) await this.drain(dc);
      // A fresh buffer per message: a stack may legitimately keep the view until it is sent.
      const chunk = source.next(Math.min(options.chunk, options.bytes - sent));
      digest.update(chunk);
      dc.send(chunk);
      sent += chunk.length;
      messages++;
    }
    return { bytes: digest.length, messages, digest: digest.value };
  }

  async waitBinary(label: string, bytes: number, timeoutMs?: number): Promise<BinarySummary> {
    return this.until(
      `${bytes} bytes of binary on '${label}'`,
      () => {
        const rec = this.channels.get(label);
        return rec !== undefined && rec.digest.length >= bytes
          ? { bytes: rec.digest.length, messages: rec.binaryMessages, digest: rec.digest.value }
          : undefined;
      },
      { timeoutMs },
    );
  }

  async closeChannel(label: string): Promise<void> {
    this.channel(label).dc.close();
  }

  async waitChannelClosed(label: string, timeoutMs?: number): Promise<ChannelClosed> {
    return this.until(
      `channel '${label}' to close`,
      () => {
        const rec = this.channels.get(label);
        return rec !== undefined && rec.dc.readyState === 'closed' && rec.closeEvents > 0
          ? { readyState: rec.dc.readyState, closeEvents: rec.closeEvents }
          : undefined;
      },
      { timeoutMs },
    );
  }

  // --- connection ---

  async restartIce(): Promise<void> {
    if (typeof this.pc.restartIce !== 'function')
      throw new Error(`${this.name}: the stack has no restartIce()`);
    this.pc.restartIce();
    this.note('restartIce()');
  }

  async waitNegotiationNeeded(count: number, timeoutMs?: number): Promise<number> {
    return this.until(
      `negotiationneeded #${count}`,
      () => (this.negotiationNeeded >= count ? this.negotiationNeeded : undefined),
      { timeoutMs },
    );
  }

  async waitState(
    kind: 'connectionState' | 'iceConnectionState',
    state: string | string[],
    from = 0,
    timeoutMs?: number,
  ): Promise<string[]> {
    const history = kind === 'connectionState' ? this.connectionStates : this.iceConnectionStates;
    const wanted = typeof state === 'string' ? [state] : state;
    return this.until(
      `${kind} ${wanted.map((w) => `'${w}'`).join(' or ')}`,
      () => (history.slice(from).some((s) => wanted.includes(s)) ? [...history] : undefined),
      { timeoutMs },
    );
  }

  async problems(): Promise<string[]> {
    return [...this.anomalies];
  }

  async report(): Promise<string> {
    return `${this.name}: ${this.describe()}`;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pc.close();
    this.note('closed');
  }

  // --- internals ---

  private onCandidate(event: EventLike | undefined): void {
    const c = event?.candidate;
    if (!isObject(c) || typeof c['candidate'] !== 'string' || c['candidate'] === '') {
      this.gatheringEnded++;
      this.note('end of candidates');
      return;
    }
    const init: CandidateInit = { candidate: c['candidate'] };
    if (typeof c['sdpMid'] === 'string') init.sdpMid = c['sdpMid'];
    if (typeof c['sdpMLineIndex'] === 'number') init.sdpMLineIndex = c['sdpMLineIndex'];
    if (typeof c['usernameFragment'] === 'string') init.usernameFragment = c['usernameFragment'];
    this.candidates.push(init);
    this.note(`candidate ${init.candidate}`);
  }

  private onDataChannel(event: EventLike | undefined): void {
    const dc = event?.channel as DataChannelLike | undefined;
    if (!isObject(dc) || typeof dc.label !== 'string') {
      this.anomaly(`datachannel event without a channel`);
      return;
    }
    if (this.remoteLabels.has(dc.label) || this.channels.has(dc.label)) {
      this.anomaly(
        `a second channel labelled '${dc.label}' (id ${String(dc.id)}) arrived from the remote peer`,
      );
      return;
    }
    this.remoteLabels.add(dc.label);
    this.track(dc, 'remote');
  }

  private track(dc: DataChannelLike, origin: 'local' | 'remote'): void {
    const rec: ChannelRecord = {
      dc,
      origin,
      strings: [],
      digest: new StreamDigest(),
      binaryMessages: 0,
      opens: 0,
      closeEvents: 0,
    };
    this.channels.set(dc.label, rec);
    if ('binaryType' in dc) dc.binaryType = 'arraybuffer';
    dc.addEventListener('open', () => {
      rec.opens++;
      this.note(`channel '${dc.label}' open (id ${String(dc.id)})`);
    });
    dc.addEventListener('close', () => {
      rec.closeEvents++;
      this.note(`channel '${dc.label}' close`);
    });
    dc.addEventListener('error', (e) => {
      const err = e?.error;
      const text = isObject(err)
        ? `${String(err['name'])}: ${String(err['message'])}`
        : String(err ?? e?.message);
      this.anomaly(`channel '${dc.label}' error event: ${text}`);
    });
    dc.addEventListener('message', (e) => {
      const data = e?.data;
      if (typeof data === 'string') {
        if (rec.strings.length < MAX_STRINGS) rec.strings.push(data);
      } else {
        const bytes = asBytes(data);
        if (bytes === undefined) {
          this.anomaly(
            `channel '${dc.label}': a message of unexpected type ${Object.prototype.toString.call(data)}`,
          );
        } else {
          rec.digest.update(bytes);
          rec.binaryMessages++;
        }
      }
      this.changed();
    });
    this.note(`channel '${dc.label}' ${origin} (id ${String(dc.id)}, ${dc.readyState})`);
  }

  private channel(label: string): ChannelRecord {
    const rec = this.channels.get(label);
    if (rec === undefined) throw new Error(`${this.name}: no channel '${label}'; ${this.describe()}`);
    return rec;
  }

  private info(dc: DataChannelLike): ChannelInfo {
    const numberOrNull = (v: unknown): number | null => (typeof v === 'number' ? v : null);
    const limit = (v: unknown): number | null => (v === this.unsetReliability ? null : numberOrNull(v));
    // 65535 is no stream id (RFC 8831 §6.5); node-datachannel reports it for a channel whose id
    // was not known yet when its object was made, and never updates it. W3C says null.
    const id = dc.id === 65535 ? null : numberOrNull(dc.id);
    return {
      label: dc.label,
      protocol: dc.protocol ?? '',
      id,
      ordered: dc.ordered,
      maxRetransmits: limit(dc.maxRetransmits),
      maxPacketLifeTime: limit(dc.maxPacketLifeTime),
      negotiated: dc.negotiated === true,
      readyState: dc.readyState,
    };
  }

  /**
   * Waits for `bufferedamountlow` (the listener goes on before the level is checked again, so an
   * event cannot slip between the two). Fails if the channel stops being open.
   */
  private drain(dc: DataChannelLike): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let poll: ReturnType<typeof setInterval> | undefined;
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        if (poll !== undefined) clearInterval(poll);
        dc.removeEventListener('bufferedamountlow', onLow);
        dc.removeEventListener('close', onClose);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onLow: Listener = () => finish();
      const onClose: Listener = () =>
        finish(new Error(`${this.name}: channel '${dc.label}' closed while waiting for bufferedamountlow`));
      const timer = setTimeout(
        () =>
          finish(
            new Error(
              `${this.name}: no bufferedamountlow on '${dc.label}' within ${this.timeoutMs} ms (bufferedAmount ` +
                `${dc.bufferedAmount}, threshold ${dc.bufferedAmountLowThreshold}); ${this.describe()}`,
            ),
          ),
        this.timeoutMs,
      );
      dc.addEventListener('bufferedamountlow', onLow);
      dc.addEventListener('close', onClose);
      if (this.pollMs !== undefined) {
        poll = setInterval(() => {
          if (dc.bufferedAmount <= dc.bufferedAmountLowThreshold) finish();
        }, this.pollMs);
      }
      if (dc.bufferedAmount <= dc.bufferedAmountLowThreshold) finish();
      else if (dc.readyState !== 'open') onClose();
    });
  }

  /**
   * Resolves with the first defined value of `check`, re-evaluated after every event the agent
   * sees; rejects after the timeout with the peer's state and recent events (or, when `quiet`,
   * resolves with undefined), and when the agent is closed.
   */
  private until<T>(
    what: string,
    check: () => T | undefined,
    opts: { timeoutMs?: number | undefined; quiet?: boolean } = {},
  ): Promise<T> {
    const first = check();
    if (first !== undefined) return Promise.resolve(first);
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    return new Promise<T>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      const waiter = (): void => {
        let value: T | undefined;
        try {
          value = check();
        } catch (e) {
          done();
          reject(e);
          return;
        }
        if (value !== undefined) {
          done();
          resolve(value);
        } else if (this.closed) {
          done();
          reject(new Error(`${this.name}: closed while waiting for ${what}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        if (opts.quiet === true) resolve(undefined as T);
        else reject(new Error(`${this.name}: no ${what} within ${timeoutMs} ms; ${this.describe()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** A stack's own promise, with the failure guard (a polyfill's may never settle). */
  private guard<T>(what: string, promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`${this.name}: ${what} did not settle within ${this.timeoutMs} ms; ${this.describe()}`),
          ),
        this.timeoutMs,
      );
      promise.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }

  private changed(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private note(event: string): void {
    this.log.push(`+${Date.now() - this.started}ms ${event}`);
    if (this.log.length > LOG_LINES) this.log.shift();
    this.changed();
  }

  private anomaly(text: string): void {
    this.anomalies.push(text);
    this.note(`ANOMALY ${text}`);
  }

  /** The peer's state for error messages. */
  private describe(): string {
    const pc = this.pc;
    const channels = [...this.channels.values()].map(
      (r) =>
        `'${r.dc.label}' ${r.origin} ${r.dc.readyState} strings=${r.strings.length} binary=${r.digest.length}` +
        ` buffered=${r.dc.bufferedAmount}`,
    );
    return (
      `connection ${pc.connectionState}, ice ${pc.iceConnectionState}, gathering ${pc.iceGatheringState}, ` +
      `signaling ${pc.signalingState}; channels: ${channels.join('; ') || 'none'}\n` +
      `recent events of ${this.name}:\n  ${this.log.join('\n  ')}`
    );
  }
}
