/**
 * A STUN Binding request over node:dgram (RFC 8489 §6.2.1 retransmissions via the sans-IO
 * transaction engine): what is my address as seen by this server?
 */
import type { Socket } from 'node:dgram';
import type { TransportAddress } from '../address.js';
import { AttributeType, StunClass, StunMethod } from '../constants.js';
import { shortTermKey } from '../credentials.js';
import { StunErrorResponse, StunTimeoutError } from '../errors.js';
import { verifyMessageIntegrity } from '../integrity.js';
import { decodeStunMessage, isStunMessage } from '../message.js';
import { StunClientTransactions, type TransactionOptions } from '../transaction.js';
import { StunWriter } from '../writer.js';
import { now, TimerDriver } from './timer.js';
import { bindUdp, closeUdp, fromRinfo, localAddress } from './udp.js';

export interface BindingOptions extends TransactionOptions {
  /** Send from this socket instead of a fresh one (it is not closed afterwards). */
  readonly socket?: Socket;
  /** Short-term credentials (as ICE uses them): USERNAME and the password for MESSAGE-INTEGRITY. */
  readonly username?: string;
  readonly password?: string;
  readonly software?: string;
  readonly signal?: AbortSignal;
}

export interface BindingResult {
  /** Our address as the server saw it (XOR-MAPPED-ADDRESS, or MAPPED-ADDRESS from old servers). */
  readonly mapped: TransportAddress;
  /** The local address the request was sent from. */
  readonly local: TransportAddress;
  /** Round-trip time in ms, when the first transmission was answered. */
  readonly rtt: number | undefined;
  readonly software: string | undefined;
}

export async function stunBinding(
  server: TransportAddress,
  options: BindingOptions = {},
): Promise<BindingResult> {
  const socket = options.socket ?? (await bindUdp(server.family));
  const owned = options.socket === undefined;
  const engine = new StunClientTransactions<undefined>(options);
  const w = new StunWriter(256).reset(StunMethod.Binding, StunClass.Request);
  if (options.software !== undefined) w.addText(AttributeType.Software, options.software);
  const key = options.password === undefined ? undefined : shortTermKey(options.password);
  if (options.username !== undefined) w.addText(AttributeType.Username, options.username);
  if (key !== undefined) w.addMessageIntegrity(key);
  w.addFingerprint();
  const request = w.finishCopy();

  return new Promise<BindingResult>((resolve, reject) => {
    const flush = () => {
      for (let t = engine.pollTransmit(); t !== undefined; t = engine.pollTransmit()) {
        socket.send(t.data, t.destination.port, t.destination.address);
      }
      // One transaction, so at most one event: it settles the promise.
      const e = engine.pollEvent();
      if (e === undefined) return driver.schedule();
      if (e.type === 'timeout') return finish(new StunTimeoutError(StunMethod.Binding));
      const m = e.message;
      try {
        if (key !== undefined && !verifyMessageIntegrity(m, key)) {
          // RFC 8489 §9.1.4 says to discard such a response; the transaction already ended on it,
          // so report it rather than wait out the timeout.
          return finish(new StunErrorResponse(401, 'response integrity check failed', StunMethod.Binding));
        }
        if (m.messageClass === StunClass.ErrorResponse) {
          const err = m.errorCode;
          return finish(new StunErrorResponse(err?.code ?? 0, err?.reason ?? '', StunMethod.Binding));
        }
        const mapped = m.xorMappedAddress ?? m.mappedAddress;
        if (mapped === undefined) {
          return finish(new StunErrorResponse(0, 'response carries no mapped address', StunMethod.Binding));
        }
        return finish(undefined, { mapped, local: localAddress(socket), rtt: e.rtt, software: m.software });
      } catch (err) {
        return finish(err as Error);
      }
    };
    const driver = new TimerDriver(
      () => engine.pollTimeout(),
      (t) => {
        engine.handleTimeout(t);
        flush();
      },
    );
    const onMessage = (data: Buffer, rinfo: { address: string; port: number; family: string }) => {
      if (!isStunMessage(data)) return;
      const from = fromRinfo(rinfo);
      if (from.port !== server.port) return;
      try {
        engine.handleResponse(decodeStunMessage(data), now());
      } catch {
        return; // malformed: dropped (RFC 8489 §6.3)
      }
      flush();
    };
    const onAbort = () => finish(options.signal?.reason ?? new Error('aborted'));
    let done = false;
    const finish = (err: Error | undefined, result?: BindingResult) => {
      if (done) return;
      done = true;
      driver.stop();
      socket.off('message', onMessage);
      options.signal?.removeEventListener('abort', onAbort);
      const settle = () => (err !== undefined ? reject(err) : resolve(result as BindingResult));
      if (owned) void closeUdp(socket).then(settle);
      else settle();
    };
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort);
    socket.on('message', onMessage);
    engine.start(request, server, now(), undefined);
    flush();
  });
}
