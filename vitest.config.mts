import { defineConfig } from 'vitest/config';

// Unit tests only; the VS Code integration tests run under @vscode/test-electron, not vitest.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    globalSetup: ['test/unit/globalSetup.ts'],
  },
});
