/**
 * Ours with ours: every scenario of support/suite.ts between two of our peer connections (the one
 * that vanishes runs in a child process).
 */
import { interopSuite } from '../support/suite.js';

await interopSuite('ours');
