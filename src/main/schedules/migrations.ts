import type { WarehouseMigrationSet } from '../warehouse/migrations.ts';

// In the warehouse, so that every console and worker connected to it shares one set of schedules
// and one tick ledger: the primary key on (schedule, tick time) makes each tick happen once.
export const scheduleMigrations: WarehouseMigrationSet = {
  feature: 'schedules',
  migrations: [
    {
      version: 1,
      name: 'schedules and their tick ledger',
      sql: `
CREATE TABLE schedules (
  id text PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL,
  params jsonb NOT NULL DEFAULT '{}',
  cron text NOT NULL,
  tz text NOT NULL DEFAULT 'UTC',
  enabled boolean NOT NULL DEFAULT true,
  concurrency_policy text NOT NULL DEFAULT 'Forbid' CHECK (concurrency_policy IN ('Forbid', 'Replace', 'Allow')),
  starting_deadline_seconds integer CHECK (starting_deadline_seconds > 0),
  active_deadline_seconds integer CHECK (active_deadline_seconds > 0),
  catch_up text NOT NULL DEFAULT 'skip' CHECK (catch_up IN ('skip', 'run_once')),
  preset_id text UNIQUE,
  source text,
  -- Every tick at or before this instant has been decided (ran, skipped, missed or failed).
  evaluated_until timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE schedule_ticks (
  schedule_id text NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
  scheduled_for timestamptz NOT NULL,
  trigger text NOT NULL CHECK (trigger IN ('cron', 'manual', 'catch_up')),
  status text NOT NULL CHECK (status IN ('requested', 'skipped', 'missed', 'failed')),
  reason text,
  run_id text,
  run_status text,
  run_started_at timestamptz,
  deadline_exceeded boolean NOT NULL DEFAULT false,
  decided_by text NOT NULL,
  decided_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (schedule_id, scheduled_for)
);
CREATE INDEX schedule_ticks_active ON schedule_ticks (schedule_id) WHERE run_status IN ('queued', 'running');
CREATE INDEX schedule_ticks_run ON schedule_ticks (run_id) WHERE run_id IS NOT NULL;
`,
    },
  ],
};
