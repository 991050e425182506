/**
 * DTLS attributes: a=fingerprint (RFC 8122 §5) `<hash-func> <hex>:<hex>...` and a=setup
 * (RFC 4145 §4, RFC 8842 §5) `active | passive | actpass | holdconn`.
 */
import { badValue } from '../errors.js';
import { token } from '../text.js';

export interface Fingerprint {
  /** `sha-256` (what every browser sends), `sha-1`, `sha-384`, `sha-512`... as written. */
  readonly algorithm: string;
  /** Upper- or lower-case hex pairs joined by colons, as written. */
  readonly value: string;
}

const HEX_PAIRS = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})*$/;

export function parseFingerprint(value: string): Fingerprint {
  const sp = value.indexOf(' ');
  if (sp === -1) badValue('a=fingerprint is <hash function> <fingerprint>');
  const algorithm = token(value.slice(0, sp), 'fingerprint hash function');
  const hex = value.slice(sp + 1);
  if (hex.length > 3 * 64 || !HEX_PAIRS.test(hex)) badValue('fingerprint: colon-separated hex pairs');
  return { algorithm, value: hex };
}

export function formatFingerprint(f: Fingerprint): string {
  return `${f.algorithm} ${f.value}`;
}

/** The fingerprint's bytes, e.g. to compare with a certificate's digest. */
export function fingerprintBytes(f: Fingerprint): Uint8Array {
  const parts = f.value.split(':');
  const out = new Uint8Array(parts.length);
  for (let i = 0; i < parts.length; i++) out[i] = Number.parseInt(parts[i] as string, 16);
  return out;
}

export type Setup = 'active' | 'passive' | 'actpass' | 'holdconn';

export function parseSetup(value: string): Setup {
  if (value === 'active' || value === 'passive' || value === 'actpass' || value === 'holdconn') return value;
  return badValue(`a=setup: not active, passive, actpass or holdconn: ${JSON.stringify(value)}`);
}
