/**
 * What the two processes of a two-process transfer say over the child's IPC channel (JSON):
 * remote-transfer.ts, in the bench process, is the offerer and sender; remote-child.ts is the
 * answerer and receiver. The parent sends nothing before the child says 'ready' (or, for the
 * bare ceiling, 'bound'): starting the child (tsx, its library) has its own, longer deadline than
 * connecting.
 */
import type { CandidateInit, DescriptionInit } from './peers.js';

export type ToChild =
  | { readonly kind: 'offer'; readonly description: DescriptionInit }
  | { readonly kind: 'candidate'; readonly candidate: CandidateInit }
  /** Close everything and exit: the trial is over (sent whatever its outcome). */
  | { readonly kind: 'close' };

export type FromChild =
  /** The library is loaded and the receiving peer connection created: the offer may come. */
  | { readonly kind: 'ready' }
  | { readonly kind: 'answer'; readonly description: DescriptionInit }
  | { readonly kind: 'candidate'; readonly candidate: CandidateInit }
  /** The bare receiver's socket is bound, at this port of 127.0.0.1. */
  | { readonly kind: 'bound'; readonly port: number }
  /** The channel is open on the child's side, every message checked as it arrives. */
  | { readonly kind: 'open' }
  /** The last byte has arrived, every message checked. */
  | { readonly kind: 'done' }
  | { readonly kind: 'error'; readonly message: string };
