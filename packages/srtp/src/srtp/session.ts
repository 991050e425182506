/**
 * An SRTP/SRTCP session (RFC 3711, RFC 7714): one profile, our master key for what we send and the
 * peer's for what we receive, per-SSRC packet indices and replay windows.
 *
 * Sans-IO and synchronous: hand it packets, get packets back. The hot path writes into the
 * caller's `out` buffer, or into a buffer the session keeps per method (then the returned view is
 * valid until the next call of the same method). Per packet it allocates only what node:crypto
 * forces (its contexts, digests and output Buffers, the views that name byte ranges for it) and the
 * returned view.
 *
 * Network input never throws: `unprotect`/`unprotectRtcp` return an {@link SrtpFailure} and count
 * it for the packet's SSRC. `protect`/`protectRtcp` throw {@link SrtpError} for caller mistakes.
 */
import { readU16, readU32 } from '../bytes.js';
import { SrtpError } from '../errors.js';
import { rtpHeaderLength } from '../rtp/header.js';
import { CmTransform, deriveCmSessionKeys } from './cm-transform.js';
import { deriveGcmSessionKeys, GcmTransform } from './gcm-transform.js';
import {
  checkMasterKey,
  type DtlsRole,
  profileParamsOrThrow,
  type SrtpKeys,
  splitKeyingMaterial,
} from './keys.js';
import type { SrtpProfileParams } from './profile.js';
import {
  DEFAULT_REPLAY_WINDOW,
  estimateIndex,
  MAX_REPLAY_WINDOW,
  MIN_REPLAY_WINDOW,
  ReplayWindow,
  SRTCP_INDEX_LIMIT,
  SRTP_INDEX_LIMIT,
} from './replay.js';
import { failure, type SrtpFailure } from './result.js';
import { type SrtpStreamStats, StreamTable } from './streams.js';
import type { SrtpTransform } from './transform.js';

export interface SrtpSessionOptions {
  /** A DTLS-SRTP profile id ({@link SrtpProfile}). */
  readonly profile: number;
  /** Raw master keys and salts, or {@link SrtpSession.fromKeyingMaterial}. */
  readonly keys: SrtpKeys;
  /** Replay window in packets, per SSRC, for SRTP and SRTCP: 64..32768 (default 1024, as libwebrtc). */
  readonly replayWindow?: number;
  /** Encrypt RTP payloads (default true). false: authentication only; both ends must agree. */
  readonly encryptRtp?: boolean;
  /** Encrypt what we send as SRTCP (default true); received SRTCP says itself, with its E bit. */
  readonly encryptRtcp?: boolean;
  /** SSRCs with state per direction (default 1024); past that the oldest is forgotten. */
  readonly maxStreams?: number;
}

export interface SrtpSessionStats {
  /** What we unprotected, by the SSRC the packets named. */
  readonly inbound: ReadonlyMap<number, SrtpStreamStats>;
  /** What we protected. */
  readonly outbound: ReadonlyMap<number, SrtpStreamStats>;
  /** Dropped packets too short or garbled to name an SSRC. */
  readonly unattributed: { readonly malformed: number; readonly rtcpMalformed: number };
}

/** Which of the session's own output buffers a method writes into. */
const Slot = { Protect: 0, Unprotect: 1, ProtectRtcp: 2, UnprotectRtcp: 3 } as const;
type Slot = (typeof Slot)[keyof typeof Slot];

const DEFAULT_MAX_STREAMS = 1024;

/**
 * Largest packet a session takes: a UDP datagram's payload cannot exceed 65507 bytes, and this cap
 * keeps every scratch buffer (and the AES-CM keystream, 2^16 blocks per IV) bounded.
 */
export const MAX_PACKET_LENGTH = 0x10000;

/**
 * A transform that threw on network input. The session checks every length before node:crypto
 * sees it, so nothing should throw; should node:crypto throw anyway, the packet is dropped as
 * malformed rather than the exception escaping the session.
 */
const THREW = -2;

function makeTransform(
  params: SrtpProfileParams,
  keys: SrtpKeys['local'],
  encryptRtp: boolean,
): SrtpTransform {
  return params.aead
    ? new GcmTransform(deriveGcmSessionKeys(params, keys), encryptRtp)
    : new CmTransform(deriveCmSessionKeys(params, keys), params.rtpTagLength, encryptRtp);
}

