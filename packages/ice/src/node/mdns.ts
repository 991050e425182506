/**
 * Multicast DNS for ICE over node:dgram: one UDP socket per address family, bound to port 5353
 * with SO_REUSEADDR (other responders on the host, and other MdnsService instances, share the
 * port, RFC 6762 §15), joined to 224.0.0.251 and ff02::fb, sending with IP TTL 255 (RFC 6762 §11)
 * and multicast loopback on, so that two agents on one machine hear each other. The resolver and
 * responder engines do the protocol; this file only moves bytes and runs the clock.
 *
 * Where a family cannot join its group (no multicast-capable interface, no route: ENODEV on
 * IP_ADD_MEMBERSHIP) it is left out; IPv6 often is. If no family is left, `open` rejects with
 * MdnsError NO_MULTICAST. If every query for a name fails to leave the host (EPERM from a
 * firewall, ENETUNREACH), the resolution rejects with SEND_FAILED carrying the socket error,
 * instead of a plain TIMEOUT.
 */
import { createSocket, type Socket } from 'node:dgram';
import { type AddressFamily, fromRinfo, now, TimerDriver } from '@purertc/stun';
import { MdnsError } from '../errors.js';
import { MDNS_IPV4_GROUP, MDNS_IPV6_GROUP, MDNS_PORT } from '../mdns/constants.js';
import { decodeOrCount } from '../mdns/message.js';
import { nameKey } from '../mdns/name.js';
import { MdnsResolver, type MdnsResolverOptions } from '../mdns/resolver.js';
import { MdnsResponder, type MdnsResponderOptions } from '../mdns/responder.js';
import type { MdnsTransmit } from '../mdns/transmit.js';

export interface MdnsServiceOptions {
  /** Families to open (default both); a family that fails is left out, see `unavailable`. */
  readonly families?: readonly AddressFamily[];
  /**
   * The IPv4 address of the interface to join the group on and send from (default: the
   * kernel's choice, the interface of the route to 224.0.0.251).
   */
  readonly interfaceIPv4?: string;
  /** The IPv6 interface as `::%<name>` (default: the kernel's choice). */
  readonly interfaceIPv6?: string;
  /** UDP port (default 5353). Only tests use another. */
  readonly port?: number;
  readonly resolver?: Omit<MdnsResolverOptions, 'families' | 'port'>;
  readonly responder?: Omit<MdnsResponderOptions, 'families' | 'port'>;
}

export interface MdnsServiceStats {
  /** Datagrams that did not decode. */
  malformed: number;
  /** Sends the kernel refused. */
  sendErrors: number;
  lastSendError: Error | undefined;
}

interface Waiter {
  readonly resolve: (address: string) => void;
  readonly reject: (err: Error) => void;
}

interface Pending {
  readonly started: number;
  readonly waiters: Set<Waiter>;
}

/** Binds one family's socket to the mDNS port and joins its group; rejects with the system error. */
async function openSocket(family: AddressFamily, port: number, iface: string | undefined): Promise<Socket> {
  const socket = createSocket({
    type: family === 'IPv4' ? 'udp4' : 'udp6',
    reuseAddr: true,
    ipv6Only: family === 'IPv6',
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ port, address: family === 'IPv4' ? '0.0.0.0' : '::' }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.addMembership(family === 'IPv4' ? MDNS_IPV4_GROUP : MDNS_IPV6_GROUP, iface);
    if (iface !== undefined) socket.setMulticastInterface(iface);
    // RFC 6762 §11: mDNS is sent with IP TTL 255 (receivers may check it to reject off-link senders).
    socket.setMulticastTTL(255);
    socket.setTTL(255);
    socket.setMulticastLoopback(true);
    return socket;
  } catch (err) {
    try {
      socket.close();
    } catch {
      // never bound
    }
    throw err;
  }
}

export class MdnsService {
  readonly resolver: MdnsResolver;
  readonly responder: MdnsResponder;
  readonly stats: MdnsServiceStats = { malformed: 0, sendErrors: 0, lastSendError: undefined };
  private readonly driver: TimerDriver;
  private readonly pending = new Map<string, Pending>();
  private lastSendOk: number | undefined;
  private closed = false;

