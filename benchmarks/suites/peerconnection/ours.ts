/** Ours: @purertc/peerconnection, gathering on 127.0.0.1 only (its `hostAddresses` extension). */
import { RTCPeerConnection } from '@purertc/peerconnection';
import { packageVersion } from '../../versions.js';
import { type Connection, LOOPBACK, type PeerKind } from './peers.js';

export const OURS: PeerKind = {
  key: 'ours',
  name: `@purertc/peerconnection ${packageVersion('@purertc/peerconnection')}`,
  native: false,
  create: () =>
    new RTCPeerConnection({
      iceServers: [],
      hostAddresses: { addresses: [LOOPBACK] },
    }) as unknown as Connection,
};
