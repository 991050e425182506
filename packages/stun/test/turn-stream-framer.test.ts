/** StreamFramer: TCP/TLS reassembly of STUN and ChannelData frames (RFC 8489 §6.2.2, RFC 8656 §12.5). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AttributeType,
  encodeChannelData,
  StreamFramer,
  StunClass,
  StunMethod,
  StunParseError,
  StunWriter,
} from '../src/index.js';

/** A frame of either kind: ChannelData (padded) or a STUN indication carrying DATA. */
const frameArb = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0x4000, max: 0x4fff }), fc.uint8Array({ maxLength: 70 }))
    .map(([channel, data]) => encodeChannelData(channel, data, true)),
  fc
    .uint8Array({ maxLength: 70 })
    .map((data) =>
      new StunWriter()
        .reset(StunMethod.Data, StunClass.Indication)
        .add(AttributeType.Data, data)
        .finishCopy(),
    ),
);

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('StreamFramer', () => {
  it('gives back the frames however the stream is cut', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 12 }), fc.array(fc.nat({ max: 200 })), (frames, cuts) => {
        const stream = concat(frames);
        const framer = new StreamFramer();
        const out: Uint8Array[] = [];
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        let from = 0;
        for (const to of [...points, stream.length]) {
          // A fresh copy per chunk, as a socket would hand them out.
          framer.push(stream.slice(from, to), (f) => out.push(f.slice()));
          from = to;
        }
        expect(out).toEqual(frames);
        expect(framer.buffered).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('holds back at most one partial frame', () => {
    const framer = new StreamFramer();
    const frame = encodeChannelData(0x4000, new Uint8Array(1000), true);
    const out: Uint8Array[] = [];
    framer.push(frame.subarray(0, 2), (f) => out.push(f));
    expect(framer.buffered).toBe(2);
    framer.push(frame.subarray(2, 600), (f) => out.push(f));
    expect(framer.buffered).toBe(600);
    framer.push(frame.subarray(600), (f) => out.push(f));
    expect(out).toEqual([frame]);
    expect(framer.buffered).toBe(0);
  });

  it('throws StunParseError when the stream is neither STUN nor ChannelData', () => {
    const framer = new StreamFramer();
    expect(() => framer.push(new Uint8Array([0xc0, 0, 0, 0]), () => {})).toThrow(StunParseError);
  });
});
