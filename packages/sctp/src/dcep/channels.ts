/**
 * Data channels over SCTP streams (RFC 8831, RFC 8832): one channel per stream id, announced
 * with DATA_CHANNEL_OPEN (or agreed out of band, "negotiated"), closed by resetting the stream
 * in both directions, after which the id may be used again.
 *
 * - Ids: the DTLS client takes even stream ids, the server odd ones (RFC 8832 §6).
 * - Until the peer's DATA_CHANNEL_ACK arrives, an announced channel sends ordered, so that no
 *   message can overtake the OPEN (RFC 8832 §6).
 * - PPIDs (RFC 8831 §6.6, §8): 51/53 for string/binary, 56/57 for empty ones (one ignored byte),
 *   and on receive the deprecated partial 54/52 which prefix the next complete message.
 */
import { SctpError } from '../errors.js';
import type { ChannelInfo, SctpEvent } from '../events.js';
import {
  ChannelType,
  DcepType,
  decodeDcep,
  encodeDataChannelAck,
  encodeDataChannelOpen,
  Priority,
  UNORDERED_BIT,
} from './messages.js';
import { Ppid } from './ppid.js';

/** The highest usable stream id (65535 is reserved, RFC 8831 §6.5). */
export const MAX_CHANNEL_ID = 65534;

export interface ChannelOptions {
  readonly label?: string;
  readonly protocol?: string;
  /** Default true. */
  readonly ordered?: boolean;
  readonly maxRetransmits?: number | null;
  readonly maxPacketLifeTime?: number | null;
  /** Default false: announce with DCEP. True: the application agreed on `id` with the peer. */
  readonly negotiated?: boolean;
  /** Required when negotiated; otherwise picked by parity unless given. */
  readonly id?: number;
  /** RFC 8832 priority, default 256 (normal). */
  readonly priority?: number;
}

export type ChannelState = 'connecting' | 'open' | 'closing';

export class Channel implements ChannelInfo {
  state: ChannelState = 'connecting';
  /** We sent DATA_CHANNEL_OPEN and have not seen the ACK: send ordered. */
  ackPending = false;
  outgoingReset = false;
  incomingReset = false;
  /** Deprecated partial messages (PPID 52/54) waiting for their final part. */
  partial: Uint8Array[] = [];
  partialBytes = 0;

  constructor(
    readonly id: number,
    readonly label: string,
    readonly protocol: string,
    readonly ordered: boolean,
    readonly maxRetransmits: number | null,
    readonly maxPacketLifeTime: number | null,
    readonly negotiated: boolean,
    readonly priority: number,
    readonly remote: boolean,
  ) {}

  info(): ChannelInfo {
    return {
      id: this.id,
      label: this.label,
      protocol: this.protocol,
      ordered: this.ordered,
      maxRetransmits: this.maxRetransmits,
      maxPacketLifeTime: this.maxPacketLifeTime,
      negotiated: this.negotiated,
      priority: this.priority,
    };
  }
}

export interface ChannelHost {
  /** Queues a message on a stream (reliability as given). */
  enqueue(
    streamId: number,
    ppid: number,
    data: Uint8Array,
    ordered: boolean,
    maxRetransmits: number | null,
    lifetime: number | null,
  ): void;
  /** Resets our outgoing stream once its queue is drained. */
  resetOutgoing(streamId: number): void;
  /** The stream's share of the association (RFC 8831 §6.4): its channel's priority. */
  setPriority(streamId: number, priority: number): void;
  emit(event: SctpEvent): void;
}

const EMPTY_PAYLOAD = Uint8Array.of(0);
const EMPTY = new Uint8Array(0);

function channelType(
  ordered: boolean,
  maxRetransmits: number | null,
  maxPacketLifeTime: number | null,
): number {
  const base =
    maxRetransmits !== null
      ? ChannelType.PartialReliableRexmit
      : maxPacketLifeTime !== null
        ? ChannelType.PartialReliableTimed
        : ChannelType.Reliable;
  return ordered ? base : base | UNORDERED_BIT;
}

export class DataChannels {
  readonly channels = new Map<number, Channel>();
  /** Set when the association is established; channels wait for it to open. */
  up = false;
  /** Messages dropped: no channel, or a channel that is gone. */
  orphanMessages = 0;

  constructor(
    private readonly host: ChannelHost,
    /** True for the DTLS client (even ids), false for the server (odd ids). */
    private readonly evenIds: boolean,
    private readonly maxMessageSize: number,
  ) {}

