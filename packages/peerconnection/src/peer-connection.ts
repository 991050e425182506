/**
 * RTCPeerConnection (webrtc-pc §4) over purertc's layers: JSEP from @purertc/sdp (pure
 * functions), one BUNDLE transport (ICE agent + DTLS + SCTP) from ./transports, data channels
 * from ./data-channel.ts. This file is the W3C state machine: the operations chain, the four
 * descriptions, the signaling / gathering / connection states and their events in spec order,
 * negotiation-needed, and closing.
 *
 * Media (RTP transceivers) is not here yet: offered audio/video sections are rejected (port 0)
 * in our answers, as an endpoint without matching transceivers does (RFC 8829 §5.3.1).
 */
import type { DtlsCertificate } from '@purertc/dtls';
import {
  type CandidatePairInfo,
  type IceCandidate,
  type IceConnectionState,
  type IceCredentials,
  type IceGatheringState,
  serializeCandidate,
} from '@purertc/ice';
import { AssociationState, type ChannelInfo, type SctpEvent } from '@purertc/sctp';
import {
  applyDescription,
  type Candidate,
  createAnswer,
  createIceCredentials,
  createOffer,
  DEFAULT_MAX_MESSAGE_SIZE,
  dtlsRole,
  formatIceCandidate,
  initialNegotiation,
  isDataChannelSection,
  isRejected,
  localDescriptionOf,
  type MediaDescription,
  type Negotiation,
  negotiateSctp,
  parseDescription,
  parseIceCandidate,
  remoteDescriptionOf,
  type SessionDescription,
  transportParameters,
  validateDescription,
} from '@purertc/sdp';
import { type AlgorithmIdentifier, RTCCertificate } from './certificate.js';
import {
  type ResolvedConfiguration,
  type RTCConfiguration,
  resolveConfiguration,
  toIceServerConfigs,
  updateConfiguration,
} from './configuration.js';
import type { SecureTransportEvent } from './core/secure-transport.js';
import {
  type ChannelHost,
  PRIORITY_VALUES,
  priorityName,
  RTCDataChannel,
  type RTCDataChannelInit,
} from './data-channel.js';
import { type Description, describe, withCandidates } from './description.js';
import { type EventHandler, RtcEventTarget } from './dom/event-target.js';
import {
  RTCDataChannelEvent,
  RTCPeerConnectionIceErrorEvent,
  RTCPeerConnectionIceEvent,
} from './dom/events.js';
import { invalidState, operationError, RTCError, toDomError } from './errors.js';
import { RTCIceCandidate, type RTCIceCandidateInit } from './ice-candidate.js';
import { OperationsChain } from './operations-chain.js';
import { isSdpType, RTCSessionDescription, type RTCSessionDescriptionInit } from './session-description.js';
import { collectStats, type RTCStatsReport } from './stats.js';
import { TransportController } from './transports/controller.js';
import { RTCDtlsTransport } from './transports/dtls-transport.js';
import { RTCIceTransport } from './transports/ice-transport.js';
import { RTCSctpTransport } from './transports/sctp-transport.js';

export type RTCSignalingState =
  | 'stable'
  | 'have-local-offer'
  | 'have-remote-offer'
  | 'have-local-pranswer'
  | 'have-remote-pranswer'
  | 'closed';
export type RTCIceGatheringState = IceGatheringState;
export type RTCIceConnectionState = IceConnectionState;
export type RTCPeerConnectionState =
  | 'new'
  | 'connecting'
  | 'connected'
  | 'disconnected'
  | 'failed'
  | 'closed';

export interface RTCOfferOptions {
  readonly iceRestart?: boolean;
  /** Legacy; ignored (no media yet). */
  readonly offerToReceiveAudio?: boolean;
  readonly offerToReceiveVideo?: boolean;
}
export type RTCAnswerOptions = Record<string, never>;

type SuccessCallback<T> = (value: T) => void;
type FailureCallback = (error: DOMException | Error) => void;

/** What we advertise in a=max-message-size and accept (RFC 8841 §6; the issue asks for >= 256 KiB). */
const OUR_MAX_MESSAGE_SIZE = DEFAULT_MAX_MESSAGE_SIZE;

export class RTCPeerConnection extends RtcEventTarget {
  #config: ResolvedConfiguration;
  readonly #certificate: Promise<RTCCertificate>;
  #dtlsCertificate: DtlsCertificate | undefined;
  readonly #chain = new OperationsChain(() => this.#onChainEmpty());
  #negotiation: Negotiation<Description> = initialNegotiation();
  #closed = false;
  #signalingState: RTCSignalingState = 'stable';
  #iceGatheringState: RTCIceGatheringState = 'new';
  #iceConnectionState: RTCIceConnectionState = 'new';
  #connectionState: RTCPeerConnectionState = 'new';
  #lastOffer = '';
  #lastAnswer = '';
  #credentials: IceCredentials = createIceCredentials();
  /** New credentials made by createOffer({iceRestart}) or restartIce(), applied by setLocalDescription. */
  #pendingCredentials: IceCredentials | undefined;
  #restartRequested = false;
  #localCandidates: Candidate[] = [];
  #gatheringComplete = false;
  #remoteCandidates: Candidate[] = [];
  #remoteComplete = false;
  #remoteCredentials: IceCredentials | undefined;
  #controller: TransportController | undefined;
  #iceTransport: RTCIceTransport | undefined;
  #dtlsTransport: RTCDtlsTransport | undefined;
  #sctpTransport: RTCSctpTransport | null = null;
  #sctpStarted = false;
  #dtlsRole: 'client' | 'server' | undefined;
  /** Channels the association knows, by stream id. */
  readonly #channels = new Map<number, RTCDataChannel>();
  /** Channels created before the association exists. */
  #pendingChannels: RTCDataChannel[] = [];
  #dataChannelsCreated = false;
  #negotiationNeeded = false;
  #updateNegotiationNeededOnEmptyChain = false;
  readonly #host: ChannelHost;
  readonly #gatheringTasks: Array<() => void> = [];
  #gatheringDrainScheduled = false;

  static generateCertificate(keygenAlgorithm: AlgorithmIdentifier): Promise<RTCCertificate> {
    return RTCCertificate.generate(keygenAlgorithm);
  }

