/**
 * Stream reset (RFC 6525), the way data channels close (RFC 8831 §6.7): each side resets its
 * outgoing stream with an Outgoing SSN Reset Request; the receiving side resets the matching
 * incoming stream once every TSN up to the sender's last assigned one has arrived (§5.2.2,
 * "deferred reset"), and answers. One request of ours is in flight at a time (§5.1.1); streams
 * asked for meanwhile go in the next one. A stream is requested only once everything queued on
 * it has a TSN, so that the "last assigned TSN" covers all of its data.
 */
import { encodeReconfig } from '../chunks/reconfig.js';
import { decodeIncomingResetRequest } from '../params/incoming-reset-request.js';
import { decodeOutgoingResetRequest, encodeOutgoingResetRequest } from '../params/outgoing-reset-request.js';
import { ParamType, type RawParam } from '../params/param.js';
import {
  decodeReconfigResponse,
  encodeReconfigResponse,
  ReconfigResult,
} from '../params/reconfig-response.js';
import { decodeRequestSeq } from '../params/request-seq.js';
import { tsnAdd, tsnLte } from '../serial.js';

/** A request carries at most this many stream ids (they must fit one packet with room to spare). */
const MAX_STREAMS_PER_REQUEST = 256;

export interface ResetHost {
  /** Sender's Last Assigned TSN (§4.1): our next TSN minus one. */
  lastAssignedTsn(): number;
  /** Our cumulative TSN as data receiver. */
  receivedCumulative(): number;
  /** Nothing of our outgoing stream waits for a TSN. */
  drained(streamId: number): boolean;
  /** The peer reset our outgoing streams (its incoming): their SSNs restart at 0. */
  outgoingResetDone(streams: readonly number[], ok: boolean): void;
  /** Data above `lastTsn` on these incoming streams must wait for the reset. */
  deferIncomingReset(streams: readonly number[], lastTsn: number): void;
  /** The peer's outgoing streams (our incoming) are reset now. */
  incomingReset(streams: readonly number[]): void;
  /** The peer asks us to reset these outgoing streams (Incoming SSN Reset Request, §5.2.3). */
  resetRequested(streams: readonly number[]): void;
}

interface InFlight {
  readonly seq: number;
  readonly streams: readonly number[];
  readonly chunk: Uint8Array;
}

interface Deferred {
  readonly seq: number;
  readonly streams: readonly number[];
  readonly lastTsn: number;
}

export class StreamReset {
  /** Our next request sequence number (§5.1.1: starts at our initial TSN). */
  private nextSeq = 0;
  /** The peer's next request sequence number (starts at its initial TSN). */
  private peerSeq = 0;
  private lastResult: number = ReconfigResult.SuccessPerformed;
  private readonly pending: number[] = [];
  private inflight: InFlight | undefined;
  private deferred: Deferred | undefined;
  /** RE-CONFIG chunks to send. */
  readonly outbox: Uint8Array[] = [];
  deadline = Number.POSITIVE_INFINITY;
  /** Consecutive unanswered retransmissions of our request. */
  failures = 0;

  constructor(private readonly host: ResetHost) {}

  start(localInitialTsn: number, peerInitialTsn: number): void {
    this.nextSeq = localInitialTsn;
    this.peerSeq = peerInitialTsn;
    this.pending.length = 0;
    this.inflight = undefined;
    this.deferred = undefined;
    this.outbox.length = 0;
    this.deadline = Number.POSITIVE_INFINITY;
    this.failures = 0;
  }

  /** Asks for our outgoing stream to be reset as soon as it is drained. */
  request(streamId: number): void {
    if (!this.pending.includes(streamId) && !this.inflight?.streams.includes(streamId))
      this.pending.push(streamId);
  }

  get busy(): boolean {
    return this.pending.length > 0 || this.inflight !== undefined;
  }

  /** Sends a request if none is in flight and some requested stream is drained. */
  flush(now: number, rto: number): void {
    if (this.inflight !== undefined || this.pending.length === 0) return;
    const streams: number[] = [];
    for (let i = 0; i < this.pending.length && streams.length < MAX_STREAMS_PER_REQUEST; ) {
      const id = this.pending[i] as number;
      if (this.host.drained(id)) {
        streams.push(id);
        this.pending.splice(i, 1);
      } else {
        i++;
      }
    }
    if (streams.length === 0) return;
    const seq = this.nextSeq;
    this.nextSeq = tsnAdd(seq, 1);
    const chunk = encodeReconfig([
      encodeOutgoingResetRequest({
        requestSeq: seq,
        responseSeq: tsnAdd(this.peerSeq, -1),
        senderLastTsn: this.host.lastAssignedTsn(),
        streams,
      }),
    ]);
    this.inflight = { seq, streams, chunk };
    this.outbox.push(chunk);
    this.deadline = now + rto;
    this.failures = 0;
  }

