import type { MigrationSet } from '../store/migrations.ts';

export const runbookStoreMigrations: MigrationSet = {
  feature: 'runbooks',
  migrations: [
    {
      version: 1,
      name: 'runbook runs',
      sql: `
        -- Who ran which runbook when, and what each step found or did (an incident record).
        CREATE TABLE runbook_runs (
          id TEXT PRIMARY KEY,
          runbook_id TEXT NOT NULL,
          title TEXT NOT NULL,
          operator TEXT NOT NULL,
          started_at TEXT NOT NULL,
          finished_at TEXT,
          status TEXT NOT NULL,
          note TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE runbook_steps (
          run_id TEXT NOT NULL REFERENCES runbook_runs (id) ON DELETE CASCADE,
          step_id TEXT NOT NULL,
          outcome TEXT NOT NULL,
          summary TEXT NOT NULL,
          output TEXT,
          statements TEXT NOT NULL DEFAULT '[]',
          note TEXT NOT NULL DEFAULT '',
          at TEXT NOT NULL,
          PRIMARY KEY (run_id, step_id)
        );
      `,
    },
  ],
};
