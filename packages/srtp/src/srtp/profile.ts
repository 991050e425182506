/**
 * SRTP protection profiles (RFC 5764 §4.1.2, RFC 7714 §14.2) and their transform parameters.
 * The numbers are the DTLS-SRTP profile identifiers that use_srtp negotiates.
 */

export const SrtpProfile = {
  /** AES-128 counter mode, HMAC-SHA1 with an 80-bit tag (RFC 5764 §4.1.2). */
  AES_CM_128_HMAC_SHA1_80: 0x0001,
  /** The same with a 32-bit SRTP tag; SRTCP keeps the 80-bit tag (RFC 5764 §4.1.2). */
  AES_CM_128_HMAC_SHA1_32: 0x0002,
  /** AES-128-GCM, 16-byte tag, 12-byte salt (RFC 7714 §14.2). */
  AEAD_AES_128_GCM: 0x0007,
  /** AES-256-GCM, 16-byte tag, 12-byte salt (RFC 7714 §14.2). */
  AEAD_AES_256_GCM: 0x0008,
} as const;
export type SrtpProfile = (typeof SrtpProfile)[keyof typeof SrtpProfile];

export interface SrtpProfileParams {
  readonly id: SrtpProfile;
  readonly name: string;
  /** Master and session key length (bytes). */
  readonly keyLength: number;
  /** Master and session salt length (bytes): 14 for AES-CM, 12 for GCM. */
  readonly saltLength: number;
  readonly aead: boolean;
  /** Session authentication key length (HMAC-SHA1: 160 bits, RFC 3711 §8.2); 0 for AEAD. */
  readonly authKeyLength: number;
  readonly rtpTagLength: number;
  readonly rtcpTagLength: number;
}

const PARAMS: ReadonlyMap<number, SrtpProfileParams> = new Map(
  (
    [
      [SrtpProfile.AES_CM_128_HMAC_SHA1_80, 'AES_CM_128_HMAC_SHA1_80', 16, 14, false, 20, 10, 10],
      [SrtpProfile.AES_CM_128_HMAC_SHA1_32, 'AES_CM_128_HMAC_SHA1_32', 16, 14, false, 20, 4, 10],
      [SrtpProfile.AEAD_AES_128_GCM, 'AEAD_AES_128_GCM', 16, 12, true, 0, 16, 16],
      [SrtpProfile.AEAD_AES_256_GCM, 'AEAD_AES_256_GCM', 32, 12, true, 0, 16, 16],
    ] as const
  ).map(([id, name, keyLength, saltLength, aead, authKeyLength, rtpTagLength, rtcpTagLength]) => [
    id,
    Object.freeze({ id, name, keyLength, saltLength, aead, authKeyLength, rtpTagLength, rtcpTagLength }),
  ]),
);

/** Parameters of a profile, or undefined for an id this package does not implement. */
export function srtpProfileParams(id: number): SrtpProfileParams | undefined {
  return PARAMS.get(id);
}