  private constructor(
    private readonly sockets: ReadonlyMap<AddressFamily, Socket>,
    /** Why each family that is not open failed. */
    readonly unavailable: ReadonlyMap<AddressFamily, Error>,
    options: MdnsServiceOptions,
  ) {
    const families = [...sockets.keys()];
    const port = options.port ?? MDNS_PORT;
    this.resolver = new MdnsResolver({ ...options.resolver, families, port });
    this.responder = new MdnsResponder({ ...options.responder, families, port });
    this.driver = new TimerDriver(
      () => {
        const a = this.resolver.pollTimeout();
        const b = this.responder.pollTimeout();
        return a === undefined ? b : b === undefined ? a : Math.min(a, b);
      },
      (t) => {
        this.resolver.handleTimeout(t);
        this.responder.handleTimeout(t);
        this.flush();
      },
    );
    for (const socket of sockets.values()) {
      socket.on('message', (data, rinfo) => this.onMessage(data, rinfo));
      // Errors of a bound UDP socket are per-send; they arrive in the send callbacks too.
      socket.on('error', (err) => this.onSendError(err));
    }
    this.updateRef();
  }

  /**
   * Opens the sockets. Rejects with MdnsError NO_MULTICAST (the per-family errors in its
   * message, the first as `cause`) when no family could bind and join its group.
   */
  static async open(options: MdnsServiceOptions = {}): Promise<MdnsService> {
    const families = options.families ?? ['IPv4', 'IPv6'];
    const port = options.port ?? MDNS_PORT;
    const sockets = new Map<AddressFamily, Socket>();
    const unavailable = new Map<AddressFamily, Error>();
    for (const family of families) {
      try {
        const iface = family === 'IPv4' ? options.interfaceIPv4 : options.interfaceIPv6;
        sockets.set(family, await openSocket(family, port, iface));
      } catch (err) {
        unavailable.set(family, err as Error);
      }
    }
    if (sockets.size === 0) {
      const why = [...unavailable].map(([f, e]) => `${f}: ${e.message}`).join('; ');
      throw new MdnsError('NO_MULTICAST', `cannot join the mDNS group on port ${port} (${why})`, {
        cause: unavailable.values().next().value,
      });
    }
    return new MdnsService(sockets, unavailable, options);
  }

  /** The families whose sockets are open. */
  get families(): AddressFamily[] {
    return [...this.sockets.keys()];
  }

  /**
   * Resolves a `.local` name to one address (the first IPv6 one if any, else IPv4), from our
   * own registrations, the cache, or the link. Rejects with MdnsError: TIMEOUT, SEND_FAILED,
   * INVALID_NAME, OVERLOADED or CLOSED, or with the signal's reason.
   */
  resolve(name: string, options: { signal?: AbortSignal } = {}): Promise<string> {
    if (this.closed) return Promise.reject(new MdnsError('CLOSED', 'the mDNS service is closed'));
    // Our own names need no network: two agents of this process may share one service.
    const own = this.responder.addressOf(name);
    if (own !== undefined) return Promise.resolve(own);
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const key = nameKey(name);
    return new Promise<string>((resolve, reject) => {
      let pending = this.pending.get(key);
      if (pending === undefined) {
        pending = { started: now(), waiters: new Set() };
        this.pending.set(key, pending);
      }
      const onAbort = () => {
        const p = this.pending.get(key);
        p?.waiters.delete(waiter);
        if (p !== undefined && p.waiters.size === 0) {
          this.pending.delete(key);
          this.resolver.cancel(name);
          this.updateRef();
          this.driver.schedule();
        }
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        resolve: (address) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(address);
        },
        reject: (err) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      pending.waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.updateRef();
      this.resolver.resolve(name, now());
      this.flush();
    });
  }

