/**
 * An SCTP association (RFC 9260) with the data channel layer of WebRTC on top (RFC 8831, 8832),
 * as a sans-IO engine: feed it packets (`handleInput`) and the time (`handleTimeout`), drain
 * `pollTransmit` and `pollEvent`, and call `handleTimeout` at `pollTimeout()`. It never throws on
 * network input; it throws {@link SctpError} when asked for something it cannot do.
 *
 * This file is the glue: the handshake's decisions are in `handshake.ts` and `cookie.ts`, the
 * data sender in `sender.ts` (with `send-queue.ts`, `outstanding.ts`, `congestion.ts`,
 * `rto.ts`), the receiver in `receiver.ts` (`tsn-tracker.ts`, `reassembly.ts`), stream reset in
 * `reset.ts`, heartbeats in `heartbeat.ts`, channels in `../dcep/`.
 *
 * Packets are built lazily: `pollTransmit()` bundles (§6.10) what is due into one packet of at
 * most `mtu` bytes: control chunks, a SACK, FORWARD TSN, then DATA as cwnd and rwnd allow.
 */

import { readU32 } from '../bytes.js';
import { decodeAbort, encodeAbort } from '../chunks/abort.js';
import { ChunkType, UnknownChunkAction, unknownChunkAction } from '../chunks/chunk.js';
import { encodeCookieAck } from '../chunks/cookie-ack.js';
import { decodeCookieEcho, encodeCookieEcho } from '../chunks/cookie-echo.js';
import { DataChunkView, readData } from '../chunks/data.js';
import { decodeError, encodeError } from '../chunks/error.js';
import {
  describeErrorCause,
  ErrorCauseCode,
  invalidStreamIdentifier,
  noUserData,
  staleCookie,
  unrecognizedChunk,
  unrecognizedParameters,
  userInitiatedAbort,
} from '../chunks/error-causes.js';
import { decodeForwardTsn } from '../chunks/forward-tsn.js';
import { decodeHeartbeat } from '../chunks/heartbeat.js';
import { decodeHeartbeatAck, encodeHeartbeatAck } from '../chunks/heartbeat-ack.js';
import { decodeInit, encodeInit, readInitParams } from '../chunks/init.js';
import { decodeInitAck, encodeInitAck } from '../chunks/init-ack.js';
import { decodeReconfig } from '../chunks/reconfig.js';
import { readSack, SackView } from '../chunks/sack.js';
import { decodeShutdown, encodeShutdown } from '../chunks/shutdown.js';
import { encodeShutdownAck } from '../chunks/shutdown-ack.js';
import { decodeShutdownComplete, encodeShutdownComplete } from '../chunks/shutdown-complete.js';
import { type ChannelOptions, DataChannels } from '../dcep/channels.js';
import { SctpError, SctpParseError } from '../errors.js';
import type { ChannelInfo, CloseReason, SctpEvent } from '../events.js';
import { PacketBuilder } from '../packet/builder.js';
import { PacketReader } from '../packet/packet.js';
import { encodeParam, ParamType } from '../params/param.js';
import { encodeStateCookie } from '../params/state-cookie.js';
import { type CookieContent, makeCookie, openCookie } from './cookie.js';
import { cookieAction, initParams } from './handshake.js';
import { Heartbeat } from './heartbeat.js';
import { type ResolvedOptions, resolveOptions, type SctpAssociationOptions } from './options.js';
import { PIECE_OVERHEAD } from './reassembly.js';
import { Receiver } from './receiver.js';
import { StreamReset } from './reset.js';
import { OutgoingMessage } from './send-queue.js';
import { Sender } from './sender.js';
import { AssociationState } from './state.js';

/** Stateless answers (INIT ACK, ABORT, SHUTDOWN COMPLETE) waiting to be polled, at most. */
const MAX_STATELESS_REPLIES = 8;
/** Control chunks waiting to be sent, at most (each input adds at most a few). */
const MAX_CONTROL_CHUNKS = 256;

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

