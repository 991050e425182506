/**
 * Master keys of a session, raw or from DTLS-SRTP keying material (RFC 5764 §4.2). The exporter
 * output is 2 * (key + salt) bytes:
 *
 *   client_write_SRTP_master_key | server_write_SRTP_master_key |
 *   client_write_SRTP_master_salt | server_write_SRTP_master_salt
 *
 * The client protects what it sends with the client key and salt, the server with the server's:
 * so our local (sending) keys are the ones of our DTLS role, the remote keys the other role's.
 */
import { SrtpError } from '../errors.js';
import { type SrtpProfileParams, srtpProfileParams } from './profile.js';

export interface SrtpMasterKey {
  readonly key: Uint8Array;
  readonly salt: Uint8Array;
}

export interface SrtpKeys {
  /** Protects what we send. */
  readonly local: SrtpMasterKey;
  /** Unprotects what we receive. */
  readonly remote: SrtpMasterKey;
}

/** Our DTLS role in the handshake that produced the keying material. */
export type DtlsRole = 'client' | 'server';

export function profileParamsOrThrow(profile: number): SrtpProfileParams {
  const params = srtpProfileParams(profile);
  if (params === undefined)
    throw new SrtpError(
      'BAD_PROFILE',
      `unknown SRTP protection profile 0x${profile.toString(16).padStart(4, '0')}`,
    );
  return params;
}

/** Splits DTLS-SRTP keying material; throws SrtpError BAD_KEY when its length is wrong. */
export function splitKeyingMaterial(material: Uint8Array, profile: number, role: DtlsRole): SrtpKeys {
  const p = profileParamsOrThrow(profile);
  const k = p.keyLength;
  const s = p.saltLength;
  if (material.length !== 2 * (k + s))
    throw new SrtpError(
      'BAD_KEY',
      `${p.name} needs ${2 * (k + s)} bytes of keying material, got ${material.length}`,
    );
  const client = { key: material.slice(0, k), salt: material.slice(2 * k, 2 * k + s) };
  const server = { key: material.slice(k, 2 * k), salt: material.slice(2 * k + s, 2 * (k + s)) };
  return role === 'client' ? { local: client, remote: server } : { local: server, remote: client };
}

export function checkMasterKey(p: SrtpProfileParams, which: string, m: SrtpMasterKey): void {
  if (m.key.length !== p.keyLength)
    throw new SrtpError(
      'BAD_KEY',
      `${which} master key: ${p.name} needs ${p.keyLength} bytes, got ${m.key.length}`,
    );
  if (m.salt.length !== p.saltLength)
    throw new SrtpError(
      'BAD_KEY',
      `${which} master salt: ${p.name} needs ${p.saltLength} bytes, got ${m.salt.length}`,
    );
}
