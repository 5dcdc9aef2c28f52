import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most integration tests wait on sshd, pwsh or git processes rather than compute, so a few
    // more workers than cores keeps a 2-core machine busy.
    maxWorkers: 3,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
