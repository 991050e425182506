/**
 * Endings (RFC 9260 §9, §8.4): graceful SHUTDOWN with T2-shutdown, ABORT both ways, and the
 * answers to out-of-the-blue packets.
 */
import { decodeAbort, encodeAbort } from '../chunks/abort.js';
import { ChunkType } from '../chunks/chunk.js';
import { describeErrorCause, userInitiatedAbort } from '../chunks/error-causes.js';
import { encodeShutdown } from '../chunks/shutdown.js';
import { encodeShutdownAck } from '../chunks/shutdown-ack.js';
import { encodeShutdownComplete } from '../chunks/shutdown-complete.js';
import { AssociationConnection } from './connection.js';
import { MAX_STATELESS_REPLIES } from './core.js';
import { AssociationState } from './state.js';

export abstract class AssociationClosing extends AssociationConnection {
  /** Graceful close (§9.2): queued data is delivered first. */
  shutdown(now: number): void {
    this.now = now;
    switch (this.stateValue) {
      case AssociationState.Established:
        this.stateValue = AssociationState.ShutdownPending;
        this.afterActivity();
        return;
      case AssociationState.Closed:
      case AssociationState.CookieWait:
      case AssociationState.CookieEchoed:
        this.finish('shutdown', 'closed before the association was established');
        return;
      default:
        return;
    }
  }

  /** Abortive close (§9.1): ABORT with a User-Initiated Abort cause, queued data is dropped. */
  abort(now: number, reason = ''): void {
    this.now = now;
    if (this.finished) return;
    if (this.peerTag !== 0 && this.stateValue !== AssociationState.Closed) {
      this.transmits.push(this.standalone(this.peerTag, encodeAbort(false, [userInitiatedAbort(reason)])));
    }
    this.finish('abort', reason);
  }

  protected onAbort(b: Uint8Array, off: number, len: number, vtag: number): boolean {
    const t = ((b[off + 1] as number) & 1) !== 0;
    // §8.5.1 B: T set means the peer's own tag.
    if (t ? vtag !== this.peerTag : vtag !== this.localTag) return false;
    let detail = '';
    try {
      const { causes } = decodeAbort(b, off, len);
      detail = causes.map(describeErrorCause).join('; ');
    } catch {
      // An ABORT ends the association even if its causes are garbled.
    }
    this.finish('peer-abort', detail);
    return false;
  }

  protected onShutdown(cum: number): void {
    const s = this.stateValue;
    if (s === AssociationState.CookieEchoed || s === AssociationState.CookieWait) return;
    this.sender.onShutdownAck(cum, this.now, this.sackView);
    if (s === AssociationState.Established || s === AssociationState.ShutdownPending) {
      this.stateValue = AssociationState.ShutdownReceived;
    } else if (s === AssociationState.ShutdownSent) {
      // §9.2: both sides shut down at once.
      this.sendShutdownAck();
    }
  }

  protected onShutdownAck(): void {
    const s = this.stateValue;
    if (s === AssociationState.ShutdownSent || s === AssociationState.ShutdownAckSent) {
      this.transmits.push(this.standalone(this.peerTag, encodeShutdownComplete(false)));
      this.finish('shutdown', '');
    }
  }

  protected sendShutdownAck(): void {
    const chunk = encodeShutdownAck();
    this.queueControl(chunk);
    this.stateValue = AssociationState.ShutdownAckSent;
    this.t2Chunk = chunk;
    this.t2Count = 0;
    this.t2Deadline = this.now + this.sender.rto.rto;
  }

  /** §8.4: a packet for which there is no association. Answers carry a CRC32c (RFC 9653 §5.2). */
  protected outOfTheBlue(vtag: number, first: number): void {
    this.packetsDropped++;
    if (this.transmits.length >= MAX_STATELESS_REPLIES) return;
    switch (first) {
      case ChunkType.Abort:
      case ChunkType.ShutdownComplete:
      case ChunkType.CookieAck:
      case ChunkType.Error:
        return;
      case ChunkType.ShutdownAck:
        this.transmits.push(this.standalone(vtag, encodeShutdownComplete(true), false));
        return;
      default:
        this.transmits.push(this.standalone(vtag, encodeAbort(true), false));
    }
  }

  protected checkShutdown(): void {
    const s = this.stateValue;
    if (s !== AssociationState.ShutdownPending && s !== AssociationState.ShutdownReceived) return;
    if (!this.sender.idle) return;
    if (s === AssociationState.ShutdownPending) {
      const chunk = encodeShutdown(this.receiver.tracker.cumulative);
      this.queueControl(chunk);
      this.stateValue = AssociationState.ShutdownSent;
      this.t2Chunk = chunk;
      this.t2Count = 0;
      this.t2Deadline = this.now + this.sender.rto.rto;
    } else {
      this.sendShutdownAck();
    }
  }

  protected onT2(now: number): void {
    this.t2Count++;
    if (this.t2Count > this.o.maxRetransmissions) {
      this.fail('no answer to SHUTDOWN');
      return;
    }
    this.sender.rto.backOff();
    this.t2Deadline = now + this.sender.rto.rto;
    if (this.t2Chunk !== undefined) {
      if (this.t2Chunk[0] === ChunkType.Shutdown)
        this.t2Chunk = encodeShutdown(this.receiver.tracker.cumulative);
      this.queueControl(this.t2Chunk);
    }
  }
}
