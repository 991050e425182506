/**
 * @roamhq/wrtc: libwebrtc's RTCPeerConnection in Node. No option limits the interfaces it
 * gathers on, so it offers every address of the machine: the trials forward loopback
 * candidates only (scenarios.ts), and `checkLoopback` verifies through getStats that the
 * selected pair is on 127.0.0.1. It implements neither `bufferedAmountLowThreshold` nor the
 * `bufferedamountlow` event: its senders poll `bufferedAmount` (`noBufferedAmountLow`).
 */
import wrtc from '@roamhq/wrtc';
import { packageVersion } from '../../versions.js';
import type { Connection, PeerKind } from './peers.js';

type AnyConstructor = new (config: Record<string, unknown>) => unknown;

const { RTCPeerConnection } = wrtc as unknown as { RTCPeerConnection: AnyConstructor };

export const WRTC: PeerKind = {
  key: 'wrtc',
  name: `@roamhq/wrtc ${packageVersion('@roamhq/wrtc')}`,
  native: true,
  create: () => new RTCPeerConnection({ iceServers: [] }) as Connection,
  noBufferedAmountLow: true,
};
