/**
 * The peers that run in Node: how to load each stack, the configuration that keeps it on
 * 127.0.0.1, and the adapter that makes it look W3C enough for the agent. Used in the test
 * process and in child-peer.ts alike, so it starts nothing by itself.
 */
import { type AgentOptions, PeerAgent, type PeerConnectionLike } from './agent.js';
import type { PeerKind } from './driver.js';

export type NodePeerKind = Exclude<PeerKind, 'chromium'>;

export interface PeerOptions {
  /**
   * Our stack only: consent freshness in seconds instead of half a minute (iceConsentInterval,
   * iceDisconnectedTimeout, iceConsentTimeout), for the tests where the other peer vanishes.
   */
  shortConsent?: boolean;
}

/** Short consent timing for ours: a check every 500 ms, disconnected after 1.5 s, failed after 4 s. */
export const SHORT_CONSENT = {
  iceConsentInterval: 500,
  iceDisconnectedTimeout: 1500,
  iceConsentTimeout: 4000,
};

type PeerConnectionClass = new (config: Record<string, unknown>) => unknown;

interface NodePeerSpec {
  load(): Promise<PeerConnectionClass>;
  config(options: PeerOptions): Record<string, unknown>;
  agent: AgentOptions;
  /** Always run it in a child process of its own (see werift). */
  ownProcess?: boolean;
}

export const NODE_PEERS: Record<NodePeerKind, NodePeerSpec> = {
  ours: {
    // Loaded on demand like the others (the @purertc/source condition resolves it to src/, in
    // vitest and in child-peer.ts alike).
    load: async () =>
      (await import('@purertc/peerconnection')).RTCPeerConnection as unknown as PeerConnectionClass,
    config: (o) => ({
      hostAddresses: { addresses: ['127.0.0.1'] },
      ...(o.shortConsent === true ? SHORT_CONSENT : {}),
    }),
    agent: {},
  },
  wrtc: {
    load: async () =>
      ((await import('@roamhq/wrtc')) as unknown as { default: { RTCPeerConnection: PeerConnectionClass } })
        .default.RTCPeerConnection,
    config: () => ({ iceServers: [] }),
    // @roamhq/wrtc 0.10 never fires bufferedamountlow (neither listeners nor the handler
    // attribute: bufferedAmount drains to 0 without it), and reports an unset reliability limit
    // (maxRetransmits, maxPacketLifeTime) as 65535.
    agent: { bufferedAmountPollMs: 20, unsetReliability: 65535 },
  },
  'node-datachannel': {
    load: async () =>
      ((await import('node-datachannel/polyfill')) as unknown as { RTCPeerConnection: PeerConnectionClass })
        .RTCPeerConnection,
    // The polyfill hands its configuration on to libdatachannel, whose bindAddress makes libjuice
    // gather on loopback (it skips loopback interfaces otherwise).
    config: () => ({ iceServers: [], bindAddress: '127.0.0.1' }),
    agent: {},
  },
  werift: {
    load: async () =>
      ((await import('werift')) as unknown as { RTCPeerConnection: PeerConnectionClass }).RTCPeerConnection,
    config: () => ({
      // Without a STUN server werift falls back to stun.l.google.com:19302. This one is the
      // discard port on loopback: nothing answers, and werift stops waiting after 0.2 s.
      iceServers: [{ urls: 'stun:127.0.0.1:9' }],
      iceStunGatherTimeout: 0.2,
      iceAdditionalHostAddresses: ['127.0.0.1'],
      iceInterfaceAddresses: { udp4: '127.0.0.1' },
      iceUseIpv6: false,
    }),
    agent: {},
    // A werift peer shares the process with the ones closed before it (timers, sockets, its SCTP
    // queues wind down after close()); in the test process, a burst of 1000 messages each way
    // then stalled it for good after 571 of them, from the third test of a file on. A process
    // per peer keeps the tests independent.
    ownProcess: true,
  },
};

export function isNodePeerKind(kind: string): kind is NodePeerKind {
  return Object.hasOwn(NODE_PEERS, kind);
}

/** Why the stack cannot be loaded here, or undefined when it can. */
export async function nodePeerUnavailable(kind: NodePeerKind): Promise<string | undefined> {
  try {
    await NODE_PEERS[kind].load();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** A new peer connection of that stack, wrapped in an agent. */
export async function createNodeAgent(
  kind: NodePeerKind,
  name: string,
  options: PeerOptions = {},
): Promise<PeerAgent> {
  const spec = NODE_PEERS[kind];
  const Pc = await spec.load();
  const config = spec.config(options);
  return new PeerAgent(() => adapt(kind, new Pc(config)), { ...spec.agent, name });
}

/** Where a stack's object strays from what the agent needs, a thin wrapper; otherwise itself. */
function adapt(kind: NodePeerKind, pc: unknown): PeerConnectionLike {
  const w3c = pc as PeerConnectionLike;
  if (kind !== 'node-datachannel') return w3c;
  // libdatachannel writes candidates as SDP attribute lines ("a=candidate:..."); W3C's
  // RTCIceCandidate.candidate has no "a=" (libwebrtc rejects it). Other members pass through.
  return new Proxy(w3c, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (prop !== 'addEventListener' || typeof value !== 'function') {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (type: string, listener: (event?: unknown) => void) => {
        if (type !== 'icecandidate') return w3c.addEventListener(type, listener);
        return w3c.addEventListener(type, (event?: unknown) => {
          const c = (event as { candidate?: { candidate?: unknown } } | undefined)?.candidate;
          if (c === null || typeof c !== 'object' || typeof c.candidate !== 'string') return listener(event);
          listener({ candidate: { ...toJson(c), candidate: c.candidate.replace(/^a=/, '') } });
        });
      };
    },
  });
}

function toJson(c: object): Record<string, unknown> {
  const j = (c as { toJSON?: () => unknown }).toJSON?.();
  return typeof j === 'object' && j !== null ? (j as Record<string, unknown>) : { ...c };
}