export class SctpAssociation {
  private readonly o: ResolvedOptions;
  private stateValue: AssociationState = AssociationState.Closed;
  /** Closed after having been used: the object is done. */
  private finished = false;
  private now = 0;

  private localTag = 0;
  private peerTag = 0;
  private localInitialTsn = 0;
  private peerReconfig = false;
  /** Negotiated stream counts (RFC 9260 §5.1.1). */
  private outboundStreams = 0;
  private inboundStreams = 0;
  private readonly cookieKey = new Uint8Array(32);

  private readonly reader = new PacketReader();
  private readonly dataView = new DataChunkView();
  private readonly sackView = new SackView();
  private readonly builder: PacketBuilder;
  private readonly sender: Sender;
  private readonly receiver: Receiver;
  private readonly reset: StreamReset;
  private readonly heartbeat: Heartbeat;
  private readonly channels: DataChannels;

  /** Whole packets to send first (INIT, stateless answers, SHUTDOWN COMPLETE, ABORT). */
  private readonly transmits: Uint8Array[] = [];
  /** Control chunks to bundle into the next packet. */
  private readonly control: Uint8Array[] = [];
  private events: SctpEvent[] = [];
  private eventHead = 0;

  // T1-init / T1-cookie (§5.1) and T2-shutdown (§9.2).
  private t1Deadline = Number.POSITIVE_INFINITY;
  private t1Packet: Uint8Array | undefined;
  private t1Chunk: Uint8Array | undefined;
  private t1Count = 0;
  private t1Rto = 0;
  private t2Deadline = Number.POSITIVE_INFINITY;
  private t2Chunk: Uint8Array | undefined;
  private t2Count = 0;
  private lastDataSent = Number.NEGATIVE_INFINITY;

  private packetsReceived = 0;
  private packetsSent = 0;
  private packetsDropped = 0;
  private chunksDropped = 0;

  /** Largest message the peer accepts (SDP a=max-message-size); `send` refuses larger ones. */
  remoteMaxMessageSize: number;

  constructor(options: SctpAssociationOptions = {}) {
    const o = resolveOptions(options);
    this.o = o;
    this.remoteMaxMessageSize = o.remoteMaxMessageSize;
    o.random(this.cookieKey);
    this.builder = new PacketBuilder(o.mtu);
    this.sender = new Sender(
      o.mtu,
      o.rtoInitial,
      o.rtoMin,
      o.rtoMax,
      o.congestionControl === 'loss-tolerant',
    );
    this.receiver = new Receiver(
      o.maxReceiveBuffer,
      o.maxMessageSize,
      o.sackDelay,
      (streamId, ppid, data) => this.channels.onMessage(streamId, ppid, data),
      (streamId) => this.onOversize(streamId),
    );
    this.reset = new StreamReset({
      lastAssignedTsn: () => (this.sender.nextTsn - 1) >>> 0,
      receivedCumulative: () => this.receiver.tracker.cumulative,
      drained: (id) => this.sender.queue.drained(id),
      outgoingResetDone: (streams) => this.onOutgoingResetDone(streams),
      deferIncomingReset: (streams, lastTsn) => {
        for (const id of streams) this.receiver.reassembly.deferReset(id, lastTsn);
      },
      incomingReset: (streams) => this.onIncomingReset(streams),
      resetRequested: (streams) => {
        for (const id of streams) {
          if (this.channels.channels.has(id)) this.channels.close(id);
          else this.reset.request(id);
        }
      },
    });
    this.heartbeat = new Heartbeat(o.heartbeatInterval, () => this.random32() / 2 ** 32);
    this.channels = new DataChannels(
      {
        enqueue: (streamId, ppid, data, ordered, maxRetransmits, expiry) => {
          this.sender.queue.enqueue(
            new OutgoingMessage(
              streamId,
              ppid,
              data,
              ordered,
              maxRetransmits ?? -1,
              expiry ?? Number.POSITIVE_INFINITY,
              ppid !== 50,
            ),
          );
        },
        resetOutgoing: (id) => this.resetOutgoing(id),
        setPriority: (id, priority) => this.sender.queue.setWeight(id, priority),
        emit: (e) => this.emit(e),
      },
      o.evenIds,
      o.maxMessageSize,
    );
  }

