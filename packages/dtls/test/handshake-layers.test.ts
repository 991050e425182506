/**
 * The version-independent handshake layers: reassembly (RFC 6347 §4.2.3), the retransmission
 * timer (§4.2.4.1) and the stateless cookie (§4.2.1).
 */
import { describe, expect, it } from 'vitest';
import { CookieSecrets, splitClientHelloForCookie } from '../src/handshake/cookie.js';
import { type FlightMessage, packFlight } from '../src/handshake/flight.js';
import { type HandshakeFragmentIn, HandshakeReassembler } from '../src/handshake/reassembler.js';
import { RetransmitTimer } from '../src/handshake/retransmit.js';
import { splitHandshakeFragments } from '../src/messages/handshake-header.js';
import { RecordLayer } from '../src/record/record-layer.js';
import { seededRandom } from './support/virtual-network.js';

function fragmentsOf(msgType: number, seq: number, body: Uint8Array, size: number): HandshakeFragmentIn[] {
  const out: HandshakeFragmentIn[] = [];
  for (let off = 0; off < body.length || (off === 0 && body.length === 0); off += size) {
    out.push({
      msgType,
      length: body.length,
      messageSeq: seq,
      fragmentOffset: off,
      fragment: body.subarray(off, Math.min(body.length, off + size)),
    });
    if (body.length === 0) break;
  }
  return out;
}

function bytes(n: number, seed: number): Uint8Array {
  const r = seededRandom(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
}

describe('HandshakeReassembler', () => {
  it('hands out messages in order whatever the fragment order, duplicates and overlaps', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const r = seededRandom(seed);
      const bodies = [bytes(700, seed), bytes(0, seed), bytes(2500, seed + 1), bytes(13, seed + 2)];
      const frags: HandshakeFragmentIn[] = [];
      bodies.forEach((b, i) => {
        frags.push(...fragmentsOf(i + 1, i, b, 100 + Math.floor(r() * 300)));
        // Overlapping fragments from a retransmission with another MTU.
        frags.push(...fragmentsOf(i + 1, i, b, 57));
      });
      for (let i = frags.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [frags[i], frags[j]] = [frags[j]!, frags[i]!];
      }
      const re = new HandshakeReassembler();
      const out: Uint8Array[] = [];
      for (const f of frags) {
        re.push(f, 0);
        for (let m = re.pop(); m !== undefined; m = re.pop()) {
          expect(m.msgType).toBe(m.messageSeq + 1);
          out.push(m.body);
        }
      }
      expect(out).toEqual(bodies);
      expect(re.bufferedBytes).toBe(0);
      expect(re.push(frags[0]!, 0)).toBe('old');
    }
  });

  it('reports duplicates and contradicting fragments', () => {
    const re = new HandshakeReassembler();
    const body = bytes(300, 3);
    const [a, b] = fragmentsOf(11, 0, body, 200);
    expect(re.push(a!, 0)).toBe('buffered');
    expect(re.push(a!, 0)).toBe('duplicate');
    expect(re.push({ ...b!, msgType: 12 }, 0)).toBe('dropped');
    expect(re.push({ ...b!, length: 301 }, 0)).toBe('dropped');
    expect(re.push(b!, 1)).toBe('dropped');
    expect(re.pop()).toBeUndefined();
    expect(re.push(b!, 0)).toBe('buffered');
    expect(re.pop()?.body).toEqual(body);
  });

  it('enforces the caps: message length, bytes buffered, messages ahead', () => {
    const re = new HandshakeReassembler({
      maxMessageLength: 1000,
      maxBufferedBytes: 1500,
      maxMessagesAhead: 4,
    });
    const f = (seq: number, length: number): HandshakeFragmentIn => ({
      msgType: 1,
      length,
      messageSeq: seq,
      fragmentOffset: 0,
      fragment: new Uint8Array(10),
    });
    expect(re.push(f(0, 1001), 0)).toBe('dropped');
    expect(re.push(f(4, 10), 0)).toBe('dropped');
    expect(re.push(f(1, 1000), 0)).toBe('buffered');
    expect(re.push(f(2, 600), 0)).toBe('dropped');
    expect(re.push(f(2, 500), 0)).toBe('buffered');
    expect(re.bufferedBytes).toBe(1500);
    // A fragment running past its message's end.
    expect(re.push({ ...f(3, 5), fragment: new Uint8Array(6) }, 0)).toBe('dropped');
    re.skipTo(2);
    expect(re.bufferedBytes).toBe(500);
    expect(re.nextSeq).toBe(2);
  });
});