  /** Our request went unanswered for an RTO: send it again (§5.1.1). */
  onTimeout(now: number, rto: number): void {
    if (now < this.deadline) return;
    if (this.inflight === undefined) {
      this.deadline = Number.POSITIVE_INFINITY;
      return;
    }
    this.failures++;
    this.outbox.push(this.inflight.chunk);
    this.deadline = now + rto;
  }

  /** The parameters of a received RE-CONFIG chunk. */
  onReconfig(params: readonly RawParam[], now: number, rto: number): void {
    for (const p of params) {
      switch (p.type) {
        case ParamType.OutgoingSsnResetRequest: {
          const r = decodeOutgoingResetRequest(p.value, p.offset);
          this.onPeerRequest(r.requestSeq, () => {
            if (tsnLte(r.senderLastTsn, this.host.receivedCumulative())) {
              this.host.incomingReset(r.streams);
              return ReconfigResult.SuccessPerformed;
            }
            this.deferred = { seq: r.requestSeq, streams: r.streams, lastTsn: r.senderLastTsn };
            this.host.deferIncomingReset(r.streams, r.senderLastTsn);
            return ReconfigResult.InProgress;
          });
          break;
        }
        case ParamType.IncomingSsnResetRequest: {
          const r = decodeIncomingResetRequest(p.value, p.offset);
          this.onPeerRequest(r.requestSeq, () => {
            this.host.resetRequested(r.streams);
            return ReconfigResult.SuccessPerformed;
          });
          break;
        }
        case ParamType.SsnTsnResetRequest:
        case ParamType.AddOutgoingStreamsRequest:
        case ParamType.AddIncomingStreamsRequest:
          this.onPeerRequest(decodeRequestSeq(p.value, p.offset), () => ReconfigResult.Denied);
          break;
        case ParamType.ReconfigResponse:
          this.onResponse(decodeReconfigResponse(p.value, p.offset), now, rto);
          break;
        default:
          // Unknown parameters: nothing we can answer (RFC 6525 has no "unrecognized" response).
          break;
      }
    }
  }

  /** §5.2.1-5.2.3: requests are handled once, in sequence; a repeat gets the same answer. */
  private onPeerRequest(seq: number, perform: () => number): void {
    let result: number;
    if (seq === this.peerSeq) {
      this.peerSeq = tsnAdd(seq, 1);
      result = perform();
      this.lastResult = result;
    } else if (seq === tsnAdd(this.peerSeq, -1)) {
      result = this.deferred?.seq === seq ? ReconfigResult.InProgress : this.lastResult;
    } else {
      result = ReconfigResult.ErrorBadSequenceNumber;
    }
    this.outbox.push(encodeReconfig([encodeReconfigResponse({ responseSeq: seq, result })]));
  }

  private onResponse(r: { responseSeq: number; result: number }, now: number, rto: number): void {
    const f = this.inflight;
    if (f === undefined || r.responseSeq !== f.seq) return;
    if (r.result === ReconfigResult.InProgress) {
      // The peer waits for our data to arrive: ask again later.
      this.deadline = now + rto;
      this.failures = 0;
      return;
    }
    this.inflight = undefined;
    this.deadline = Number.POSITIVE_INFINITY;
    this.failures = 0;
    const ok = r.result === ReconfigResult.SuccessPerformed || r.result === ReconfigResult.SuccessNothingToDo;
    this.host.outgoingResetDone(f.streams, ok);
  }

  /** Our cumulative TSN moved: perform a deferred reset that is now due, and say so. */
  onCumulativeAdvanced(): void {
    const d = this.deferred;
    if (d === undefined || !tsnLte(d.lastTsn, this.host.receivedCumulative())) return;
    this.deferred = undefined;
    this.host.incomingReset(d.streams);
    this.lastResult = ReconfigResult.SuccessPerformed;
    this.outbox.push(
      encodeReconfig([
        encodeReconfigResponse({ responseSeq: d.seq, result: ReconfigResult.SuccessPerformed }),
      ]),
    );
  }
}
