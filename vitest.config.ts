import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/integration is the slower end-to-end suite (npm run test:integration).
    exclude: ['test/integration/**', 'node_modules/**'],
    pool: 'threads',
    testTimeout: 30_000,
  },
});
