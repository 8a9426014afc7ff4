import type { WarehouseMigrationSet } from '../warehouse/migrations.ts';

/** The sync's additions to the synced-data tables of the core set. */
export const syncMigrations: WarehouseMigrationSet = {
  feature: 'sync',
  migrations: [
    {
      version: 1,
      name: 'items per stream cursor',
      // Committed with each page like `rows`: a resumed run counts on from what earlier attempts wrote.
      sql: 'ALTER TABLE sync_state ADD COLUMN IF NOT EXISTS items integer NOT NULL DEFAULT 0;',
    },
    {
      version: 2,
      name: 'active seconds per sync run',
      // Time spent syncing, without paused, queued or crashed time: what estimates are measured from
      // (finished_at - started_at spans every pause and crash of a resumed run).
      sql: 'ALTER TABLE sync_runs ADD COLUMN IF NOT EXISTS active_seconds double precision;',
    },
  ],
};
