import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../src/main/store/database.ts';
import { migrations } from '../../src/main/store/migrations.ts';
import { tempDir } from '../helpers/temp.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('local store', () => {
  it('opens in WAL mode with all migrations applied, idempotently', () => {
    const file = join(tmp.dir, 'a', 'store.sqlite');
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version);
    db.close();
    const again = openDatabase(file);
    expect(schemaVersion(again)).toBe(migrations.at(-1)!.version);
    const tables = (again.prepare("SELECT name FROM sqlite_master WHERE type IN ('table')").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['settings', 'profiles', 'secret_meta', 'job_runs', 'job_steps', 'log_entries', 'log_fts', 'health_checks']));
    again.close();
  });

  it('applies only newer migrations and records them', () => {
    const file = join(tmp.dir, 'b.sqlite');
    openDatabase(file, migrations.slice(0, 1)).close();
    const extra = [...migrations, { version: 999, name: 'test_extra', sql: 'CREATE TABLE extra (x INTEGER);' }];
    const db = openDatabase(file, extra);
    expect(schemaVersion(db)).toBe(999);
    expect(db.prepare('SELECT name FROM schema_migrations WHERE version = 999').get()).toEqual({ name: 'test_extra' });
    db.close();
  });

  it('rolls back a failing migration entirely', () => {
    const file = join(tmp.dir, 'c.sqlite');
    openDatabase(file).close();
    const broken = [...migrations, { version: 1000, name: 'broken', sql: 'CREATE TABLE half (x INTEGER); THIS IS NOT SQL;' }];
    expect(() => openDatabase(file, broken)).toThrow();
    const db = new Database(file);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    expect((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(migrations.at(-1)!.version);
    db.close();
  });

  it('refuses a store written by a newer version with a clear message', () => {
    const file = join(tmp.dir, 'd.sqlite');
    openDatabase(file, [...migrations, { version: 5000, name: 'future', sql: 'SELECT 1;' }]).close();
    expect(() => openDatabase(file)).toThrow(/schema version 5000, newer than this Repo Ops build knows/);
  });
});
