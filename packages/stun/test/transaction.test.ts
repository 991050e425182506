/** The RFC 8489 §6.2.1 retransmission schedule on a virtual clock. */
import { describe, expect, it } from 'vitest';
import {
  decodeStunMessage,
  StunClass,
  StunClientTransactions,
  StunMethod,
  StunWriter,
  type TransactionEvent,
  type TransportAddress,
} from '../src/index.js';

const SERVER: TransportAddress = { family: 'IPv4', address: '192.0.2.1', port: 3478 };

function request(): Uint8Array {
  return new StunWriter().reset(StunMethod.Binding, StunClass.Request).finishCopy();
}

function responseTo(req: Uint8Array, cls: StunClass = StunClass.SuccessResponse) {
  const tid = req.subarray(8, 20);
  return decodeStunMessage(new StunWriter().reset(StunMethod.Binding, cls, tid).finishCopy());
}

/** Runs the engine on a virtual clock until it is idle; returns send times and events. */
function run<C>(
  engine: StunClientTransactions<C>,
  until: number,
  onSend?: (t: number, data: Uint8Array) => void,
) {
  const sends: number[] = [];
  const events: Array<TransactionEvent<C> & { at: number }> = [];
  let t = 0;
  const drain = () => {
    for (let x = engine.pollTransmit(); x; x = engine.pollTransmit()) {
      sends.push(t);
      onSend?.(t, x.data);
    }
    for (let e = engine.pollEvent(); e; e = engine.pollEvent()) events.push({ ...e, at: t });
  };
  drain();
  for (;;) {
    const next = engine.pollTimeout();
    if (next === undefined || next > until) break;
    t = next;
    engine.handleTimeout(t);
    drain();
  }
  return { sends, events };
}

describe('StunClientTransactions', () => {
  it('retransmits at 0, 500, 1500, 3500, 7500, 15500, 31500 ms and times out at 39500 ms', () => {
    const engine = new StunClientTransactions<string>();
    engine.start(request(), SERVER, 0, 'ctx');
    const { sends, events } = run(engine, 100_000);
    expect(sends).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'timeout', context: 'ctx', at: 39500 });
    expect(engine.size).toBe(0);
  });

  it('honours custom RTO, Rc and Rm', () => {
    const engine = new StunClientTransactions({ rc: 3, rm: 4 });
    engine.start(request(), SERVER, 1000, undefined, { rto: 100 });
    const { sends, events } = run(engine, 100_000);
    // 1000, +100, +200 (third and last send), then wait Rm*RTO = 400.
    expect(sends).toEqual([0, 1100, 1300]);
    expect(events[0]).toMatchObject({ type: 'timeout', at: 1700 });
  });

  it('sends once over reliable transports and waits Ti = 39.5 s', () => {
    const engine = new StunClientTransactions();
    engine.start(request(), SERVER, 0, undefined, { reliable: true });
    const { sends, events } = run(engine, 100_000);
    expect(sends).toEqual([0]);
    expect(events[0]).toMatchObject({ type: 'timeout', at: 39_500 });
  });

  it('matches success and error responses by transaction id and ignores strays', () => {
    const engine = new StunClientTransactions<number>();
    const a = request();
    const b = request();
    engine.start(a, SERVER, 0, 1);
    engine.start(b, SERVER, 0, 2);
    expect(engine.handleResponse(responseTo(request()), 10)).toBe(false);
    expect(engine.handleResponse(responseTo(b, StunClass.ErrorResponse), 20)).toBe(true);
    expect(engine.handleResponse(responseTo(b), 21)).toBe(false); // duplicate
    expect(engine.handleResponse(responseTo(a, StunClass.Indication), 22)).toBe(false);
    expect(engine.handleResponse(responseTo(a), 30)).toBe(true);
    const events = [engine.pollEvent(), engine.pollEvent()];
    expect(events.map((e) => e?.context)).toEqual([2, 1]);
    expect(events.map((e) => (e?.type === 'response' ? e.rtt : -1))).toEqual([20, 30]);
    expect(engine.pollTimeout()).toBeUndefined();
  });

  it('gives no RTT sample for a retransmitted request (Karn) and learns RTO from clean ones', () => {
    const engine = new StunClientTransactions();
    const r = request();
    engine.start(r, SERVER, 0, undefined);
    engine.handleTimeout(500); // retransmission
    engine.handleResponse(responseTo(r), 600);
    const e = engine.pollEvent();
    expect(e?.type === 'response' && e.rtt).toBe(undefined);
    expect(engine.rtoFor(SERVER)).toBe(500);
    for (let i = 0; i < 20; i++) {
      const q = request();
      engine.start(q, SERVER, i * 1000, undefined);
      engine.handleResponse(responseTo(q), i * 1000 + 40);
    }
    // 40 ms round trips converge towards SRTT 40, RTTVAR small: the floor of 100 ms applies.
    expect(engine.rtoFor(SERVER)).toBeLessThan(200);
    expect(engine.rtoFor(SERVER)).toBeGreaterThanOrEqual(100);
  });

  it('caps transactions in flight and cancels', () => {
    const engine = new StunClientTransactions({ maxPending: 2 });
    const a = request();
    engine.start(a, SERVER, 0, undefined);
    engine.start(request(), SERVER, 0, undefined);
    expect(() => engine.start(request(), SERVER, 0, undefined)).toThrow(RangeError);
    expect(() => engine.start(a, SERVER, 0, undefined)).toThrow(RangeError);
    expect(engine.cancel(a.subarray(8, 20))).toBe(true);
    expect(engine.size).toBe(1);
  });

  it('recovers from loss: a response to a retransmission ends the transaction', () => {
    const engine = new StunClientTransactions();
    engine.start(request(), SERVER, 0, undefined);
    let delivered = 0;
    const { events } = run(engine, 100_000, (t, data) => {
      // The first three sends are lost; the fourth (at 3500 ms) is answered 20 ms later.
      if (t === 3500 && delivered++ === 0) engine.handleResponse(responseTo(data), t + 20);
    });
    expect(events).toHaveLength(1);
    expect(events[0]?.type).toBe('response');
  });
});