export class SrtpSession {
  readonly profile: SrtpProfileParams;
  private readonly local: SrtpTransform;
  private readonly remote: SrtpTransform;
  private readonly outbound: StreamTable;
  private readonly inbound: StreamTable;
  private readonly replayWindow: number;
  private readonly encryptRtcp: boolean;
  private readonly buffers: Uint8Array[] = [
    new Uint8Array(0),
    new Uint8Array(0),
    new Uint8Array(0),
    new Uint8Array(0),
  ];
  private unattributedMalformed = 0;
  private unattributedRtcpMalformed = 0;

  /**
   * Our keys from DTLS-SRTP keying material (RFC 5764 §4.2: client key, server key, client salt,
   * server salt); `role` is our DTLS role, which decides which half protects what we send.
   */
  static fromKeyingMaterial(material: Uint8Array, profile: number, role: DtlsRole): SrtpKeys {
    return splitKeyingMaterial(material, profile, role);
  }

  constructor(options: SrtpSessionOptions) {
    const params = profileParamsOrThrow(options.profile);
    checkMasterKey(params, 'local', options.keys.local);
    checkMasterKey(params, 'remote', options.keys.remote);
    const window = options.replayWindow ?? DEFAULT_REPLAY_WINDOW;
    if (!Number.isInteger(window) || window < MIN_REPLAY_WINDOW || window > MAX_REPLAY_WINDOW)
      throw new SrtpError(
        'BAD_OPTION',
        `replayWindow ${window} is not ${MIN_REPLAY_WINDOW}..${MAX_REPLAY_WINDOW}`,
      );
    const maxStreams = options.maxStreams ?? DEFAULT_MAX_STREAMS;
    if (!Number.isInteger(maxStreams) || maxStreams < 1)
      throw new SrtpError('BAD_OPTION', `maxStreams ${maxStreams} is not a positive integer`);
    const encryptRtp = options.encryptRtp ?? true;
    this.profile = params;
    this.local = makeTransform(params, options.keys.local, encryptRtp);
    this.remote = makeTransform(params, options.keys.remote, encryptRtp);
    this.outbound = new StreamTable(maxStreams);
    this.inbound = new StreamTable(maxStreams);
    this.replayWindow = window;
    this.encryptRtcp = options.encryptRtcp ?? true;
  }

  /** The session's own output buffer for `slot`, grown to `length` when needed. */
  private buffer(slot: Slot, length: number): Uint8Array {
    let b = this.buffers[slot] as Uint8Array;
    if (b.length < length) {
      b = new Uint8Array(Math.max(2048, length + 64));
      this.buffers[slot] = b;
    }
    return b;
  }

  /**
   * Protects an RTP packet (RFC 3711 §3.3) into `out` (or the session's buffer); returns the SRTP
   * packet, a view. `out` may be `rtp` itself when its buffer has room for the tag after it.
   * Throws SrtpError: MALFORMED (not RTP), BUFFER_TOO_SMALL, INDEX_EXHAUSTED (re-key).
   */
  protect(rtp: Uint8Array, out?: Uint8Array): Uint8Array {
    const headerLength = rtpHeaderLength(rtp);
    if (headerLength < 0 || rtp.length > MAX_PACKET_LENGTH)
      throw new SrtpError(
        'MALFORMED',
        `not an RTP packet of at most ${MAX_PACKET_LENGTH} bytes (${rtp.length} bytes)`,
      );
    const needed = rtp.length + this.local.rtpTagLength;
    const target = out ?? this.buffer(Slot.Protect, needed);
    if (target.length < needed)
      throw new SrtpError('BUFFER_TOO_SMALL', `SRTP packet needs ${needed} bytes, out has ${target.length}`);
    const ssrc = readU32(rtp, 8);
    const stream = this.outbound.establish(ssrc);
    const index = estimateIndex(stream.rtpTop, readU16(rtp, 2));
    if (index < 0)
      throw new SrtpError(
        'MALFORMED',
        `sequence number ${readU16(rtp, 2)} lies before the first packet of SSRC ${ssrc}`,
      );
    if (index >= SRTP_INDEX_LIMIT)
      throw new SrtpError('INDEX_EXHAUSTED', `2^48 packets on SSRC ${ssrc}: re-key`);
    const length = this.local.protectRtp(rtp, headerLength, target, ssrc, index);
    if (index > stream.rtpTop) stream.rtpTop = index;
    const c = stream.counters;
    c.packets++;
    c.bytes += rtp.length;
    return target.subarray(0, length);
  }

