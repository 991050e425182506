/**
 * PeerDriver: one peer under test, whatever runs it (this process, a child process, a Chromium
 * page). Its commands are the agent's (agent.ts), all asynchronous with JSON arguments; the host
 * adds `vanish` (stop answering without a word: SIGKILL of the child or of the browser) and
 * `dispose` (close and free everything; idempotent, safe after vanish).
 *
 * PeerPair signals between two drivers: offer/answer with the whole SDP after gathering, or with
 * trickled candidates pumped from one peer to the other until the pair is stopped. Either way only
 * IPv4 loopback candidates reach the other peer, so every test runs on 127.0.0.1
 * (real-peers.md); libwebrtc, libdatachannel and werift also gather on the other interfaces.
 */
import {
  type CandidateInit,
  COMMAND_NAMES,
  type PeerAgent,
  type PeerCommands,
  type SessionDescriptionInit,
} from './agent.js';

export type PeerKind = 'ours' | 'wrtc' | 'node-datachannel' | 'werift' | 'chromium';

export interface PeerDriver extends PeerCommands {
  readonly kind: PeerKind;
  /** For messages: the kind and the role in the test, e.g. "ours:ours[offerer]". */
  readonly name: string;
  /** Whether vanish() is possible (the peer runs in a child process or its own browser). */
  readonly canVanish: boolean;
  /** Stops the peer abruptly: nothing more leaves it, not even a close. */
  vanish(): Promise<void>;
  /** Closes the peer connection and frees its host; idempotent. */
  dispose(): Promise<void>;
}

export interface HostOps {
  kind: PeerKind;
  name: string;
  canVanish: boolean;
  vanish(): Promise<void>;
  dispose(): Promise<void>;
}

/** A driver whose commands are forwarded by `call` (a page.evaluate, an IPC round trip). */
export function rpcDriver(
  host: HostOps,
  call: (command: string, args: unknown[]) => Promise<unknown>,
): PeerDriver {
  const commands = Object.fromEntries(
    COMMAND_NAMES.map((name) => [name, (...args: unknown[]) => call(name, args)] as const),
  ) as unknown as PeerCommands;
  return {
    ...commands,
    kind: host.kind,
    name: host.name,
    canVanish: host.canVanish,
    vanish: () => host.vanish(),
    dispose: () => host.dispose(),
  };
}

/**
 * A driver over an agent in this process. Arguments and results are cloned as they would be
 * across a process boundary, so a test cannot come to depend on shared objects.
 */
export function inProcessDriver(host: HostOps, agent: PeerAgent): PeerDriver {
  return rpcDriver(host, async (command, args) => {
    const method = agent[command as keyof PeerCommands] as (...a: unknown[]) => Promise<unknown>;
    const result = await method.apply(agent, structuredClone(args));
    return result === undefined ? undefined : structuredClone(result);
  });
}

export interface NegotiateOptions {
  trickle?: boolean;
  iceRestart?: boolean;
}

/** Commands that may run while the connection is failed (the vanish scenario waits for it). */
const UNGUARDED: ReadonlySet<string> = new Set(['waitState', 'status', 'report', 'problems', 'close']);

/**
 * Two peers and the signaling between them. With trickle, one pump per direction forwards local
 * candidates to the other peer; pumps hold back while an offer/answer exchange is under way, so
 * a candidate never reaches a peer before the description it belongs to.
 *
 * `a` and `b` are the peers seen through the pair: each of their commands also fails as soon as
 * the pair fails (a pump's addIceCandidate was refused, or either peer's connectionState became
 * 'failed'), instead of running into its own timeout.
 */
export class PeerPair {
  readonly a: PeerDriver;
  readonly b: PeerDriver;
  private trickling = false;
  private negotiating = 0;
  private stopped = false;
  private failure: Error | undefined;
  private readonly failed: Promise<never>;
  private fail!: (e: Error) => void;
  private readonly pumps: Promise<void>[] = [];
  private readonly resumers = new Set<() => void>();
  /** Candidates the pumps dropped (not IPv4 loopback), for the record. */
  readonly dropped: string[] = [];

  private readonly raw: readonly [PeerDriver, PeerDriver];

