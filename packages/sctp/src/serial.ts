/**
 * Serial number arithmetic (RFC 1982) for TSNs (32 bits, RFC 9260 §1.6) and stream sequence
 * numbers (16 bits). `a` is "less than" `b` when `b` is ahead of `a` by less than half the space.
 */

/** a + n mod 2^32. */
export function tsnAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** b - a as a signed 32-bit distance: positive when b is ahead of a. */
export function tsnDiff(b: number, a: number): number {
  return (b - a) | 0;
}

export function tsnLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

export function tsnLte(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

export function tsnGt(a: number, b: number): boolean {
  return ((b - a) | 0) < 0;
}

/** a + n mod 2^16. */
export function ssnAdd(a: number, n: number): number {
  return (a + n) & 0xffff;
}

/** b - a as a signed 16-bit distance. */
export function ssnDiff(b: number, a: number): number {
  return (((b - a) << 16) >> 16) | 0;
}

export function ssnLt(a: number, b: number): boolean {
  return ssnDiff(b, a) > 0;
}

export function ssnLte(a: number, b: number): boolean {
  return ssnDiff(b, a) >= 0;
}

export function tsnGte(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}
