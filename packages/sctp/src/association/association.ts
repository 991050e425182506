/**
 * An SCTP association (RFC 9260) with the data channel layer of WebRTC on top (RFC 8831, 8832),
 * as a sans-IO engine: feed it packets (`handleInput`) and the time (`handleTimeout`), drain
 * `pollTransmit` and `pollEvent`, and call `handleTimeout` at `pollTimeout()`. It never throws on
 * network input; it throws {@link SctpError} when asked for something it cannot do.
 *
 * The class is built in layers, one file each, over the shared state of `core.ts`:
 * `connection.ts` (handshake), `closing.ts`, `input.ts` (packets in), `output.ts` (packets out,
 * timers), and here the application's calls. The protocol machinery is in the component files:
 * `sender.ts` (with `send-queue.ts`, `outstanding.ts`, `congestion.ts`, `rto.ts`),
 * `receiver.ts` (`tsn-tracker.ts`, `reassembly.ts`), `reset.ts`, `heartbeat.ts`, `cookie.ts`,
 * `handshake.ts`, and `../dcep/`.
 */
import type { ChannelOptions } from '../dcep/channels.js';
import { SctpError } from '../errors.js';
import type { ChannelInfo } from '../events.js';
import { AssociationOutput } from './output.js';
import { AssociationState } from './state.js';

const encoder = new TextEncoder();

export interface SctpStats {
  readonly state: AssociationState;
  readonly packetsReceived: number;
  readonly packetsSent: number;
  /** Dropped for framing, checksum, ports or verification tag. */
  readonly packetsDropped: number;
  /** Chunks that failed to decode. */
  readonly chunksDropped: number;
  readonly dataChunksSent: number;
  readonly dataChunksReceived: number;
  readonly retransmissions: number;
  /** Window reductions for loss (fast recovery episodes). */
  readonly fastRecoveries: number;
  /** Lost chunks repaired without a window reduction: judged random, not congestion. */
  readonly randomLosses: number;
  readonly t3Expirations: number;
  readonly tailLossProbes: number;
  readonly abandonedMessages: number;
  readonly duplicateChunks: number;
  readonly sacksSent: number;
  readonly cwnd: number;
  readonly ssthresh: number;
  readonly flightSize: number;
  readonly peerRwnd: number;
  readonly rto: number;
  readonly srtt: number;
  readonly bufferedAmount: number;
  readonly receiveBufferUsed: number;
}

export class SctpAssociation extends AssociationOutput {
  /** Opens a data channel (RFC 8832 §6); returns what was agreed locally (its id chosen by parity if not given). */
  createChannel(options: ChannelOptions, now: number): ChannelInfo {
    this.now = now;
    if (this.finished) throw new SctpError('INVALID_STATE', 'the association is closed');
    const c = this.channels.create(options);
    this.afterActivity();
    return c.info();
  }

  /** The channel with this id, if open or opening. */
  channel(id: number): ChannelInfo | undefined {
    return this.channels.channels.get(id)?.info();
  }

  /**
   * Queues a message (RFC 8831 §6.6). Strings go as UTF-8 (PPID 51/56); bytes are copied (the
   * W3C snapshot) and go as binary unless `binary` is false (then they are a UTF-8 string). Throws MESSAGE_TOO_LARGE past the
   * peer's max-message-size and SEND_BUFFER_FULL when bufferedAmount would pass `maxSendBuffer`.
   */
  send(channelId: number, data: Uint8Array | string, binary: boolean | undefined, now: number): void {
    this.now = now;
    if (
      this.finished ||
      this.stateValue === AssociationState.ShutdownPending ||
      this.stateValue === AssociationState.ShutdownSent ||
      this.stateValue === AssociationState.ShutdownReceived ||
      this.stateValue === AssociationState.ShutdownAckSent
    ) {
      throw new SctpError('INVALID_STATE', `cannot send in state ${this.stateValue}`);
    }
    const bytes = typeof data === 'string' ? encoder.encode(data) : data.slice();
    const isBinary = typeof data === 'string' ? false : (binary ?? true);
    if (bytes.length > this.remoteMaxMessageSize) {
      throw new SctpError(
        'MESSAGE_TOO_LARGE',
        `${bytes.length} bytes exceed the peer's ${this.remoteMaxMessageSize}`,
      );
    }
    if (this.sender.queue.totalBuffered + bytes.length > this.o.maxSendBuffer) {
      throw new SctpError('SEND_BUFFER_FULL', `the send buffer holds at most ${this.o.maxSendBuffer} bytes`);
    }
    this.channels.send(channelId, bytes, isBinary, now);
  }

  /** Bytes queued on the channel and not yet sent once (RTCDataChannel.bufferedAmount). */
  bufferedAmount(channelId: number): number {
    return this.sender.queue.streams.get(channelId)?.buffered ?? 0;
  }

  /** 'buffered-amount-low' fires when bufferedAmount falls from above `bytes` to `bytes` or below. */
  setBufferedAmountLowThreshold(channelId: number, bytes: number): void {
    this.channels.get(channelId);
    this.sender.queue.stream(channelId).lowThreshold = Math.max(0, bytes);
  }

  /** Closes a channel: resets its stream both ways once queued data is sent (RFC 8831 §6.7). */
  closeChannel(channelId: number, now: number): void {
    this.now = now;
    this.channels.close(channelId);
    this.afterActivity();
  }

  get stats(): SctpStats {
    const s = this.sender;
    const r = this.receiver;
    return {
      state: this.stateValue,
      packetsReceived: this.packetsReceived,
      packetsSent: this.packetsSent,
      packetsDropped: this.packetsDropped,
      chunksDropped: this.chunksDropped,
      dataChunksSent: s.stats.dataChunksSent,
      dataChunksReceived: r.stats.dataChunksReceived,
      retransmissions: s.stats.retransmissions,
      fastRecoveries: s.stats.fastRecoveries,
      randomLosses: s.cc.randomLosses,
      t3Expirations: s.stats.t3Expirations,
      tailLossProbes: s.stats.tailLossProbes,
      abandonedMessages: s.stats.abandonedMessages,
      duplicateChunks: r.stats.duplicateChunks,
      sacksSent: r.stats.sacksSent,
      cwnd: s.cc.cwnd,
      ssthresh: s.cc.ssthresh,
      flightSize: s.flight,
      peerRwnd: s.peerRwnd,
      rto: s.rto.rto,
      srtt: s.rto.srtt,
      bufferedAmount: s.queue.totalBuffered,
      receiveBufferUsed: r.used,
    };
  }
}
