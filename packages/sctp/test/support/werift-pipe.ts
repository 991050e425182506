/**
 * Our association and a werift-sctp association joined by an in-memory pipe. werift runs on
 * real timers and promises, so ours is driven the same way: every packet and timer calls into
 * the engine with `performance.now()` and drains what it has to send.
 */
import { SCTP, type Transport } from 'werift-sctp';
import type { SctpAssociation, SctpEvent } from '../../src/index.js';

export class WeriftPipe {
  readonly werift: SCTP;
  readonly events: SctpEvent[] = [];
  /** What werift received: [streamId, ppid, data]. */
  readonly weriftReceived: [number, number, Buffer][] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly transport: Transport;
  /** Packets werift sent that we dropped on purpose (loss tests). */
  dropToOurs: (packet: Uint8Array) => boolean = () => false;

  constructor(
    readonly ours: SctpAssociation,
    weriftRole: 'client' | 'server',
  ) {
    this.transport = {
      send: async (buf: Buffer) => {
        if (this.closed) return;
        const copy = new Uint8Array(buf);
        setImmediate(() => {
          if (this.closed || this.dropToOurs(copy)) return;
          this.ours.handleInput(copy, performance.now());
          this.kick();
        });
      },
      close: () => {},
    };
    this.werift =
      weriftRole === 'client' ? SCTP.client(this.transport, 5000) : SCTP.server(this.transport, 5000);
    this.werift.onReceive.subscribe((streamId: number, ppid: number, data: Buffer) => {
      this.weriftReceived.push([streamId, ppid, data]);
    });
  }

  /** Drains our engine: packets to werift, events to `events`, and re-arms our timer. */
  kick(): void {
    if (this.closed) return;
    for (let p = this.ours.pollTransmit(); p !== undefined; p = this.ours.pollTransmit()) {
      const buf = Buffer.from(p);
      setImmediate(() => {
        if (!this.closed) this.transport.onData?.(buf);
      });
    }
    for (let e = this.ours.pollEvent(); e !== undefined; e = this.ours.pollEvent()) this.events.push(e);
    if (this.timer !== undefined) clearTimeout(this.timer);
    const t = this.ours.pollTimeout();
    if (t !== undefined) {
      this.timer = setTimeout(
        () => {
          this.timer = undefined;
          this.ours.handleTimeout(performance.now());
          this.kick();
        },
        Math.max(0, t - performance.now()),
      );
    }
  }

  async until(condition: () => boolean, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the condition');
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.werift.stop();
  }
}