describe('RetransmitTimer', () => {
  it('doubles from the initial value up to the bound, then gives up', () => {
    const t = new RetransmitTimer({ initial: 1000, max: 4000, maxRetransmissions: 4 });
    t.start(0);
    const fired: number[] = [];
    let now = 0;
    for (;;) {
      now = t.deadline!;
      expect(t.expire(now - 1)).toBeUndefined();
      const a = t.expire(now);
      fired.push(now);
      if (a === 'give-up') break;
    }
    expect(fired).toEqual([1000, 3000, 7000, 11000, 15000]);
    expect(t.deadline).toBeUndefined();
    t.start(20_000);
    expect(t.deadline).toBe(21_000);
  });
});

describe('CookieSecrets', () => {
  const hello = (cookie: Uint8Array): Uint8Array => {
    const b = [
      0xfe,
      0xfd,
      ...new Uint8Array(32).fill(7),
      0,
      cookie.length,
      ...cookie,
      0,
      2,
      0xc0,
      0x2b,
      1,
      0,
    ];
    return Uint8Array.from([...b, 0, 0]);
  };

  it('verifies its own cookies for the same remote and parameters, across one rotation', () => {
    const s = new CookieSecrets({ rotationInterval: 1000 });
    const first = splitClientHelloForCookie(hello(new Uint8Array(0)))!;
    const cookie = s.make('1.2.3.4:5', first, 0);
    const second = splitClientHelloForCookie(hello(cookie))!;
    expect(Buffer.from(second.cookie).equals(cookie)).toBe(true);
    expect(s.verify('1.2.3.4:5', second, 10)).toBe(true);
    expect(s.verify('1.2.3.4:6', second, 10)).toBe(false);
    expect(s.verify('1.2.3.4:5', second, 1500)).toBe(true); // previous secret
    expect(s.verify('1.2.3.4:5', second, 2600)).toBe(false); // rotated twice
  });

  it('rejects truncated ClientHellos without throwing', () => {
    const h = hello(new Uint8Array(32));
    for (let n = 0; n < h.length - 2; n++) {
      expect(splitClientHelloForCookie(h.subarray(0, n))).toBeUndefined();
    }
    expect(splitClientHelloForCookie(h.subarray(0, h.length - 2))).toBeDefined();
    expect(splitClientHelloForCookie(h)).toBeDefined();
  });
});

describe('packFlight', () => {
  it('fits every datagram in the MTU and carries every message, empty ones included', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = seededRandom(seed);
      const mtu = 256 + Math.floor(r() * 1200);
      const messages: FlightMessage[] = [];
      const count = 1 + Math.floor(r() * 6);
      for (let i = 0; i < count; i++) {
        const length = r() < 0.3 ? 0 : Math.floor(r() * 3000);
        messages.push({
          kind: 'handshake',
          epoch: 0,
          msgType: 1 + i,
          messageSeq: i,
          body: bytes(length, seed * 10 + i),
        });
        if (r() < 0.2) messages.push({ kind: 'change_cipher_spec', epoch: 0 });
      }
      const records = new RecordLayer();
      const datagrams = packFlight(messages, mtu, records);
      const re = new HandshakeReassembler();
      let ccs = 0;
      for (const d of datagrams) {
        expect(d.length).toBeLessThanOrEqual(mtu);
        for (const record of records.split(d)) {
          if (record.contentType === 20) ccs++;
          else for (const f of splitHandshakeFragments(record.fragment)) re.push(f, 0);
        }
      }
      const out: Uint8Array[] = [];
      for (let m = re.pop(); m !== undefined; m = re.pop()) out.push(m.body);
      const handshakes = messages.filter((m) => m.kind === 'handshake');
      expect(out.map((b) => Buffer.from(b).toString('hex'))).toEqual(
        handshakes.map((m) => Buffer.from(m.body).toString('hex')),
      );
      expect(ccs).toBe(messages.length - handshakes.length);
    }
  });
});
