/**
 * Flights (RFC 6347 §4.2.4; RFC 9147 §5.8 keeps the idea): the messages one side sends before
 * it waits for the other, transmitted and retransmitted as a unit. This layer is
 * version-independent: it numbers outgoing messages (message_seq, §4.2.2), packs a flight into
 * datagrams of at most `mtu` bytes, fragmenting messages that do not fit (§4.2.3), runs the
 * retransmission timer, reassembles what the peer sends and notices when the peer retransmits
 * its previous flight, which means ours was lost: we then retransmit at once (§4.2.4).
 *
 * Records are written by a {@link RecordWriter} (the DTLS 1.2 record layer), each record sealed
 * afresh at every (re)transmission: a retransmission carries new record sequence numbers.
 */

import { AlertDescription } from '../alert.js';
import { ContentType } from '../constants.js';
import { encodeChangeCipherSpec } from '../messages/change-cipher-spec.js';
import {
  HANDSHAKE_HEADER_LENGTH,
  type HandshakeFragment,
  writeHandshakeFragment,
} from '../messages/handshake-header.js';
import { DtlsHandshakeError } from './errors.js';
import { HandshakeReassembler, type ReassembledMessage, type ReassemblyLimits } from './reassembler.js';
import { type RetransmitOptions, RetransmitTimer } from './retransmit.js';

/** What a flight is made of. */
export type FlightMessage =
  | {
      readonly kind: 'handshake';
      readonly epoch: number;
      readonly msgType: number;
      readonly messageSeq: number;
      readonly body: Uint8Array;
    }
  | { readonly kind: 'change_cipher_spec'; readonly epoch: number };

/** The part of a record layer flights need (RecordLayer implements it). */
export interface RecordWriter {
  /** The largest payload whose record in `epoch` fits in `budget` bytes (0 if none). */
  maxPayloadLength(budget: number, epoch: number): number;
  /** Writes one record into `out` at `offset`; returns its length. */
  sealInto(out: Uint8Array, offset: number, contentType: number, payload: Uint8Array, epoch: number): number;
}

/** A fragment smaller than this is not worth a record: the message starts in the next datagram. */
const MIN_FRAGMENT = 64;
/** The smallest MTU we accept: room for a record, a handshake header and a useful fragment. */
export const MIN_MTU = 256;
export const DEFAULT_MTU = 1200;

/**
 * Packs messages into datagrams of at most `mtu` bytes: records are packed back to back
 * (RFC 6347 §4.1 allows several per datagram), a handshake message too long for the space left is
 * split into fragments (§4.2.3).
 */
export function packFlight(
  messages: readonly FlightMessage[],
  mtu: number,
  records: RecordWriter,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  let buf = new Uint8Array(mtu);
  let used = 0;
  const flush = (): void => {
    if (used === 0) return;
    out.push(buf.subarray(0, used));
    buf = new Uint8Array(mtu);
    used = 0;
  };
  for (const m of messages) {
    if (m.kind === 'change_cipher_spec') {
      if (records.maxPayloadLength(mtu - used, m.epoch) < 1) flush();
      used += records.sealInto(buf, used, ContentType.change_cipher_spec, encodeChangeCipherSpec(), m.epoch);
      continue;
    }
    const body = m.body;
    // One fragment per pass; an empty body still makes one (empty) fragment.
    for (let offset = 0; offset < body.length || offset === 0; ) {
      const room = records.maxPayloadLength(mtu - used, m.epoch) - HANDSHAKE_HEADER_LENGTH;
      const remaining = body.length - offset;
      if (room < Math.min(remaining, MIN_FRAGMENT)) {
        if (used === 0) throw new RangeError(`MTU ${mtu} leaves no room for a handshake fragment`);
        flush();
        continue;
      }
      const length = Math.min(room, remaining);
      const payload = new Uint8Array(HANDSHAKE_HEADER_LENGTH + length);
      writeHandshakeFragment(payload, 0, m.msgType, m.messageSeq, body, offset, length);
      used += records.sealInto(buf, used, ContentType.handshake, payload, m.epoch);
      offset += length;
      if (remaining === 0) break;
    }
  }
  flush();
  return out;
}

export interface FlightTransportOptions {
  readonly mtu: number;
  readonly retransmit?: RetransmitOptions;
  readonly reassembly?: ReassemblyLimits;
}

