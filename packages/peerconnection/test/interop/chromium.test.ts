/**
 * Interop with headless Chromium (libwebrtc in a real browser, driven through playwright-core):
 * every scenario of support/suite.ts, with ours as offerer and as answerer. One browser for the
 * file, a fresh page per peer; the vanishing peer gets a browser of its own.
 */
import { interopSuite } from '../support/suite.js';

await interopSuite('chromium');
