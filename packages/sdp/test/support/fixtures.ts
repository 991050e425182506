/** The saved descriptions under test/fixtures (see test/fixtures/README.md for their sources). */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** Every fixture file name ending in .sdp. */
export const FIXTURES: readonly string[] = readdirSync(dir)
  .filter((f) => f.endsWith('.sdp'))
  .sort();

/** A fixture's text, exactly as saved (CRLF). */
export function fixture(name: string): string {
  return readFileSync(join(dir, name), 'utf8');
}
