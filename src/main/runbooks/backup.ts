import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { createGunzip, createGzip } from 'node:zlib';
import pg from 'pg';
import { OpsError } from '../../shared/errors.ts';
import { quoteIdent } from '../warehouse/identifiers.ts';
import { migrateWarehouse } from '../warehouse/migrate.ts';
import type { WarehouseMigrationSet } from '../warehouse/migrations.ts';
import { findPgTools } from './pg-tools.ts';

const run = promisify(execFile);
// Parents before children, so a restore never breaks a foreign key.
const ORDER = ['repositories', 'contributors', 'pull_requests', 'issues', 'reviews', 'comments', 'pr_files', 'workspaces', 'workspace_repositories', 'sync_state', 'sync_runs', 'embedding_costs'];
const FETCH = 5000;

export interface BackupManifest {
  createdAt: string;
  method: 'pg_dump' | 'copy';
  /** The schema backed up (absent in backups from before the console had its own). */
  schema?: string;
  schemaVersion: number;
  serverVersion: string;
  tables: Record<string, number>;
  file: string;
  /** The pg_restore that can read this dump (same major version as the pg_dump). */
  pgRestore?: string;
}

/** Connection parameters as libpq environment variables: no password on a command line. */
function libpqEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  return { ...process.env, PGHOST: u.hostname, PGPORT: u.port || '5432', PGUSER: decodeURIComponent(u.username), PGPASSWORD: decodeURIComponent(u.password), PGDATABASE: decodeURIComponent(u.pathname.slice(1)) || 'postgres', PGSSLMODE: u.searchParams.get('sslmode') ?? 'prefer' };
}

async function serverMajor(pool: pg.Pool): Promise<number> {
  return Number(((await pool.query('SHOW server_version_num')).rows[0].server_version_num as string).slice(0, -4));
}

async function tables(pool: pg.Pool, schema: string): Promise<string[]> {
  const { rows } = await pool.query("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'", [schema]);
  const names = rows.map((r) => r.table_name as string);
  return [...ORDER.filter((t) => names.includes(t)), ...names.filter((t) => !ORDER.includes(t)).sort()];
}

