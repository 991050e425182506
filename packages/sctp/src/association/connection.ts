/**
 * The handshake (RFC 9260 §5.1, §5.2): INIT out (`connect`), INIT in (answered with a signed
 * cookie and no state kept), INIT ACK in (COOKIE ECHO out), COOKIE ECHO in (judged by §5.2.4's
 * table: new, restart, collision, duplicate), and the T1-init / T1-cookie timer.
 */
import { ChunkType } from '../chunks/chunk.js';
import { encodeCookieAck } from '../chunks/cookie-ack.js';
import { decodeCookieEcho, encodeCookieEcho } from '../chunks/cookie-echo.js';
import { encodeError } from '../chunks/error.js';
import { staleCookie, unrecognizedParameters } from '../chunks/error-causes.js';
import { decodeInit, encodeInit, readInitParams } from '../chunks/init.js';
import { decodeInitAck, encodeInitAck } from '../chunks/init-ack.js';
import { encodeShutdownAck } from '../chunks/shutdown-ack.js';
import { SctpError } from '../errors.js';
import { encodeParam, ParamType } from '../params/param.js';
import { encodeStateCookie } from '../params/state-cookie.js';
import { type CookieContent, makeCookie, openCookie } from './cookie.js';
import { AssociationCore, MAX_STATELESS_REPLIES } from './core.js';
import { cookieAction, initParams, peerAcceptsZeroChecksum } from './handshake.js';
import { AssociationState } from './state.js';

export abstract class AssociationConnection extends AssociationCore {
  /** Starts the handshake as initiator (§5.1 A). Both WebRTC peers usually do (§5.2.1 collision). */
  connect(now: number): void {
    this.now = now;
    if (this.finished || this.stateValue !== AssociationState.Closed) {
      throw new SctpError('INVALID_STATE', `cannot connect in state ${this.stateValue}`);
    }
    this.localTag = this.nonZeroRandom32();
    this.localInitialTsn = this.random32();
    this.setPeerZeroChecksum(false);
    const init = encodeInit(
      {
        initiateTag: this.localTag,
        arwnd: this.receiver.arwnd,
        outboundStreams: this.o.streams,
        inboundStreams: this.o.streams,
        initialTsn: this.localInitialTsn,
      },
      initParams(this.o.zeroChecksum),
    );
    const packet = this.standalone(0, init);
    this.transmits.push(packet);
    this.t1Packet = packet;
    this.t1Chunk = undefined;
    this.t1Count = 0;
    this.t1Rto = this.o.rtoInitial;
    this.t1Deadline = now + this.t1Rto;
    this.stateValue = AssociationState.CookieWait;
  }

  /** §5.1 B, §5.2.1, §5.2.2: answer an INIT with an INIT ACK and a cookie, keeping no state. */
  protected onInit(b: Uint8Array, off: number, len: number): void {
    const init = decodeInit(b, off, len);
    const p = readInitParams(init.params);
    const s = this.stateValue;
    if (s === AssociationState.ShutdownAckSent) return;
    if (this.transmits.length >= MAX_STATELESS_REPLIES) {
      this.packetsDropped++;
      return;
    }
    let localTag: number;
    let localTsn: number;
    if (s === AssociationState.CookieWait || s === AssociationState.CookieEchoed) {
      // §5.2.1: the same parameters as our own INIT.
      localTag = this.localTag;
      localTsn = this.localInitialTsn;
    } else {
      localTag = this.nonZeroRandom32();
      localTsn = this.random32();
    }
    const tie = s === AssociationState.Closed;
    const zeroChecksum = peerAcceptsZeroChecksum(this.o.zeroChecksum, p.zeroChecksumEdmid);
    const cookie = makeCookie(this.cookieKey, {
      created: this.now,
      lifetime: this.o.cookieLifetime,
      peerTag: init.initiateTag,
      peerInitialTsn: init.initialTsn,
      peerArwnd: init.arwnd,
      peerOutboundStreams: init.outboundStreams,
      peerInboundStreams: init.inboundStreams,
      localTag,
      localInitialTsn: localTsn,
      localTieTag: tie ? 0 : this.localTag,
      peerTieTag: tie ? 0 : this.peerTag,
      peerForwardTsn: p.forwardTsnSupported,
      peerReconfig: p.supportedExtensions.includes(ChunkType.ReConfig),
      peerZeroChecksum: zeroChecksum,
    });
    const params = [encodeStateCookie(cookie), ...initParams(this.o.zeroChecksum)];
    // §3.2.1: unknown parameters that ask for it are reported in the INIT ACK.
    for (const u of p.unrecognized) params.push(encodeParam(ParamType.UnrecognizedParameter, u.raw));
    const ack = encodeInitAck(
      {
        initiateTag: localTag,
        arwnd: this.receiver.arwnd,
        outboundStreams: this.o.streams,
        inboundStreams: this.o.streams,
        initialTsn: localTsn,
      },
      params,
    );
    // RFC 9653 §5.2: the INIT announced zero checksums, so its answer may carry one already.
    this.transmits.push(this.standalone(init.initiateTag, ack, zeroChecksum));
  }