/**
 * Both directions of the handshake message stream of one association: numbering, flights,
 * retransmission and reassembly.
 */
export class FlightTransport {
  readonly reassembler: HandshakeReassembler;
  readonly timer: RetransmitTimer;
  mtu: number;
  /** message_seq of the next message we send. */
  nextSendSeq = 0;
  /** Flights sent, and retransmissions (timer or reactive), for stats. */
  readonly stats = { flightsSent: 0, retransmissions: 0, reactiveRetransmissions: 0 };
  private current: FlightMessage[] = [];
  private building: FlightMessage[] = [];
  /** message_seq of the last message of the peer's last complete flight. */
  private peerFlightEnd: number | undefined;
  private lastTransmit = Number.NEGATIVE_INFINITY;

  constructor(
    options: FlightTransportOptions,
    private readonly records: RecordWriter,
    private readonly emit: (datagram: Uint8Array) => void,
  ) {
    if (!(options.mtu >= MIN_MTU)) throw new RangeError(`mtu must be at least ${MIN_MTU}`);
    this.mtu = options.mtu;
    this.timer = new RetransmitTimer(options.retransmit);
    this.reassembler = new HandshakeReassembler(options.reassembly);
  }

  /** Adds a handshake message to the flight being built; returns its message_seq. */
  addMessage(epoch: number, msgType: number, body: Uint8Array): number {
    const messageSeq = this.nextSendSeq++;
    this.building.push({ kind: 'handshake', epoch, msgType, messageSeq, body });
    return messageSeq;
  }

  addChangeCipherSpec(epoch: number): void {
    this.building.push({ kind: 'change_cipher_spec', epoch });
  }

  /**
   * Sends the flight built so far. With `awaitReply` the timer runs until the peer's next flight
   * arrives; without (the last flight of a handshake, RFC 6347 §4.2.4 FINISHED state) the flight
   * is only retransmitted when the peer retransmits its own last flight.
   */
  sendFlight(now: number, awaitReply: boolean): void {
    this.current = this.building;
    this.building = [];
    this.stats.flightsSent++;
    this.transmit(now);
    if (awaitReply) this.timer.start(now);
    else this.timer.stop();
  }

  private transmit(now: number): void {
    this.lastTransmit = now;
    for (const d of packFlight(this.current, this.mtu, this.records)) this.emit(d);
  }

  /** The peer's flight is complete (its last message was just processed): our timer stops. */
  peerFlightComplete(): void {
    this.peerFlightEnd = this.reassembler.nextSeq - 1;
    this.timer.stop();
  }

  /** The handshake is over on our side: no timer; keep the last flight for reactive retransmission. */
  stopTimer(): void {
    this.timer.stop();
  }

  get deadline(): number | undefined {
    return this.timer.deadline;
  }

  /** Retransmits on expiry; throws HANDSHAKE_TIMEOUT when the retransmissions are used up. */
  handleTimeout(now: number): void {
    const action = this.timer.expire(now);
    if (action === 'retransmit') {
      this.stats.retransmissions++;
      this.transmit(now);
    } else if (action === 'give-up') {
      throw new DtlsHandshakeError(
        'HANDSHAKE_TIMEOUT',
        AlertDescription.handshake_failure,
        `no answer after ${this.timer.maxRetransmissions} retransmissions`,
      );
    }
  }

  /**
   * Takes one fragment from the peer. A fragment of the last message of the peer's previous
   * flight means the peer did not get our flight and is retransmitting: we retransmit ours at
   * once (RFC 6347 §4.2.4), at most once per quarter of the initial timeout so that duplicated
   * datagrams do not multiply the answer.
   */
  receiveFragment(fragment: HandshakeFragment, epoch: number, now: number): void {
    const verdict = this.reassembler.push(fragment, epoch);
    if (
      verdict === 'old' &&
      fragment.messageSeq === this.peerFlightEnd &&
      this.current.length > 0 &&
      now - this.lastTransmit >= this.timer.initial / 4
    ) {
      this.stats.reactiveRetransmissions++;
      this.transmit(now);
    }
  }

  /** The next complete message in sequence, if any. */
  nextMessage(): ReassembledMessage | undefined {
    return this.reassembler.pop();
  }
}