export async function backupStatements(pool: pg.Pool, schema: string): Promise<{ statements: string[]; method: 'pg_dump' | 'copy' }> {
  const major = await serverMajor(pool);
  const tools = await findPgTools(major);
  if (tools) return { method: 'pg_dump', statements: [`${tools.pgDump} --format=custom --no-owner --snapshot=<exported snapshot> --schema=${quoteIdent(schema)} --file=<backups>/<timestamp>/warehouse.dump  (connection from PG* environment variables)`] };
  return {
    method: 'copy',
    statements: [`-- no pg_dump ${major} or newer found (set REPO_OPS_PG_BIN to its directory): consistent JSON-lines snapshot instead`, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', ...(await tables(pool, schema)).map((t) => `DECLARE … CURSOR FOR SELECT row_to_json(t) FROM ${quoteIdent(schema)}.${quoteIdent(t)} t  → ${t}.jsonl.gz`), 'COMMIT'],
  };
}

/**
 * Backs up the warehouse: pg_dump when a compatible one is installed, else one
 * consistent snapshot of every table as gzipped JSON lines plus a manifest of counts.
 */
export async function backupWarehouse(pool: pg.Pool, url: string, dir: string, schema: string): Promise<BackupManifest> {
  const q = (t: string) => `${quoteIdent(schema)}.${quoteIdent(t)}`;
  mkdirSync(dir, { recursive: true });
  const serverVersion = (await pool.query('SHOW server_version')).rows[0].server_version as string;
  const schemaVersion = (await pool.query(`SELECT MAX(version)::int AS v FROM ${q('schema_migrations')} WHERE feature = 'warehouse'`)).rows[0].v as number;
  const tools = await findPgTools(await serverMajor(pool));
  const client = await pool.connect();
  const counts: Record<string, number> = {};
  let method: BackupManifest['method'] = 'copy';
  let file = dir;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    for (const t of await tables(pool, schema)) counts[t] = Number((await client.query(`SELECT count(*) AS n FROM ${q(t)}`)).rows[0].n);
    if (tools) {
      method = 'pg_dump';
      file = join(dir, 'warehouse.dump');
      const snapshot = (await client.query('SELECT pg_export_snapshot() AS s')).rows[0].s as string;
      await run(tools.pgDump, ['--format=custom', '--no-owner', `--snapshot=${snapshot}`, `--schema=${quoteIdent(schema)}`, `--file=${file}`], { env: libpqEnv(url), maxBuffer: 64 * 1024 * 1024 });
    } else {
      for (const t of Object.keys(counts)) {
        const out = createGzip();
        const done = new Promise<void>((resolve, reject) => out.pipe(createWriteStream(join(dir, `${t}.jsonl.gz`))).on('finish', () => resolve()).on('error', reject));
        await client.query(`DECLARE backup_cursor NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS j FROM ${q(t)} t`);
        for (;;) {
          const { rows } = await client.query(`FETCH ${FETCH} FROM backup_cursor`);
          if (!rows.length) break;
          out.write(rows.map((r) => r.j).join('\n') + '\n');
        }
        await client.query('CLOSE backup_cursor');
        out.end();
        await done;
      }
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw new OpsError('unavailable', `Backup failed: ${(e as Error).message}`);
  } finally {
    client.release();
  }
  const manifest: BackupManifest = { createdAt: new Date().toISOString(), method, schema, schemaVersion, serverVersion, tables: counts, file, ...(tools && method === 'pg_dump' ? { pgRestore: tools.pgRestore } : {}) };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

export function latestBackup(root: string): { dir: string; manifest: BackupManifest } | null {
  let dirs: string[];
  try {
    dirs = readdirSync(root).sort().reverse();
  } catch {
    return null;
  }
  for (const d of dirs) {
    try {
      return { dir: join(root, d), manifest: JSON.parse(readFileSync(join(root, d, 'manifest.json'), 'utf8')) as BackupManifest };
    } catch {
      // an unfinished backup: try the one before
    }
  }
  return null;
}

/**
 * Restores a backup into a scratch database on the same server, compares every
 * table's row count with the manifest, and drops the scratch database again.
 */
export async function restoreTest(adminUrl: string, backup: { dir: string; manifest: BackupManifest }, sets: WarehouseMigrationSet[]): Promise<{ database: string; tables: Record<string, { expected: number; restored: number }>; ok: boolean }> {
  const name = `repo_ops_restore_test_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (e) {
    await admin.end();
    throw new OpsError('unavailable', `Cannot create the scratch database for the restore test: ${(e as Error).message}`);
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const scratch = new pg.Pool({ connectionString: u.toString(), max: 2 });
  const result: Record<string, { expected: number; restored: number }> = {};
  // Backups from before the console had its own schema held the tables in public.
  const schema = backup.manifest.schema ?? 'public';
  const q = (t: string) => `${quoteIdent(schema)}.${quoteIdent(t)}`;
  try {
    if (backup.manifest.method === 'pg_dump') {
      const pgRestore = backup.manifest.pgRestore && existsSync(backup.manifest.pgRestore) ? backup.manifest.pgRestore : 'pg_restore';
      await run(pgRestore, ['--no-owner', '--exit-on-error', `--dbname=${name}`, backup.manifest.file], { env: { ...libpqEnv(u.toString()), PGDATABASE: name } });
    } else {
      await migrateWarehouse(scratch, schema, sets);
      const client = await scratch.connect();
      try {
        await client.query('BEGIN');
        for (const t of Object.keys(backup.manifest.tables)) {
          let batch: string[] = [];
          const flush = async () => {
            if (batch.length) await client.query(`INSERT INTO ${q(t)} SELECT * FROM json_populate_recordset(NULL::${q(t)}, $1::json)`, [`[${batch.join(',')}]`]);
            batch = [];
          };
          const lines = createInterface({ input: createReadStream(join(backup.dir, `${t}.jsonl.gz`)).pipe(createGunzip()) });
          for await (const line of lines) {
            if (!line) continue;
            batch.push(line);
            if (batch.length >= FETCH) await flush();
          }
          await flush();
        }
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    }
    for (const [t, expected] of Object.entries(backup.manifest.tables)) {
      result[t] = { expected, restored: Number((await scratch.query(`SELECT count(*) AS n FROM ${q(t)}`)).rows[0].n) };
    }
  } finally {
    await scratch.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
  return { database: name, tables: result, ok: Object.values(result).every((r) => r.expected === r.restored) };
}