  /**
   * Verifies and decrypts an SRTP packet into `out` (or the session's buffer; `out` may be `srtp`
   * itself); returns the RTP packet, a view, or an {@link SrtpFailure}. Never throws.
   */
  unprotect(srtp: Uint8Array, out?: Uint8Array): Uint8Array | SrtpFailure {
    const length = srtp.length;
    if (length < 12 || length > MAX_PACKET_LENGTH || (srtp[0] as number) >> 6 !== 2) {
      this.unattributedMalformed++;
      return failure(
        'MALFORMED',
        undefined,
        (srtp[0] as number) >> 6 !== 2 ? 'not RTP version 2' : `${length} bytes`,
      );
    }
    const ssrc = readU32(srtp, 8);
    const headerLength = rtpHeaderLength(srtp, length - this.remote.rtpTagLength);
    if (headerLength < 0) {
      this.inbound.counters(ssrc).malformed++;
      return failure('MALFORMED', ssrc, 'RTP header runs into the authentication tag');
    }
    const needed = length - this.remote.rtpTagLength;
    const target = out ?? this.buffer(Slot.Unprotect, needed);
    if (target.length < needed)
      return failure('BUFFER_TOO_SMALL', ssrc, `RTP packet of ${needed} bytes, out has ${target.length}`);
    const stream = this.inbound.get(ssrc);
    const index = estimateIndex(stream === undefined ? -1 : stream.rtpTop, readU16(srtp, 2));
    if (index < 0 || index >= SRTP_INDEX_LIMIT) {
      this.inbound.counters(ssrc).replays++;
      return failure(
        'REPLAYED',
        ssrc,
        index < 0 ? 'index before the first packet of the stream' : 'ROC would wrap',
      );
    }
    const check = stream?.rtpWindow?.check(index);
    if (check !== undefined && check !== 'fresh') {
      (stream as NonNullable<typeof stream>).counters.replays++;
      return failure(
        'REPLAYED',
        ssrc,
        check === 'duplicate' ? 'duplicate index' : 'index older than the replay window',
      );
    }
    let end: number;
    try {
      end = this.remote.unprotectRtp(srtp, headerLength, target, ssrc, index);
    } catch {
      end = THREW; // see THREW
    }
    if (end === THREW) {
      this.inbound.counters(ssrc).malformed++;
      return failure('MALFORMED', ssrc, 'the cipher refused the packet');
    }
    if (end < 0) {
      this.inbound.counters(ssrc).authFailures++;
      return failure('AUTH_FAILED', ssrc, 'SRTP authentication tag does not match');
    }
    const s = stream ?? this.inbound.establish(ssrc);
    if (s.rtpWindow === undefined) s.rtpWindow = new ReplayWindow(this.replayWindow);
    s.rtpWindow.accept(index);
    if (index > s.rtpTop) s.rtpTop = index;
    const c = s.counters;
    c.packets++;
    c.bytes += end;
    return target.subarray(0, end);
  }

  /**
   * Protects a (compound) RTCP packet (RFC 3711 §3.4) into `out` (or the session's buffer); returns
   * the SRTCP packet, a view. The SRTCP index counts per sender SSRC from 0.
   * Throws SrtpError: MALFORMED, BUFFER_TOO_SMALL, INDEX_EXHAUSTED (2^31 packets: re-key).
   */
  protectRtcp(rtcp: Uint8Array, out?: Uint8Array): Uint8Array {
    if (rtcp.length < 8 || rtcp.length > MAX_PACKET_LENGTH || (rtcp[0] as number) >> 6 !== 2)
      throw new SrtpError(
        'MALFORMED',
        `not an RTCP packet of at most ${MAX_PACKET_LENGTH} bytes (${rtcp.length} bytes)`,
      );
    const needed = rtcp.length + this.local.rtcpTrailerLength;
    const target = out ?? this.buffer(Slot.ProtectRtcp, needed);
    if (target.length < needed)
      throw new SrtpError('BUFFER_TOO_SMALL', `SRTCP packet needs ${needed} bytes, out has ${target.length}`);
    const ssrc = readU32(rtcp, 4);
    const stream = this.outbound.establish(ssrc);
    const index = stream.rtcpNext;
    if (index >= SRTCP_INDEX_LIMIT)
      throw new SrtpError('INDEX_EXHAUSTED', `2^31 SRTCP packets on SSRC ${ssrc}: re-key`);
    const length = this.local.protectRtcp(rtcp, target, ssrc, index, this.encryptRtcp);
    stream.rtcpNext = index + 1;
    const c = stream.counters;
    c.rtcpPackets++;
    c.rtcpBytes += rtcp.length;
    return target.subarray(0, length);
  }

