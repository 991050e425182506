/**
 * use_srtp (RFC 5764 §4.1.1): type 14.
 *
 *   uint8 SRTPProtectionProfile[2];
 *   struct {
 *     SRTPProtectionProfile SRTPProtectionProfiles<2..2^16-1>;
 *     opaque srtp_mki<0..255>;
 *   } UseSRTPData;
 *
 * The client lists the profiles it supports; the server answers with exactly one of them
 * (§4.1.1) and, if it supports MKIs, the same MKI. Profiles: RFC 5764 §4.1.2 and RFC 7714 §14.2
 * (see constants.ts `SrtpProtectionProfile`).
 */
import { ExtensionType } from '../constants.js';
import { DtlsParseError } from '../errors.js';
import { ByteReader } from '../reader.js';
import { ByteWriter } from '../writer.js';
import type { Extension } from './extension-list.js';

export interface UseSrtp {
  readonly profiles: readonly number[];
  /** srtp_mki; empty when no MKI is used (the usual case in WebRTC). */
  readonly mki: Uint8Array;
}

/** A cap on the profile list (a dozen are registered). */
export const MAX_SRTP_PROFILES = 64;

export function encodeUseSrtp(value: UseSrtp): Extension {
  const w = new ByteWriter(4 + 2 * value.profiles.length + value.mki.length);
  const marker = w.beginVector(2);
  for (const profile of value.profiles) w.u16(profile);
  w.endVector(marker);
  w.vector(1, value.mki);
  return { type: ExtensionType.use_srtp, data: w.finish() };
}

export function decodeUseSrtp(data: Uint8Array, offset = 0): UseSrtp {
  const r = new ByteReader(data, offset);
  const list = r.subReader(2, 'use_srtp.profiles', 2, 2 * MAX_SRTP_PROFILES);
  if (list.remaining % 2 !== 0) {
    throw new DtlsParseError('BAD_LENGTH', 'use_srtp.profiles', offset, `odd length ${list.remaining}`);
  }
  const profiles: number[] = [];
  while (list.remaining > 0) profiles.push(list.u16('use_srtp.profile'));
  const mki = r.vector(1, 'use_srtp.mki', 0, 255);
  r.end('use_srtp');
  return { profiles, mki };
}