  get state(): AssociationState {
    return this.stateValue;
  }

  /** Largest message we accept (what to advertise in SDP a=max-message-size). */
  get maxMessageSize(): number {
    return this.o.maxMessageSize;
  }

  // ------------------------------------------------------------------------------------------
  // Application side

  /** Starts the handshake as initiator (§5.1 A). Both WebRTC peers usually do (§5.2.1 collision). */
  connect(now: number): void {
    this.now = now;
    if (this.finished || this.stateValue !== AssociationState.Closed) {
      throw new SctpError('INVALID_STATE', `cannot connect in state ${this.stateValue}`);
    }
    this.localTag = this.nonZeroRandom32();
    this.localInitialTsn = this.random32();
    const init = encodeInit(
      {
        initiateTag: this.localTag,
        arwnd: this.receiver.arwnd,
        outboundStreams: this.o.streams,
        inboundStreams: this.o.streams,
        initialTsn: this.localInitialTsn,
      },
      initParams(),
    );
    const packet = this.standalone(0, init);
    this.transmits.push(packet);
    this.t1Packet = packet;
    this.t1Chunk = undefined;
    this.t1Count = 0;
    this.t1Rto = this.o.rtoInitial;
    this.t1Deadline = now + this.t1Rto;
    this.stateValue = AssociationState.CookieWait;
  }

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

  // ------------------------------------------------------------------------------------------
  // Sans-IO surface

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

  // ------------------------------------------------------------------------------------------
  // Input

