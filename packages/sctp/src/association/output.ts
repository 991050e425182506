/**
 * Packets out and time (RFC 9260 §6.10, §6.3): `pollTransmit` bundles control chunks, a SACK,
 * FORWARD TSN and DATA into one packet of at most the MTU; `pollTimeout` / `handleTimeout` run
 * every timer; `pollEvent` hands out events (and frees the receive buffer messages held).
 */
import type { SctpEvent } from '../events.js';
import { AssociationInput } from './input.js';
import { PIECE_OVERHEAD } from './reassembly.js';
import { AssociationState } from './state.js';

export abstract class AssociationOutput extends AssociationInput {
  /** Bytes to send to the peer, or undefined when nothing is due. */
  pollTransmit(): Uint8Array | undefined {
    const t = this.transmits.shift();
    if (t !== undefined) {
      this.packetsSent++;
      return t;
    }
    if (this.stateValue === AssociationState.Closed) return undefined;
    const p = this.buildPacket(this.now);
    if (p !== undefined) this.packetsSent++;
    return p;
  }

  pollEvent(): SctpEvent | undefined {
    if (this.eventHead >= this.events.length) {
      if (this.eventHead > 0) {
        this.events = [];
        this.eventHead = 0;
      }
      return undefined;
    }
    const e = this.events[this.eventHead] as SctpEvent;
    this.events[this.eventHead] = undefined as unknown as SctpEvent;
    this.eventHead++;
    if (e.type === 'message') {
      this.receiver.consumed(e.data.length + PIECE_OVERHEAD);
    }
    return e;
  }

  /** When `handleTimeout` should next be called, or undefined when no timer runs. */
  pollTimeout(): number | undefined {
    if (this.finished) return undefined;
    const r = this.receiver;
    const t = Math.min(
      this.t1Deadline,
      this.t2Deadline,
      r.sackNeeded ? r.sackDeadline : Number.POSITIVE_INFINITY,
      this.sender.deadline,
      this.reset.deadline,
      this.heartbeat.deadline,
    );
    return t === Number.POSITIVE_INFINITY ? undefined : t;
  }

  handleTimeout(now: number): void {
    this.now = now;
    if (this.finished) return;
    if (now >= this.t1Deadline) this.onT1(now);
    if (now >= this.t2Deadline) this.onT2(now);
    if (this.finished || !this.hasTcb()) return;
    const r = this.receiver;
    if (r.sackNeeded && now >= r.sackDeadline) r.sackImmediate = true;
    if (now >= this.sender.deadline) this.sender.onTimeout(now);
    if (now >= this.reset.deadline) this.reset.onTimeout(now, this.sender.rto.rto);
    if (now >= this.heartbeat.deadline) this.onHeartbeatTimer(now);
    if (
      this.sender.errorCount > this.o.maxRetransmissions ||
      this.reset.failures > this.o.maxRetransmissions
    ) {
      this.fail('peer unreachable: too many retransmissions');
      return;
    }
    this.afterActivity();
  }

  protected buildPacket(now: number): Uint8Array | undefined {
    const b = this.builder;
    b.begin(this.o.localPort, this.o.remotePort, this.peerTag);
    while (this.control.length > 0) {
      const c = this.control[0] as Uint8Array;
      if (c.length > b.remaining) {
        if (b.empty) this.control.shift();
        break;
      }
      b.append(c);
      this.control.shift();
    }
    // Stream resets asked for since the last packet go out together (one request in flight, RFC 6525 §5.1.1).
    if (this.canSendData()) this.reset.flush(now, this.sender.rto.rto);
    const reconfigs = this.reset.outbox;
    while (reconfigs.length > 0 && (reconfigs[0] as Uint8Array).length <= b.remaining) {
      b.append(reconfigs.shift() as Uint8Array);
    }
    const dataPossible = this.canSendData() && this.sender.canSend();
    const r = this.receiver;
    if (r.sackNeeded && (r.sackDue(now) || dataPossible) && this.established()) {
      b.length += r.writeSack(b.buf, b.length, b.remaining);
    }
    if (this.sender.forwardTsnPending && this.established()) {
      const maxStreams = (b.remaining - 8) >> 2;
      const f = maxStreams > 0 ? this.sender.forwardTsnChunk(maxStreams) : undefined;
      if (f !== undefined) b.append(f);
      else if (maxStreams <= 0) this.sender.forwardTsnPending = true;
    }
    if (dataPossible && this.sender.writeData(b, now) > 0) this.lastDataSent = now;
    if (b.empty) {
      b.discard();
      return undefined;
    }
    return b.finish();
  }

  /** After anything that may have changed what is due: low-buffer events, shutdown. */
  protected afterActivity(): void {
    if (this.finished) return;
    const crossings = this.sender.queue.lowCrossings;
    if (crossings.length > 0) {
      for (const id of crossings) {
        if (this.channels.channels.has(id)) this.emit({ type: 'buffered-amount-low', channelId: id });
      }
      crossings.length = 0;
    }
    this.checkShutdown();
  }

  protected onHeartbeatTimer(now: number): void {
    const rto = this.sender.rto.rto;
    if (now - this.lastDataSent < this.o.heartbeatInterval || !this.established()) {
      this.heartbeat.schedule(Math.max(this.lastDataSent, now - this.o.heartbeatInterval), rto);
      if (this.heartbeat.deadline <= now) this.heartbeat.schedule(now, rto);
      return;
    }
    const { chunk, missed } = this.heartbeat.fire(now, rto);
    if (missed) this.sender.errorCount++;
    this.queueControl(chunk);
  }
}
