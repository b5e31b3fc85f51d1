import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the
// `@nlkit/source` export condition, so tests need no build step.
const conditions = ['@nlkit/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@nlkit/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
