/** Options of {@link SctpAssociation}, their defaults and checks. */
import { randomFillSync } from 'node:crypto';
import { SctpError } from '../errors.js';

export interface SctpAssociationOptions {
  /** DTLS role: the client uses even stream ids, the server odd ones (RFC 8832 §6). Default 'client'. */
  readonly role?: 'client' | 'server';
  /** SCTP ports (SDP a=sctp-port, RFC 8841 §5). Default 5000 both. */
  readonly localPort?: number;
  readonly remotePort?: number;
  /** Largest SCTP packet (before DTLS). Default 1200 (RFC 8831 §5 leaves room for DTLS and IPv6). */
  readonly mtu?: number;
  /** Largest message we accept; what SDP a=max-message-size advertises (RFC 8841 §6). Default 256 KiB. */
  readonly maxMessageSize?: number;
  /** Largest message the peer accepts (its a=max-message-size). Default 64 KiB (RFC 8841 §6.1). */
  readonly remoteMaxMessageSize?: number;
  /** Receive buffer: the initial a_rwnd and the cap on reassembly plus unpolled messages. Default 4 MiB. */
  readonly maxReceiveBuffer?: number;
  /** Cap on bufferedAmount over all channels; `send` throws past it. Default 16 MiB. */
  readonly maxSendBuffer?: number;
  /** Outbound and inbound streams offered (RFC 9260 §5.1.1). Default 65535. */
  readonly streams?: number;
  /** RTO.Initial / RTO.Min / RTO.Max in ms (RFC 9260 §16 has 1000 / 1000 / 60000; RTO.Min defaults to 200 here, as WebRTC stacks do on short paths). */
  readonly rtoInitial?: number;
  readonly rtoMin?: number;
  readonly rtoMax?: number;
  /** Delayed SACK timer in ms (RFC 9260 §6.2: at most 500). Default 200. */
  readonly sackDelay?: number;
  /** HB.interval in ms; 0 disables heartbeats. Default 30000. */
  readonly heartbeatInterval?: number;
  /** Association.Max.Retrans (RFC 9260 §16). Default 10. */
  readonly maxRetransmissions?: number;
  /** Max.Init.Retransmits. Default 8. */
  readonly maxInitRetransmissions?: number;
  /** Valid.Cookie.Life in ms. Default 60000. */
  readonly cookieLifetime?: number;
  /**
   * 'loss-tolerant' (default): a loss shrinks the window only when the RTT or the loss rate
   * says the path is congested (see congestion.ts); random loss is just repaired. 'reno':
   * every loss detected shrinks it, as RFC 9260 §7.2 has it.
   */
  readonly congestionControl?: 'loss-tolerant' | 'reno';
  /**
   * Zero checksums (RFC 9653) with Error Detection Method Identifier 1, SCTP over DTLS (§6):
   * announce in INIT and INIT ACK that packets to us may carry a zero checksum, and send ours
   * without a CRC32c once the peer announced the same. Only for packets that come out of, and go
   * into, DTLS records (RFC 8261): DTLS then protects their integrity better than the CRC32c
   * would (RFC 9653 §3). A packet with a correct CRC32c is always accepted; a peer that does not
   * announce it (werift-sctp, Chromium) gets CRC32c. Default false; the WebRTC peer connection
   * turns it on.
   */
  readonly zeroChecksum?: boolean;
  /** Source of randomness for tags, initial TSNs and the cookie key (default node:crypto). */
  readonly random?: (out: Uint8Array) => void;
}

export interface ResolvedOptions {
  readonly evenIds: boolean;
  readonly localPort: number;
  readonly remotePort: number;
  readonly mtu: number;
  readonly maxMessageSize: number;
  readonly remoteMaxMessageSize: number;
  readonly maxReceiveBuffer: number;
  readonly maxSendBuffer: number;
  readonly streams: number;
  readonly rtoInitial: number;
  readonly rtoMin: number;
  readonly rtoMax: number;
  readonly sackDelay: number;
  readonly heartbeatInterval: number;
  readonly maxRetransmissions: number;
  readonly maxInitRetransmissions: number;
  readonly cookieLifetime: number;
  readonly congestionControl: 'loss-tolerant' | 'reno';
  readonly zeroChecksum: boolean;
  readonly random: (out: Uint8Array) => void;
}

function check(name: string, v: number, min: number, max: number): number {
  if (!Number.isFinite(v) || v < min || v > max) {
    throw new SctpError('INVALID_ARGUMENT', `${name} must be in [${min}, ${max}], got ${v}`);
  }
  return v;
}

export function resolveOptions(o: SctpAssociationOptions): ResolvedOptions {
  const maxMessageSize = check('maxMessageSize', o.maxMessageSize ?? 262144, 1, 2 ** 30);
  const maxReceiveBuffer = check('maxReceiveBuffer', o.maxReceiveBuffer ?? 4 * 1024 * 1024, 65536, 2 ** 31);
  if (maxReceiveBuffer < 2 * maxMessageSize) {
    throw new SctpError(
      'INVALID_ARGUMENT',
      'maxReceiveBuffer must hold at least two messages of maxMessageSize',
    );
  }
  const rtoMin = check('rtoMin', o.rtoMin ?? 200, 1, 600000);
  const rtoMax = check('rtoMax', o.rtoMax ?? 60000, rtoMin, 600000);
  return {
    evenIds: (o.role ?? 'client') === 'client',
    localPort: check('localPort', o.localPort ?? 5000, 0, 65535),
    remotePort: check('remotePort', o.remotePort ?? 5000, 0, 65535),
    mtu: check('mtu', o.mtu ?? 1200, 256, 65535),
    maxMessageSize,
    remoteMaxMessageSize: check('remoteMaxMessageSize', o.remoteMaxMessageSize ?? 65536, 1, 2 ** 53),
    maxReceiveBuffer,
    maxSendBuffer: check('maxSendBuffer', o.maxSendBuffer ?? 16 * 1024 * 1024, 1, 2 ** 53),
    streams: check('streams', o.streams ?? 65535, 1, 65535),
    rtoInitial: check('rtoInitial', o.rtoInitial ?? 1000, rtoMin, rtoMax),
    rtoMin,
    rtoMax,
    sackDelay: check('sackDelay', o.sackDelay ?? 200, 0, 500),
    heartbeatInterval: check('heartbeatInterval', o.heartbeatInterval ?? 30000, 0, 2 ** 31),
    maxRetransmissions: check('maxRetransmissions', o.maxRetransmissions ?? 10, 1, 1000),
    maxInitRetransmissions: check('maxInitRetransmissions', o.maxInitRetransmissions ?? 8, 1, 1000),
    cookieLifetime: check('cookieLifetime', o.cookieLifetime ?? 60000, 1, 2 ** 31),
    congestionControl: o.congestionControl === 'reno' ? 'reno' : 'loss-tolerant',
    zeroChecksum: o.zeroChecksum === true,
    random: o.random ?? ((out) => randomFillSync(out)),
  };
}
