/**
 * The interface between the record layer and a cipher: protect one record's fragment, or open
 * it. DTLS 1.2 AEAD (protection-dtls12.ts) is the only implementation today; epoch 0 has none
 * (plaintext). DTLS 1.3 will add its own (inner content type, record number encryption).
 */

export interface RecordProtection {
  /** Bytes a protected fragment has beyond its plaintext (explicit nonce + tag). */
  readonly overhead: number;
  /**
   * Protects `plaintext` as the fragment of the record described by the other arguments, writing
   * it into `out` at `offset` (which must have `plaintext.length + overhead` bytes free and not
   * overlap `plaintext`). Returns the fragment length.
   */
  sealFragment(
    contentType: number,
    version: number,
    epoch: number,
    sequenceNumber: number,
    plaintext: Uint8Array,
    out: Uint8Array,
    offset: number,
  ): number;
  /** The plaintext of a protected fragment, or `undefined` if it does not authenticate. Never throws. */
  openFragment(
    contentType: number,
    version: number,
    epoch: number,
    sequenceNumber: number,
    fragment: Uint8Array,
  ): Uint8Array | undefined;
}
