import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storeMigrationSets } from '../../src/main/core/compose.ts';
import { openDatabase, storeVersions } from '../../src/main/store/database.ts';
import { STORE_BASE, type MigrationSet } from '../../src/main/store/migrations.ts';
import { tempDir } from '../helpers/temp.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const latest = (sets: MigrationSet[]) => Object.fromEntries(sets.map((s) => [s.feature, s.migrations.at(-1)!.version]));

describe('local store', () => {
  it('opens in WAL mode with every feature’s migrations applied, idempotently', () => {
    const file = join(tmp.dir, 'a', 'store.sqlite');
    const sets = storeMigrationSets();
    const db = openDatabase(file, sets);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(storeVersions(db)).toEqual(latest(sets));
    db.close();
    const again = openDatabase(file, sets);
    expect(storeVersions(again)).toEqual(latest(sets));
    const tables = (again.prepare("SELECT name FROM sqlite_master WHERE type IN ('table')").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['settings', 'profiles', 'secret_meta', 'job_runs', 'job_steps', 'log_entries', 'log_fts', 'health_checks', 'saved_queries', 'embedding_outbox', 'runbook_runs']));
    again.close();
  });

  it('applies only newer migrations, per feature, and records them', () => {
    const file = join(tmp.dir, 'b.sqlite');
    openDatabase(file).close();
    const extra: MigrationSet = { feature: 'extra', migrations: [{ version: 1, name: 'test_extra', sql: 'CREATE TABLE extra (x INTEGER);' }] };
    const db = openDatabase(file, [STORE_BASE, extra]);
    expect(storeVersions(db)).toEqual({ store: 1, extra: 1 });
    expect(db.prepare("SELECT name FROM store_migrations WHERE feature = 'extra' AND version = 1").get()).toEqual({ name: 'test_extra' });
    db.close();
  });

  it('rolls back a failing migration entirely', () => {
    const file = join(tmp.dir, 'c.sqlite');
    openDatabase(file).close();
    const broken: MigrationSet = { feature: 'broken', migrations: [{ version: 1, name: 'broken', sql: 'CREATE TABLE half (x INTEGER); THIS IS NOT SQL;' }] };
    expect(() => openDatabase(file, [STORE_BASE, broken])).toThrow();
    const db = new Database(file);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    expect(db.prepare("SELECT count(*) AS n FROM store_migrations WHERE feature = 'broken'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses a store written by a newer version with a clear message', () => {
    const file = join(tmp.dir, 'd.sqlite');
    const future: MigrationSet = { feature: 'store', migrations: [...STORE_BASE.migrations, { version: 5000, name: 'future', sql: 'SELECT 1;' }] };
    openDatabase(file, [future]).close();
    expect(() => openDatabase(file)).toThrow(/store tables are at schema version 5000, newer than this Repo Ops build knows/);
  });

  it('adopts a store from before features had their own migrations, keeping its data', () => {
    const file = join(tmp.dir, 'legacy.sqlite');
    // The 0.1 layout: one numbered list in schema_migrations.
    const sets = storeMigrationSets();
    const byFeature = Object.fromEntries(sets.map((s) => [s.feature, s.migrations[0]!]));
    const legacy = new Database(file);
    legacy.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const [version, feature] of [[1, 'store'], [2, 'embedding-job'], [3, 'queries'], [4, 'runbooks']] as const) {
      const m = byFeature[feature]!;
      legacy.exec(m.sql);
      legacy.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(version, m.name, '2026-11-01T00:00:00.000Z');
    }
    legacy.prepare("INSERT INTO saved_queries (id, name, sql, created_at, updated_at) VALUES ('q1', 'kept', 'SELECT 1', 'x', 'x')").run();
    legacy.close();

    const db = openDatabase(file, sets);
    expect(storeVersions(db)).toEqual(latest(sets));
    expect(db.prepare("SELECT name FROM saved_queries WHERE id = 'q1'").get()).toEqual({ name: 'kept' });
    expect(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'").get()).toBeUndefined();
    expect(db.prepare("SELECT applied_at FROM store_migrations WHERE feature = 'runbooks' AND version = 1").get()).toEqual({ applied_at: '2026-11-01T00:00:00.000Z' });
    db.close();
  });
});
