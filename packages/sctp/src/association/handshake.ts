/**
 * The four-way handshake (RFC 9260 §5.1) as pure decisions; the association applies them.
 *
 * - {@link initParams}: what we announce in INIT and INIT ACK: PR-SCTP (RFC 3758 §3.1) and the
 *   RE-CONFIG and FORWARD TSN chunk types (RFC 5061 §4.2.7), which RFC 8831 §6.2 requires; and,
 *   if enabled, that we accept zero checksums over DTLS (RFC 9653 §5.1).
 * - {@link peerAcceptsZeroChecksum}: whether our packets may go without a CRC32c (RFC 9653 §5.2).
 * - {@link cookieAction}: what a valid COOKIE ECHO means given the association that exists
 *   (§5.2.4, table 21): a fresh association, a restart of the peer, an INIT collision, a
 *   duplicate, or something to drop.
 */
import { ChunkType } from '../chunks/chunk.js';
import { encodeForwardTsnSupported } from '../params/forward-tsn-supported.js';
import { encodeSupportedExtensions } from '../params/supported-extensions.js';
import { Edmid, encodeZeroChecksumAcceptable } from '../params/zero-checksum-acceptable.js';
import type { CookieContent } from './cookie.js';
import { AssociationState } from './state.js';

export function initParams(zeroChecksum: boolean): Uint8Array[] {
  const params = [
    encodeForwardTsnSupported(),
    encodeSupportedExtensions([ChunkType.ForwardTsn, ChunkType.ReConfig]),
  ];
  if (zeroChecksum) params.push(encodeZeroChecksumAcceptable(Edmid.SctpOverDtls));
  return params;
}

/**
 * RFC 9653 §5.2: we may send zero checksums only to a peer whose INIT or INIT ACK announced the
 * method we use (SCTP over DTLS, §6), and only if we are over DTLS ourselves (the option).
 */
export function peerAcceptsZeroChecksum(zeroChecksum: boolean, peerEdmid: number | undefined): boolean {
  return zeroChecksum && peerEdmid === Edmid.SctpOverDtls;
}

export type CookieAction =
  /** No association yet: create it from the cookie. */
  | 'new'
  /** §5.2.4 A: the peer restarted; start over with the cookie's tags. */
  | 'restart'
  /** §5.2.4 B: INIT collision; adopt the cookie's peer parameters, enter ESTABLISHED. */
  | 'collision'
  /** §5.2.4 D: our own association, echoed again: (re)enter ESTABLISHED, answer COOKIE ACK. */
  | 'duplicate'
  /** §5.2.4 C and everything else: drop silently. */
  | 'discard';

export interface CurrentTags {
  readonly state: AssociationState;
  readonly localTag: number;
  readonly peerTag: number;
}

export function cookieAction(tcb: CurrentTags, c: CookieContent): CookieAction {
  if (tcb.state === AssociationState.Closed) return 'new';
  const localMatch = c.localTag === tcb.localTag;
  const peerMatch = c.peerTag === tcb.peerTag;
  if (!localMatch && !peerMatch && c.localTieTag === tcb.localTag && c.peerTieTag === tcb.peerTag) {
    return 'restart';
  }
  if (localMatch && !peerMatch) return 'collision';
  if (localMatch && peerMatch) return 'duplicate';
  return 'discard';
}
