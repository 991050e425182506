/**
 * The peerconnection suite's building blocks, small: the transfer's flow control and checks on
 * in-memory channels, then ours and werift through every kind of trial with tiny sizes (a pair
 * connected, a few hundred KiB in one process and to a receiver in a child process, a memory
 * child of one pair), the bare ceilings, and nothing left behind. suites.test.ts runs the whole suite once as well (TINY sizes, all four libraries).
 * No timing is asserted.
 */
import { describe, expect, it } from 'vitest';
import { activeResources, resourceGrowth } from '../harness.js';
import { OURS } from '../suites/peerconnection/ours.js';
import type { Channel, MessageLike } from '../suites/peerconnection/peers.js';
import { remoteBareTransfer, remoteTransferTrial } from '../suites/peerconnection/remote-transfer.js';
import {
  bareRoundTrip,
  bareTransfer,
  checkLoopback,
  KiB,
  memoryInChild,
  setupTrial,
  transfer,
  transferTrial,
} from '../suites/peerconnection/scenarios.js';
import { WERIFT } from '../suites/peerconnection/werift.js';
import { MESSAGE, SMALL, SMALL_WATER, THROUGHPUT_WATER } from '../suites/peerconnection.js';

type Listener = (event: MessageLike) => void;

/** One end of an in-memory channel: a send is delivered (and leaves bufferedAmount) a turn later. */
class FakeChannel implements Channel {
  readonly label = 'fake';
  readonly readyState = 'open';
  binaryType = 'arraybuffer';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  peer: FakeChannel | undefined;
  /** The number of a message to lose, if any. */
  lose: number | undefined;
  /** Fire bufferedamountlow (wrtc does not). */
  fireLow = true;
  lowEvents = 0;
  private sent = 0;
  private readonly listeners = new Map<string, Set<Listener>>();

  send(data: Uint8Array): void {
    const n = this.sent++;
    const copy = new Uint8Array(data); // a copy: a small Buffer is a view of a shared pool
    this.bufferedAmount += copy.byteLength;
    setImmediate(() => {
      const before = this.bufferedAmount;
      this.bufferedAmount -= copy.byteLength;
      if (this.fireLow && before > this.bufferedAmountLowThreshold) {
        if (this.bufferedAmount <= this.bufferedAmountLowThreshold) {
          this.lowEvents++;
          this.emit('bufferedamountlow', { data: undefined });
        }
      }
      if (n !== this.lose) this.peer?.emit('message', { data: copy.buffer });
    });
  }

  close(): void {}

  addEventListener(type: string, listener: Listener): void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener);
    this.listeners.set(type, set);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }

  private emit(type: string, event: MessageLike): void {
    for (const l of this.listeners.get(type) ?? []) l(event);
  }
}

function fakePair(): [FakeChannel, FakeChannel] {
  const a = new FakeChannel();
  const b = new FakeChannel();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

describe('transfer on in-memory channels', () => {
  it('moves every message under the water marks, refilling on bufferedamountlow', async () => {
    const [a, b] = fakePair();
    let most = 0;
    const send = a.send.bind(a);
    a.send = (data) => {
      send(data);
      most = Math.max(most, a.bufferedAmount);
    };
    const ms = await transfer(a, b, 200, 1000, { high: 8000, low: 2000 }, 'fake');
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(most).toBeLessThanOrEqual(8000);
    expect(a.bufferedAmountLowThreshold).toBe(2000);
    expect(a.lowEvents).toBeGreaterThan(0);
  });

  it('polls bufferedAmount for a library without bufferedamountlow', async () => {
    const [a, b] = fakePair();
    a.fireLow = false;
    await expect(
      transfer(a, b, 100, 64, { high: 640, low: 128 }, 'fake', true),
    ).resolves.toBeGreaterThanOrEqual(0);
  });

  it('fails on a lost message', async () => {
    const [a, b] = fakePair();
    a.lose = 5;
    await expect(transfer(a, b, 50, 64, { high: 4096, low: 1024 }, 'fake')).rejects.toThrow(
      'fake: message 5 arrived as 64 bytes, number 6',
    );
  });
});

/** The pipes and sockets of this process: a child's IPC and stderr pipes are `PipeWrap`s. */
function pipesAndSockets(): number {
  return process.getActiveResourcesInfo().filter((t) => t === 'PipeWrap' || t === 'UDPWrap').length;
}

describe('trials, tiny', () => {
  it('the bare ceilings', async () => {
    expect(await bareRoundTrip()).toBeGreaterThan(0);
    expect(await bareTransfer(300, 1200)).toBeGreaterThan(0);
    expect(await bareTransfer(300, 64)).toBeGreaterThan(0);
  });

  it('the bare ceiling with its receiver in a child process, nothing left behind', async () => {
    const before = pipesAndSockets();
    expect(await remoteBareTransfer(300, 1200)).toBeGreaterThan(0);
    expect(pipesAndSockets()).toBeLessThanOrEqual(before);
  });

  for (const peer of [OURS, WERIFT]) {
    it(`${peer.name}: on loopback, set up, 256 KiB and 200 small messages, nothing left behind`, {
      timeout: 120_000,
    }, async () => {
      const before = activeResources();
      expect(await checkLoopback(peer)).toBe('loopback only');
      expect(await setupTrial(peer)).toBeGreaterThan(0);
      expect(await transferTrial(peer, (256 * KiB) / MESSAGE, MESSAGE, THROUGHPUT_WATER)).toBeGreaterThan(0);
      expect(await transferTrial(peer, 200, SMALL, SMALL_WATER)).toBeGreaterThan(0);
      // setupTrial and transferTrial wait for the library's sockets and timers to go.
      expect(resourceGrowth(before, activeResources())).toEqual([]);
    });

    it(`${peer.name}: 256 KiB to a receiver in a child process, nothing left behind`, {
      timeout: 120_000,
    }, async () => {
      const before = activeResources();
      const pipes = pipesAndSockets();
      expect(
        await remoteTransferTrial(peer, (256 * KiB) / MESSAGE, MESSAGE, THROUGHPUT_WATER),
      ).toBeGreaterThan(0);
      // The child has exited (its pipes are closed) and this side's sockets and timers are gone.
      expect(pipesAndSockets()).toBeLessThanOrEqual(pipes);
      expect(resourceGrowth(before, activeResources())).toEqual([]);
    });

    it(`${peer.name}: memory of one pair in a child process`, { timeout: 120_000 }, async () => {
      const figures = await memoryInChild(peer.key, 1, 100_000);
      expect(Number.isFinite(figures.heap)).toBe(true);
      expect(Number.isFinite(figures.rss)).toBe(true);
    });
  }
});
