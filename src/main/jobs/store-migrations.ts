import type { MigrationSet } from '../store/migrations.ts';

export const jobStoreMigrations: MigrationSet = {
  feature: 'jobs',
  migrations: [
    {
      version: 1,
      name: 'retry from a step',
      sql: `
        -- A retry from a chosen step repeats an earlier run (same parameters) from that step on.
        ALTER TABLE job_runs ADD COLUMN rerun_of TEXT;
        ALTER TABLE job_runs ADD COLUMN rerun_from TEXT;
      `,
    },
  ],
};
