import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { OpsError } from '../../shared/errors.ts';
import { LEGACY_STORE_MIGRATIONS, STORE_BASE, type MigrationSet } from './migrations.ts';

export type Db = Database.Database;

/**
 * The data directory and the store in it are this user's alone (0700 / 0600): they hold
 * history, settings and, beside them, the embedded warehouse and its backups. An existing
 * directory is tightened only when it is already ours (holds the store).
 */
function makePrivate(file: string): void {
  const dir = dirname(file);
  const fresh = !existsSync(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!fresh && existsSync(file)) {
    const mode = statSync(dir).mode & 0o777;
    // Others never; as root the group may pass through (the embedded PostgreSQL's, see embedded.ts).
    const keep = process.getuid?.() === 0 ? 0o710 : 0o700;
    if (mode & ~keep) chmodSync(dir, mode & keep);
  }
  // SQLite gives its -wal and -shm files the store's own mode.
  closeSync(openSync(file, 'a', 0o600));
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
}

/**
 * Opens the local store in WAL mode and brings its schema up to date: the platform's base
 * tables plus each feature's own migrations (the composition root passes them all).
 */
export function openDatabase(file: string, sets: MigrationSet[] = [STORE_BASE]): Db {
  if (file !== ':memory:') makePrivate(file);
  let db: Db;
  try {
    db = new Database(file);
  } catch (e) {
    throw new OpsError('unavailable', `Cannot open the local store at ${file}: ${(e as Error).message}`);
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, sets);
  return db;
}

/** Latest applied version per feature. */
export function storeVersions(db: Db): Record<string, number> {
  const rows = db.prepare('SELECT feature, MAX(version) AS v FROM store_migrations GROUP BY feature').all() as { feature: string; v: number }[];
  return Object.fromEntries(rows.map((r) => [r.feature, r.v]));
}

/** The store before features had their own migrations kept one numbered list: map it once. */
function adoptLegacy(db: Db): void {
  const legacy = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!legacy) return;
  db.transaction(() => {
    const rows = db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as { version: number; name: string; applied_at: string }[];
    const insert = db.prepare('INSERT OR IGNORE INTO store_migrations (feature, version, name, applied_at) VALUES (?, ?, ?, ?)');
    for (const r of rows) {
      const to = LEGACY_STORE_MIGRATIONS[r.name];
      if (!to) throw new OpsError('conflict', `The local store has migration ${r.version} "${r.name}", which this Repo Ops build does not know. Upgrade Repo Ops or point REPO_OPS_HOME elsewhere.`);
      insert.run(to.feature, to.version, r.name, r.applied_at);
    }
    db.exec('DROP TABLE schema_migrations');
  })();
}

export function migrate(db: Db, sets: MigrationSet[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS store_migrations (feature TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (feature, version))');
  adoptLegacy(db);
  const current = storeVersions(db);
  for (const set of sets) {
    const latest = set.migrations.at(-1)?.version ?? 0;
    if ((current[set.feature] ?? 0) > latest) {
      throw new OpsError('conflict', `The local store's ${set.feature} tables are at schema version ${current[set.feature]}, newer than this Repo Ops build knows (${latest}). Upgrade Repo Ops or point REPO_OPS_HOME elsewhere.`);
    }
  }
  const apply = db.transaction((feature: string, m: MigrationSet['migrations'][number]) => {
    db.exec(m.sql);
    db.prepare('INSERT INTO store_migrations (feature, version, name, applied_at) VALUES (?, ?, ?, ?)').run(feature, m.version, m.name, new Date().toISOString());
  });
  for (const set of sets) for (const m of set.migrations) if (m.version > (current[set.feature] ?? 0)) apply(set.feature, m);
}
