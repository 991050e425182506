/**
 * Cuts a TCP/TLS byte stream from a TURN server back into messages. Over a stream, STUN frames
 * itself by its header's length (RFC 8489 §6.2.2) and ChannelData by its own, padded to a
 * multiple of 4 (RFC 8656 §12.5); `streamFrameLength` reads either.
 *
 * Frames that lie whole inside one chunk are handed out as views of it (no copy); a frame split
 * across chunks is assembled in a buffer of its own, handed out and forgotten, so a view never
 * changes under its holder. The length fields are 16 bits, so what is held back between
 * chunks is at most one frame, under 64 KiB: the buffer is bounded by the wire format.
 */
import { streamFrameLength } from './channel-data.js';

export class StreamFramer {
  /** The first bytes of a frame whose 4-byte header has not all arrived. */
  private readonly header = new Uint8Array(4);
  private headerFilled = 0;
  /** The frame being assembled, sized once its header was read. */
  private frame: Uint8Array | undefined;
  private filled = 0;

  /** Bytes held back waiting for the rest of their frame. */
  get buffered(): number {
    return this.frame !== undefined ? this.filled : this.headerFilled;
  }

  /**
   * Feeds the next chunk of the stream; `onFrame` gets each complete frame in order. Throws
   * StunParseError when a frame starts with bits that are neither STUN nor ChannelData: the
   * stream has lost its framing and nothing after that point can be trusted.
   */
  push(chunk: Uint8Array, onFrame: (frame: Uint8Array) => void): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.frame !== undefined) {
        const n = Math.min(this.frame.length - this.filled, chunk.length - at);
        this.frame.set(chunk.subarray(at, at + n), this.filled);
        this.filled += n;
        at += n;
        this.emitIfComplete(onFrame);
        continue;
      }
      if (this.headerFilled > 0) {
        const n = Math.min(4 - this.headerFilled, chunk.length - at);
        this.header.set(chunk.subarray(at, at + n), this.headerFilled);
        this.headerFilled += n;
        at += n;
        if (this.headerFilled < 4) return;
        this.headerFilled = 0;
        this.startFrame(this.header, onFrame);
        continue;
      }
      const rest = chunk.length - at;
      if (rest < 4) {
        this.header.set(chunk.subarray(at));
        this.headerFilled = rest;
        return;
      }
      const length = streamFrameLength(chunk.subarray(at)) as number;
      if (rest >= length) {
        onFrame(chunk.subarray(at, at + length));
        at += length;
        continue;
      }
      this.startFrame(chunk.subarray(at), onFrame);
      at = chunk.length;
    }
  }

  /** Forgets any partial frame (the connection is gone). */
  reset(): void {
    this.frame = undefined;
    this.filled = 0;
    this.headerFilled = 0;
  }

  /** Begins assembling a frame from `start`, which holds its first (at least 4) bytes. */
  private startFrame(start: Uint8Array, onFrame: (frame: Uint8Array) => void): void {
    const length = streamFrameLength(start) as number;
    this.frame = new Uint8Array(length);
    this.frame.set(start.subarray(0, length));
    this.filled = Math.min(start.length, length);
    this.emitIfComplete(onFrame);
  }

  private emitIfComplete(onFrame: (frame: Uint8Array) => void): void {
    const frame = this.frame;
    if (frame === undefined || this.filled < frame.length) return;
    this.frame = undefined;
    this.filled = 0;
    onFrame(frame);
  }
}
