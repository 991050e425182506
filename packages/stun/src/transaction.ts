/**
 * Client transactions (RFC 8489 §6.2): a sans-IO engine that retransmits requests over
 * unreliable transports and matches responses by transaction id. No sockets, no timers: feed it
 * the current time, drain what it wants sent, and call `handleTimeout` at `pollTimeout()`.
 *
 * Retransmission over UDP (§6.2.1): the request is sent at 0, RTO, 3 RTO, 7 RTO, ... (the
 * interval doubles), Rc times in all; after the last send the client waits Rm * RTO and then
 * gives up. With RTO 500 ms, Rc 7 and Rm 16 that is sends at 0, 0.5, 1.5, 3.5, 7.5, 15.5 and
 * 31.5 s and a timeout at 39.5 s. Over TCP/TLS (§6.2.2) the request is sent once and times out
 * after Ti = 39.5 s.
 *
 * RTO itself is estimated per destination as RFC 6298 describes (§6.2.1 asks for that), from
 * responses to requests that were not retransmitted (Karn's rule), without rounding up to a
 * second; callers with their own rule (ICE, RFC 8445 §14.3) pass `rto` per request.
 */
import type { TransportAddress } from './address.js';
import { StunClass } from './constants.js';
import type { StunMessage } from './message.js';

export interface TransactionOptions {
  /** Initial RTO in ms when nothing is known of the destination (RFC 8489: >= 500 ms). */
  readonly initialRto?: number;
  /** Lower bound of an estimated RTO in ms (default 100). */
  readonly minRto?: number;
  /** Upper bound of an estimated RTO in ms (default 3000). */
  readonly maxRto?: number;
  /** Rc: how many times a request is sent in all (default 7). */
  readonly rc?: number;
  /** Rm: the last wait is Rm * RTO (default 16). */
  readonly rm?: number;
  /** Ti for reliable transports, in ms (default 39500). */
  readonly reliableTimeout?: number;
  /** Cap on transactions in flight; `start` throws RangeError past it (default 1024). */
  readonly maxPending?: number;
}

export interface StartOptions {
  /** Send once and wait Ti: for TCP and TLS (RFC 8489 §6.2.2). */
  readonly reliable?: boolean;
  /** Fixed RTO for this request, bypassing the estimate (ICE uses this). */
  readonly rto?: number;
}

export interface Transmit {
  readonly data: Uint8Array;
  readonly destination: TransportAddress;
}

export type TransactionEvent<C> =
  | {
      readonly type: 'response';
      readonly context: C;
      readonly message: StunMessage;
      readonly destination: TransportAddress;
      /** Round trip of the first send; undefined when the request was retransmitted (ambiguous). */
      readonly rtt: number | undefined;
    }
  | { readonly type: 'timeout'; readonly context: C; readonly destination: TransportAddress };

interface Pending<C> {
  readonly key: string;
  readonly data: Uint8Array;
  readonly destination: TransportAddress;
  readonly context: C;
  readonly reliable: boolean;
  readonly rto: number;
  readonly firstSent: number;
  sends: number;
  interval: number;
  deadline: number;
}

interface RttEstimate {
  srtt: number;
  rttvar: number;
}

const MAX_ESTIMATES = 256;

/** The transaction id as a Map key. */
export function transactionKey(transactionId: Uint8Array): string {
  let s = '';
  for (let i = 0; i < transactionId.length; i++) s += String.fromCharCode(transactionId[i] as number);
  return s;
}

function destinationKey(d: TransportAddress): string {
  return `${d.address}|${d.port}`;
}

export class StunClientTransactions<C = undefined> {
  private readonly initialRto: number;
  private readonly minRto: number;
  private readonly maxRto: number;
  private readonly rc: number;
  private readonly rm: number;
  private readonly reliableTimeout: number;
  private readonly maxPending: number;
  private readonly pending = new Map<string, Pending<C>>();
  private readonly estimates = new Map<string, RttEstimate>();
  private readonly transmits: Transmit[] = [];
  private readonly events: TransactionEvent<C>[] = [];

  constructor(options: TransactionOptions = {}) {
    this.initialRto = options.initialRto ?? 500;
    this.minRto = options.minRto ?? 100;
    this.maxRto = options.maxRto ?? 3000;
    this.rc = options.rc ?? 7;
    this.rm = options.rm ?? 16;
    this.reliableTimeout = options.reliableTimeout ?? 39_500;
    this.maxPending = options.maxPending ?? 1024;
  }

