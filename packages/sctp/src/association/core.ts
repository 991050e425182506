/**
 * The state every layer of {@link SctpAssociation} shares: options, tags, the components
 * (sender, receiver, stream reset, heartbeat, channels), the queues of things to send and of
 * events, the timers; and the helpers all layers use (emitting, queueing, setting up and
 * ending the association). The layers, each in its own file, build on it in this order:
 * `connection.ts` (handshake), `closing.ts` (shutdown, abort), `input.ts` (packets in),
 * `output.ts` (packets out, timers), `association.ts` (the application's calls).
 */
import { readU32 } from '../bytes.js';
import { encodeAbort } from '../chunks/abort.js';
import { DataChunkView } from '../chunks/data.js';
import { SackView } from '../chunks/sack.js';
import { DataChannels } from '../dcep/channels.js';
import { SctpParseError } from '../errors.js';
import type { CloseReason, SctpEvent } from '../events.js';
import { PacketBuilder } from '../packet/builder.js';
import { PacketReader } from '../packet/packet.js';
import { Heartbeat } from './heartbeat.js';
import { type ResolvedOptions, resolveOptions, type SctpAssociationOptions } from './options.js';
import { PIECE_OVERHEAD } from './reassembly.js';
import { Receiver } from './receiver.js';
import { StreamReset } from './reset.js';
import { OutgoingMessage } from './send-queue.js';
import { Sender } from './sender.js';
import { AssociationState } from './state.js';

/** Stateless answers (INIT ACK, ABORT, SHUTDOWN COMPLETE) waiting to be polled, at most. */
export const MAX_STATELESS_REPLIES = 8;
/** Control chunks waiting to be sent, at most (each input adds at most a few). */
export const MAX_CONTROL_CHUNKS = 256;

export abstract class AssociationCore {
  protected readonly o: ResolvedOptions;

  protected stateValue: AssociationState = AssociationState.Closed;

  /** Closed after having been used: the object is done. */
  protected finished = false;

  protected now = 0;

  protected localTag = 0;

  protected peerTag = 0;

  protected localInitialTsn = 0;

  protected peerReconfig = false;

  /** The peer accepts our zero checksums (RFC 9653 §5.2); see {@link zeroChecksum}. */
  protected peerZeroChecksum = false;

  /** Negotiated stream counts (RFC 9260 §5.1.1). */
  protected outboundStreams = 0;

  protected inboundStreams = 0;

  protected readonly cookieKey = new Uint8Array(32);

  protected readonly reader = new PacketReader();

  protected readonly dataView = new DataChunkView();

  protected readonly sackView = new SackView();

  protected readonly builder: PacketBuilder;

  protected readonly sender: Sender;

  protected readonly receiver: Receiver;

  protected readonly reset: StreamReset;

  protected readonly heartbeat: Heartbeat;

  protected readonly channels: DataChannels;

  /** Whole packets to send first (INIT, stateless answers, SHUTDOWN COMPLETE, ABORT). */
  protected readonly transmits: Uint8Array[] = [];

  /** Control chunks to bundle into the next packet. */
  protected readonly control: Uint8Array[] = [];

  protected events: SctpEvent[] = [];

  protected eventHead = 0;

  // T1-init / T1-cookie (§5.1) and T2-shutdown (§9.2).
  protected t1Deadline = Number.POSITIVE_INFINITY;

  protected t1Packet: Uint8Array | undefined;

  protected t1Chunk: Uint8Array | undefined;

  protected t1Count = 0;

  protected t1Rto = 0;

  protected t2Deadline = Number.POSITIVE_INFINITY;

  protected t2Chunk: Uint8Array | undefined;

  protected t2Count = 0;

  protected lastDataSent = Number.NEGATIVE_INFINITY;

  protected packetsReceived = 0;

  protected packetsSent = 0;

  protected packetsDropped = 0;

  protected chunksDropped = 0;

  /** Largest message the peer accepts (SDP a=max-message-size); `send` refuses larger ones. */
  remoteMaxMessageSize: number;

