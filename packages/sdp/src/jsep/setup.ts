/**
 * DTLS roles (RFC 8842 §5.2, §5.3; RFC 4145 §4.1): the offerer writes actpass, the answerer
 * picks active (RFC 8829 §5.3.1: SHOULD) or passive; active is the DTLS client.
 */
import type { Setup } from '../attributes/dtls.js';
import { JsepError } from '../errors.js';

/** The answer's a=setup for an offered one. `preferred` applies to actpass only. */
export function answerSetup(offered: Setup | undefined, preferred: 'active' | 'passive' = 'active'): Setup {
  switch (offered ?? 'actpass') {
    case 'actpass':
      return preferred;
    case 'active':
      return 'passive';
    case 'passive':
      return 'active';
    case 'holdconn':
      return 'holdconn';
  }
  return preferred;
}

/** Our DTLS role once both a=setup values are known; undefined for holdconn. */
export function dtlsRole(local: Setup, remote: Setup): 'client' | 'server' | undefined {
  if (local === 'holdconn' || remote === 'holdconn') return undefined;
  if (local === 'active' && remote !== 'active') return 'client';
  if (local === 'passive' && remote !== 'passive') return 'server';
  if (local === 'actpass' && remote === 'active') return 'server';
  if (local === 'actpass' && remote === 'passive') return 'client';
  throw new JsepError('INVALID_DESCRIPTION', `a=setup:${local} against a=setup:${remote} (RFC 8842 §5.3)`);
}
