import type pg from 'pg';
import { OpsError } from '../../shared/errors.ts';
import { warehouseMigrations, type WarehouseMigration } from './migrations.ts';

// Any constant: serializes concurrent migrators (two Repo Ops processes on one warehouse).
const LOCK_KEY = 7_265_120_431;

export interface MigrationStatus {
  current: number;
  latest: number;
  applied: number[];
}

export async function warehouseVersion(client: pg.ClientBase): Promise<number> {
  const exists = await client.query("SELECT to_regclass('public.schema_migrations') IS NOT NULL AS e");
  if (!exists.rows[0].e) return 0;
  return (await client.query('SELECT COALESCE(MAX(version), 0)::int AS v FROM schema_migrations')).rows[0].v as number;
}

/** Applies pending migrations, each in its own transaction, under an advisory lock. */
export async function migrateWarehouse(pool: pg.Pool, migrations: WarehouseMigration[] = warehouseMigrations): Promise<MigrationStatus> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const current = await warehouseVersion(client);
    const latest = migrations.at(-1)?.version ?? 0;
    if (current > latest) throw new OpsError('conflict', `The warehouse schema is at version ${current}, newer than this Repo Ops build knows (${latest}). Upgrade Repo Ops.`);
    for (const m of migrations) {
      if (m.version <= current) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await client.query('COMMIT');
        applied.push(m.version);
      } catch (e) {
        await client.query('ROLLBACK');
        throw new OpsError('internal', `Warehouse migration ${m.version} (${m.name}) failed and was rolled back: ${(e as Error).message}`);
      }
    }
    return { current: await warehouseVersion(client), latest, applied };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    client.release();
  }
}
