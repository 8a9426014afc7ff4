import { defineConfig } from 'vitest/config';

// Two projects: "unit" (core services and integrations against real SQLite,
// keychain, Postgres, Milvus Lite) and "e2e" (Chromium driving `repo-ops serve`).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/emulators/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/helpers/global-setup.ts'],
          // Two files at once (the machine's two cores): most of a file's time is waiting on
          // Postgres, Milvus Lite and child processes. Each file has a keychain of its own.
          setupFiles: ['test/helpers/file-keyring.ts'],
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: 'forks',
          fileParallelism: false,
        },
      },
    ],
  },
});
