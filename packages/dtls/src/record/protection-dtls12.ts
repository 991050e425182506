/**
 * DTLS 1.2 AEAD record protection (RFC 5246 §6.2.3.3 with RFC 6347 §4.1.2.1's seq_num):
 *
 *   seq_num         = epoch (2 bytes) || sequence_number (6 bytes)
 *   additional_data = seq_num + type + version + length      (length of the *plaintext*, 13 bytes)
 *
 * AES-GCM (RFC 5288 §3): nonce = salt (4-byte client/server_write_IV) || nonce_explicit (8 bytes),
 * and nonce_explicit travels in front of the ciphertext. We send seq_num as nonce_explicit (unique
 * per key, as §3 requires); on receipt we use whatever the sender put there.
 *   fragment = nonce_explicit (8) || ciphertext || tag (16)        overhead 24
 *
 * ChaCha20-Poly1305 (RFC 7905 §2): nonce = client/server_write_IV (12 bytes) XOR seq_num
 * left-padded with four zero bytes; nothing explicit in the record.
 *   fragment = ciphertext || tag (16)                              overhead 16
 *
 * A DTLS 1.3 record has a different nonce and additional data; it will live in its own file.
 */
import type { CipherSuiteInfo } from '../cipher-suites.js';
import { AEAD_NONCE_LENGTH, AeadCipher } from '../crypto/aead.js';
import type { KeyBlock12 } from '../keys/key-schedule-dtls12.js';
import { writeSequence } from './header.js';
import type { RecordProtection } from './protection.js';

const AAD_LENGTH = 13;
const EXPLICIT_NONCE_LENGTH = 8;

/** Record protection for one direction of one epoch with an AEAD suite. */
export class Dtls12AeadProtection implements RecordProtection {
  readonly overhead: number;
  private readonly cipher: AeadCipher;
  private readonly explicitNonce: boolean;
  private readonly iv: Uint8Array;
  // Scratch space reused for every record (node:crypto copies nonce and AAD when given them).
  private readonly nonce = new Uint8Array(AEAD_NONCE_LENGTH);
  private readonly aad = new Uint8Array(AAD_LENGTH);

  constructor(
    readonly suite: CipherSuiteInfo,
    key: Uint8Array,
    iv: Uint8Array,
  ) {
    if (iv.length !== suite.fixedIvLength) {
      throw new RangeError(`${suite.name} needs a ${suite.fixedIvLength}-byte IV, got ${iv.length}`);
    }
    this.cipher = new AeadCipher(suite.aead, key);
    this.explicitNonce = suite.recordIvLength === EXPLICIT_NONCE_LENGTH;
    this.iv = iv.slice();
    this.overhead = suite.recordOverhead;
    if (this.explicitNonce) this.nonce.set(this.iv, 0);
  }

  private fillAad(contentType: number, version: number, epoch: number, seq: number, length: number): void {
    const aad = this.aad;
    writeSequence(aad, 0, epoch, seq);
    aad[8] = contentType;
    aad[9] = version >>> 8;
    aad[10] = version & 0xff;
    aad[11] = length >>> 8;
    aad[12] = length & 0xff;
  }

  /** ChaCha20-Poly1305 nonce: IV XOR (0^32 || seq_num) (RFC 7905 §2). Expects the AAD filled. */
  private fillXorNonce(): void {
    const nonce = this.nonce;
    const iv = this.iv;
    for (let i = 0; i < 4; i++) nonce[i] = iv[i] as number;
    for (let i = 0; i < 8; i++) nonce[4 + i] = (iv[4 + i] as number) ^ (this.aad[i] as number);
  }

  sealFragment(
    contentType: number,
    version: number,
    epoch: number,
    sequenceNumber: number,
    plaintext: Uint8Array,
    out: Uint8Array,
    offset: number,
  ): number {
    this.fillAad(contentType, version, epoch, sequenceNumber, plaintext.length);
    if (this.explicitNonce) {
      // nonce_explicit = seq_num, written into the record and the nonce.
      out.set(this.aad.subarray(0, EXPLICIT_NONCE_LENGTH), offset);
      this.nonce.set(this.aad.subarray(0, EXPLICIT_NONCE_LENGTH), 4);
      return (
        EXPLICIT_NONCE_LENGTH +
        this.cipher.seal(this.nonce, this.aad, plaintext, out, offset + EXPLICIT_NONCE_LENGTH)
      );
    }
    this.fillXorNonce();
    return this.cipher.seal(this.nonce, this.aad, plaintext, out, offset);
  }

  openFragment(
    contentType: number,
    version: number,
    epoch: number,
    sequenceNumber: number,
    fragment: Uint8Array,
  ): Uint8Array | undefined {
    if (fragment.length < this.overhead) return undefined;
    this.fillAad(contentType, version, epoch, sequenceNumber, fragment.length - this.overhead);
    if (this.explicitNonce) {
      this.nonce.set(fragment.subarray(0, EXPLICIT_NONCE_LENGTH), 4);
      return this.cipher.open(this.nonce, this.aad, fragment.subarray(EXPLICIT_NONCE_LENGTH));
    }
    this.fillXorNonce();
    return this.cipher.open(this.nonce, this.aad, fragment);
  }
}

/**
 * The read and write protections of one side after the key block is expanded: the client writes
 * with the client keys and reads with the server's, and the other way round (RFC 5246 §6.3).
 */
export function dtls12Protections(
  suite: CipherSuiteInfo,
  keys: KeyBlock12,
  role: 'client' | 'server',
): { read: Dtls12AeadProtection; write: Dtls12AeadProtection } {
  const client = new Dtls12AeadProtection(suite, keys.clientWriteKey, keys.clientWriteIv);
  const server = new Dtls12AeadProtection(suite, keys.serverWriteKey, keys.serverWriteIv);
  return role === 'client' ? { read: server, write: client } : { read: client, write: server };
}
