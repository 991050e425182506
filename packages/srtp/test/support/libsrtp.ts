/**
 * Runs libsrtp-peer.py (libsrtp through Debian's python3-pylibsrtp) on a batch of requests.
 * The system Python is called by its path: a `python3` on PATH may be a pyenv shim without
 * Debian's packages.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const SYSTEM_PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./libsrtp-peer.py', import.meta.url));

export type LibsrtpRequest =
  | { readonly op: 'hello' }
  | {
      readonly op: 'session';
      readonly session: string;
      readonly profile: number;
      readonly key: string;
      readonly direction: 'outbound' | 'inbound';
    }
  | {
      readonly op: 'protect' | 'protect_rtcp' | 'unprotect' | 'unprotect_rtcp';
      readonly session: string;
      readonly packet: string;
    };

export interface LibsrtpAnswer {
  readonly ok: boolean;
  readonly packet?: string;
  readonly error?: string;
  readonly pylibsrtp?: string;
}

/** True when the system Python can import pylibsrtp. */
export function libsrtpAvailable(): boolean {
  const r = spawnSync(SYSTEM_PYTHON, ['-c', 'import pylibsrtp'], { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0;
}

/** Sends the requests, returns one answer per request, in order. */
export function runLibsrtp(requests: readonly LibsrtpRequest[]): LibsrtpAnswer[] {
  const r = spawnSync(SYSTEM_PYTHON, [SCRIPT], {
    input: requests.map((q) => JSON.stringify(q)).join('\n'),
    encoding: 'utf8',
    timeout: 20_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`libsrtp-peer.py exited with ${r.status}: ${r.stderr}`);
  const answers = r.stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as LibsrtpAnswer);
  if (answers.length !== requests.length)
    throw new Error(`libsrtp-peer.py answered ${answers.length} of ${requests.length} requests: ${r.stderr}`);
  return answers;
}
