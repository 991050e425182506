/**
 * Packets in (RFC 9260 §8.5, §3.2): framing and checksum, ports, verification tag rules, then
 * each chunk to its handler; unknown chunk types by their upper two bits.
 */

import { readU32 } from '../bytes.js';
import { encodeAbort } from '../chunks/abort.js';
import { ChunkType, UnknownChunkAction, unknownChunkAction } from '../chunks/chunk.js';
import { readData } from '../chunks/data.js';
import { decodeError, encodeError } from '../chunks/error.js';
import {
  describeErrorCause,
  ErrorCauseCode,
  invalidStreamIdentifier,
  noUserData,
  unrecognizedChunk,
} from '../chunks/error-causes.js';
import { decodeForwardTsn } from '../chunks/forward-tsn.js';
import { decodeHeartbeat } from '../chunks/heartbeat.js';
import { decodeHeartbeatAck, encodeHeartbeatAck } from '../chunks/heartbeat-ack.js';
import { decodeReconfig } from '../chunks/reconfig.js';
import { readSack } from '../chunks/sack.js';
import { decodeShutdown, encodeShutdown } from '../chunks/shutdown.js';
import { decodeShutdownComplete } from '../chunks/shutdown-complete.js';
import { SctpParseError } from '../errors.js';
import { AssociationClosing } from './closing.js';
import { MAX_CONTROL_CHUNKS } from './core.js';
import { AssociationState } from './state.js';

export abstract class AssociationInput extends AssociationClosing {
  /** A packet from the peer (the payload of one DTLS record). */
  handleInput(packet: Uint8Array, now: number): void {
    this.now = now;
    if (this.finished) {
      this.packetsDropped++;
      return;
    }
    const r = this.reader;
    try {
      r.parse(packet);
    } catch (e) {
      if (!(e instanceof SctpParseError)) throw e;
      this.packetsDropped++;
      return;
    }
    if (r.destinationPort !== this.o.localPort || r.sourcePort !== this.o.remotePort) {
      this.packetsDropped++;
      return;
    }
    this.packetsReceived++;
    const vtag = r.verificationTag;
    const first = r.types[0] as number;
    if (first === ChunkType.Init) {
      // §8.5.1 A: INIT alone, with a zero tag.
      if (r.count !== 1 || vtag !== 0) this.packetsDropped++;
      else this.guard(() => this.onInit(packet, r.offsets[0] as number, r.lengths[0] as number));
      return;
    }
    let i = 0;
    if (first === ChunkType.CookieEcho) {
      let go = false;
      this.guard(() => {
        go = this.onCookieEcho(packet, r.offsets[0] as number, r.lengths[0] as number, vtag);
      });
      if (!go) return;
      i = 1;
    } else if (!this.hasTcb()) {
      this.outOfTheBlue(vtag, first);
      return;
    } else if (!this.tagAccepted(vtag, first, r.flags[0] as number)) {
      this.packetsDropped++;
      return;
    }
    this.receiver.beginPacket();
    let hadData = false;
    for (; i < r.count; i++) {
      const type = r.types[i] as number;
      if (type === ChunkType.Data) hadData = true;
      let go = true;
      this.guard(() => {
        go = this.dispatch(type, packet, r.offsets[i] as number, r.lengths[i] as number, vtag);
      });
      if (!go || this.finished) break;
    }
    if (this.finished) return;
    this.receiver.endPacket(now);
    if (hadData && this.stateValue === AssociationState.ShutdownSent) {
      // §9.2: DATA in SHUTDOWN-SENT is answered with a SACK and the SHUTDOWN again.
      this.receiver.sackImmediate = true;
      this.queueControl(encodeShutdown(this.receiver.tracker.cumulative));
    }
    this.reset.onCumulativeAdvanced();
    this.afterActivity();
  }

  /** §8.5.1: our tag, or the peer's in an ABORT / SHUTDOWN COMPLETE with the T bit. */
  protected tagAccepted(vtag: number, first: number, flags: number): boolean {
    if (vtag === this.localTag) return true;
    return (
      (first === ChunkType.Abort || first === ChunkType.ShutdownComplete) &&
      (flags & 1) !== 0 &&
      vtag === this.peerTag &&
      this.peerTag !== 0
    );
  }

