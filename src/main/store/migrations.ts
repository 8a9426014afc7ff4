// Versioned migrations of the local store. Append only: never edit a released step.
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** One feature's own store migrations; versions count from 1 within the feature. */
export interface MigrationSet {
  feature: string;
  migrations: Migration[];
}

/** Where each migration of the single list before features had their own went (by name). */
export const LEGACY_STORE_MIGRATIONS: Record<string, { feature: string; version: number }> = {
  foundation: { feature: 'store', version: 1 },
  'embedding outbox': { feature: 'embedding-job', version: 1 },
  'saved verification queries': { feature: 'queries', version: 1 },
  'runbook runs': { feature: 'runbooks', version: 1 },
};

const foundation: Migration[] = [
  {
    version: 1,
    name: 'foundation',
    sql: `
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

      CREATE TABLE profiles (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        config TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      -- When a secret was set, never its value.
      CREATE TABLE secret_meta (
        profile_id TEXT NOT NULL,
        key TEXT NOT NULL,
        set_at TEXT NOT NULL,
        PRIMARY KEY (profile_id, key)
      );

      CREATE TABLE job_runs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL,
        params TEXT NOT NULL,
        progress TEXT NOT NULL,
        attempt INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        error TEXT,
        result TEXT,
        concurrency_key TEXT,
        owner TEXT,
        heartbeat_at INTEGER
      );
      CREATE INDEX job_runs_created ON job_runs (created_at DESC);
      CREATE INDEX job_runs_status ON job_runs (status);

      CREATE TABLE job_steps (
        run_id TEXT NOT NULL REFERENCES job_runs (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        seq INTEGER NOT NULL,
        status TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        checkpoint TEXT,
        checkpoint_at TEXT,
        result TEXT,
        PRIMARY KEY (run_id, name)
      );

      CREATE TABLE log_entries (
        id INTEGER PRIMARY KEY,
        ts INTEGER NOT NULL,
        level INTEGER NOT NULL,
        event TEXT NOT NULL,
        msg TEXT NOT NULL,
        run_id TEXT,
        component TEXT,
        data TEXT NOT NULL
      );
      CREATE INDEX log_entries_ts ON log_entries (ts);
      CREATE INDEX log_entries_run ON log_entries (run_id, id);
      CREATE VIRTUAL TABLE log_fts USING fts5 (event, msg, data, content = 'log_entries', content_rowid = 'id');
      CREATE TRIGGER log_entries_ai AFTER INSERT ON log_entries BEGIN
        INSERT INTO log_fts (rowid, event, msg, data) VALUES (new.id, new.event, new.msg, new.data);
      END;
      CREATE TRIGGER log_entries_ad AFTER DELETE ON log_entries BEGIN
        INSERT INTO log_fts (log_fts, rowid, event, msg, data) VALUES ('delete', old.id, old.event, old.msg, old.data);
      END;

      CREATE TABLE health_checks (
        id INTEGER PRIMARY KEY,
        ts INTEGER NOT NULL,
        profile_id TEXT,
        service TEXT NOT NULL,
        status TEXT NOT NULL,
        latency_ms REAL,
        detail TEXT NOT NULL
      );
      CREATE INDEX health_checks_service_ts ON health_checks (service, ts);

      CREATE TABLE log_files (
        id TEXT PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        opened_at TEXT NOT NULL
      );
    `,
  },
];

/** The platform's tables: settings, profiles, secret metadata, jobs, logs, health history, log files. */
export const STORE_BASE: MigrationSet = { feature: 'store', migrations: foundation };
