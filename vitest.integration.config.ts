import { defineConfig } from 'vitest/config';

// The slower end-to-end suite: real images built with Debian's tools, pulled from a real registry.
export default defineConfig({
  test: {
    include: ['test/integration/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
