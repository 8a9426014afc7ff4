// Versioned migrations of the local store. Append only: never edit a released step.
import { savedQueriesMigration } from '../queries/saved-queries.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
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
  {
    version: 2,
    name: 'embedding outbox',
    sql: `
      -- Vectors already paid for but not yet in Milvus and the warehouse: replayed on
      -- resume, so a crash between the API answer and the writes never pays twice.
      CREATE TABLE embedding_outbox (
        run_id TEXT NOT NULL,
        batch_no INTEGER NOT NULL,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (run_id, batch_no)
      );
    `,
  },
  savedQueriesMigration(3),
  {
    version: 4,
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
];