  get(id: number): Channel {
    const c = this.channels.get(id);
    if (c === undefined) throw new SctpError('UNKNOWN_CHANNEL', `no channel ${id}`);
    return c;
  }

  create(o: ChannelOptions): Channel {
    const negotiated = o.negotiated ?? false;
    const maxRetransmits = o.maxRetransmits ?? null;
    const maxPacketLifeTime = o.maxPacketLifeTime ?? null;
    if (maxRetransmits !== null && maxPacketLifeTime !== null) {
      throw new SctpError('INVALID_ARGUMENT', 'maxRetransmits and maxPacketLifeTime are exclusive');
    }
    for (const [name, v] of [
      ['maxRetransmits', maxRetransmits],
      ['maxPacketLifeTime', maxPacketLifeTime],
    ] as const) {
      if (v !== null && (!Number.isInteger(v) || v < 0 || v > 0xffffffff)) {
        throw new SctpError('INVALID_ARGUMENT', `${name} must be an integer in [0, 2^32)`);
      }
    }
    const label = o.label ?? '';
    const protocol = o.protocol ?? '';
    const priority = o.priority ?? Priority.Normal;
    if (!Number.isInteger(priority) || priority < 0 || priority > 0xffff) {
      throw new SctpError('INVALID_ARGUMENT', 'priority must be a 16-bit integer');
    }
    let id = o.id;
    if (negotiated && id === undefined)
      throw new SctpError('INVALID_ARGUMENT', 'a negotiated channel needs an id');
    if (id === undefined) id = this.freeId();
    else if (!Number.isInteger(id) || id < 0 || id > MAX_CHANNEL_ID) {
      throw new SctpError('INVALID_ARGUMENT', `channel id ${id} is not in [0, ${MAX_CHANNEL_ID}]`);
    }
    if (this.channels.has(id)) throw new SctpError('CHANNEL_ID_IN_USE', `channel id ${id} is in use`);
    const ordered = o.ordered ?? true;
    const c = new Channel(
      id,
      label,
      protocol,
      ordered,
      maxRetransmits,
      maxPacketLifeTime,
      negotiated,
      priority,
      false,
    );
    this.host.setPriority(id, priority);
    if (!negotiated) {
      const open = encodeDataChannelOpen({
        channelType: channelType(ordered, maxRetransmits, maxPacketLifeTime),
        priority,
        reliability: maxRetransmits ?? maxPacketLifeTime ?? 0,
        label,
        protocol,
      });
      this.channels.set(id, c);
      this.host.enqueue(id, Ppid.Dcep, open, true, null, null);
      c.ackPending = true;
    } else {
      this.channels.set(id, c);
    }
    if (this.up) this.open(c);
    return c;
  }

  private freeId(): number {
    for (let id = this.evenIds ? 0 : 1; id <= MAX_CHANNEL_ID; id += 2) if (!this.channels.has(id)) return id;
    throw new SctpError('NO_CHANNEL_ID', 'every stream id of our parity is in use');
  }

  private open(c: Channel): void {
    if (c.state !== 'connecting') return;
    c.state = 'open';
    this.host.emit({ type: 'channel-open', remote: c.remote, ...c.info() });
  }

  /** The association is established: our channels open. */
  associationUp(): void {
    this.up = true;
    for (const c of this.channels.values()) if (!c.remote) this.open(c);
  }

  /** Queues a user message (RFC 8831 §6.6). The host enforces size and buffer limits. */
  send(id: number, data: Uint8Array, binary: boolean, now: number): void {
    const c = this.get(id);
    if (c.state === 'closing') throw new SctpError('INVALID_STATE', `channel ${id} is closing`);
    const ppid =
      data.length === 0 ? (binary ? Ppid.BinaryEmpty : Ppid.StringEmpty) : binary ? Ppid.Binary : Ppid.String;
    const lifetime = c.maxPacketLifeTime === null ? null : now + c.maxPacketLifeTime;
    this.host.enqueue(
      id,
      ppid,
      data.length === 0 ? EMPTY_PAYLOAD : data,
      c.ordered || c.ackPending,
      c.maxRetransmits,
      lifetime,
    );
  }

