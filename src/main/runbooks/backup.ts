import { execFile } from 'node:child_process';
import { chmodSync, createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { createGunzip, createGzip } from 'node:zlib';
import pg from 'pg';
import { OpsError } from '../../shared/errors.ts';
import { qualified, quoteIdent, SCHEMA_NAME } from '../warehouse/identifiers.ts';
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
  /** Copy method: each table's snapshot, a plain file name inside the backup directory. */
  files?: Record<string, string>;
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

/** Base tables of the schema; their names are whatever their creators chose, so only ever quoted. */
async function tables(pool: pg.Pool | pg.PoolClient, schema: string): Promise<string[]> {
  const { rows } = await pool.query("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'", [schema]);
  const names = rows.map((r) => r.table_name as string);
  return [...ORDER.filter((t) => names.includes(t)), ...names.filter((t) => !ORDER.includes(t)).sort()];
}

/** A snapshot file name that is safe whatever the table is called ("../x", "a/b", 63 bytes of Unicode). */
const snapshotFile = (i: number, table: string) => `${String(i + 1).padStart(3, '0')}-${table.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40)}.jsonl.gz`;

/** The snapshot file of a table named in a manifest: only a plain file name inside the backup. */
function manifestFile(manifest: BackupManifest, table: string): string | null {
  const f = manifest.files ? manifest.files[table] : `${table}.jsonl.gz`;
  return typeof f === 'string' && f === basename(f) && !f.startsWith('.') && !f.includes('\\') ? f : null;
}

export async function backupStatements(pool: pg.Pool, schema: string): Promise<{ statements: string[]; method: 'pg_dump' | 'copy' }> {
  const major = await serverMajor(pool);
  const tools = await findPgTools(major);
  if (tools) return { method: 'pg_dump', statements: [`${tools.pgDump} --format=custom --no-owner --snapshot=<exported snapshot> --schema=${quoteIdent(schema)} --file=<backups>/<timestamp>/warehouse.dump  (connection from PG* environment variables)`] };
  return {
    method: 'copy',
    statements: [`-- no pg_dump ${major} or newer found (set REPO_OPS_PG_BIN to its directory): consistent JSON-lines snapshot instead`, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', ...(await tables(pool, schema)).map((t, i) => `DECLARE … CURSOR FOR SELECT row_to_json(t) FROM ${qualified(schema, t)} t  → ${snapshotFile(i, t)}`), 'COMMIT'],
  };
}

/**
 * Backs up the warehouse: pg_dump when a compatible one is installed, else one
 * consistent snapshot of every table as gzipped JSON lines plus a manifest of counts.
 */
export async function backupWarehouse(pool: pg.Pool, url: string, dir: string, schema: string): Promise<BackupManifest> {
  const q = (t: string) => qualified(schema, t);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const serverVersion = (await pool.query('SHOW server_version')).rows[0].server_version as string;
  const schemaVersion = (await pool.query(`SELECT MAX(version)::int AS v FROM ${q('schema_migrations')} WHERE feature = 'warehouse'`)).rows[0].v as number;
  const tools = await findPgTools(await serverMajor(pool));
  const client = await pool.connect();
  const counts: Record<string, number> = {};
  const files: Record<string, string> = {};
  let method: BackupManifest['method'] = 'copy';
  let file = dir;
  try {
    // One statement per query: a name can never end one statement and start another.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    for (const t of await tables(client, schema)) counts[t] = Number((await client.query(`SELECT count(*) AS n FROM ${q(t)}`)).rows[0].n);
    if (tools) {
      method = 'pg_dump';
      file = join(dir, 'warehouse.dump');
      const snapshot = (await client.query('SELECT pg_export_snapshot() AS s')).rows[0].s as string;
      await run(tools.pgDump, ['--format=custom', '--no-owner', `--snapshot=${snapshot}`, `--schema=${quoteIdent(schema)}`, `--file=${file}`], { env: libpqEnv(url), maxBuffer: 64 * 1024 * 1024 });
      chmodSync(file, 0o600); // a full copy of the warehouse: for this user only
    } else {
      for (const [i, t] of Object.keys(counts).entries()) {
        files[t] = snapshotFile(i, t);
        const out = createGzip();
        const done = new Promise<void>((resolve, reject) => out.pipe(createWriteStream(join(dir, files[t]!), { mode: 0o600 })).on('finish', () => resolve()).on('error', reject));
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
  const manifest: BackupManifest = { createdAt: new Date().toISOString(), method, schema, schemaVersion, serverVersion, tables: counts, ...(method === 'copy' ? { files } : {}), file, ...(tools && method === 'pg_dump' ? { pgRestore: tools.pgRestore } : {}) };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2), { mode: 0o600 });
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

export interface RestoreTestResult {
  database: string;
  /** Per table in the backup: rows expected and restored (null: not restored, see `skipped`). */
  tables: Record<string, { expected: number; restored: number | null }>;
  /** Tables in the backup that the warehouse schema does not have (made outside Repo Ops' migrations). */
  skipped: string[];
  /** Every restored table has the row count the backup recorded. */
  ok: boolean;
}

async function tableExists(db: pg.Pool | pg.PoolClient, schema: string, table: string): Promise<boolean> {
  return (await db.query("SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2 AND table_type = 'BASE TABLE'", [schema, table])).rowCount === 1;
}

/**
 * Restores a backup into a scratch database on the same server, compares every
 * table's row count with the manifest, and drops the scratch database again. Table names
 * read back from the manifest are looked up in the scratch catalog and quoted, never pasted.
 */
export async function restoreTest(adminUrl: string, backup: { dir: string; manifest: BackupManifest }, sets: WarehouseMigrationSet[]): Promise<RestoreTestResult> {
  // Backups from before the console had its own schema held the tables in public.
  const schema = typeof backup.manifest.schema === 'string' && backup.manifest.schema ? backup.manifest.schema : 'public';
  if (!SCHEMA_NAME.test(schema)) throw new OpsError('invalid_input', `The backup manifest names schema ${JSON.stringify(schema)}, which is not a plain schema name: it was not written by Repo Ops.`);
  const name = `repo_ops_restore_test_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } catch (e) {
    await admin.end();
    throw new OpsError('unavailable', `Cannot create the scratch database for the restore test: ${(e as Error).message}`);
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const scratch = new pg.Pool({ connectionString: u.toString(), max: 2 });
  scratch.on('error', () => {});
  const result: RestoreTestResult['tables'] = {};
  const skipped: string[] = [];
  const expected = Object.entries(backup.manifest.tables ?? {}).filter(([, n]) => Number.isInteger(n));
  try {
    if (backup.manifest.method === 'pg_dump') {
      const pgRestore = backup.manifest.pgRestore && existsSync(backup.manifest.pgRestore) ? backup.manifest.pgRestore : 'pg_restore';
      await run(pgRestore, ['--no-owner', '--exit-on-error', `--dbname=${name}`, backup.manifest.file], { env: { ...libpqEnv(u.toString()), PGDATABASE: name } });
    } else {
      await migrateWarehouse(scratch, schema, sets);
      const client = await scratch.connect();
      try {
        await client.query('BEGIN');
        const targets: { target: string; file: string }[] = [];
        for (const [t] of expected) {
          const file = manifestFile(backup.manifest, t);
          if (file && (await tableExists(client, schema, t))) targets.push({ target: qualified(schema, t), file });
        }
        // The scratch database is ours: rows seeded by migrations and triggers of the features
        // would collide with, or add to, the backup's own rows.
        if (targets.length) await client.query(`TRUNCATE ${targets.map((x) => x.target).join(', ')} CASCADE`);
        for (const { target } of targets) await client.query(`ALTER TABLE ${target} DISABLE TRIGGER USER`);
        for (const { target, file } of targets) {
          let batch: string[] = [];
          const flush = async () => {
            if (batch.length) await client.query(`INSERT INTO ${target} SELECT * FROM json_populate_recordset(NULL::${target}, $1::json)`, [`[${batch.join(',')}]`]);
            batch = [];
          };
          const lines = createInterface({ input: createReadStream(join(backup.dir, file)).pipe(createGunzip()) });
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
    for (const [t, n] of expected) {
      if ((backup.manifest.method !== 'pg_dump' && !manifestFile(backup.manifest, t)) || !(await tableExists(scratch, schema, t))) {
        skipped.push(t);
        result[t] = { expected: n, restored: null };
        continue;
      }
      result[t] = { expected: n, restored: Number((await scratch.query(`SELECT count(*) AS n FROM ${qualified(schema, t)}`)).rows[0].n) };
    }
  } finally {
    await scratch.end();
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
  return { database: name, tables: result, skipped, ok: Object.values(result).every((r) => r.restored === null || r.expected === r.restored) };
}
