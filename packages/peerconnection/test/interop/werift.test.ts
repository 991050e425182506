/**
 * Interop with werift (pure TypeScript WebRTC): every scenario of support/suite.ts, with ours as
 * offerer and as answerer. werift's DCEP strays from RFC 8832 in two places (see limits); the
 * checks that depend on them are left out for werift's own channels only.
 */
import { interopSuite } from '../support/suite.js';

await interopSuite('werift', {
  limits: {
    utf8Labels:
      "werift's DATA_CHANNEL_OPEN writes label.length and protocol.length (UTF-16 units) as the " +
      'byte lengths, so a non-ASCII label it opens arrives truncated; its channels get ASCII labels',
    unorderedPartialReliability:
      "werift's DATA_CHANNEL_OPEN sets channel type 0x80 for unordered, then overwrites it with 0x01 " +
      'or 0x02 for a limit, so its unordered limited channels arrive as ordered',
  },
});