  constructor(configuration: RTCConfiguration = {}) {
    super();
    this.#config = resolveConfiguration(configuration);
    const given = this.#config.certificates[0];
    this.#certificate =
      given !== undefined
        ? Promise.resolve(given)
        : RTCCertificate.generate({ name: 'ECDSA', namedCurve: 'P-256' });
    this.#certificate.then(
      (c) => {
        this.#dtlsCertificate = RTCCertificate.dtlsOf(c);
      },
      () => {},
    );
    this.#host = this.#channelHost();
  }

  // --- attributes -------------------------------------------------------------------------

  get signalingState(): RTCSignalingState {
    return this.#signalingState;
  }
  get iceGatheringState(): RTCIceGatheringState {
    return this.#iceGatheringState;
  }
  get iceConnectionState(): RTCIceConnectionState {
    return this.#iceConnectionState;
  }
  get connectionState(): RTCPeerConnectionState {
    return this.#connectionState;
  }
  /** We accept trickled candidates, and so does any peer whose description says a=ice-options:trickle. */
  get canTrickleIceCandidates(): boolean | null {
    const remote = remoteDescriptionOf(this.#negotiation);
    if (remote === undefined) return null;
    const m = transportSectionOf(remote.model);
    return m === undefined ? false : transportParameters(remote.model, m).iceOptions.includes('trickle');
  }
  get sctp(): RTCSctpTransport | null {
    return this.#sctpTransport;
  }

  get localDescription(): RTCSessionDescription | null {
    return this.#local(localDescriptionOf(this.#negotiation));
  }
  get currentLocalDescription(): RTCSessionDescription | null {
    return this.#local(this.#negotiation.currentLocal);
  }
  get pendingLocalDescription(): RTCSessionDescription | null {
    return this.#local(this.#negotiation.pendingLocal);
  }
  get remoteDescription(): RTCSessionDescription | null {
    return this.#remote(remoteDescriptionOf(this.#negotiation));
  }
  get currentRemoteDescription(): RTCSessionDescription | null {
    return this.#remote(this.#negotiation.currentRemote);
  }
  get pendingRemoteDescription(): RTCSessionDescription | null {
    return this.#remote(this.#negotiation.pendingRemote);
  }

  #local(d: Description | undefined): RTCSessionDescription | null {
    if (d === undefined) return null;
    const model = withCandidates(d.model, this.#localCandidates, this.#gatheringComplete);
    return new RTCSessionDescription({ type: d.type, sdp: describe(model) });
  }

  #remote(d: Description | undefined): RTCSessionDescription | null {
    if (d === undefined) return null;
    const model = withCandidates(d.model, this.#remoteCandidates, this.#remoteComplete);
    return new RTCSessionDescription({ type: d.type, sdp: describe(model) });
  }

  // --- event handler attributes -----------------------------------------------------------

  get onnegotiationneeded(): EventHandler {
    return this.getHandler('negotiationneeded');
  }
  set onnegotiationneeded(h: EventHandler) {
    this.setHandler('negotiationneeded', h);
  }
  get onicecandidate(): EventHandler<RTCPeerConnectionIceEvent> {
    return this.getHandler<RTCPeerConnectionIceEvent>('icecandidate');
  }
  set onicecandidate(h: EventHandler<RTCPeerConnectionIceEvent>) {
    this.setHandler('icecandidate', h);
  }
  get onicecandidateerror(): EventHandler<RTCPeerConnectionIceErrorEvent> {
    return this.getHandler<RTCPeerConnectionIceErrorEvent>('icecandidateerror');
  }
  set onicecandidateerror(h: EventHandler<RTCPeerConnectionIceErrorEvent>) {
    this.setHandler('icecandidateerror', h);
  }
  get onsignalingstatechange(): EventHandler {
    return this.getHandler('signalingstatechange');
  }
  set onsignalingstatechange(h: EventHandler) {
    this.setHandler('signalingstatechange', h);
  }
  get oniceconnectionstatechange(): EventHandler {
    return this.getHandler('iceconnectionstatechange');
  }
  set oniceconnectionstatechange(h: EventHandler) {
    this.setHandler('iceconnectionstatechange', h);
  }
  get onicegatheringstatechange(): EventHandler {
    return this.getHandler('icegatheringstatechange');
  }
  set onicegatheringstatechange(h: EventHandler) {
    this.setHandler('icegatheringstatechange', h);
  }
  get onconnectionstatechange(): EventHandler {
    return this.getHandler('connectionstatechange');
  }
  set onconnectionstatechange(h: EventHandler) {
    this.setHandler('connectionstatechange', h);
  }
  get ondatachannel(): EventHandler<RTCDataChannelEvent> {
    return this.getHandler<RTCDataChannelEvent>('datachannel');
  }
  set ondatachannel(h: EventHandler<RTCDataChannelEvent>) {
    this.setHandler('datachannel', h);
  }
  get ontrack(): EventHandler {
    return this.getHandler('track');
  }
  set ontrack(h: EventHandler) {
    this.setHandler('track', h);
  }

  // --- configuration ----------------------------------------------------------------------

  getConfiguration(): RTCConfiguration {
    const c = this.#config;
    return {
      iceServers: c.iceServers.map((s) => ({ ...s })),
      iceTransportPolicy: c.iceTransportPolicy,
      bundlePolicy: c.bundlePolicy,
      rtcpMuxPolicy: c.rtcpMuxPolicy,
      certificates: [...c.certificates],
      iceCandidatePoolSize: c.iceCandidatePoolSize,
    };
  }

  setConfiguration(configuration: RTCConfiguration = {}): void {
    if (this.#closed) throw invalidState('the RTCPeerConnection is closed');
    this.#config = updateConfiguration(
      this.#config,
      configuration,
      this.#controller?.ice.agent !== undefined,
    );
  }

  getTransceivers(): never[] {
    return [];
  }
  getSenders(): never[] {
    return [];
  }
  getReceivers(): never[] {
    return [];
  }

  // --- offer / answer ---------------------------------------------------------------------

  createOffer(options?: RTCOfferOptions): Promise<RTCSessionDescriptionInit>;
  createOffer(
    success: SuccessCallback<RTCSessionDescriptionInit>,
    failure: FailureCallback,
    options?: RTCOfferOptions,
  ): Promise<undefined>;
  createOffer(
    a?: RTCOfferOptions | SuccessCallback<RTCSessionDescriptionInit>,
    b?: FailureCallback,
    c?: RTCOfferOptions,
  ): Promise<RTCSessionDescriptionInit | undefined> {
    if (typeof a === 'function') return legacy(this.createOffer(c), a, b) as Promise<undefined>;
    return this.#chained(() => this.#createOffer(a ?? {}));
  }

  createAnswer(options?: RTCAnswerOptions): Promise<RTCSessionDescriptionInit>;
  createAnswer(
    success: SuccessCallback<RTCSessionDescriptionInit>,
    failure: FailureCallback,
  ): Promise<undefined>;
  createAnswer(
    a?: RTCAnswerOptions | SuccessCallback<RTCSessionDescriptionInit>,
    b?: FailureCallback,
  ): Promise<RTCSessionDescriptionInit | undefined> {
    if (typeof a === 'function') return legacy(this.createAnswer(), a, b) as Promise<undefined>;
    return this.#chained(() => this.#createAnswer());
  }

  setLocalDescription(description?: Partial<RTCSessionDescriptionInit>): Promise<void>;
  setLocalDescription(
    description: Partial<RTCSessionDescriptionInit>,
    success: () => void,
    failure: FailureCallback,
  ): Promise<void>;
  setLocalDescription(
    description?: Partial<RTCSessionDescriptionInit>,
    success?: () => void,
    failure?: FailureCallback,
  ): Promise<void> {
    if (typeof success === 'function') return legacy(this.setLocalDescription(description), success, failure);
    return this.#chained(() => this.#setLocal(description));
  }

  setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void>;
  setRemoteDescription(
    description: RTCSessionDescriptionInit,
    success: () => void,
    failure: FailureCallback,
  ): Promise<void>;
  setRemoteDescription(
    description: RTCSessionDescriptionInit,
    success?: () => void,
    failure?: FailureCallback,
  ): Promise<void> {
    if (typeof success === 'function')
      return legacy(this.setRemoteDescription(description), success, failure);
    if (description === null || typeof description !== 'object' || !isSdpType(description.type)) {
      return Promise.reject(new TypeError('setRemoteDescription needs {type, sdp}'));
    }
    return this.#chained(() => this.#setRemote(description));
  }

  addIceCandidate(candidate?: RTCIceCandidateInit | RTCIceCandidate | null): Promise<void>;
  addIceCandidate(
    candidate: RTCIceCandidateInit | RTCIceCandidate | null,
    success: () => void,
    failure: FailureCallback,
  ): Promise<void>;
  addIceCandidate(
    candidate?: RTCIceCandidateInit | RTCIceCandidate | null,
    success?: () => void,
    failure?: FailureCallback,
  ): Promise<void> {
    if (typeof success === 'function') return legacy(this.addIceCandidate(candidate), success, failure);
    const c = candidate ?? {};
    const text = c.candidate ?? '';
    if (text !== '' && (c.sdpMid ?? null) === null && (c.sdpMLineIndex ?? null) === null) {
      return Promise.reject(new TypeError('a candidate needs sdpMid or sdpMLineIndex'));
    }
    return this.#chained(() => this.#addIceCandidate(c));
  }

  /** §4.4.1.6 restartIce(): the next offer carries new ICE credentials. */
  restartIce(): void {
    if (this.#closed) return;
    this.#restartRequested = true;
    this.#updateNegotiationNeeded();
  }

  // --- data channels ----------------------------------------------------------------------

  createDataChannel(label: string, init: RTCDataChannelInit = {}): RTCDataChannel {
    if (this.#closed) throw invalidState('the RTCPeerConnection is closed');
    const l = wellFormed(String(label));
    const protocol = wellFormed(String(init.protocol ?? ''));
    if (utf8Bytes(l) > 65535) throw new TypeError('label longer than 65535 bytes');
    if (utf8Bytes(protocol) > 65535) throw new TypeError('protocol longer than 65535 bytes');
    const maxPacketLifeTime = init.maxPacketLifeTime ?? null;
    const maxRetransmits = init.maxRetransmits ?? null;
    if (maxPacketLifeTime !== null && maxRetransmits !== null) {
      throw new TypeError('maxPacketLifeTime and maxRetransmits are exclusive');
    }
    const negotiated = init.negotiated === undefined ? false : Boolean(init.negotiated);
    // §6.1: [[DataChannelId]] is taken from init only for a negotiated channel.
    const id = negotiated ? (init.id ?? null) : null;
    if (negotiated && id === null) throw new TypeError('a negotiated channel needs an id');
    if (id !== null && (!Number.isInteger(id) || id < 0 || id > 65534))
      throw new TypeError('id must be 0..65534');
    const priority = init.priority ?? 'low';
    if (!(priority in PRIORITY_VALUES)) throw new TypeError(`invalid priority ${String(priority)}`);
    if (id !== null && (this.#channels.has(id) || this.#pendingChannels.some((c) => c.id === id))) {
      throw operationError(`stream id ${id} is in use`);
    }
    const channel = new RTCDataChannel(
      {
        label: l,
        ordered: init.ordered === undefined ? true : Boolean(init.ordered),
        maxPacketLifeTime:
          maxPacketLifeTime === null ? null : Math.min(65535, Math.max(0, maxPacketLifeTime | 0)),
        maxRetransmits: maxRetransmits === null ? null : Math.min(65535, Math.max(0, maxRetransmits | 0)),
        protocol,
        negotiated,
        id,
        priority,
      },
      this.#host,
    );
    const first = !this.#dataChannelsCreated;
    this.#dataChannelsCreated = true;
    if (this.#controller?.sctp !== undefined) this.#attachChannel(channel);
    else this.#pendingChannels.push(channel);
    if (first) this.#updateNegotiationNeeded();
    return channel;
  }

  // --- stats and close --------------------------------------------------------------------

  getStats(_selector?: unknown): Promise<RTCStatsReport> {
    return Promise.resolve(
      collectStats({
        controller: this.#controller,
        iceTransport: this.#iceTransport,
        dtlsTransport: this.#dtlsTransport,
        sctp: this.#controller?.sctp,
        channels: [...this.#channels.values(), ...this.#pendingChannels],
        closedChannels: this.#closedChannelStats,
        certificate: this.#dtlsCertificate,
        dataChannelsOpened: this.#channelsOpened,
        dataChannelsClosed: this.#channelsClosed,
      }),
    );
  }

  #channelsOpened = 0;
  #channelsClosed = 0;
  readonly #closedChannelStats: RTCDataChannel[] = [];

  /** §4.4.1.6 close(): everything closed at once; no state change events. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#signalingState = 'closed';
    this.#negotiation = { ...this.#negotiation, state: 'closed' };
    for (const c of [...this.#channels.values(), ...this.#pendingChannels]) c._abandon();
    this.#pendingChannels = [];
    this.#sctpTransport?._setState('closed', null, false);
    this.#dtlsTransport?._setState('closed', false);
    this.#iceTransport?._setState('closed', false);
    this.#iceConnectionState = 'closed';
    this.#connectionState = 'closed';
    void this.#controller?.close();
  }

  // --- internals: the chain ---------------------------------------------------------------

  #chained<T>(op: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(invalidState('the RTCPeerConnection is closed'));
    return this.#chain.run(async () => {
      if (this.#closed) throw invalidState('the RTCPeerConnection is closed');
      try {
        return await op();
      } catch (e) {
        throw toDomError(e);
      }
    });
  }

  async #dtlsCert(): Promise<DtlsCertificate> {
    return RTCCertificate.dtlsOf(await this.#certificate);
  }

  async #createOffer(options: RTCOfferOptions): Promise<RTCSessionDescriptionInit> {
    const cert = await this.#dtlsCert();
    if (this.#closed) throw invalidState('the RTCPeerConnection is closed');
    const restart = options.iceRestart === true || this.#restartRequested;
    let ice = this.#credentials;
    if (restart) {
      this.#pendingCredentials ??= createIceCredentials();
      ice = this.#pendingCredentials;
    }
    const local = localDescriptionOf(this.#negotiation)?.model;
    const dataMid = this.#dataMid();
    const wantData = this.#dataChannelsCreated || dataMid !== undefined;
    const result = createOffer({
      transceivers: [],
      ...(wantData ? { dataChannel: { mid: dataMid, maxMessageSize: OUR_MAX_MESSAGE_SIZE } } : {}),
      bundlePolicy: this.#config.bundlePolicy,
      ice: { ufrag: ice.ufrag, pwd: ice.pwd, options: ['trickle'] },
      fingerprints: this.#fingerprints(cert),
      candidates: restart ? [] : this.#localCandidates,
      endOfCandidates: !restart && this.#gatheringComplete,
      ...(local === undefined ? {} : { localDescription: local }),
      ...(this.#negotiation.currentRemote === undefined
        ? {}
        : { remoteDescription: this.#negotiation.currentRemote.model }),
    });
    const sdp = describe(result.description);
    this.#lastOffer = sdp;
    return { type: 'offer', sdp };
  }

  /** JSEP §5.2.1: an a=fingerprint for each certificate of the configuration (ours first). */
  #fingerprints(cert: DtlsCertificate): { algorithm: string; value: string }[] {
    const all = [fingerprintOf(cert)];
    for (const c of this.#config.certificates) {
      const f = fingerprintOf(RTCCertificate.dtlsOf(c));
      if (!all.some((x) => x.value === f.value)) all.push(f);
    }
    return all;
  }

  async #createAnswer(): Promise<RTCSessionDescriptionInit> {
    const cert = await this.#dtlsCert();
    if (this.#closed) throw invalidState('the RTCPeerConnection is closed');
    const s = this.#negotiation.state;
    if (s !== 'have-remote-offer' && s !== 'have-local-pranswer') {
      throw invalidState(`createAnswer in signaling state ${s}`);
    }
    const offer = (this.#negotiation.pendingRemote as Description).model;
    const data = offer.media.find((m) => isDataChannelSection(m) && !isRejected(m));
    const ice = this.#credentials;
    const result = createAnswer({
      offer,
      transceivers: [],
      ...(data === undefined ? {} : { dataChannel: { mid: data.mid, maxMessageSize: OUR_MAX_MESSAGE_SIZE } }),
      bundlePolicy: this.#config.bundlePolicy,
      ice: { ufrag: ice.ufrag, pwd: ice.pwd, options: ['trickle'] },
      fingerprints: this.#fingerprints(cert),
      candidates: this.#localCandidates,
      endOfCandidates: this.#gatheringComplete,
      setup: 'active',
      ...(this.#negotiation.currentLocal === undefined
        ? {}
        : { localDescription: this.#negotiation.currentLocal.model }),
      ...(this.#negotiation.currentRemote === undefined
        ? {}
        : { remoteDescription: this.#negotiation.currentRemote.model }),
    });
    const sdp = describe(result.description);
    this.#lastAnswer = sdp;
    return { type: 'answer', sdp };
  }

  async #setLocal(description: Partial<RTCSessionDescriptionInit> | undefined): Promise<void> {
    await nextTask();
    const state = this.#negotiation.state;
    let type = description?.type;
    let sdp = description?.sdp ?? '';
    if (type === undefined) {
      type = state === 'have-remote-offer' || state === 'have-local-pranswer' ? 'answer' : 'offer';
    }
    if (!isSdpType(type)) throw new TypeError(`invalid type ${String(type)}`);
    if (type === 'rollback') {
      this.#transition('local', 'rollback');
      return;
    }
    this.#checkAllowed('local', type);
    if (sdp === '') {
      // §4.4.1.6 implicit SLD: the last created offer/answer if still current, else a new one.
      if (type === 'offer') sdp = (await this.#createOffer({})).sdp ?? '';
      else sdp = (await this.#createAnswer()).sdp ?? '';
    } else if (type === 'offer' ? sdp !== this.#lastOffer : sdp !== this.#lastAnswer) {
      throw new DOMException(
        `the ${type} passed to setLocalDescription is not the last one created`,
        'InvalidModificationError',
      );
    }
    const model = parseDescription(sdp);
    this.#transition('local', type, { type, model });
  }

  async #setRemote(description: RTCSessionDescriptionInit): Promise<void> {
    await nextTask();
    const type = description.type;
    if (type === 'rollback') {
      this.#transition('remote', 'rollback');
      return;
    }
    // §4.4.1.5: a remote offer in have-local-offer first rolls our offer back (perfect
    // negotiation), with its own signalingstatechange, whatever the offer turns out to be.
    if (type === 'offer' && this.#negotiation.state === 'have-local-offer')
      this.#transition('local', 'rollback');
    this.#checkAllowed('remote', type);
    const model = parseDescription(String(description.sdp ?? ''));
    validateDescription(model, type);
    if (transportSectionOf(model) === undefined && model.media.length > 0) {
      throw new RTCError({ errorDetail: 'sdp-syntax-error' }, 'no usable m= section');
    }
    this.#transition('remote', type, { type, model });
  }

  /** InvalidStateError before the SDP is even looked at, when the state does not allow `type`. */
  #checkAllowed(side: 'local' | 'remote', type: 'offer' | 'answer' | 'pranswer'): void {
    applyDescription(this.#negotiation, side, type, {} as Description, false);
  }

  /** Applies a description: the signaling state machine, then the transports it implies. */
  #transition(side: 'local' | 'remote', type: RTCSessionDescriptionInit['type'], d?: Description): void {
    const before = this.#negotiation;
    const t = applyDescription(before, side, type, d);
    if (t.rolledBack !== undefined) this.#afterRollback(t.next, t.rolledBack.remote !== undefined);
    if (d !== undefined) this.#prepareTransport(side, d);
    this.#negotiation = t.next;
    if (side === 'local' && type === 'offer' && this.#pendingCredentials !== undefined) {
      this.#applyLocalRestart(this.#pendingCredentials);
    }
    this.#applyTransports(side, d);
    const next = t.next.state as RTCSignalingState;
    if (next !== this.#signalingState) {
      this.#signalingState = next;
      this.fire(new Event('signalingstatechange'));
    }
    if (next === 'stable') this.#updateNegotiationNeeded();
    if (this.#gatheringTasks.length > 0) this.#drainGatheringTasksSoon();
  }

  /**
   * After a rollback (§4.4.1.5, JSEP §5.7): remote ICE credentials and candidates go back to the
   * current remote description's; with no description left at all, the transport (and the ICE
   * role the discarded description chose) goes too, so the next description starts afresh.
   */
  #afterRollback(next: Negotiation<Description>, remoteDiscarded: boolean): void {
    if (remoteDiscarded) {
      const current = next.currentRemote?.model;
      const m = current === undefined ? undefined : transportSectionOf(current);
      const p = current === undefined || m === undefined ? undefined : transportParameters(current, m);
      this.#remoteCredentials =
        p?.ufrag !== undefined && p.pwd !== undefined ? { ufrag: p.ufrag, pwd: p.pwd } : undefined;
      this.#remoteCandidates = [];
      this.#remoteComplete = false;
    }
    if (
      next.currentLocal === undefined &&
      next.currentRemote === undefined &&
      this.#controller !== undefined
    ) {
      void this.#controller.close();
      this.#controller = undefined;
      this.#iceTransport = undefined;
      this.#dtlsTransport = undefined;
      this.#sctpTransport = null;
      this.#sctpStarted = false;
      this.#localCandidates = [];
      this.#gatheringComplete = false;
      this.#gatheringTasks.length = 0;
    }
  }

  /** Creates the transport on the first description (its ICE role follows who offered). */
  #prepareTransport(side: 'local' | 'remote', d: Description): void {
    if (this.#controller !== undefined) return;
    const role = side === 'local' && d.type === 'offer' ? 'controlling' : 'controlled';
    const mid = transportSectionOf(d.model)?.mid ?? '0';
    const ice = new RTCIceTransport(mid);
    ice._setRole(role);
    this.#iceTransport = ice;
    this.#dtlsTransport = new RTCDtlsTransport(ice);
    this.#createController(role);
    ice._setParameters({ usernameFragment: this.#credentials.ufrag, password: this.#credentials.pwd }, null);
  }

  #createController(role: 'controlling' | 'controlled'): void {
    const c = this.#config;
    this.#controller = new TransportController(
      {
        role,
        credentials: this.#credentials,
        iceServers: toIceServerConfigs(c.iceServers),
        transportPolicy: c.iceTransportPolicy,
        ...(c.hostAddresses === undefined ? {} : { hostAddresses: c.hostAddresses }),
        mdnsHostNames: c.mdnsHostNames,
        ...(c.iceDisconnectedTimeout === undefined ? {} : { disconnectedTimeout: c.iceDisconnectedTimeout }),
        ...(c.iceConsentTimeout === undefined ? {} : { consentTimeout: c.iceConsentTimeout }),
        ...(c.iceConsentInterval === undefined ? {} : { consentInterval: c.iceConsentInterval }),
      },
      this.#transportHooks(),
    );
  }

  #applyLocalRestart(credentials: IceCredentials): void {
    this.#pendingCredentials = undefined;
    this.#restartRequested = false;
    if (credentials.ufrag === this.#credentials.ufrag) return;
    this.#credentials = credentials;
    this.#localCandidates = [];
    this.#gatheringComplete = false;
    const controller = this.#controller;
    if (controller?.ice.agent !== undefined) controller.ice.restart(credentials);
    else if (controller !== undefined) {
      // Not gathering yet: the agent takes its credentials at creation, so make it anew.
      const role = this.#iceTransport?.role === 'controlling' ? 'controlling' : 'controlled';
      void controller.close();
      this.#controller = undefined;
      this.#createController(role);
    }
    this.#iceTransport?._setParameters(
      { usernameFragment: credentials.ufrag, password: credentials.pwd },
      null,
    );
  }

  /** ICE credentials, candidates, DTLS role and fingerprints, SCTP: what the descriptions now say. */
  #applyTransports(side: 'local' | 'remote', d: Description | undefined): void {
    const controller = this.#controller;
    if (controller === undefined || d === undefined) return;
    if (side === 'local') {
      void controller.gather().catch(() => {});
    } else {
      const m = transportSectionOf(d.model);
      if (m !== undefined) {
        const p = transportParameters(d.model, m);
        if (p.ufrag !== undefined && p.pwd !== undefined) {
          const changed = this.#remoteCredentials !== undefined && this.#remoteCredentials.ufrag !== p.ufrag;
          if (changed) {
            this.#remoteCandidates = [];
            this.#remoteComplete = false;
            // The peer restarted ICE (RFC 8445 §9): our answer carries new credentials too.
            if (d.type === 'offer') this.#applyLocalRestart(createIceCredentials());
          }
          this.#remoteCredentials = { ufrag: p.ufrag, pwd: p.pwd };
          controller.setRemoteCredentials(this.#remoteCredentials, p.iceLite);
          this.#iceTransport?._setParameters(null, { usernameFragment: p.ufrag, password: p.pwd });
          for (const c of p.candidates) this.#addRemoteCandidate(c);
          if (p.endOfCandidates) {
            this.#remoteComplete = true;
            controller.ice.endOfRemoteCandidates();
          }
        }
      }
    }
    this.#startSecure();
  }

  /** Once both descriptions fix the DTLS roles (RFC 8842 §5.1), DTLS and then SCTP start. */
  #startSecure(): void {
    const controller = this.#controller;
    // Roles come from an offer and its (pr)answer: the current pair once stable, the pending
    // pair in a pranswer state. A re-offer (actpass) alone says nothing new.
    const n = this.#negotiation;
    const pranswer = n.state === 'have-local-pranswer' || n.state === 'have-remote-pranswer';
    if (n.state !== 'stable' && !pranswer) return;
    const local = (pranswer ? n.pendingLocal : n.currentLocal)?.model;
    const remote = (pranswer ? n.pendingRemote : n.currentRemote)?.model;
    if (controller === undefined || local === undefined || remote === undefined) return;
    const lm = transportSectionOf(local);
    const rm = transportSectionOf(remote);
    if (lm === undefined || rm === undefined) return;
    const lp = transportParameters(local, lm);
    const rp = transportParameters(remote, rm);
    if (lp.setup === undefined || rp.setup === undefined) return;
    const role = dtlsRole(lp.setup, rp.setup);
    if (role === undefined) return;
    const fingerprints = rp.fingerprints.map((f) => `${f.algorithm} ${f.value}`);
    const cert = this.#dtlsCertificate;
    if (cert === undefined) return;
    if (controller.core === undefined) {
      this.#dtlsRole = role;
      this.#dtlsTransport?._setState('connecting', true);
      controller.startSecure(role, cert, fingerprints);
      this.#updateConnectionState();
    } else {
      controller.setRemoteFingerprints(fingerprints);
    }
    // SCTP once both sides have a live data section (RFC 8841 §5).
    const ld = local.media.find((m) => isDataChannelSection(m) && !isRejected(m));
    const rd = remote.media.find((m) => isDataChannelSection(m) && !isRejected(m));
    if (ld === undefined || rd === undefined) return;
    const sctp = negotiateSctp(ld, rd);
    if (this.#sctpTransport === null && this.#dtlsTransport !== undefined) {
      this.#sctpTransport = new RTCSctpTransport(this.#dtlsTransport, sctp.maxMessageSize);
    } else {
      this.#sctpTransport?._setMaxMessageSize(sctp.maxMessageSize);
    }
    if (this.#sctpStarted) return;
    this.#sctpStarted = true;
    controller.startSctp({
      role: this.#dtlsRole ?? role,
      localPort: sctp.localPort,
      remotePort: sctp.remotePort,
      maxMessageSize: OUR_MAX_MESSAGE_SIZE,
      remoteMaxMessageSize: Number.isFinite(sctp.maxMessageSize) ? sctp.maxMessageSize : 2 ** 30,
    });
    for (const c of this.#pendingChannels.splice(0)) this.#attachChannel(c);
    controller.kick();
  }

  #dataMid(): string | undefined {
    const d = localDescriptionOf(this.#negotiation) ?? remoteDescriptionOf(this.#negotiation);
    return d?.model.media.find((m) => isDataChannelSection(m))?.mid;
  }

  async #addIceCandidate(init: RTCIceCandidateInit): Promise<void> {
    const remote = remoteDescriptionOf(this.#negotiation);
    if (remote === undefined) throw invalidState('addIceCandidate before setRemoteDescription');
    const text = init.candidate ?? '';
    const ufrag = init.usernameFragment ?? null;
    if (ufrag !== null && this.#remoteCredentials !== undefined && ufrag !== this.#remoteCredentials.ufrag) {
      // A candidate of an earlier (or unknown) ICE generation (§4.4.1.6 addIceCandidate step).
      throw operationError(`usernameFragment ${ufrag} does not match the remote description`);
    }
    const mid = init.sdpMid ?? null;
    const index = init.sdpMLineIndex ?? null;
    if (mid !== null) {
      if (!remote.model.media.some((m) => m.mid === mid))
        throw operationError(`no m= section with mid ${mid}`);
    } else if (index !== null && index >= remote.model.media.length) {
      throw operationError(`no m= section at index ${index}`);
    }
    if (text === '') {
      this.#remoteComplete = true;
      this.#controller?.ice.endOfRemoteCandidates();
      return;
    }
    let candidate: Candidate;
    try {
      candidate = parseIceCandidate(text);
    } catch (e) {
      throw operationError(`cannot parse candidate: ${(e as Error).message}`);
    }
    this.#addRemoteCandidate(candidate);
  }

  #addRemoteCandidate(c: Candidate): void {
    if (this.#remoteCandidates.length >= 100) return; // the ICE agent's cap too
    this.#remoteCandidates.push(c);
    const ice = this.#controller?.ice;
    if (ice === undefined) return;
    const line = formatIceCandidate(c);
    ice.addRemoteCandidate(line).catch(() => {
      // Candidates our ICE agent cannot use (TCP, unresolvable names) are ignored, as browsers do.
    });
  }

  // --- negotiation-needed (§4.7.3) ------------------------------------------------------------

  #onChainEmpty(): void {
    if (this.#updateNegotiationNeededOnEmptyChain) {
      this.#updateNegotiationNeededOnEmptyChain = false;
      this.#updateNegotiationNeeded();
    }
  }

  #updateNegotiationNeeded(): void {
    if (this.#closed) return;
    if (this.#chain.length > 0) {
      this.#updateNegotiationNeededOnEmptyChain = true;
      return;
    }
    setTimeout(() => {
      if (this.#closed) return;
      if (this.#chain.length > 0) {
        this.#updateNegotiationNeededOnEmptyChain = true;
        return;
      }
      if (this.#signalingState !== 'stable') return;
      if (!this.#isNegotiationNeeded()) {
        this.#negotiationNeeded = false;
        return;
      }
      if (this.#negotiationNeeded) return;
      this.#negotiationNeeded = true;
      this.fire(new Event('negotiationneeded'));
    }, 0);
  }

  /** §4.7.3 "check if negotiation is needed", for what we support: an ICE restart, the first data channel. */
  #isNegotiationNeeded(): boolean {
    if (this.#restartRequested) return true;
    const local = localDescriptionOf(this.#negotiation)?.model;
    if (this.#dataChannelsCreated) {
      if (local === undefined) return true;
      if (!local.media.some((m) => isDataChannelSection(m))) return true;
    }
    return false;
  }

  // --- transport events -------------------------------------------------------------------

  #transportHooks(): ConstructorParameters<typeof TransportController>[1] {
    return {
      candidate: (c) => this.#queueGatheringTask(() => this.#onLocalCandidate(c)),
      gatheringState: (s) =>
        this.#queueGatheringTask(() => {
          if (this.#closed) return;
          // §4.4.1.6 (ICE gathering finished for a generation): an icecandidate whose candidate
          // is "" marks the end of this generation, before the gathering state says complete.
          if (s === 'complete') this.#fireCandidate('');
          this.#iceTransport?._setGatheringState(s, true);
          if (s === 'gathering') this.#gatheringComplete = false;
          if (this.#iceGatheringState !== s) {
            this.#iceGatheringState = s;
            this.fire(new Event('icegatheringstatechange'));
          }
        }),
      iceState: (s) => this.#onIceState(s),
      selectedPair: (p: CandidatePairInfo) => {
        if (!this.#closed) this.#iceTransport?._setSelectedPair(p);
      },
      roleChanged: (r) => this.#iceTransport?._setRole(r),
      candidateError: (e) => {
        if (this.#closed) return;
        this.fire(
          new RTCPeerConnectionIceErrorEvent('icecandidateerror', {
            address: e.address ?? null,
            port: e.port ?? null,
            url: e.url,
            errorCode: e.errorCode,
            errorText: e.errorText,
          }),
        );
      },
      secure: (e) => this.#onSecure(e),
    };
  }

  /**
   * Gathering events are surfaced as tasks (webrtc-pc §4.4.1.6 "queue a task to surface the
   * candidate"), in order, and never before our description that uses them is applied: after an
   * ICE restart the agent gathers at once, but a candidate with the new ufrag must not reach the
   * peer before our offer or answer does, or the peer rejects it (§4.4.1.6 addIceCandidate).
   */
  #queueGatheringTask(task: () => void): void {
    this.#gatheringTasks.push(task);
    this.#drainGatheringTasksSoon();
  }

  #drainGatheringTasksSoon(): void {
    if (this.#gatheringDrainScheduled) return;
    this.#gatheringDrainScheduled = true;
    setImmediate(() => {
      this.#gatheringDrainScheduled = false;
      if (this.#negotiation.state === 'have-remote-offer') return; // resumed by setLocalDescription
      for (let t = this.#gatheringTasks.shift(); t !== undefined; t = this.#gatheringTasks.shift()) t();
    });
  }

  #onLocalCandidate(c: IceCandidate | null): void {
    if (this.#closed) return;
    if (c === null) {
      this.#gatheringComplete = true;
      this.fire(new RTCPeerConnectionIceEvent('icecandidate', { candidate: null }));
      return;
    }
    const text = serializeCandidate(c);
    let parsed: Candidate;
    try {
      parsed = parseIceCandidate(text);
    } catch {
      return;
    }
    this.#localCandidates.push(parsed);
    this.#fireCandidate(text);
  }

  #fireCandidate(text: string): void {
    const local = localDescriptionOf(this.#negotiation)?.model;
    const m = local === undefined ? undefined : transportSectionOf(local);
    const index = m === undefined || local === undefined ? 0 : local.media.indexOf(m);
    const candidate = new RTCIceCandidate({
      candidate: text,
      sdpMid: m?.mid ?? '0',
      sdpMLineIndex: index,
      usernameFragment: this.#credentials.ufrag,
    });
    this.fire(new RTCPeerConnectionIceEvent('icecandidate', { candidate }));
  }

  #onIceState(s: IceConnectionState): void {
    if (this.#closed) return;
    this.#iceTransport?._setState(s, true);
    if (this.#iceConnectionState !== s) {
      this.#iceConnectionState = s;
      this.fire(new Event('iceconnectionstatechange'));
    }
    this.#updateConnectionState();
  }

  /** §4.4.3 RTCPeerConnectionState from the ICE and DTLS transports. */
  #updateConnectionState(): void {
    if (this.#closed) return;
    const ice = this.#iceTransport?.state ?? 'new';
    const dtls = this.#dtlsTransport?.state ?? 'new';
    let next: RTCPeerConnectionState;
    if (ice === 'failed' || dtls === 'failed') next = 'failed';
    else if (ice === 'disconnected') next = 'disconnected';
    else if ((ice === 'new' || ice === 'closed') && (dtls === 'new' || dtls === 'closed')) next = 'new';
    else if (ice === 'new' || ice === 'checking' || dtls === 'new' || dtls === 'connecting')
      next = 'connecting';
    else next = 'connected';
    if (next === this.#connectionState) return;
    this.#connectionState = next;
    this.fire(new Event('connectionstatechange'));
  }

  #onSecure(e: SecureTransportEvent): void {
    if (this.#closed) return;
    switch (e.type) {
      case 'dtls-connected':
        this.#dtlsTransport?._setRemoteCertificates(e.connected.peerCertificates);
        this.#dtlsTransport?._setState('connected', true);
        this.#updateConnectionState();
        break;
      case 'dtls-failed': {
        const fingerprint = /FINGERPRINT/.test(e.message);
        const error = new RTCError(
          {
            errorDetail: fingerprint ? 'fingerprint-failure' : 'dtls-failure',
            ...(e.alert === undefined ? {} : { sentAlert: e.alert }),
          },
          e.message,
        );
        this.#dtlsTransport?._fail(error);
        this.#closeChannels(new RTCError({ errorDetail: 'sctp-failure' }, 'the DTLS transport failed'));
        this.#updateConnectionState();
        break;
      }
      case 'dtls-closed':
        if (e.reason === 'remote') {
          // close_notify (RFC 5246 §7.2.1): the peer is gone; its channels with it.
          this.#dtlsTransport?._setState('closed', true);
          this.#closeChannels(undefined);
          this.#updateConnectionState();
        }
        break;
      case 'sctp':
        this.#onSctp(e.event);
        break;
    }
  }

  #closeChannels(error: RTCError | undefined): void {
    this.#sctpTransport?._setState('closed', null, true);
    const all = [...this.#channels.values(), ...this.#pendingChannels];
    this.#channels.clear();
    this.#pendingChannels = [];
    for (const c of all) this.#channelClosed(c, error);
  }

  #channelClosed(c: RTCDataChannel, error: RTCError | undefined): void {
    if (c.readyState === 'closed') return;
    this.#channelsClosed++;
    this.#closedChannelStats.push(c);
    if (this.#closedChannelStats.length > 64) this.#closedChannelStats.shift();
    c._closed(error);
  }

  #onSctp(e: SctpEvent): void {
    switch (e.type) {
      case 'open':
        this.#sctpTransport?._setState('connected', 65535, true);
        break;
      case 'channel-open': {
        const known = this.#channels.get(e.id);
        if (!e.remote && known !== undefined) {
          this.#channelsOpened++;
          known._open(true);
          break;
        }
        if (e.remote) this.#announce(e);
        break;
      }
      case 'message':
        this.#channels.get(e.channelId)?._message(e.data, e.binary);
        break;
      case 'buffered-amount-low':
        this.#channels.get(e.channelId)?._bufferedAmountLow();
        break;
      case 'channel-closed': {
        // An association that ended closes its channels first; the 'closed' event right after
        // closes them with its error (an RTCError for an ABORT), so leave them to it.
        if (this.#controller?.sctp?.state === AssociationState.Closed) break;
        const c = this.#channels.get(e.channelId);
        this.#channels.delete(e.channelId);
        if (c !== undefined) this.#channelClosed(c, undefined);
        break;
      }
      case 'restart':
        for (const c of [...this.#channels.values()]) this.#channelClosed(c, undefined);
        this.#channels.clear();
        break;
      case 'closed': {
        const error =
          e.reason === 'shutdown' || e.reason === 'abort'
            ? undefined
            : new RTCError(
                { errorDetail: 'sctp-failure', sctpCauseCode: e.reason === 'peer-abort' ? 12 : undefined },
                e.detail,
              );
        this.#closeChannels(error);
        break;
      }
      case 'error': {
        if (e.channelId === undefined) break;
        this.#channels
          .get(e.channelId)
          ?._error(new RTCError({ errorDetail: 'data-channel-failure' }, e.message));
        break;
      }
    }
  }

  /** §6.2 "announce a data channel": the peer opened one (DCEP). */
  #announce(info: ChannelInfo): void {
    const channel = new RTCDataChannel(
      {
        label: info.label,
        ordered: info.ordered,
        maxPacketLifeTime: info.maxPacketLifeTime,
        maxRetransmits: info.maxRetransmits,
        protocol: info.protocol,
        negotiated: false,
        id: info.id,
        priority: priorityName(info.priority),
      },
      this.#host,
    );
    channel._attach(info.id);
    this.#channels.set(info.id, channel);
    this.#channelsOpened++;
    channel._open(false);
    this.fire(new RTCDataChannelEvent('datachannel', { channel }));
    channel._fireOpen();
  }

  #attachChannel(channel: RTCDataChannel): void {
    const controller = this.#controller;
    const sctp = controller?.sctp;
    if (controller === undefined || sctp === undefined) return;
    try {
      const info = sctp.createChannel(
        {
          label: channel.label,
          protocol: channel.protocol,
          ordered: channel.ordered,
          maxRetransmits: channel.maxRetransmits,
          maxPacketLifeTime: channel.maxPacketLifeTime,
          negotiated: channel.negotiated,
          ...(channel.id === null ? {} : { id: channel.id }),
          priority: PRIORITY_VALUES[channel.priority],
        },
        performance.now(),
      );
      channel._attach(info.id);
      this.#channels.set(info.id, channel);
    } catch (e) {
      // No free stream id, or the id is taken (§6.2 "If [[DataChannelId]] is already used").
      queueMicrotask(() =>
        this.#channelClosed(
          channel,
          new RTCError({ errorDetail: 'data-channel-failure' }, (e as Error).message),
        ),
      );
    }
    controller.kick();
  }

  #channelHost(): ChannelHost {
    return {
      send: (channel, data, binary) => {
        const controller = this.#controller;
        const sctp = controller?.sctp;
        const id = channel.id;
        if (controller === undefined || sctp === undefined || id === null) {
          throw invalidState('the channel has no transport');
        }
        sctp.send(id, data, binary, performance.now());
        controller.kick();
      },
      bufferedAmount: (channel) => {
        const id = channel.id;
        const sctp = this.#controller?.sctp;
        return id === null || sctp === undefined ? 0 : sctp.bufferedAmount(id);
      },
      setBufferedAmountLowThreshold: (channel, bytes) => {
        const id = channel.id;
        const sctp = this.#controller?.sctp;
        if (id === null || sctp === undefined || !channel._attached) return;
        try {
          sctp.setBufferedAmountLowThreshold(id, bytes);
        } catch {
          // the stream is gone; nothing to watch
        }
      },
      close: (channel) => {
        const id = channel.id;
        const controller = this.#controller;
        const sctp = controller?.sctp;
        if (id === null || sctp === undefined || !channel._attached) {
          this.#pendingChannels = this.#pendingChannels.filter((c) => c !== channel);
          queueMicrotask(() => this.#channelClosed(channel, undefined));
          return;
        }
        try {
          sctp.closeChannel(id, performance.now());
        } catch {
          this.#channels.delete(id);
          queueMicrotask(() => this.#channelClosed(channel, undefined));
        }
        controller?.kick();
      },
      maxMessageSize: () => this.#sctpTransport?.maxMessageSize ?? OUR_MAX_MESSAGE_SIZE,
    };
  }
}

/** The m= section whose transport the BUNDLE group (or the first live section) uses. */
function transportSectionOf(model: SessionDescription): MediaDescription | undefined {
  const bundle = model.groups.find((g) => g.semantics.toUpperCase() === 'BUNDLE');
  const tag = bundle?.mids[0];
  if (tag !== undefined) {
    const m = model.media.find((x) => x.mid === tag && !isRejected(x));
    if (m !== undefined) return m;
  }
  return model.media.find((x) => !isRejected(x) && x.port !== 0) ?? model.media.find((x) => !isRejected(x));
}

function fingerprintOf(cert: DtlsCertificate): { algorithm: string; value: string } {
  const sp = cert.fingerprint.indexOf(' ');
  return { algorithm: cert.fingerprint.slice(0, sp), value: cert.fingerprint.slice(sp + 1) };
}

const encoder = new TextEncoder();

function utf8Bytes(s: string): number {
  return encoder.encode(s).length;
}

/** WebIDL USVString: lone surrogates become U+FFFD. */
function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** "Queue a task" (§4.4.1.5, §4.4.1.6): descriptions apply after the caller's current task. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The legacy callback forms (§4.4.3.1): the promise resolves with undefined either way. */
function legacy<T>(
  promise: Promise<T>,
  success: ((value: T) => void) | undefined,
  failure: FailureCallback | undefined,
): Promise<undefined> {
  return promise.then(
    (v) => {
      success?.(v);
      return undefined;
    },
    (e: Error) => {
      failure?.(e);
      return undefined;
    },
  );
}