  constructor(a: PeerDriver, b: PeerDriver) {
    this.raw = [a, b];
    this.failed = new Promise<never>((_, reject) => {
      this.fail = (e) => {
        if (this.failure !== undefined || this.stopped) return;
        this.failure = e;
        reject(e);
      };
    });
    this.failed.catch(() => {});
    this.a = this.guarded(a);
    this.b = this.guarded(b);
    for (const peer of [a, b]) {
      // Long-polls until the peer fails or is closed (the agent rejects its waits on close).
      peer.waitState('connectionState', 'failed', 0, 24 * 3600_000).then(
        () => this.fail(new Error(`${peer.name}: connectionState went 'failed'`)),
        () => {},
      );
    }
  }

  /** offerer.createOffer → answerer.acceptOffer → offerer.acceptAnswer (either peer, or its view). */
  async negotiate(peer: PeerDriver, options: NegotiateOptions = {}): Promise<void> {
    const first = peer === this.a || peer === this.raw[0];
    if (!first && peer !== this.b && peer !== this.raw[1])
      throw new Error(`${peer.name} is not in this pair`);
    const [offerer, answerer] = first ? [this.a, this.b] : [this.b, this.a];
    const trickle = options.trickle === true;
    this.negotiating++;
    try {
      const offer = await offerer.createOffer({ trickle, iceRestart: options.iceRestart === true });
      const answer = await answerer.acceptOffer(loopbackOnly(offer), { trickle });
      await offerer.acceptAnswer(loopbackOnly(answer));
    } finally {
      this.negotiating--;
      if (this.negotiating === 0) for (const resume of this.resumers) resume();
    }
    if (trickle && !this.trickling) {
      this.trickling = true;
      this.pumps.push(this.pump(this.a, this.b), this.pump(this.b, this.a));
    }
  }

  /** `promise`, or the failure of the pair, whichever comes first. */
  guard<T>(promise: Promise<T>): Promise<T> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return Promise.race([promise, this.failed]);
  }

  /** Stops the pumps and the failure watch (the peers themselves are disposed by their owner). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const resume of this.resumers) resume();
    await Promise.allSettled(this.pumps);
  }

  private guarded(peer: PeerDriver): PeerDriver {
    const view = { ...peer };
    for (const name of COMMAND_NAMES) {
      if (UNGUARDED.has(name)) continue;
      const command = peer[name] as (...args: unknown[]) => Promise<unknown>;
      (view as Record<string, unknown>)[name] = (...args: unknown[]) => this.guard(command(...args));
    }
    return view;
  }

  private async pump(from: PeerDriver, to: PeerDriver): Promise<void> {
    while (!this.stopped) {
      let batch: CandidateInit[];
      try {
        ({ candidates: batch } = await from.nextCandidates(250));
      } catch (e) {
        this.fail(new Error(`${from.name}: nextCandidates failed: ${String(e)}`));
        return;
      }
      if (batch.length === 0) continue;
      while (this.negotiating > 0 && !this.stopped) {
        await new Promise<void>((resolve) => {
          const resume = (): void => {
            this.resumers.delete(resume);
            resolve();
          };
          this.resumers.add(resume);
        });
      }
      if (this.stopped) return;
      const kept = batch.filter((c) => {
        const keep = isLoopbackV4(c);
        if (!keep) this.dropped.push(`${from.name}: ${c.candidate}`);
        return keep;
      });
      if (kept.length === 0) continue;
      try {
        await to.addIceCandidates(kept);
      } catch (e) {
        this.fail(e instanceof Error ? e : new Error(String(e)));
        return;
      }
    }
  }
}

/** The connection address of an `a=candidate` / `candidate:` line. */
export function candidateAddress(candidate: string): string | undefined {
  // candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ...
  return candidate.replace(/^a=/, '').split(' ')[4];
}

function isLoopbackV4(c: CandidateInit): boolean {
  return candidateAddress(c.candidate)?.startsWith('127.') === true;
}

/**
 * The description with only its IPv4 loopback candidates. One without any (a trickled one) is
 * returned unchanged.
 */
export function loopbackOnly(d: SessionDescriptionInit): SessionDescriptionInit {
  const lines = d.sdp.split('\r\n');
  const isCandidate = (l: string): boolean => l.startsWith('a=candidate:');
  const loopback = (l: string): boolean => candidateAddress(l)?.startsWith('127.') === true;
  if (!lines.some((l) => isCandidate(l) && loopback(l))) return d;
  return { type: d.type, sdp: lines.filter((l) => !isCandidate(l) || loopback(l)).join('\r\n') };
}
