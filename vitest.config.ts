import { defineConfig } from 'vitest/config';

// Projects: "unit" (core services and integrations against real SQLite, keychain, Postgres,
// Milvus Lite) and the end-to-end files (Chromium driving `repo-ops serve`): "e2e", then
// "e2e-serial" for the files that kill processes and time their hand-over.
const SERIAL_E2E = ['test/e2e/process-lifecycle*.test.ts', 'test/e2e/workers.test.ts', 'test/e2e/reconnect.test.ts'];
const E2E = {
  include: ['test/e2e/**/*.test.ts'],
  environment: 'node' as const,
  globalSetup: ['test/helpers/global-setup.ts'],
  testTimeout: 120_000,
  hookTimeout: 180_000,
  pool: 'forks' as const,
};

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
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...E2E,
          name: 'e2e',
          exclude: SERIAL_E2E,
          // Two files at once; each drives its own serve and Chromium.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...E2E,
          name: 'e2e-serial',
          // These kill and restart processes and wait on their hand-over: one at a time, after the others.
          include: SERIAL_E2E,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
