/**
 * DTLS-SRTP keying (RFC 5764 §4.2): the exporter (RFC 5705) with label "EXTRACTOR-dtls_srtp"
 * and no context gives 2 * (key + salt) bytes, laid out as
 *
 *   client_write_SRTP_master_key | server_write_SRTP_master_key |
 *   client_write_SRTP_master_salt | server_write_SRTP_master_salt
 *
 * Key and salt lengths per profile: RFC 5764 §4.1.2 (AES-CM: 16-byte key, 14-byte salt) and
 * RFC 7714 §12 (AEAD-AES-GCM: 16- or 32-byte key, 12-byte salt). The client protects what it
 * sends with the client keys; the server with the server keys.
 */
import { SrtpProtectionProfile } from '../constants.js';
import type { HashAlgorithm } from '../crypto/hash.js';
import { exportKeyingMaterial12 } from './key-schedule-dtls12.js';

export const DTLS_SRTP_EXPORTER_LABEL = 'EXTRACTOR-dtls_srtp';

export interface SrtpProfileInfo {
  readonly id: SrtpProtectionProfile;
  readonly name: string;
  readonly masterKeyLength: number;
  readonly masterSaltLength: number;
}

const PROFILES: ReadonlyMap<number, SrtpProfileInfo> = new Map(
  (
    [
      [SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80, 'SRTP_AES128_CM_HMAC_SHA1_80', 16, 14],
      [SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32, 'SRTP_AES128_CM_HMAC_SHA1_32', 16, 14],
      [SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM, 'SRTP_AEAD_AES_128_GCM', 16, 12],
      [SrtpProtectionProfile.SRTP_AEAD_AES_256_GCM, 'SRTP_AEAD_AES_256_GCM', 32, 12],
    ] as const
  ).map(([id, name, masterKeyLength, masterSaltLength]) => [
    id,
    Object.freeze({ id, name, masterKeyLength, masterSaltLength }),
  ]),
);

/** Our preference when choosing among the client's profiles: AEAD first (RFC 7714), then AES-CM. */
export const SRTP_PROFILE_PREFERENCE: readonly SrtpProtectionProfile[] = [
  SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM,
  SrtpProtectionProfile.SRTP_AEAD_AES_256_GCM,
  SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
  SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32,
];

/** Key and salt sizes of a profile, or `undefined` if this package does not know it. */
export function srtpProfileInfo(id: number): SrtpProfileInfo | undefined {
  return PROFILES.get(id);
}

/** Bytes of keying material a profile needs: 2 * (key + salt). */
export function srtpKeyingMaterialLength(profile: SrtpProfileInfo): number {
  return 2 * (profile.masterKeyLength + profile.masterSaltLength);
}

export interface SrtpKeyingMaterial {
  readonly profile: SrtpProfileInfo;
  readonly clientMasterKey: Uint8Array;
  readonly clientMasterSalt: Uint8Array;
  readonly serverMasterKey: Uint8Array;
  readonly serverMasterSalt: Uint8Array;
}

function profileOrThrow(id: number): SrtpProfileInfo {
  const profile = PROFILES.get(id);
  if (profile === undefined)
    throw new RangeError(`unknown SRTP protection profile 0x${id.toString(16).padStart(4, '0')}`);
  return profile;
}

/** Splits exported keying material into the four SRTP master keys and salts (RFC 5764 §4.2). */
export function splitSrtpKeyingMaterial(profileId: number, material: Uint8Array): SrtpKeyingMaterial {
  const profile = profileOrThrow(profileId);
  const k = profile.masterKeyLength;
  const s = profile.masterSaltLength;
  if (material.length !== 2 * (k + s)) {
    throw new RangeError(
      `${profile.name} needs ${2 * (k + s)} bytes of keying material, got ${material.length}`,
    );
  }
  return {
    profile,
    clientMasterKey: material.slice(0, k),
    serverMasterKey: material.slice(k, 2 * k),
    clientMasterSalt: material.slice(2 * k, 2 * k + s),
    serverMasterSalt: material.slice(2 * k + s, 2 * k + 2 * s),
  };
}

/** Exports and splits the SRTP keys of a DTLS 1.2 session (RFC 5764 §4.2 over RFC 5705 §4). */
export function deriveSrtpKeyingMaterial12(
  hash: HashAlgorithm,
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  profileId: number,
): SrtpKeyingMaterial {
  const profile = profileOrThrow(profileId);
  const material = exportKeyingMaterial12(
    hash,
    masterSecret,
    clientRandom,
    serverRandom,
    DTLS_SRTP_EXPORTER_LABEL,
    srtpKeyingMaterialLength(profile),
  );
  return splitSrtpKeyingMaterial(profileId, material);
}

/** The keys one side uses: local to protect what it sends, remote to unprotect what it receives. */
export function srtpKeysForRole(
  keys: SrtpKeyingMaterial,
  role: 'client' | 'server',
): {
  localMasterKey: Uint8Array;
  localMasterSalt: Uint8Array;
  remoteMasterKey: Uint8Array;
  remoteMasterSalt: Uint8Array;
} {
  return role === 'client'
    ? {
        localMasterKey: keys.clientMasterKey,
        localMasterSalt: keys.clientMasterSalt,
        remoteMasterKey: keys.serverMasterKey,
        remoteMasterSalt: keys.serverMasterSalt,
      }
    : {
        localMasterKey: keys.serverMasterKey,
        localMasterSalt: keys.serverMasterSalt,
        remoteMasterKey: keys.clientMasterKey,
        remoteMasterSalt: keys.clientMasterSalt,
      };
}
