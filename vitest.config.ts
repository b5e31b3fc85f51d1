import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@nlkit/source'] },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
