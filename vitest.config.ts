import { defineConfig } from 'vitest/config';

// Workspace packages export their TypeScript sources under the custom condition
// "@purertc/source", so tests run against src/ without a build step.
const conditions = ['@purertc/source', 'node', 'import', 'module', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@purertc/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/test/**/*.test.ts', 'benchmarks/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