  /** Runs a chunk handler; a chunk that fails to decode is dropped and counted. */
  private guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      if (!(e instanceof SctpParseError)) throw e;
      this.chunksDropped++;
    }
  }

  private hasTcb(): boolean {
    return this.stateValue !== AssociationState.Closed;
  }

  /** §8.5.1: our tag, or the peer's in an ABORT / SHUTDOWN COMPLETE with the T bit. */
  private tagAccepted(vtag: number, first: number, flags: number): boolean {
    if (vtag === this.localTag) return true;
    return (
      (first === ChunkType.Abort || first === ChunkType.ShutdownComplete) &&
      (flags & 1) !== 0 &&
      vtag === this.peerTag &&
      this.peerTag !== 0
    );
  }

  /** Returns false to stop processing the rest of the packet. */
  private dispatch(type: number, b: Uint8Array, off: number, len: number, vtag: number): boolean {
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
  private onUnknownChunk(type: number, b: Uint8Array, off: number, len: number): boolean {
    const action = unknownChunkAction(type);
    if (action === UnknownChunkAction.StopAndReport || action === UnknownChunkAction.SkipAndReport) {
      this.queueControl(encodeError([unrecognizedChunk(b.subarray(off, off + len))]));
    }
    return action === UnknownChunkAction.Skip || action === UnknownChunkAction.SkipAndReport;
  }

  /** States in which the peer's DATA, SACK, FORWARD TSN and RE-CONFIG are processed. */
  private established(): boolean {
    const s = this.stateValue;
    return s !== AssociationState.Closed && s !== AssociationState.CookieWait;
  }

  private onData(b: Uint8Array, off: number, len: number): boolean {
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

  /** §5.1 B, §5.2.1, §5.2.2: answer an INIT with an INIT ACK and a cookie, keeping no state. */
  private onInit(b: Uint8Array, off: number, len: number): void {
    const init = decodeInit(b, off, len);
    const p = readInitParams(init.params);
    const s = this.stateValue;
    if (s === AssociationState.ShutdownAckSent) return;
    if (this.transmits.length >= MAX_STATELESS_REPLIES) {
      this.packetsDropped++;
      return;
    }
    let localTag: number;
    let localTsn: number;
    if (s === AssociationState.CookieWait || s === AssociationState.CookieEchoed) {
      // §5.2.1: the same parameters as our own INIT.
      localTag = this.localTag;
      localTsn = this.localInitialTsn;
    } else {
      localTag = this.nonZeroRandom32();
      localTsn = this.random32();
    }
    const tie = s === AssociationState.Closed;
    const cookie = makeCookie(this.cookieKey, {
      created: this.now,
      lifetime: this.o.cookieLifetime,
      peerTag: init.initiateTag,
      peerInitialTsn: init.initialTsn,
      peerArwnd: init.arwnd,
      peerOutboundStreams: init.outboundStreams,
      peerInboundStreams: init.inboundStreams,
      localTag,
      localInitialTsn: localTsn,
      localTieTag: tie ? 0 : this.localTag,
      peerTieTag: tie ? 0 : this.peerTag,
      peerForwardTsn: p.forwardTsnSupported,
      peerReconfig: p.supportedExtensions.includes(ChunkType.ReConfig),
    });
    const params = [encodeStateCookie(cookie), ...initParams()];
    // §3.2.1: unknown parameters that ask for it are reported in the INIT ACK.
    for (const u of p.unrecognized) params.push(encodeParam(ParamType.UnrecognizedParameter, u.raw));
    const ack = encodeInitAck(
      {
        initiateTag: localTag,
        arwnd: this.receiver.arwnd,
        outboundStreams: this.o.streams,
        inboundStreams: this.o.streams,
        initialTsn: localTsn,
      },
      params,
    );
    this.transmits.push(this.standalone(init.initiateTag, ack));
  }

  /** §5.1 C: our INIT was answered. */
  private onInitAck(b: Uint8Array, off: number, len: number): void {
    if (this.stateValue !== AssociationState.CookieWait) return;
    const ack = decodeInitAck(b, off, len);
    const p = readInitParams(ack.params);
    if (p.stateCookie === undefined) return;
    this.peerTag = ack.initiateTag;
    this.setupTcb(
      ack.initialTsn,
      ack.arwnd,
      ack.outboundStreams,
      ack.inboundStreams,
      p.forwardTsnSupported,
      p.supportedExtensions.includes(ChunkType.ReConfig),
    );
    const echo = encodeCookieEcho(p.stateCookie.slice());
    this.control.unshift(echo);
    if (p.unrecognized.length > 0) {
      // §3.2.1: reported in an ERROR bundled with the COOKIE ECHO.
      this.control.splice(1, 0, encodeError(p.unrecognized.map((u) => unrecognizedParameters(u.raw))));
    }
    this.t1Packet = undefined;
    this.t1Chunk = echo;
    this.t1Count = 0;
    this.t1Rto = this.o.rtoInitial;
    this.t1Deadline = this.now + this.t1Rto;
    this.stateValue = AssociationState.CookieEchoed;
  }

  /** §5.1 D, §5.2.4: returns whether the rest of the packet is to be processed. */
  private onCookieEcho(b: Uint8Array, off: number, len: number, vtag: number): boolean {
    const c = openCookie(this.cookieKey, decodeCookieEcho(b, off, len).cookie);
    if (c === undefined || vtag !== c.localTag) {
      this.packetsDropped++;
      return false;
    }
    const action = cookieAction(
      { state: this.stateValue, localTag: this.localTag, peerTag: this.peerTag },
      c,
    );
    if (action === 'discard') return false;
    const age = this.now - c.created;
    if ((age > c.lifetime || age < 0) && action !== 'duplicate') {
      // §5.1.5 step 3: stale; the peer may retry with a fresh INIT.
      if (this.transmits.length < MAX_STATELESS_REPLIES) {
        this.transmits.push(
          this.standalone(c.peerTag, encodeError([staleCookie((age - c.lifetime) * 1000)])),
        );
      }
      return false;
    }
    if (this.stateValue === AssociationState.ShutdownAckSent && action === 'restart') {
      // §5.2.4 A: no restart while we shut down; say so.
      this.queueControl(encodeShutdownAck());
      return false;
    }
    switch (action) {
      case 'new':
        this.adoptCookie(c);
        break;
      case 'restart':
        this.channels.closeAll();
        this.sender.clear();
        this.emit({ type: 'restart' });
        this.adoptCookie(c);
        break;
      case 'collision':
        if (
          this.stateValue === AssociationState.CookieWait ||
          this.stateValue === AssociationState.CookieEchoed
        ) {
          this.adoptCookie(c);
        } else {
          this.peerTag = c.peerTag;
        }
        break;
      default:
        break;
    }
    this.control.unshift(encodeCookieAck());
    if (
      this.stateValue === AssociationState.CookieWait ||
      this.stateValue === AssociationState.CookieEchoed
    ) {
      this.establish();
    } else if (this.stateValue === AssociationState.Closed) {
      this.establish();
    }
    return true;
  }

  private adoptCookie(c: CookieContent): void {
    this.localTag = c.localTag;
    this.peerTag = c.peerTag;
    this.localInitialTsn = c.localInitialTsn;
    this.setupTcb(
      c.peerInitialTsn,
      c.peerArwnd,
      c.peerOutboundStreams,
      c.peerInboundStreams,
      c.peerForwardTsn,
      c.peerReconfig,
    );
    if (this.stateValue === AssociationState.Closed) this.stateValue = AssociationState.CookieEchoed;
  }

  private setupTcb(
    peerInitialTsn: number,
    peerArwnd: number,
    peerOutbound: number,
    peerInbound: number,
    forwardTsn: boolean,
    reconfig: boolean,
  ): void {
    this.outboundStreams = Math.min(this.o.streams, peerInbound);
    this.inboundStreams = Math.min(this.o.streams, peerOutbound);
    this.peerReconfig = reconfig;
    this.receiver.start(peerInitialTsn);
    this.sender.start(this.localInitialTsn, peerArwnd, forwardTsn);
    this.reset.start(this.localInitialTsn, peerInitialTsn);
  }

  private establish(): void {
    this.stateValue = AssociationState.Established;
    this.t1Deadline = Number.POSITIVE_INFINITY;
    this.t1Packet = undefined;
    this.t1Chunk = undefined;
    this.heartbeat.schedule(this.now, this.sender.rto.rto);
    this.emit({ type: 'open' });
    this.channels.associationUp();
  }

  private onAbort(b: Uint8Array, off: number, len: number, vtag: number): boolean {
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

  private onError(b: Uint8Array, off: number, len: number): void {
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

  private onShutdown(cum: number): void {
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

  private onShutdownAck(): void {
    const s = this.stateValue;
    if (s === AssociationState.ShutdownSent || s === AssociationState.ShutdownAckSent) {
      this.transmits.push(this.standalone(this.peerTag, encodeShutdownComplete(false)));
      this.finish('shutdown', '');
    }
  }

  private sendShutdownAck(): void {
    const chunk = encodeShutdownAck();
    this.queueControl(chunk);
    this.stateValue = AssociationState.ShutdownAckSent;
    this.t2Chunk = chunk;
    this.t2Count = 0;
    this.t2Deadline = this.now + this.sender.rto.rto;
  }

  /** §8.4: a packet for which there is no association. */
  private outOfTheBlue(vtag: number, first: number): void {
    this.packetsDropped++;
    if (this.transmits.length >= MAX_STATELESS_REPLIES) return;
    switch (first) {
      case ChunkType.Abort:
      case ChunkType.ShutdownComplete:
      case ChunkType.CookieAck:
      case ChunkType.Error:
        return;
      case ChunkType.ShutdownAck:
        this.transmits.push(this.standalone(vtag, encodeShutdownComplete(true)));
        return;
      default:
        this.transmits.push(this.standalone(vtag, encodeAbort(true)));
    }
  }

  private onOversize(streamId: number): void {
    this.emit({
      type: 'error',
      code: 'MESSAGE_TOO_LARGE',
      message: `a message on stream ${streamId} exceeds ${this.o.maxMessageSize} bytes; closing the channel`,
      channelId: streamId,
    });
    // RFC 8831 §6.6: reset the channel's stream.
    if (this.channels.channels.has(streamId)) this.channels.close(streamId);
  }

  // ------------------------------------------------------------------------------------------
  // Streams and channels

  private resetOutgoing(id: number): void {
    if (!this.established() || !this.peerReconfig) {
      // No way to tell the peer (not connected, or no RE-CONFIG): close locally.
      this.sender.queue.dropStream(id);
      this.channels.outgoingResetDone([id]);
      this.channels.incomingReset([id]);
      return;
    }
    this.reset.request(id);
  }

  private onOutgoingResetDone(streams: readonly number[]): void {
    for (const id of streams) this.sender.queue.stream(id).nextSsn = 0;
    this.channels.outgoingResetDone(streams);
  }

  private onIncomingReset(streams: readonly number[]): void {
    // An empty list means every stream (RFC 6525 §4.1).
    const ids = streams.length > 0 ? streams : [...this.channels.channels.keys()];
    for (const id of ids) this.receiver.reassembly.resetStream(id);
    this.channels.incomingReset(ids);
  }

  // ------------------------------------------------------------------------------------------
  // Output

  private emit(e: SctpEvent): void {
    if (e.type === 'message') this.receiver.undelivered += e.data.length + PIECE_OVERHEAD;
    this.events.push(e);
  }

  private queueControl(chunk: Uint8Array): void {
    if (this.control.length < MAX_CONTROL_CHUNKS) this.control.push(chunk);
  }

  /** A packet holding one chunk, with the given verification tag. */
  private standalone(vtag: number, chunk: Uint8Array): Uint8Array {
    const b = new PacketBuilder(12 + chunk.length);
    b.begin(this.o.localPort, this.o.remotePort, vtag);
    b.append(chunk);
    return b.finish();
  }

  private canSendData(): boolean {
    const s = this.stateValue;
    return (
      s === AssociationState.Established ||
      s === AssociationState.ShutdownPending ||
      s === AssociationState.ShutdownReceived
    );
  }

  private buildPacket(now: number): Uint8Array | undefined {
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
    if (this.established()) this.reset.flush(now, this.sender.rto.rto);
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
  private afterActivity(): void {
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

  private checkShutdown(): void {
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

  // ------------------------------------------------------------------------------------------
  // Timers

  private onT1(now: number): void {
    this.t1Count++;
    if (this.t1Count > this.o.maxInitRetransmissions) {
      this.fail('no answer to INIT / COOKIE ECHO');
      return;
    }
    this.t1Rto = Math.min(this.o.rtoMax, this.t1Rto * 2);
    this.t1Deadline = now + this.t1Rto;
    if (this.t1Packet !== undefined) this.transmits.push(this.t1Packet);
    else if (this.t1Chunk !== undefined) this.control.unshift(this.t1Chunk);
  }

  private onT2(now: number): void {
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

  private onHeartbeatTimer(now: number): void {
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

  // ------------------------------------------------------------------------------------------
  // Endings

  private fail(detail: string): void {
    if (this.peerTag !== 0 && this.stateValue !== AssociationState.Closed) {
      this.transmits.push(this.standalone(this.peerTag, encodeAbort(false)));
    }
    this.finish('timeout', detail);
  }

  private finish(reason: CloseReason, detail: string): void {
    if (this.finished) return;
    this.finished = true;
    this.stateValue = AssociationState.Closed;
    this.t1Deadline = Number.POSITIVE_INFINITY;
    this.t2Deadline = Number.POSITIVE_INFINITY;
    this.heartbeat.stop();
    this.sender.clear();
    this.receiver.reassembly.clear();
    this.control.length = 0;
    this.reset.outbox.length = 0;
    this.channels.closeAll();
    this.emit({ type: 'closed', reason, detail });
  }

  // ------------------------------------------------------------------------------------------

  private readonly randomWord = new Uint8Array(4);

  private random32(): number {
    this.o.random(this.randomWord);
    return readU32(this.randomWord, 0);
  }

  private nonZeroRandom32(): number {
    for (;;) {
      const v = this.random32();
      if (v !== 0) return v;
    }
  }
}
