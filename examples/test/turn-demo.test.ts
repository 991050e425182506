/** `pnpm demo:turn` (README): it must work end to end and say what happened. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

it('pnpm demo:turn: STUN binding and TURN relay round trips on 127.0.0.1', async () => {
  const { stdout } = await promisify(execFile)(
    join(root, 'node_modules', '.bin', 'tsx'),
    ['--conditions=@purertc/source', join(root, 'examples', 'turn-demo.ts')],
    { cwd: root, timeout: 60_000 },
  );
  expect(stdout).toMatch(/the server sees us at 127\.0\.0\.1:\d+ \(XOR-MAPPED-ADDRESS\)/);
  expect(stdout).toMatch(/wrong password -> rejected: StunErrorResponse 401/);
  expect(stdout).toMatch(/relayed address 127\.0\.0\.1:\d+/);
  expect(stdout).toMatch(/"HELLO THROUGH A SEND INDICATION" from 127\.0\.0\.1:\d+ via a Data indication/);
  expect(stdout).toMatch(/"HELLO THROUGH A CHANNEL" from 127\.0\.0\.1:\d+ via ChannelData/);
  expect(stdout).toMatch(/allocation released/);
}, 90_000);
