import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { OpsError } from '../../shared/errors.ts';
import { plural } from '../../shared/text.ts';
import type { EmbeddingService } from '../embedding-job/embedding-service.ts';
import type { ProfileService } from '../profiles/profile-service.ts';
import type { SecretService } from '../secrets/secret-service.ts';
import { derivedName, qualified, quoteIdent } from '../warehouse/identifiers.ts';
import type { WarehouseMigrationSet } from '../warehouse/migrations.ts';
import { backupStatements, backupWarehouse, latestBackup, restoreTest } from './backup.ts';

export interface ActionContext {
  pool: pg.Pool;
  url: string;
  /** The console's own schema in the warehouse. */
  schema: string;
  migrationSets: WarehouseMigrationSet[];
  home: string;
  profiles: ProfileService;
  secrets: SecretService;
  embeddings: EmbeddingService;
}

export interface ActionResult {
  outcome: 'pass' | 'warn' | 'fail' | 'done';
  summary: string;
  output: unknown;
}

export interface Action {
  /** Exactly what `run` will execute, shown before the operator confirms. */
  preview(ctx: ActionContext, inputs: Record<string, string>): Promise<{ statements: string[]; note: string }>;
  run(ctx: ActionContext, inputs: Record<string, string>): Promise<ActionResult>;
}

const VACUUM_TABLES = ['pull_requests', 'issues', 'reviews', 'comments', 'pr_files', 'contributors', 'repositories', 'sync_runs', 'sync_state', 'workspaces', 'workspace_repositories', 'embedding_costs'];

function positiveInt(v: string | undefined, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new OpsError('invalid_input', `${name} must be a positive whole number, got "${v ?? ''}"`);
  return n;
}

async function redisClient(ctx: ActionContext): Promise<Redis> {
  const url = await ctx.secrets.require(ctx.profiles.ensureActive().id, 'redis_url');
  const { Redis: Client } = await import('ioredis');
  const client = new Client(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000, retryStrategy: () => null });
  await client.connect();
  return client;
}

/** Validated table and columns of the console's schema: identifiers come from the catalog, not from input. */
async function indexTarget(ctx: ActionContext, inputs: Record<string, string>): Promise<{ table: string; columns: string[]; name: string }> {
  const table = (inputs.table ?? '').trim();
  const columns = (inputs.columns ?? '').split(',').map((c) => c.trim()).filter(Boolean);
  if (!table || !columns.length) throw new OpsError('invalid_input', 'Give a table and at least one column');
  const { rows } = await ctx.pool.query("SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2", [ctx.schema, table]);
  if (!rows.length) throw new OpsError('invalid_input', `No table "${table}" in the warehouse`);
  const known = new Set(rows.map((r) => r.column_name as string));
  const missing = columns.filter((c) => !known.has(c));
  if (missing.length) throw new OpsError('invalid_input', `${table} has no column ${missing.map((m) => `"${m}"`).join(', ')}`);
  return { table, columns, name: derivedName(`${table}_${columns.join('_')}_idx`) };
}

const indexSql = (schema: string, t: { table: string; columns: string[]; name: string }) => `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${quoteIdent(t.name)} ON ${qualified(schema, t.table)} (${t.columns.map(quoteIdent).join(', ')})`;
// Same window as the catalogue's dry-run query (started_at); a run still in progress is never deleted.
const RETENTION_WHERE = "started_at < now() - make_interval(days => $1) AND status <> 'running'";
const retentionSql = (schema: string, days: number) => `DELETE FROM ${qualified(schema, 'sync_runs')} WHERE ${RETENTION_WHERE.replace('$1', String(days))}`;