  /**
   * Verifies and (when its E bit says so) decrypts an SRTCP packet into `out` (or the session's
   * buffer); returns the RTCP packet, a view, or an {@link SrtpFailure}. Never throws.
   */
  unprotectRtcp(srtcp: Uint8Array, out?: Uint8Array): Uint8Array | SrtpFailure {
    const length = srtcp.length;
    if (length < 8 || length > MAX_PACKET_LENGTH || (srtcp[0] as number) >> 6 !== 2) {
      this.unattributedRtcpMalformed++;
      return failure(
        'MALFORMED',
        undefined,
        (srtcp[0] as number) >> 6 !== 2 ? 'not RTCP version 2' : `${length} bytes`,
      );
    }
    const ssrc = readU32(srtcp, 4);
    if (length < 8 + this.remote.rtcpTrailerLength) {
      this.inbound.counters(ssrc).rtcpMalformed++;
      return failure('MALFORMED', ssrc, `${length} bytes cannot hold the SRTCP index and tag`);
    }
    const needed = length - this.remote.rtcpTrailerLength;
    const target = out ?? this.buffer(Slot.UnprotectRtcp, needed);
    if (target.length < needed)
      return failure('BUFFER_TOO_SMALL', ssrc, `RTCP packet of ${needed} bytes, out has ${target.length}`);
    const word = readU32(srtcp, length - this.remote.rtcpIndexFromEnd);
    const encrypted = word >= 0x80000000;
    const index = word & 0x7fffffff;
    const stream = this.inbound.get(ssrc);
    const check = stream?.rtcpWindow?.check(index);
    if (check !== undefined && check !== 'fresh') {
      (stream as NonNullable<typeof stream>).counters.rtcpReplays++;
      return failure(
        'REPLAYED',
        ssrc,
        check === 'duplicate' ? 'duplicate SRTCP index' : 'SRTCP index older than the replay window',
      );
    }
    let end: number;
    try {
      end = this.remote.unprotectRtcp(srtcp, target, ssrc, index, encrypted);
    } catch {
      end = THREW;
    }
    if (end === THREW) {
      this.inbound.counters(ssrc).rtcpMalformed++;
      return failure('MALFORMED', ssrc, 'the cipher refused the packet');
    }
    if (end < 0) {
      this.inbound.counters(ssrc).rtcpAuthFailures++;
      return failure('AUTH_FAILED', ssrc, 'SRTCP authentication tag does not match');
    }
    const s = stream ?? this.inbound.establish(ssrc);
    if (s.rtcpWindow === undefined) s.rtcpWindow = new ReplayWindow(this.replayWindow);
    s.rtcpWindow.accept(index);
    const c = s.counters;
    c.rtcpPackets++;
    c.rtcpBytes += end;
    return target.subarray(0, end);
  }

  /** Counters of one SSRC in one direction, or undefined when the session has none for it. */
  streamStats(direction: 'inbound' | 'outbound', ssrc: number): SrtpStreamStats | undefined {
    return (direction === 'inbound' ? this.inbound : this.outbound).stats(ssrc);
  }

  /** A snapshot of every SSRC's counters. */
  get stats(): SrtpSessionStats {
    return {
      inbound: this.inbound.all(),
      outbound: this.outbound.all(),
      unattributed: { malformed: this.unattributedMalformed, rtcpMalformed: this.unattributedRtcpMalformed },
    };
  }
}
