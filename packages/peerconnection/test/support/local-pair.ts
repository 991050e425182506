/**
 * Ours-with-ours helpers for the conformance tests: peer connections that gather on 127.0.0.1
 * only and are all closed after each test, a trickle wiring between two of them, the offer/answer
 * exchange, and event waits whose timeouts are failure guards only (never pass/fail thresholds).
 */
import { afterEach } from 'vitest';
import {
  type RTCConfiguration,
  type RTCDataChannel,
  type RTCDataChannelInit,
  RTCPeerConnection,
  type RTCPeerConnectionIceEvent,
} from '../../src/index.js';

/** Gather on loopback only: no test may touch another interface. */
export const LOOPBACK: RTCConfiguration = { hostAddresses: { addresses: ['127.0.0.1'] } };

/** How long a wait may take before the test fails instead of hanging (a guard, not a threshold). */
export const GUARD_MS = 10_000;

/**
 * Peer connections created through `peers.create()` are closed after each test of the file that
 * called `usePeers()`.
 */
export function usePeers(): { create(config?: RTCConfiguration): RTCPeerConnection } {
  const open: RTCPeerConnection[] = [];
  afterEach(() => {
    for (const pc of open.splice(0)) pc.close();
  });
  return {
    create(config: RTCConfiguration = {}): RTCPeerConnection {
      const pc = new RTCPeerConnection({ ...LOOPBACK, ...config });
      open.push(pc);
      return pc;
    },
  };
}

/** Resolves with the first `type` event on `target` that `accept` takes; rejects after `ms`. */
export function nextEvent<E extends Event = Event>(
  target: EventTarget,
  type: string,
  accept: (event: E) => boolean = () => true,
  ms = GUARD_MS,
): Promise<E> {
  return new Promise<E>((resolve, reject) => {
    const timer = setTimeout(() => {
      target.removeEventListener(type, listener);
      reject(new Error(`no '${type}' event within ${ms} ms`));
    }, ms);
    const listener = (event: Event): void => {
      if (!accept(event as E)) return;
      clearTimeout(timer);
      target.removeEventListener(type, listener);
      resolve(event as E);
    };
    target.addEventListener(type, listener);
  });
}

/** Resolves once `read()` returns `wanted`, checking at every `type` event (and right away). */
export async function until<T>(
  target: EventTarget,
  type: string,
  read: () => T,
  wanted: T,
  ms = GUARD_MS,
): Promise<void> {
  if (read() === wanted) return;
  await nextEvent(target, type, () => read() === wanted, ms);
}

/** Waits until `check()` holds, polling every few ms (for state with no event of its own). */
export async function poll(check: () => boolean, what: string, ms = GUARD_MS): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Lets queued tasks (setTimeout 0, I/O callbacks) run. */
export function tasks(n = 3): Promise<void> {
  let p = Promise.resolve();
  for (let i = 0; i < n; i++) p = p.then(() => new Promise<void>((r) => setTimeout(r, 0)));
  return p;
}

/** Trickles each side's candidates to the other, ending with the null candidate. */
export function wireCandidates(a: RTCPeerConnection, b: RTCPeerConnection): void {
  const forward = (to: RTCPeerConnection) => (event: Event) => {
    const c = (event as RTCPeerConnectionIceEvent).candidate;
    to.addIceCandidate(c ?? undefined).catch(() => {
      // the peer may be closed or mid-renegotiation: tests check what they care about
    });
  };
  a.addEventListener('icecandidate', forward(b));
  b.addEventListener('icecandidate', forward(a));
}

/** One offer/answer round with implicit descriptions: `offerer` offers, `answerer` answers. */
export async function negotiate(offerer: RTCPeerConnection, answerer: RTCPeerConnection): Promise<void> {
  await offerer.setLocalDescription();
  await answerer.setRemoteDescription(offerer.localDescription!);
  await answerer.setLocalDescription();
  await offerer.setRemoteDescription(answerer.localDescription!);
}

export interface ConnectedPair {
  readonly a: RTCPeerConnection;
  readonly b: RTCPeerConnection;
  /** The channel `a` created. */
  readonly dcA: RTCDataChannel;
  /** The same channel as announced on `b` (or b's negotiated twin). */
  readonly dcB: RTCDataChannel;
}

/**
 * Two connected peers with one open data channel: `a` creates it (negotiated channels are created
 * on both sides) and offers; candidates trickle.
 */
export async function connectPair(
  peers: { create(config?: RTCConfiguration): RTCPeerConnection },
  init: RTCDataChannelInit = {},
  label = 'chat',
): Promise<ConnectedPair> {
  const a = peers.create();
  const b = peers.create();
  wireCandidates(a, b);
  const dcA = a.createDataChannel(label, init);
  let dcBPromise: Promise<RTCDataChannel>;
  if (init.negotiated === true) {
    const twin = b.createDataChannel(label, init);
    dcBPromise =
      twin.readyState === 'open' ? Promise.resolve(twin) : nextEvent(twin, 'open').then(() => twin);
  } else {
    dcBPromise = nextEvent<Event & { channel: RTCDataChannel }>(b, 'datachannel').then(async (e) => {
      if (e.channel.readyState !== 'open') await nextEvent(e.channel, 'open');
      return e.channel;
    });
  }
  const openA = nextEvent(dcA, 'open');
  await negotiate(a, b);
  const [dcB] = await Promise.all([dcBPromise, openA]);
  return { a, b, dcA, dcB };
}

/** The next message's data on `dc`. */
export async function nextMessage(dc: RTCDataChannel): Promise<unknown> {
  return (await nextEvent<MessageEvent>(dc, 'message')).data;
}

/** The next `n` messages' data on `dc`, in arrival order. */
export function messages(dc: RTCDataChannel, n: number, ms = GUARD_MS): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const got: unknown[] = [];
    const timer = setTimeout(() => {
      dc.removeEventListener('message', listener);
      reject(new Error(`${got.length} of ${n} messages within ${ms} ms`));
    }, ms);
    const listener = (event: Event): void => {
      got.push((event as MessageEvent).data);
      if (got.length < n) return;
      clearTimeout(timer);
      dc.removeEventListener('message', listener);
      resolve(got);
    };
    dc.addEventListener('message', listener);
  });
}

/** The value of `a=<name>:` in the first section of `sdp` that has one. */
export function attribute(sdp: string, name: string): string | undefined {
  const line = sdp.split(/\r?\n/).find((l) => l.startsWith(`a=${name}:`));
  return line?.slice(name.length + 3);
}

/** Asserts a promise rejects, and returns what it rejected with (for name checks). */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** What `fn` throws (fails when it returns). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an exception, but none was thrown');
}

/** `name` of a DOMException or Error (TypeError → 'TypeError'). */
export function errorName(e: unknown): string {
  return e instanceof Error || e instanceof DOMException ? e.name : `not an error: ${String(e)}`;
}
