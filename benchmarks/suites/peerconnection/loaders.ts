/**
 * Each library's module by its `PeerKind.key`, imported only when asked for: a child process
 * (memory-child.ts, remote-child.ts) loads the one library it runs, so that the others' code,
 * threads and memory stay out of its figures.
 */
import type { PeerKind } from './peers.js';

const LOADERS: Readonly<Record<string, () => Promise<PeerKind>>> = {
  ours: async () => (await import('./ours.js')).OURS,
  werift: async () => (await import('./werift.js')).WERIFT,
  ndc: async () => (await import('./node-datachannel.js')).NODE_DATACHANNEL,
  wrtc: async () => (await import('./wrtc.js')).WRTC,
};

/** The peer whose key is `key`, or undefined for another key (a child's 'bare'). */
export function loadPeer(key: string): Promise<PeerKind> | undefined {
  return LOADERS[key]?.();
}