  constructor(options: SctpAssociationOptions = {}) {
    const o = resolveOptions(options);
    this.o = o;
    this.remoteMaxMessageSize = o.remoteMaxMessageSize;
    o.random(this.cookieKey);
    this.reader.acceptZeroChecksum = o.zeroChecksum;
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

  /**
   * Whether zero checksums (RFC 9653) are in effect: both ends announced SCTP over DTLS, so our
   * packets go without a CRC32c (except INIT and COOKIE ECHO, §5.2). Packets to us may carry a
   * zero checksum whenever the `zeroChecksum` option is on, whatever the peer announced (§5.3).
   */
  get zeroChecksum(): boolean {
    return this.peerZeroChecksum;
  }

  /** Records what the peer's INIT or INIT ACK said of zero checksums (RFC 9653 §5.2). */
  protected setPeerZeroChecksum(accepts: boolean): void {
    this.peerZeroChecksum = accepts;
    this.builder.zeroChecksum = accepts;
  }

  /** Runs a chunk handler; a chunk that fails to decode is dropped and counted. */
  protected guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      if (!(e instanceof SctpParseError)) throw e;
      this.chunksDropped++;
    }
  }

  protected hasTcb(): boolean {
    return this.stateValue !== AssociationState.Closed;
  }

  /** States in which the peer's DATA, SACK, FORWARD TSN and RE-CONFIG are processed. */
  protected established(): boolean {
    const s = this.stateValue;
    return s !== AssociationState.Closed && s !== AssociationState.CookieWait;
  }

  protected setupTcb(
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

  protected establish(): void {
    this.stateValue = AssociationState.Established;
    this.t1Deadline = Number.POSITIVE_INFINITY;
    this.t1Packet = undefined;
    this.t1Chunk = undefined;
    this.heartbeat.schedule(this.now, this.sender.rto.rto);
    this.emit({ type: 'open' });
    this.channels.associationUp();
  }

  protected onOversize(streamId: number): void {
    this.emit({
      type: 'error',
      code: 'MESSAGE_TOO_LARGE',
      message: `a message on stream ${streamId} exceeds ${this.o.maxMessageSize} bytes; closing the channel`,
      channelId: streamId,
    });
    // RFC 8831 §6.6: reset the channel's stream.
    if (this.channels.channels.has(streamId)) this.channels.close(streamId);
  }

  protected resetOutgoing(id: number): void {
    if (!this.established() || !this.peerReconfig) {
      // No way to tell the peer (not connected, or no RE-CONFIG): close locally.
      this.sender.queue.dropStream(id);
      this.channels.outgoingResetDone([id]);
      this.channels.incomingReset([id]);
      return;
    }
    this.reset.request(id);
  }

  protected onOutgoingResetDone(streams: readonly number[]): void {
    for (const id of streams) this.sender.queue.stream(id).nextSsn = 0;
    this.channels.outgoingResetDone(streams);
  }

  protected onIncomingReset(streams: readonly number[]): void {
    // An empty list means every stream (RFC 6525 §4.1).
    const ids = streams.length > 0 ? streams : [...this.channels.channels.keys()];
    for (const id of ids) this.receiver.reassembly.resetStream(id);
    this.channels.incomingReset(ids);
  }

  protected emit(e: SctpEvent): void {
    if (e.type === 'message') this.receiver.undelivered += e.data.length + PIECE_OVERHEAD;
    this.events.push(e);
  }

  protected queueControl(chunk: Uint8Array): void {
    if (this.control.length < MAX_CONTROL_CHUNKS) this.control.push(chunk);
  }

  /**
   * A packet holding one chunk, with the given verification tag. Its checksum is left zero when
   * `zero` (by default: it belongs to the association and the peer accepts zero checksums); an
   * answer to an out-of-the-blue packet, sent with no association, always has a CRC32c (RFC 9653
   * §5.2), and so do INIT and COOKIE ECHO (see `PacketBuilder.zeroChecksum`).
   */
  protected standalone(
    vtag: number,
    chunk: Uint8Array,
    zero = this.peerZeroChecksum && vtag === this.peerTag && this.hasTcb(),
  ): Uint8Array {
    const b = new PacketBuilder(12 + chunk.length);
    b.zeroChecksum = zero;
    b.begin(this.o.localPort, this.o.remotePort, vtag);
    b.append(chunk);
    return b.finish();
  }

  protected canSendData(): boolean {
    const s = this.stateValue;
    return (
      s === AssociationState.Established ||
      s === AssociationState.ShutdownPending ||
      s === AssociationState.ShutdownReceived
    );
  }

  protected fail(detail: string): void {
    if (this.peerTag !== 0 && this.stateValue !== AssociationState.Closed) {
      this.transmits.push(this.standalone(this.peerTag, encodeAbort(false)));
    }
    this.finish('timeout', detail);
  }

  protected finish(reason: CloseReason, detail: string): void {
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

  protected readonly randomWord = new Uint8Array(4);

  protected random32(): number {
    this.o.random(this.randomWord);
    return readU32(this.randomWord, 0);
  }

  protected nonZeroRandom32(): number {
    for (;;) {
      const v = this.random32();
      if (v !== 0) return v;
    }
  }

  /** After anything that may have changed what is due (low-buffer events, shutdown progress). */
  protected abstract afterActivity(): void;
}
