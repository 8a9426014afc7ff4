import type pg from 'pg';
import { qualified, quoteIdent } from './identifiers.ts';

// What Repo Ops 0.1 created in `public` (warehouse migrations 1–3), and nothing else.
const LEGACY_TABLES = ['repositories', 'contributors', 'pull_requests', 'issues', 'reviews', 'comments', 'pr_files', 'workspaces', 'workspace_repositories', 'sync_state', 'sync_runs', 'embedding_costs'];
const LEGACY_VIEWS = ['items_needing_embeddings_priority'];
const LEGACY_NAMES = ['core schema', 'embedding priority view and cost ledger', 'foreign-key indexes for deletes'];

/**
 * Repo Ops 0.1 kept its warehouse in `public`. Moves it, once and atomically, into the console's
 * own schema — but only when `public.schema_migrations` is unmistakably ours (0.1's columns and
 * migration names), so a team's own `repositories` table is never taken.
 */
export async function moveLegacyPublicWarehouse(client: pg.ClientBase, schema: string): Promise<string[]> {
  if (schema === 'public') return [];
  const legacy = await client.query(
    `SELECT array_agg(column_name::text ORDER BY column_name) AS cols FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'schema_migrations'`,
  );
  const cols = (legacy.rows[0]?.cols as string[] | null) ?? [];
  if (cols.join(',') !== 'applied_at,name,version') return [];
  const target = await client.query('SELECT to_regclass($1) IS NOT NULL AS e', [`${quoteIdent(schema)}.schema_migrations`]);
  if (target.rows[0].e) return [];
  const rows = (await client.query('SELECT version, name, applied_at FROM public.schema_migrations ORDER BY version')).rows as { version: number; name: string; applied_at: Date }[];
  if (!rows.length || rows.some((r) => LEGACY_NAMES[r.version - 1] !== r.name)) return [];

  const moved: string[] = [];
  await client.query('BEGIN');
  try {
    for (const [kind, names] of [['TABLE', LEGACY_TABLES], ['VIEW', LEGACY_VIEWS]] as const) {
      for (const name of names) {
        const exists = await client.query('SELECT to_regclass($1) IS NOT NULL AS e', [qualified('public', name)]);
        if (!exists.rows[0].e) continue;
        await client.query(`ALTER ${kind} ${qualified('public', name)} SET SCHEMA ${quoteIdent(schema)}`);
        moved.push(name);
      }
    }
    await client.query(`CREATE TABLE ${quoteIdent(schema)}.schema_migrations (feature text NOT NULL, version integer NOT NULL, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (feature, version))`);
    for (const r of rows) {
      await client.query(`INSERT INTO ${quoteIdent(schema)}.schema_migrations (feature, version, name, applied_at) VALUES ('warehouse', $1, $2, $3)`, [r.version, r.name, r.applied_at]);
    }
    await client.query('DROP TABLE public.schema_migrations');
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  }
  return moved;
}
