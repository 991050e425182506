/**
 * Interop with libdatachannel through node-datachannel's W3C polyfill: every scenario of
 * support/suite.ts, with ours as offerer and as answerer, except what the polyfill cannot do.
 */
import { interopSuite } from '../support/suite.js';

const NO_RESTART =
  'libdatachannel does not do ICE restarts: the polyfill throws "Not implemented" from ' +
  'restartIce() and libdatachannel rejects a restart offer ("Invalid ICE settings from remote SDP")';

await interopSuite('node-datachannel', {
  skip: {
    'restart-from-ours': { reason: NO_RESTART },
    'restart-from-theirs': { reason: NO_RESTART },
    'negotiationneeded-restart': { reason: NO_RESTART },
    'renegotiate-from-answerer': {
      reason:
        "the polyfill's createOffer() returns the promise of libdatachannel's first local offer, " +
        'which never comes on a peer that answered first (it never settles)',
      when: 'ours-offers',
    },
    'negotiationneeded-first': {
      reason:
        'the polyfill never fires negotiationneeded: createDataChannel() dispatches it only while ' +
        'its #announceNegotiation field is null, and the constructor sets it to false',
      when: 'ours-answers',
    },
  },
  limits: {
    remoteChannelOptions:
      'the polyfill builds the RTCDataChannel of a remotely opened channel with default options ' +
      '(ordered, no limits) and libdatachannel has no getter for the real ones',
  },
});
