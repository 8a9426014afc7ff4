import type pg from 'pg';
import { OpsError } from '../../shared/errors.ts';
import { quoteIdent } from './identifiers.ts';
import { moveLegacyPublicWarehouse } from './legacy-public.ts';
import type { WarehouseMigrationSet } from './migrations.ts';

// Any constant: serializes concurrent migrators (two Repo Ops processes on one warehouse).
const LOCK_KEY = 7_265_120_431;

export interface MigrationStatus {
  schema: string;
  /** Latest applied version per feature. */
  versions: Record<string, number>;
  /** `feature/version` of what this call applied. */
  applied: string[];
  /** Nothing left to apply for the features this build knows. */
  upToDate: boolean;
}

/** Latest applied version per feature in `schema` (empty when the console never ran there). */
export async function warehouseVersions(client: pg.ClientBase, schema: string): Promise<Record<string, number>> {
  const exists = await client.query('SELECT to_regclass($1) IS NOT NULL AS e', [`${quoteIdent(schema)}.schema_migrations`]);
  if (!exists.rows[0].e) return {};
  const { rows } = await client.query(`SELECT feature, max(version)::int AS v FROM ${quoteIdent(schema)}.schema_migrations GROUP BY feature`);
  return Object.fromEntries(rows.map((r) => [r.feature as string, r.v as number]));
}

/**
 * Brings the console's own schema up to date: creates it, adopts a 0.1 warehouse left in
 * `public` (moved once), then applies each feature's pending migrations in list order, each in
 * its own transaction, under an advisory lock. Touches nothing outside `schema`.
 */
export async function migrateWarehouse(pool: pg.Pool, schema: string, sets: WarehouseMigrationSet[]): Promise<MigrationStatus> {
  const client = await pool.connect();
  const applied: string[] = [];
  const q = quoteIdent(schema);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${q}`);
    await moveLegacyPublicWarehouse(client, schema);
    await client.query(`CREATE TABLE IF NOT EXISTS ${q}.schema_migrations (feature text NOT NULL, version integer NOT NULL, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (feature, version))`);
    // Unqualified names in migrations land in the console's schema, never in public.
    await client.query(`SET search_path TO ${q}, public`);
    const current = await warehouseVersions(client, schema);
    for (const set of sets) {
      const latest = set.migrations.at(-1)?.version ?? 0;
      const at = current[set.feature] ?? 0;
      if (at > latest) throw new OpsError('conflict', `The warehouse's ${set.feature} tables are at version ${at}, newer than this Repo Ops build knows (${latest}). Upgrade Repo Ops.`);
      for (const m of set.migrations) {
        if (m.version <= at) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query(`INSERT INTO ${q}.schema_migrations (feature, version, name) VALUES ($1, $2, $3)`, [set.feature, m.version, m.name]);
          await client.query('COMMIT');
          applied.push(`${set.feature}/${m.version}`);
        } catch (e) {
          await client.query('ROLLBACK');
          throw new OpsError('internal', `Warehouse migration ${set.feature}/${m.version} (${m.name}) failed and was rolled back: ${(e as Error).message}`);
        }
      }
    }
    const versions = await warehouseVersions(client, schema);
    return { schema, versions, applied, upToDate: sets.every((s) => (versions[s.feature] ?? 0) >= (s.migrations.at(-1)?.version ?? 0)) };
  } finally {
    await client.query('RESET search_path').catch(() => {});
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    client.release();
  }
}