  /** Returns false to stop processing the rest of the packet. */
  protected dispatch(type: number, b: Uint8Array, off: number, len: number, vtag: number): boolean {
    switch (type) {
      case ChunkType.Data:
        return this.onData(b, off, len);
      case ChunkType.Sack:
        if (this.established()) {
          readSack(b, off, len, this.sackView);
          this.sender.onSack(this.sackView, this.now);
        }
        return true;
      case ChunkType.Heartbeat: {
        const hb = decodeHeartbeat(b, off, len);
        this.queueControl(encodeHeartbeatAck(hb.info));
        return true;
      }
      case ChunkType.HeartbeatAck: {
        const rtt = this.heartbeat.onAck(decodeHeartbeatAck(b, off, len).info, this.now);
        if (rtt !== undefined) {
          this.sender.rto.sample(rtt);
          this.sender.errorCount = 0;
        }
        return true;
      }
      case ChunkType.Abort:
        return this.onAbort(b, off, len, vtag);
      case ChunkType.Shutdown:
        this.onShutdown(decodeShutdown(b, off, len).cumulativeTsnAck);
        return true;
      case ChunkType.ShutdownAck:
        this.onShutdownAck();
        return false;
      case ChunkType.ShutdownComplete:
        decodeShutdownComplete(b, off, len);
        if (this.stateValue === AssociationState.ShutdownAckSent) this.finish('shutdown', '');
        return false;
      case ChunkType.Error:
        this.onError(b, off, len);
        return true;
      case ChunkType.InitAck:
        this.onInitAck(b, off, len);
        return true;
      case ChunkType.CookieAck:
        if (this.stateValue === AssociationState.CookieEchoed) this.establish();
        return true;
      case ChunkType.CookieEcho:
        // Only valid as the first chunk (§5.1 D).
        return false;
      case ChunkType.ForwardTsn:
        if (this.established()) {
          this.receiver.onForwardTsn(decodeForwardTsn(b, off, len));
          this.reset.onCumulativeAdvanced();
        }
        return true;
      case ChunkType.ReConfig:
        if (this.established())
          this.reset.onReconfig(decodeReconfig(b, off, len).params, this.now, this.sender.rto.rto);
        return true;
      case ChunkType.Init:
        // Bundled INIT (§6.10): the packet is invalid.
        return false;
      default:
        return this.onUnknownChunk(type, b, off, len);
    }
  }

  /** §3.2: the upper two bits of an unknown type say stop or skip, and whether to report. */
  protected onUnknownChunk(type: number, b: Uint8Array, off: number, len: number): boolean {
    const action = unknownChunkAction(type);
    if (action === UnknownChunkAction.StopAndReport || action === UnknownChunkAction.SkipAndReport) {
      this.queueControl(encodeError([unrecognizedChunk(b.subarray(off, off + len))]));
    }
    return action === UnknownChunkAction.Skip || action === UnknownChunkAction.SkipAndReport;
  }

  protected onData(b: Uint8Array, off: number, len: number): boolean {
    if (!this.established()) return true;
    const d = this.dataView;
    try {
      readData(b, off, len, d);
    } catch (e) {
      if (e instanceof SctpParseError && e.code === 'BAD_CHUNK') {
        // §6.2: DATA without user data aborts the association (No User Data).
        this.transmits.push(
          this.standalone(this.peerTag, encodeAbort(false, [noUserData(readU32(b, off + 4))])),
        );
        this.finish('abort', 'the peer sent DATA without user data');
        return false;
      }
      throw e;
    }
    if (d.streamId >= this.inboundStreams) {
      // §6.4: report, and acknowledge the TSN without delivering it.
      if (this.control.length < MAX_CONTROL_CHUNKS) {
        this.queueControl(encodeError([invalidStreamIdentifier(d.streamId)]));
      }
    }
    this.receiver.onData(d, b);
    return true;
  }

  protected onError(b: Uint8Array, off: number, len: number): void {
    const { causes } = decodeError(b, off, len);
    for (const c of causes) {
      if (c.code === ErrorCauseCode.StaleCookie && this.stateValue === AssociationState.CookieEchoed) {
        // §5.2.6: our cookie went stale on the way; start over with a fresh INIT.
        this.stateValue = AssociationState.Closed;
        this.peerTag = 0;
        this.t1Deadline = Number.POSITIVE_INFINITY;
        this.connect(this.now);
        return;
      }
      this.emit({ type: 'error', code: 'PEER_ERROR', message: describeErrorCause(c) });
    }
  }
}
