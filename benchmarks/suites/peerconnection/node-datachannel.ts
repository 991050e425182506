/**
 * node-datachannel's W3C polyfill over libdatachannel, bound to 127.0.0.1 (`bindAddress`, which
 * the polyfill passes through to libdatachannel's configuration).
 */
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import { packageVersion } from '../../versions.js';
import { type Connection, LOOPBACK, type PeerKind } from './peers.js';

type AnyConstructor = new (config: Record<string, unknown>) => unknown;

export const NODE_DATACHANNEL: PeerKind = {
  key: 'ndc',
  name: `node-datachannel ${packageVersion('node-datachannel')}`,
  native: true,
  create: () =>
    new (RTCPeerConnection as unknown as AnyConstructor)({
      iceServers: [],
      bindAddress: LOOPBACK,
    }) as Connection,
};
