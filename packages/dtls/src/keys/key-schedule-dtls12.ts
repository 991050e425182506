/**
 * The DTLS 1.2 key schedule (RFC 5246 §8.1, §6.3, §7.4.9; RFC 7627 §4; RFC 5705 §4), all built
 * on the PRF of crypto/prf-tls12.ts with the cipher suite's PRF hash:
 *
 *   master_secret          = PRF(pre_master_secret, "master secret", client_random + server_random)[0..47]
 *   (RFC 7627)             = PRF(pre_master_secret, "extended master secret", session_hash)[0..47]
 *   key_block              = PRF(master_secret, "key expansion", server_random + client_random)
 *   verify_data            = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11]
 *   exporter (RFC 5705)    = PRF(master_secret, label, client_random + server_random [+ context])
 *
 * For ECDHE the pre_master_secret is the raw shared secret (RFC 8422 §5.10: the x coordinate for
 * P-256, the X25519 output). The session hash and the Finished hash are over the handshake
 * transcript (keys/transcript.ts, which explains DTLS's re-serialized headers).
 */
import type { CipherSuiteInfo } from '../cipher-suites.js';
import { RANDOM_LENGTH } from '../constants.js';
import type { HashAlgorithm } from '../crypto/hash.js';
import { prf12 } from '../crypto/prf-tls12.js';

export const MASTER_SECRET_LENGTH = 48;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function checkRandom(name: string, random: Uint8Array): void {
  if (random.length !== RANDOM_LENGTH)
    throw new RangeError(`${name} must be ${RANDOM_LENGTH} bytes, got ${random.length}`);
}

/** master_secret from the pre-master secret and both randoms (RFC 5246 §8.1). */
export function computeMasterSecret(
  hash: HashAlgorithm,
  preMasterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): Uint8Array {
  checkRandom('clientRandom', clientRandom);
  checkRandom('serverRandom', serverRandom);
  return prf12(
    hash,
    preMasterSecret,
    'master secret',
    concat(clientRandom, serverRandom),
    MASTER_SECRET_LENGTH,
  );
}

/**
 * The extended master secret (RFC 7627 §4). `sessionHash` is Hash(handshake_messages) from the
 * ClientHello up to and including the ClientKeyExchange, with the PRF hash.
 */
export function computeExtendedMasterSecret(
  hash: HashAlgorithm,
  preMasterSecret: Uint8Array,
  sessionHash: Uint8Array,
): Uint8Array {
  return prf12(hash, preMasterSecret, 'extended master secret', sessionHash, MASTER_SECRET_LENGTH);
}

/** The traffic keys of an AEAD suite (no MAC keys, RFC 5246 §6.3 with RFC 5288 §3). */
export interface KeyBlock12 {
  readonly clientWriteKey: Uint8Array;
  readonly serverWriteKey: Uint8Array;
  /** The implicit salt (GCM) or the full IV (ChaCha20-Poly1305). */
  readonly clientWriteIv: Uint8Array;
  readonly serverWriteIv: Uint8Array;
}

/**
 * Expands the key block (RFC 5246 §6.3). Note the seed order: server_random first here, unlike
 * the master secret. Layout: client_write_key, server_write_key, client_write_IV, server_write_IV
 * (the MAC keys come first in the RFC but are empty for AEAD suites).
 */
export function expandKeyBlock12(
  suite: CipherSuiteInfo,
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): KeyBlock12 {
  checkRandom('clientRandom', clientRandom);
  checkRandom('serverRandom', serverRandom);
  const block = prf12(
    suite.prfHash,
    masterSecret,
    'key expansion',
    concat(serverRandom, clientRandom),
    suite.keyBlockLength,
  );
  const k = suite.keyLength;
  const iv = suite.fixedIvLength;
  return {
    clientWriteKey: block.slice(0, k),
    serverWriteKey: block.slice(k, 2 * k),
    clientWriteIv: block.slice(2 * k, 2 * k + iv),
    serverWriteIv: block.slice(2 * k + iv, 2 * k + 2 * iv),
  };
}

/**
 * Finished.verify_data (RFC 5246 §7.4.9): `handshakeHash` is the PRF hash of every handshake
 * message up to (not including) this Finished; the server's covers the client's Finished too.
 */
export function computeVerifyData12(
  hash: HashAlgorithm,
  masterSecret: Uint8Array,
  sender: 'client' | 'server',
  handshakeHash: Uint8Array,
  length = 12,
): Uint8Array {
  return prf12(
    hash,
    masterSecret,
    sender === 'client' ? 'client finished' : 'server finished',
    handshakeHash,
    length,
  );
}

/** Labels the TLS 1.2 key schedule itself uses; RFC 5705 §4 forbids them as exporter labels. */
const RESERVED_LABELS = new Set([
  'client finished',
  'server finished',
  'master secret',
  'key expansion',
  'extended master secret',
]);

/**
 * Keying material exporter (RFC 5705 §4). Without a context the seed is client_random +
 * server_random; with one (even empty) the context is appended with a 2-byte length, so "no
 * context" and "empty context" give different output, as the RFC requires. DTLS-SRTP uses
 * `EXTRACTOR-dtls_srtp` with no context (RFC 5764 §4.2).
 */
export function exportKeyingMaterial12(
  hash: HashAlgorithm,
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  label: string,
  length: number,
  context?: Uint8Array,
): Uint8Array {
  if (RESERVED_LABELS.has(label))
    throw new RangeError(`exporter label ${JSON.stringify(label)} is reserved (RFC 5705 §4)`);
  checkRandom('clientRandom', clientRandom);
  checkRandom('serverRandom', serverRandom);
  if (context !== undefined && context.length > 0xffff)
    throw new RangeError('exporter context longer than 65535 bytes');
  const seedLength = 2 * RANDOM_LENGTH + (context === undefined ? 0 : 2 + context.length);
  const seed = new Uint8Array(seedLength);
  seed.set(clientRandom);
  seed.set(serverRandom, RANDOM_LENGTH);
  if (context !== undefined) {
    seed[2 * RANDOM_LENGTH] = context.length >>> 8;
    seed[2 * RANDOM_LENGTH + 1] = context.length & 0xff;
    seed.set(context, 2 * RANDOM_LENGTH + 2);
  }
  return prf12(hash, masterSecret, label, seed, length);
}
