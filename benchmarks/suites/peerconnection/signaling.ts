/**
 * Signaling for the trials, whether both peers are in this process (scenarios.ts's
 * `connectPair`) or the answerer is in a child (remote-transfer.ts, remote-child.ts): loopback
 * candidates forwarded as they come, held on the receiving side until it has a remote
 * description, and a channel's opening. No peer library is imported here.
 */
import { type CandidateInit, type Channel, type Connection, isLoopbackCandidate } from './peers.js';

/** Candidate lines seen on the way, for `checkLoopback`'s verdict. */
export interface CandidateLog {
  /** Every candidate line gathered, forwarded or not. */
  readonly gathered: string[];
  /** The lines forwarded (loopback only). */
  readonly forwarded: string[];
}

/**
 * Hands `pc`'s candidates to `forward` as they come, loopback candidates only, as plain
 * {candidate, sdpMid, sdpMLineIndex} (wrtc's addIceCandidate rejects other libraries' candidate
 * objects: "Expected a 32-bit integer"; and only plain data crosses to a child process).
 * End-of-candidates is not forwarded: not every library takes it, and none needs it to connect.
 */
export function forwardLoopbackCandidates(
  pc: Connection,
  forward: (candidate: CandidateInit) => void,
  log?: CandidateLog,
): void {
  pc.onicecandidate = (event) => {
    const c = event.candidate;
    if (c?.candidate === undefined || c.candidate === '') return;
    log?.gathered.push(c.candidate);
    if (!isLoopbackCandidate(c.candidate)) return;
    log?.forwarded.push(c.candidate);
    forward({ candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null });
  };
}

/**
 * The remote candidates of `pc`: those that come before `pc` has a remote description (the
 * other side's may be gathered while its own description is still on the way) wait for
 * `ready()`, the later ones go straight to `addIceCandidate`. A rejection goes to `fail`.
 */
export class CandidateInbox {
  private waiting: CandidateInit[] | undefined = [];

  constructor(
    private readonly pc: Connection,
    private readonly fail: (error: unknown) => void,
  ) {}

  add(candidate: CandidateInit): void {
    if (this.waiting !== undefined) this.waiting.push(candidate);
    else this.deliver(candidate);
  }

  /** Call once `pc.setRemoteDescription` has resolved. */
  ready(): void {
    const waiting = this.waiting ?? [];
    this.waiting = undefined;
    for (const candidate of waiting) this.deliver(candidate);
  }

  /**
   * node-datachannel's polyfill throws synchronously (a candidate that trickles in after its
   * connection closed, as in the memory child's warmup pairs): uncaught, that took the whole
   * process down from inside the library's event dispatch.
   */
  private deliver(candidate: CandidateInit): void {
    try {
      this.pc.addIceCandidate(candidate).catch(this.fail);
    } catch (e) {
      this.fail(e);
    }
  }
}

/** Resolves once `channel` is open; rejects if it closes first. */
export function opened(channel: Channel): Promise<void> {
  if (channel.readyState === 'open') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onOpen = () => {
      channel.removeEventListener('close', onClose);
      resolve();
    };
    const onClose = () => {
      channel.removeEventListener('open', onOpen);
      reject(new Error(`channel ${channel.label} closed before it opened`));
    };
    channel.addEventListener('open', onOpen);
    channel.addEventListener('close', onClose);
  });
}
