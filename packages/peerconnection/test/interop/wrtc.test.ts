/**
 * Interop with libwebrtc in Node (@roamhq/wrtc): every scenario of support/suite.ts, with ours as
 * offerer and as answerer.
 */
import { interopSuite } from '../support/suite.js';

await interopSuite('wrtc');