  /** §5.1 C: our INIT was answered. */
  protected onInitAck(b: Uint8Array, off: number, len: number): void {
    if (this.stateValue !== AssociationState.CookieWait) return;
    const ack = decodeInitAck(b, off, len);
    const p = readInitParams(ack.params);
    if (p.stateCookie === undefined) return;
    this.peerTag = ack.initiateTag;
    this.setupTcb(
      ack.initialTsn,
      ack.arwnd,
      ack.outboundStreams,
      ack.inboundStreams,
      p.forwardTsnSupported,
      p.supportedExtensions.includes(ChunkType.ReConfig),
    );
    // RFC 9653 §5.2: from here on our packets may go without a CRC32c (the COOKIE ECHO excepted).
    this.setPeerZeroChecksum(peerAcceptsZeroChecksum(this.o.zeroChecksum, p.zeroChecksumEdmid));
    const echo = encodeCookieEcho(p.stateCookie.slice());
    this.control.unshift(echo);
    if (p.unrecognized.length > 0) {
      // §3.2.1: reported in an ERROR bundled with the COOKIE ECHO.
      this.control.splice(1, 0, encodeError(p.unrecognized.map((u) => unrecognizedParameters(u.raw))));
    }
    this.t1Packet = undefined;
    this.t1Chunk = echo;
    this.t1Count = 0;
    this.t1Rto = this.o.rtoInitial;
    this.t1Deadline = this.now + this.t1Rto;
    this.stateValue = AssociationState.CookieEchoed;
  }

  /** §5.1 D, §5.2.4: returns whether the rest of the packet is to be processed. */
  protected onCookieEcho(b: Uint8Array, off: number, len: number, vtag: number): boolean {
    const c = openCookie(this.cookieKey, decodeCookieEcho(b, off, len).cookie);
    if (c === undefined || vtag !== c.localTag) {
      this.packetsDropped++;
      return false;
    }
    const action = cookieAction(
      { state: this.stateValue, localTag: this.localTag, peerTag: this.peerTag },
      c,
    );
    if (action === 'discard') return false;
    const age = this.now - c.created;
    if ((age > c.lifetime || age < 0) && action !== 'duplicate') {
      // §5.1.5 step 3: stale; the peer may retry with a fresh INIT.
      if (this.transmits.length < MAX_STATELESS_REPLIES) {
        this.transmits.push(
          this.standalone(c.peerTag, encodeError([staleCookie((age - c.lifetime) * 1000)])),
        );
      }
      return false;
    }
    if (this.stateValue === AssociationState.ShutdownAckSent && action === 'restart') {
      // §5.2.4 A: no restart while we shut down; say so.
      this.queueControl(encodeShutdownAck());
      return false;
    }
    switch (action) {
      case 'new':
        this.adoptCookie(c);
        break;
      case 'restart':
        this.channels.closeAll();
        this.sender.clear();
        this.emit({ type: 'restart' });
        this.adoptCookie(c);
        this.channels.associationUp();
        break;
      case 'collision':
        if (
          this.stateValue === AssociationState.CookieWait ||
          this.stateValue === AssociationState.CookieEchoed
        ) {
          this.adoptCookie(c);
        } else {
          this.peerTag = c.peerTag;
        }
        break;
      default:
        break;
    }
    this.control.unshift(encodeCookieAck());
    if (
      this.stateValue === AssociationState.CookieWait ||
      this.stateValue === AssociationState.CookieEchoed
    ) {
      this.establish();
    } else if (this.stateValue === AssociationState.Closed) {
      this.establish();
    }
    return true;
  }

  protected adoptCookie(c: CookieContent): void {
    this.localTag = c.localTag;
    this.peerTag = c.peerTag;
    this.localInitialTsn = c.localInitialTsn;
    this.setupTcb(
      c.peerInitialTsn,
      c.peerArwnd,
      c.peerOutboundStreams,
      c.peerInboundStreams,
      c.peerForwardTsn,
      c.peerReconfig,
    );
    this.setPeerZeroChecksum(c.peerZeroChecksum);
    if (this.stateValue === AssociationState.Closed) this.stateValue = AssociationState.CookieEchoed;
  }

  protected onT1(now: number): void {
    this.t1Count++;
    if (this.t1Count > this.o.maxInitRetransmissions) {
      this.fail('no answer to INIT / COOKIE ECHO');
      return;
    }
    this.t1Rto = Math.min(this.o.rtoMax, this.t1Rto * 2);
    this.t1Deadline = now + this.t1Rto;
    if (this.t1Packet !== undefined) this.transmits.push(this.t1Packet);
    else if (this.t1Chunk !== undefined) this.control.unshift(this.t1Chunk);
  }
}