export const ACTIONS: Record<string, Action> = {
  'vacuum-analyze': {
    async preview(ctx, inputs) {
      const t = inputs.table || 'all';
      if (t !== 'all' && !VACUUM_TABLES.includes(t)) throw new OpsError('invalid_input', `Choose one of: all, ${VACUUM_TABLES.join(', ')}`);
      return { statements: (t === 'all' ? VACUUM_TABLES : [t]).map((x) => `VACUUM (ANALYZE) ${qualified(ctx.schema, x)}`), note: 'VACUUM does not block reads or writes; it can take a while on large tables.' };
    },
    async run(ctx, inputs) {
      const { statements } = await this.preview(ctx, inputs);
      const t0 = Date.now();
      // VACUUM cannot run inside a transaction: one statement at a time on the pool.
      for (const s of statements) await ctx.pool.query(s);
      return { outcome: 'done', summary: `${plural(statements.length, 'table')} vacuumed and analyzed in ${((Date.now() - t0) / 1000).toFixed(1)} s`, output: { statements } };
    },
  },
  'create-index': {
    async preview(ctx, inputs) {
      return { statements: [indexSql(ctx.schema, await indexTarget(ctx, inputs))], note: 'CONCURRENTLY builds without locking writes; if it fails it leaves an invalid index, which the next step finds.' };
    },
    async run(ctx, inputs) {
      const t = await indexTarget(ctx, inputs);
      const t0 = Date.now();
      await ctx.pool.query(indexSql(ctx.schema, t));
      return { outcome: 'done', summary: `Index ${t.name} on ${t.table} (${t.columns.join(', ')}) created in ${((Date.now() - t0) / 1000).toFixed(1)} s`, output: { statement: indexSql(ctx.schema, t) } };
    },
  },
  'retention-delete': {
    async preview(ctx, inputs) {
      const days = positiveInt(inputs.days || '90', 'Days');
      const { rows } = await ctx.pool.query(`SELECT count(*)::int AS n FROM ${qualified(ctx.schema, 'sync_runs')} WHERE ${RETENTION_WHERE}`, [days]);
      return { statements: [retentionSql(ctx.schema, days)], note: `${rows[0].n} sync runs would be deleted.` };
    },
    async run(ctx, inputs) {
      const days = positiveInt(inputs.days || '90', 'Days');
      const { rowCount } = await ctx.pool.query(`DELETE FROM ${qualified(ctx.schema, 'sync_runs')} WHERE ${RETENTION_WHERE}`, [days]);
      return { outcome: 'done', summary: `Deleted ${rowCount} sync runs older than ${days} days`, output: { deleted: rowCount, statement: retentionSql(ctx.schema, days) } };
    },
  },
  backup: {
    async preview(ctx) {
      const { statements, method } = await backupStatements(ctx.pool, ctx.schema);
      return { statements, note: method === 'pg_dump' ? 'A custom-format pg_dump of the whole warehouse, taken from one snapshot; row counts are recorded in a manifest for the restore test.' : 'No pg_dump of the server’s major version or newer was found (the embedded PostgreSQL ships none; set REPO_OPS_PG_BIN to a directory holding pg_dump and pg_restore): a consistent snapshot of every table is taken instead.' };
    },
    async run(ctx) {
      const dir = join(ctx.home, 'backups', new Date().toISOString().replace(/[:.]/g, '-'));
      const m = await backupWarehouse(ctx.pool, ctx.url, dir, ctx.schema);
      const rows = Object.values(m.tables).reduce((a, b) => a + b, 0);
      return { outcome: 'done', summary: `Backed up ${Object.keys(m.tables).length} tables (${rows} rows) with ${m.method} to ${dir}`, output: m };
    },
  },
  'restore-test': {
    async preview(ctx) {
      const b = latestBackup(join(ctx.home, 'backups'));
      if (!b) throw new OpsError('not_found', 'No backup yet: run the backup step first');
      return { statements: ['CREATE DATABASE "repo_ops_restore_test_<time>"', b.manifest.method === 'pg_dump' ? `pg_restore --no-owner ${b.manifest.file}` : `migrations, then INSERT … json_populate_recordset for ${Object.keys(b.manifest.tables).length} tables`, 'compare row counts with the backup manifest', 'DROP DATABASE "repo_ops_restore_test_<time>"'], note: `Restores the backup of ${b.manifest.createdAt} (${b.dir}).` };
    },
    async run(ctx) {
      const b = latestBackup(join(ctx.home, 'backups'));
      if (!b) throw new OpsError('not_found', 'No backup yet: run the backup step first');
      const r = await restoreTest(ctx.url, b, ctx.migrationSets);
      const bad = Object.entries(r.tables).filter(([, c]) => c.restored !== null && c.expected !== c.restored);
      const compared = Object.keys(r.tables).length - r.skipped.length;
      const skipped = r.skipped.length ? `; ${plural(r.skipped.length, 'table')} in the backup ${r.skipped.length === 1 ? 'is' : 'are'} not part of the warehouse schema (created outside Repo Ops) and ${r.skipped.length === 1 ? 'was' : 'were'} not restored: ${r.skipped.map((t) => JSON.stringify(t)).join(', ')}` : '';
      if (!r.ok) return { outcome: 'fail', summary: `Restore test FAILED: ${bad.map(([t, c]) => `${JSON.stringify(t)} ${c.restored}/${c.expected}`).join(', ')}${skipped}`, output: r };
      return { outcome: r.skipped.length ? 'warn' : 'pass', summary: `Restore test passed: ${compared} tables, every row count matches${skipped}`, output: r };
    },
  },
  'redis-del': {
    async preview(ctx, inputs) {
      const key = (inputs.key ?? '').trim();
      if (!key || /[*?[\]]/.test(key)) throw new OpsError('invalid_input', 'Give one exact queue key (no wildcards)');
      const client = await redisClient(ctx);
      try {
        const type = await client.type(key);
        const len = type === 'list' ? await client.llen(key) : type === 'zset' ? await client.zcard(key) : null;
        return { statements: [`DEL ${key}`], note: type === 'none' ? `${key} does not exist.` : `${key} is a ${type}${len !== null ? ` holding ${len} jobs` : ''}: they are lost.` };
      } finally {
        client.disconnect();
      }
    },
    async run(ctx, inputs) {
      const key = (inputs.key ?? '').trim();
      await this.preview(ctx, inputs);
      const client = await redisClient(ctx);
      try {
        const n = await client.del(key);
        return { outcome: 'done', summary: n ? `Deleted ${key}` : `${key} did not exist`, output: { deleted: n } };
      } finally {
        client.disconnect();
      }
    },
  },
  'terminate-backend': {
    async preview(ctx, inputs) {
      const pid = positiveInt(inputs.pid, 'pid');
      const { rows } = await ctx.pool.query("SELECT pid, usename, application_name, state, now() - query_start AS running_for, left(query, 300) AS query FROM pg_stat_activity WHERE pid = $1 AND pid <> pg_backend_pid()", [pid]);
      if (!rows.length) throw new OpsError('not_found', `No other backend with pid ${pid}`);
      const r = rows[0];
      return { statements: [`SELECT pg_terminate_backend(${pid})`], note: `pid ${pid}: ${r.usename} (${r.application_name || 'no application name'}), ${r.state}, running ${r.running_for?.minutes ?? 0} min: ${r.query}` };
    },
    async run(ctx, inputs) {
      const pid = positiveInt(inputs.pid, 'pid');
      await this.preview(ctx, inputs);
      const { rows } = await ctx.pool.query('SELECT pg_terminate_backend($1) AS ok', [pid]);
      return { outcome: rows[0].ok ? 'done' : 'fail', summary: rows[0].ok ? `Backend ${pid} terminated` : `Backend ${pid} could not be terminated`, output: rows[0] };
    },
  },
  'milvus-load': {
    async preview(ctx) {
      return { statements: [`loadCollection(${ctx.embeddings.config().collection})`], note: 'Loads the collection into memory so it can be searched.' };
    },
    async run(ctx) {
      const name = ctx.embeddings.config().collection;
      const store = await ctx.embeddings.vectorStore();
      const stats = await store.stats(name);
      if (!stats.exists) return { outcome: 'fail', summary: `Collection ${name} does not exist: run an embedding job or reload it from the warehouse`, output: stats };
      await store.collection(name).load();
      return { outcome: 'done', summary: `Collection ${name} loaded (${(await store.stats(name)).loadState})`, output: null };
    },
  },
};
