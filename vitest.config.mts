import { defineConfig } from 'vitest/config';

// Unit tests only; the VS Code integration tests run in code-server's extension host (test/integration).
export default defineConfig({
  test: {
    // The fuzz tests take seconds on a busy 2-core machine; a timeout is not what they test.
    testTimeout: 60_000,
    include: ['test/unit/**/*.test.ts'],
    globalSetup: ['test/unit/globalSetup.ts'],
  },
});
