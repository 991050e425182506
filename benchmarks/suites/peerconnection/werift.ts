/**
 * werift's RTCPeerConnection on 127.0.0.1 only: `iceUseIpv4: false`, `iceUseIpv6: false`,
 * `iceAdditionalHostAddresses: ['127.0.0.1']`, its socket bound there (`iceInterfaceAddresses`).
 * With `iceUseIpv4` on it would also advertise every interface address for that socket bound to
 * 127.0.0.1 (see suites/ice.ts). Its ICE agent falls back to stun.l.google.com:19302 when no
 * STUN server is configured, whatever `iceServers` says: cleared before it gathers.
 */
import { RTCPeerConnection } from 'werift';
import { packageVersion } from '../../versions.js';
import { type Connection, LOOPBACK, type PeerKind } from './peers.js';

interface WeriftInternals {
  readonly iceTransports?: readonly { readonly connection?: { stunServer?: unknown } }[];
}

export const WERIFT: PeerKind = {
  key: 'werift',
  name: `werift ${packageVersion('werift')}`,
  native: false,
  create: () =>
    new RTCPeerConnection({
      iceServers: [],
      iceUseIpv4: false,
      iceUseIpv6: false,
      iceAdditionalHostAddresses: [LOOPBACK],
      iceInterfaceAddresses: { udp4: LOOPBACK },
    }) as unknown as Connection,
  beforeGather: (pc) => {
    // lib/ice/src/ice.js: `stunServer` defaults to Google's; gathering starts in setLocalDescription.
    for (const t of (pc as unknown as WeriftInternals).iceTransports ?? []) {
      if (t.connection !== undefined) t.connection.stunServer = undefined;
    }
  },
};
