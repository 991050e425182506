/**
 * AES in counter mode as SRTP uses it (RFC 3711 §4.1.1): keystream block j is E(k, IV + j), the
 * IV's low 16 bits being zero, so at most 2^16 blocks (1 MiB) per IV.
 *
 * One long-lived AES-ECB context encrypts all counter blocks of a packet in one call; the
 * keystream is XORed in place on 32-bit words when the target is 4-byte aligned (SRTP payloads
 * start at a multiple of 4 from the packet start). Counter blocks, the keystream copy and the
 * word views are preallocated and reused: a packet allocates only the keystream Buffer node:crypto
 * returns (and, for a new block count, one cached view).
 */
import { AesEcb } from './crypto.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Blocks allowed under one IV: the block counter is the IV's low 16 bits. */
export const MAX_CM_BLOCKS = 0x10000;

export class AesCm {
  private readonly ecb: AesEcb;
  /** The IV of the next call: callers write it here (16 bytes, low 16 bits zero). */
  readonly iv = new Uint8Array(16);
  private readonly iv32 = new Uint32Array(this.iv.buffer);
  private counters = new Uint8Array(0);
  private counters32 = new Uint32Array(0);
  /** counterViews[n]: the first n blocks of `counters`, made once per n. */
  private counterViews: Uint8Array[] = [];
  private stream = new Uint8Array(0);
  private stream32 = new Uint32Array(0);
  /** Blocks whose words 0..2 hold `w0..w2` (they change only with the SSRC or the ROC). */
  private filled = 0;
  private w0 = 0;
  private w1 = 0;
  private w2 = 0;
  /** The last target buffer and its word view, so a reused output buffer costs no view per packet. */
  private wordsOf: ArrayBufferLike | undefined;
  private words: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

  constructor(key: Uint8Array) {
    this.ecb = new AesEcb(key);
  }

  private grow(blocks: number): void {
    const bytes = Math.max(blocks, 128) * 16;
    this.counters = new Uint8Array(bytes);
    this.counters32 = new Uint32Array(this.counters.buffer);
    this.stream = new Uint8Array(bytes);
    this.stream32 = new Uint32Array(this.stream.buffer);
    this.counterViews = [];
    this.filled = 0;
  }

  /** Keystream for `blocks` blocks from `this.iv` (node:crypto's new Buffer). */
  private keystreamBlocks(blocks: number): Buffer {
    if (blocks > MAX_CM_BLOCKS) throw new RangeError(`${blocks} AES-CM blocks, at most 2^16 per IV`);
    if (this.counters.length < blocks * 16) this.grow(blocks);
    const c = this.counters32;
    const w0 = this.iv32[0] as number;
    const w1 = this.iv32[1] as number;
    const w2 = this.iv32[2] as number;
    const w3 = this.iv32[3] as number;
    // Words 0..2 of every block are the IV's (salt, SSRC, ROC): rewrite them only when they change.
    if (w0 !== this.w0 || w1 !== this.w1 || w2 !== this.w2) {
      this.w0 = w0;
      this.w1 = w1;
      this.w2 = w2;
      this.filled = 0;
    }
    for (let j = this.filled, o = 4 * this.filled; j < blocks; j++, o += 4) {
      c[o] = w0;
      c[o + 1] = w1;
      c[o + 2] = w2;
    }
    if (blocks > this.filled) this.filled = blocks;
    for (let j = 0, o = 3; j < blocks; j++, o += 4) {
      // IV + j: only bytes 14 and 15 change (the IV's low 16 bits are zero).
      c[o] = LITTLE_ENDIAN ? w3 | ((j & 0xff) << 24) | ((j >>> 8) << 16) : w3 | j;
    }
    let view = this.counterViews[blocks];
    if (view === undefined) {
      view = this.counters.subarray(0, blocks * 16);
      this.counterViews[blocks] = view;
    }
    return this.ecb.encrypt(view);
  }

  /** XORs the keystream of `this.iv` over `b[start, end)` in place. */
  xorInPlace(b: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (length <= 0) return;
    const ks = this.keystreamBlocks((length + 15) >>> 4);
    const at = b.byteOffset + start;
    if ((at & 3) !== 0) {
      for (let i = 0; i < length; i++) b[start + i] = (b[start + i] as number) ^ (ks[i] as number);
      return;
    }
    this.stream.set(ks);
    if (this.wordsOf !== b.buffer) {
      this.wordsOf = b.buffer;
      this.words = new Uint32Array(b.buffer, 0, b.buffer.byteLength >>> 2);
    }
    const w = this.words;
    const k = this.stream32;
    const n = length >>> 2;
    const base = at >>> 2;
    for (let i = 0; i < n; i++) w[base + i] = (w[base + i] as number) ^ (k[i] as number);
    const s = this.stream;
    for (let i = n << 2; i < length; i++) b[start + i] = (b[start + i] as number) ^ (s[i] as number);
  }

  /** `length` bytes of keystream for `iv` in a new array (key derivation and tests). */
  keystream(iv: Uint8Array, length: number): Uint8Array {
    this.iv.set(iv);
    const out = new Uint8Array(length);
    this.xorInPlace(out, 0, length);
    return out;
  }
}
