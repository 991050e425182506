/**
 * Builds DNS wire bytes field by field for hand-made packets, so the tests do not depend on the
 * encoder they check. Each helper returns the exact octets RFC 1035 §4.1 describes.
 */

/** Concatenates byte parts. */
export function bytes(...parts: (Uint8Array | number[])[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Hex digits (spaces allowed) to bytes. */
export function hex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) throw new Error(`not hex: ${text}`);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** A 16-bit big-endian field. */
export function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}

/** A 32-bit big-endian field. */
export function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** Uncompressed labels ending in the root octet (ASCII labels only). */
export function labels(...parts: string[]): Uint8Array {
  return bytes(...parts.map((p) => [p.length, ...Array.from(p, (c) => c.charCodeAt(0))]), [0]);
}

/** Labels that end in a compression pointer instead of the root octet. */
export function labelsThenPointer(pointer: number, ...parts: string[]): Uint8Array {
  return bytes(...parts.map((p) => [p.length, ...Array.from(p, (c) => c.charCodeAt(0))]), pointer16(pointer));
}

/** A compression pointer (RFC 1035 §4.1.4): the top two bits set, then a 14-bit offset. */
export function pointer16(offset: number): number[] {
  return [0xc0 | (offset >> 8), offset & 0xff];
}

/** The 12-byte header. */
export function header(
  id: number,
  flags: number,
  qd: number,
  an: number,
  ns: number,
  ar: number,
): Uint8Array {
  return bytes(u16(id), u16(flags), u16(qd), u16(an), u16(ns), u16(ar));
}

/** A resource record's fixed part after its name: TYPE, CLASS, TTL, RDLENGTH, then RDATA. */
export function rr(type: number, klass: number, ttl: number, rdata: Uint8Array | number[]): Uint8Array {
  return bytes(u16(type), u16(klass), u32(ttl), u16(rdata.length), rdata);
}
