/** Cryptographically secure random bytes (node:crypto's CSPRNG). */
import { randomFillSync } from 'node:crypto';

export function randomBytes(length: number): Uint8Array {
  return randomFillSync(new Uint8Array(length));
}