  /** Transactions in flight. */
  get size(): number {
    return this.pending.size;
  }

  /** The RTO the next request to `destination` would start with. */
  rtoFor(destination: TransportAddress): number {
    const e = this.estimates.get(destinationKey(destination));
    if (e === undefined) return this.initialRto;
    return Math.min(this.maxRto, Math.max(this.minRto, e.srtt + 4 * e.rttvar));
  }

  /**
   * Starts a transaction for an encoded request (its bytes 8..20 are the transaction id) and
   * queues its first transmission. `context` comes back in the transaction's event.
   */
  start(
    request: Uint8Array,
    destination: TransportAddress,
    now: number,
    context: C,
    options: StartOptions = {},
  ): void {
    if (this.pending.size >= this.maxPending) {
      throw new RangeError(`more than ${this.maxPending} STUN transactions in flight`);
    }
    const key = transactionKey(request.subarray(8, 20));
    if (this.pending.has(key)) throw new RangeError('a transaction with this id is already in flight');
    const reliable = options.reliable ?? false;
    const rto = options.rto ?? this.rtoFor(destination);
    const p: Pending<C> = {
      key,
      data: request,
      destination,
      context,
      reliable,
      rto,
      firstSent: now,
      sends: 1,
      interval: rto,
      deadline: reliable ? now + this.reliableTimeout : this.rc <= 1 ? now + this.rm * rto : now + rto,
    };
    this.pending.set(key, p);
    this.transmits.push({ data: request, destination });
  }

  /**
   * Offers a decoded message. Returns true when it was a response (success or error class) to a
   * transaction in flight, which then ends with a 'response' event; false otherwise (a request,
   * an indication, or a stray/duplicate response), leaving it to the caller.
   */
  handleResponse(message: StunMessage, now: number): boolean {
    if (
      message.messageClass !== StunClass.SuccessResponse &&
      message.messageClass !== StunClass.ErrorResponse
    ) {
      return false;
    }
    const p = this.pending.get(transactionKey(message.transactionId));
    if (p === undefined) return false;
    this.pending.delete(p.key);
    let rtt: number | undefined;
    if (p.sends === 1) {
      rtt = Math.max(0, now - p.firstSent);
      this.sampleRtt(p.destination, rtt);
    }
    this.events.push({ type: 'response', context: p.context, message, destination: p.destination, rtt });
    return true;
  }

  /** Ends a transaction without an event (the caller lost interest). Returns whether it existed. */
  cancel(transactionId: Uint8Array): boolean {
    return this.pending.delete(transactionKey(transactionId));
  }

  /** Retransmits what is due and times out what has run its course. */
  handleTimeout(now: number): void {
    for (const p of this.pending.values()) {
      if (now < p.deadline) continue;
      if (p.reliable || p.sends >= this.rc) {
        this.pending.delete(p.key);
        this.events.push({ type: 'timeout', context: p.context, destination: p.destination });
        continue;
      }
      p.sends++;
      p.interval *= 2;
      p.deadline = p.sends >= this.rc ? now + this.rm * p.rto : now + p.interval;
      this.transmits.push({ data: p.data, destination: p.destination });
    }
  }

  pollTransmit(): Transmit | undefined {
    return this.transmits.shift();
  }

  pollEvent(): TransactionEvent<C> | undefined {
    return this.events.shift();
  }

  /** The earliest time `handleTimeout` has work to do, or undefined when nothing is in flight. */
  pollTimeout(): number | undefined {
    let next: number | undefined;
    for (const p of this.pending.values()) if (next === undefined || p.deadline < next) next = p.deadline;
    return next;
  }

  /** RFC 6298 §2: SRTT/RTTVAR with alpha 1/8 and beta 1/4. */
  private sampleRtt(destination: TransportAddress, rtt: number): void {
    const key = destinationKey(destination);
    const e = this.estimates.get(key);
    if (e === undefined) {
      if (this.estimates.size >= MAX_ESTIMATES) {
        const oldest = this.estimates.keys().next().value;
        if (oldest !== undefined) this.estimates.delete(oldest);
      }
      this.estimates.set(key, { srtt: rtt, rttvar: rtt / 2 });
      return;
    }
    e.rttvar = 0.75 * e.rttvar + 0.25 * Math.abs(e.srtt - rtt);
    e.srtt = 0.875 * e.srtt + 0.125 * rtt;
  }
}