  /** Registers `address` under a fresh `<uuid>.local` name (or its existing one) and announces it. */
  register(address: string): string {
    if (this.closed) throw new MdnsError('CLOSED', 'the mDNS service is closed');
    const name = this.responder.register(address, now());
    this.flush();
    return name;
  }

  /** Withdraws a name (or the name of an address) with a goodbye packet. */
  unregister(nameOrAddress: string): boolean {
    if (this.closed) return false;
    const existed = this.responder.unregister(nameOrAddress);
    this.flush();
    return existed;
  }

  /**
   * Says goodbye for every registered name (RFC 6762 §10.1), rejects pending resolutions with
   * CLOSED, and closes the sockets once the goodbyes have been handed to the kernel.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const name of this.responder.names()) this.responder.unregister(name);
    const sends = this.flush();
    this.closed = true;
    this.driver.stop();
    for (const p of this.pending.values()) {
      for (const w of p.waiters) w.reject(new MdnsError('CLOSED', 'the mDNS service was closed'));
    }
    this.pending.clear();
    await Promise.all(sends);
    await Promise.all(
      [...this.sockets.values()].map(
        (s) =>
          new Promise<void>((resolve) => {
            try {
              s.close(() => resolve());
            } catch {
              resolve(); // already closed
            }
          }),
      ),
    );
  }

  private onMessage(data: Buffer, rinfo: { address: string; port: number; family: string }): void {
    if (this.closed) return;
    const message = decodeOrCount(data, this.stats);
    if (message === undefined) return;
    const from = fromRinfo(rinfo);
    const t = now();
    this.resolver.handleMessage(message, from, t);
    this.responder.handleMessage(message, from, t);
    this.flush();
  }

  /** Sends what the engines queued and settles finished resolutions. Returns the sends in flight. */
  private flush(): Promise<void>[] {
    const sends: Promise<void>[] = [];
    if (this.closed) return sends;
    for (let t = this.resolver.pollTransmit(); t !== undefined; t = this.resolver.pollTransmit()) {
      sends.push(this.send(t));
    }
    for (let t = this.responder.pollTransmit(); t !== undefined; t = this.responder.pollTransmit()) {
      sends.push(this.send(t));
    }
    for (let e = this.resolver.pollEvent(); e !== undefined; e = this.resolver.pollEvent()) {
      const key = nameKey(e.name);
      const p = this.pending.get(key);
      if (p === undefined) continue;
      this.pending.delete(key);
      if (e.type === 'resolved') {
        for (const w of p.waiters) w.resolve(e.address);
        continue;
      }
      let err: MdnsError;
      const nothingSent = this.lastSendOk === undefined || this.lastSendOk < p.started;
      if (e.reason === 'TIMEOUT' && nothingSent && this.stats.lastSendError !== undefined) {
        // Nothing left the host since this resolution began, and the kernel said why.
        err = new MdnsError('SEND_FAILED', `no mDNS query for ${e.name} could be sent`, {
          cause: this.stats.lastSendError,
        });
      } else {
        err = new MdnsError(e.reason, `cannot resolve ${e.name}`);
      }
      for (const w of p.waiters) w.reject(err);
    }
    this.updateRef();
    this.driver.schedule();
    return sends;
  }

  private send(t: MdnsTransmit): Promise<void> {
    const socket = this.sockets.get(t.destination.family);
    if (socket === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      try {
        socket.send(t.data, t.destination.port, t.destination.address, (err) => {
          if (err) this.onSendError(err);
          else this.lastSendOk = now();
          resolve();
        });
      } catch (err) {
        this.onSendError(err as Error);
        resolve();
      }
    });
  }

  private onSendError(err: Error): void {
    this.stats.sendErrors++;
    this.stats.lastSendError = err;
  }

  /**
   * The sockets keep the process alive only while a resolution is pending: a registered name
   * is answered as long as the process runs for other reasons, but does not hold it open.
   */
  private updateRef(): void {
    for (const s of this.sockets.values()) {
      if (this.pending.size > 0) s.ref();
      else s.unref();
    }
  }
}
