import type { MigrationSet } from '../store/migrations.ts';

export const systemStoreMigrations: MigrationSet = {
  feature: 'systems',
  migrations: [
    {
      version: 1,
      name: 'systems, their health and the actions run on them',
      sql: `
        -- The team's systems (non-secret half; connection secrets are in the keychain).
        CREATE TABLE systems (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL UNIQUE COLLATE NOCASE,
          kind TEXT NOT NULL,
          config TEXT NOT NULL,
          secrets TEXT NOT NULL DEFAULT '[]',
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
        CREATE TABLE system_health (
          id INTEGER PRIMARY KEY,
          ts INTEGER NOT NULL,
          system_id TEXT NOT NULL,
          service TEXT NOT NULL,
          status TEXT NOT NULL,
          latency_ms REAL,
          detail TEXT NOT NULL
        );
        CREATE INDEX system_health_by_system ON system_health (system_id, service, id);
        CREATE INDEX system_health_by_ts ON system_health (ts);
        -- Every confirmed action: who, on which system, exactly which operations, what came of it.
        CREATE TABLE system_actions (
          id INTEGER PRIMARY KEY,
          at TEXT NOT NULL,
          system_id TEXT NOT NULL,
          action TEXT NOT NULL,
          operator TEXT NOT NULL,
          operations TEXT NOT NULL,
          outcome TEXT NOT NULL,
          summary TEXT NOT NULL
        );
        CREATE INDEX system_actions_by_system ON system_actions (system_id, id);
      `,
    },
  ],
};