  /** A complete message arrived on a stream. */
  onMessage(streamId: number, ppid: number, data: Uint8Array): void {
    if (ppid === Ppid.Dcep) {
      this.onDcep(streamId, data);
      return;
    }
    const c = this.channels.get(streamId);
    if (c === undefined || c.incomingReset) {
      this.orphanMessages++;
      return;
    }
    switch (ppid) {
      case Ppid.String:
      case Ppid.Binary:
        this.deliver(c, data, ppid === Ppid.Binary);
        return;
      case Ppid.StringEmpty:
      case Ppid.BinaryEmpty:
        this.deliver(c, EMPTY, ppid === Ppid.BinaryEmpty);
        return;
      case Ppid.StringPartial:
      case Ppid.BinaryPartial:
        if (c.partialBytes + data.length > this.maxMessageSize) {
          c.partial = [];
          c.partialBytes = 0;
          this.host.emit({
            type: 'error',
            code: 'MESSAGE_TOO_LARGE',
            message: 'partial messages exceed the maximum message size',
            channelId: c.id,
          });
          return;
        }
        c.partial.push(data);
        c.partialBytes += data.length;
        return;
      default:
        this.orphanMessages++;
    }
  }

  private deliver(c: Channel, data: Uint8Array, binary: boolean): void {
    if (c.partial.length > 0) {
      const parts = c.partial;
      const total = c.partialBytes + data.length;
      c.partial = [];
      c.partialBytes = 0;
      if (total > this.maxMessageSize) {
        this.host.emit({
          type: 'error',
          code: 'MESSAGE_TOO_LARGE',
          message: 'message exceeds the maximum size',
          channelId: c.id,
        });
        return;
      }
      const out = new Uint8Array(total);
      let o = 0;
      for (const p of parts) {
        out.set(p, o);
        o += p.length;
      }
      out.set(data, o);
      data = out;
    }
    this.host.emit({ type: 'message', channelId: c.id, data, binary });
  }

  private onDcep(streamId: number, data: Uint8Array): void {
    let m: ReturnType<typeof decodeDcep>;
    try {
      m = decodeDcep(data);
    } catch (e) {
      this.host.emit({ type: 'error', code: 'BAD_DCEP', message: (e as Error).message, channelId: streamId });
      return;
    }
    if (m.type === DcepType.Ack) {
      const c = this.channels.get(streamId);
      if (c !== undefined) c.ackPending = false;
      return;
    }
    if (this.channels.has(streamId) || streamId > MAX_CHANNEL_ID) {
      this.host.emit({
        type: 'error',
        code: 'CHANNEL_ID_IN_USE',
        message: `DATA_CHANNEL_OPEN for stream ${streamId}, which is in use`,
        channelId: streamId,
      });
      return;
    }
    const ordered = (m.channelType & UNORDERED_BIT) === 0;
    const kind = m.channelType & ~UNORDERED_BIT;
    const c = new Channel(
      streamId,
      m.label,
      m.protocol,
      ordered,
      kind === ChannelType.PartialReliableRexmit ? m.reliability : null,
      kind === ChannelType.PartialReliableTimed ? m.reliability : null,
      false,
      m.priority,
      true,
    );
    this.channels.set(streamId, c);
    this.host.setPriority(streamId, m.priority);
    // RFC 8832 §6: acknowledge on the same stream, ordered.
    this.host.enqueue(streamId, Ppid.Dcep, encodeDataChannelAck(), true, null, null);
    this.open(c);
  }

  /** Starts closing a channel: reset our outgoing stream (RFC 8831 §6.7). */
  close(id: number): void {
    const c = this.get(id);
    if (c.state === 'closing') return;
    c.state = 'closing';
    this.host.resetOutgoing(id);
  }

  /** The peer performed the reset of our outgoing streams. */
  outgoingResetDone(streams: readonly number[]): void {
    for (const id of streams) {
      const c = this.channels.get(id);
      if (c === undefined) continue;
      c.outgoingReset = true;
      this.maybeClosed(c);
    }
  }

  /** The peer reset its outgoing streams: close those channels from our side too. */
  incomingReset(streams: readonly number[]): void {
    for (const id of streams) {
      const c = this.channels.get(id);
      if (c === undefined) continue;
      c.incomingReset = true;
      c.partial = [];
      c.partialBytes = 0;
      if (c.state !== 'closing') {
        c.state = 'closing';
        this.host.resetOutgoing(id);
      }
      this.maybeClosed(c);
    }
  }

  private maybeClosed(c: Channel): void {
    if (!c.outgoingReset || !c.incomingReset) return;
    this.channels.delete(c.id);
    this.host.emit({ type: 'channel-closed', channelId: c.id });
  }

  /** The association is gone (closed, aborted, restarted): every channel is closed. */
  closeAll(): void {
    this.up = false;
    const ids = [...this.channels.keys()];
    this.channels.clear();
    for (const id of ids) this.host.emit({ type: 'channel-closed', channelId: id });
  }
}
