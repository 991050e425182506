/** Finds the suites: every benchmarks/suites/*.ts exports `suite: Suite`. Adding a file adds rows. */
import { readdirSync } from 'node:fs';
import type { Suite } from './harness.js';

function isSuite(x: unknown): x is Suite {
  const s = x as Partial<Suite> | undefined;
  return typeof s?.name === 'string' && typeof s.theirs === 'string' && Array.isArray(s.cases);
}

/** The suites in file-name order. */
export async function loadSuites(): Promise<Suite[]> {
  const dir = new URL('./suites/', import.meta.url);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.test.ts'))
    .sort();
  const suites: Suite[] = [];
  for (const file of files) {
    const mod = (await import(new URL(file, dir).href)) as { suite?: unknown };
    if (!isSuite(mod.suite)) throw new Error(`benchmarks/suites/${file} does not export \`suite: Suite\``);
    suites.push(mod.suite);
  }
  return suites;
}
