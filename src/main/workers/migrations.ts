import type { WarehouseMigrationSet } from '../warehouse/migrations.ts';

// Runs as every worker reports them (any console connected to the warehouse shows them live) and
// the workers themselves. The queue is pg-boss's own schema beside this one.
export const workerMigrations: WarehouseMigrationSet = {
  feature: 'workers',
  migrations: [
    {
      version: 1,
      name: 'shared job runs and workers',
      sql: `
CREATE TABLE job_runs_shared (
  id text PRIMARY KEY,
  kind text NOT NULL,
  title text NOT NULL,
  status text NOT NULL,
  params jsonb,
  progress jsonb NOT NULL,
  steps jsonb NOT NULL DEFAULT '[]',
  attempt integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  finished_at timestamptz,
  error text,
  result jsonb,
  worker text,
  -- 'cancel' or 'pause', asked from any console; the worker running it stops the run.
  stop_requested text CHECK (stop_requested IN ('cancel', 'pause')),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX job_runs_shared_updated ON job_runs_shared (updated_at);

CREATE TABLE workers (
  id text PRIMARY KEY,
  host text NOT NULL,
  pid integer NOT NULL,
  version text NOT NULL,
  kinds text[] NOT NULL,
  concurrency integer NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  stopped_at timestamptz
);
`,
    },
  ],
};
