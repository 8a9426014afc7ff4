// SQL built from object names (backup, restore, VACUUM, CREATE INDEX, retention) against a real
// PostgreSQL where a low-privilege role created tables with hostile names: quotes, semicolons,
// `--`, Unicode, path separators and 63-byte names. The backup once pasted such a name into
// multi-statement SQL run as the app's (superuser) role: the low-privilege role became superuser.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warehouseMigrationSets } from '../../src/main/core/compose.ts';
import { backupWarehouse, latestBackup, restoreTest, type BackupManifest } from '../../src/main/runbooks/backup.ts';
import type { RunbookRun } from '../../src/shared/contract/runbooks.ts';
import { startTestCore, type TestCore } from '../helpers/core.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { tempDir } from '../helpers/temp.ts';

const suffix = randomBytes(4).toString('hex');
const ANALYST = `analyst_${suffix}`;
const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

// The exact attack from the review, and names that break naive quoting or file naming.
const ESCALATE = `sync_runs;COMMIT;ALTER ROLE ${ANALYST} SUPERUSER--`;
const HOSTILE_TABLES = [
  ESCALATE,
  `it's a "quoted" name`,
  'x; DROP TABLE repositories; --',
  'données_📊_表',
  '../../escaped',
  '$1 \\ back',
  'é'.repeat(31) + 'x', // 63 bytes: the identifier limit
];
const HOSTILE_COLUMN = 'col"; DROP TABLE issues; --';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let admin: pg.Pool;
let analyst: pg.Client;
let t: TestCore;
/** The schema the app's migrations put the warehouse in (found, not assumed). */
let schema: string;
const ident = (s: string) => pg.escapeIdentifier(s);
const step = (run: RunbookRun, id: string) => run.steps.find((s) => s.stepId === id)!;
const isSuper = async () => (await admin.query('SELECT rolsuper FROM pg_roles WHERE rolname = $1', [ANALYST])).rows[0].rolsuper as boolean;

beforeAll(async () => {
  db = await createTestDatabase('hostile');
  t = await startTestCore();
  const profileId = (await t.ops.profiles.create({ name: 'hostile' })).id;
  await t.ops.secrets.set({ profileId, key: 'postgres_url', value: db.url });
  await t.ops.warehouse.status(); // connects and migrates, as the app's role (a superuser here)
  admin = new pg.Pool({ connectionString: db.url, max: 2 });
  schema = (await admin.query("SELECT table_schema AS s FROM information_schema.tables WHERE table_name = 'sync_runs'")).rows[0].s as string;
  // A low-privilege role that may only create tables in the warehouse's schema.
  await admin.query(`CREATE ROLE ${ident(ANALYST)} LOGIN PASSWORD 'analyst-pw' NOSUPERUSER`);
  await admin.query(`GRANT CREATE, USAGE ON SCHEMA ${ident(schema)} TO ${ident(ANALYST)}`);
  const u = new URL(db.url);
  u.username = ANALYST;
  u.password = 'analyst-pw';
  analyst = new pg.Client({ connectionString: u.toString() });
  await analyst.connect();
  await analyst.query(`SET search_path = ${ident(schema)}`);
  await createHostile(ESCALATE, 1);
}, 60_000);

/** As the low-privilege role: a table with a hostile column and `rows` rows. */
async function createHostile(name: string, rows: number): Promise<void> {
  expect(utf8Bytes(name)).toBeLessThanOrEqual(63);
  await analyst.query(`CREATE TABLE IF NOT EXISTS ${ident(name)} (id int, ${ident(HOSTILE_COLUMN)} text)`);
  await analyst.query(`TRUNCATE ${ident(name)}`);
  await analyst.query(`INSERT INTO ${ident(name)} SELECT g, 'v' || g FROM generate_series(1, $1::int) g`, [rows]);
}

afterAll(async () => {
  await analyst?.end().catch(() => {});
  await admin?.end();
  await t?.close();
  await db?.drop();
  // Roles are cluster-wide: drop it once its database (and the grants in it) is gone.
  const c = new pg.Client({ connectionString: process.env.REPO_OPS_TEST_PG_URL });
  await c.connect();
  await c.query(`DROP ROLE IF EXISTS ${ident(ANALYST)}`);
  await c.end();
});

describe('hostile object names', () => {
  it('the review\'s attack: a table named "sync_runs;COMMIT;ALTER ROLE … SUPERUSER--" and the operator runs the backup', async () => {
    expect(await isSuper()).toBe(false);
    const run = await t.ops.runbooks.start({ runbookId: 'maintenance-backup' });
    const after = await t.ops.runbooks.runStep({ runId: run.id, stepId: 'backup', confirm: true });
    expect(await isSuper()).toBe(false);
    expect(step(after, 'backup')).toMatchObject({ outcome: 'done' });
    expect((step(after, 'backup').output as { tables: Record<string, number> }).tables[ESCALATE]).toBe(1);
  });

  it('backup and restore test quote every name (quotes, semicolons, --, Unicode, path separators, 63 bytes)', async () => {
    for (const [i, name] of HOSTILE_TABLES.entries()) await createHostile(name, i + 1);
    let run = await t.ops.runbooks.start({ runbookId: 'maintenance-backup' });
    const preview = await t.ops.runbooks.preview({ runId: run.id, stepId: 'backup', inputs: {} });
    expect(preview.statements.join('\n')).toContain(ident(ESCALATE));
    run = await t.ops.runbooks.runStep({ runId: run.id, stepId: 'backup', confirm: true });
    expect(await isSuper()).toBe(false);
    expect(step(run, 'backup')).toMatchObject({ outcome: 'done' });
    const manifest = step(run, 'backup').output as { tables: Record<string, number>; files?: Record<string, string> };
    for (const [i, name] of HOSTILE_TABLES.entries()) expect(manifest.tables[name]).toBe(i + 1);
    // Every snapshot file stays inside the backup directory, whatever the table is called.
    const dir = latestBackup(join(t.home, 'backups'))!.dir;
    expect(existsSync(join(dirname(dirname(dir)), 'escaped.jsonl.gz'))).toBe(false);
    expect(readdirSync(dir).length).toBe(Object.keys(manifest.tables).length + 1);

    // The restore test: warehouse tables restored and compared; tables its migrations do not
    // create (made by another role) are named, not pasted into SQL.
    run = await t.ops.runbooks.runStep({ runId: run.id, stepId: 'restore', confirm: true });
    expect(await isSuper()).toBe(false);
    const restore = step(run, 'restore');
    expect(restore).toMatchObject({ outcome: 'warn', summary: expect.stringMatching(/^Restore test passed: \d+ tables, every row count matches; 7 tables in the backup are not part of the warehouse schema/) });
    expect(restore.summary).toContain(JSON.stringify(ESCALATE));
    const out = restore.output as { tables: Record<string, { expected: number; restored: number | null }>; skipped: string[] };
    expect(out.tables.repositories).toEqual({ expected: 0, restored: 0 });
    expect(out.skipped.sort()).toEqual([...HOSTILE_TABLES].sort());
  });

  it('names read back from a tampered restore manifest are never pasted into SQL', async () => {
    const root = tempDir();
    try {
      const pool = new pg.Pool({ connectionString: db.url, max: 2 });
      await backupWarehouse(pool, db.url, join(root.dir, 'b1'), schema);
      await pool.end();
      const file = join(root.dir, 'b1', 'manifest.json');
      const tampered = JSON.parse(readFileSync(file, 'utf8')) as BackupManifest;
      const evil = `repositories;ALTER ROLE ${ANALYST} SUPERUSER--`;
      tampered.tables[evil] = 1;
      if (tampered.files) tampered.files[evil] = tampered.files.repositories!;
      writeFileSync(file, JSON.stringify(tampered));
      const r = await restoreTest(db.url, latestBackup(root.dir)!, warehouseMigrationSets());
      expect(await isSuper()).toBe(false);
      expect(r.tables[evil]).toEqual({ expected: 1, restored: null });
      expect(r.skipped).toContain(evil);
      // A manifest pointing a table at a file outside the backup is not followed either.
      tampered.files = { ...tampered.files, repositories: '../../etc/passwd' };
      writeFileSync(file, JSON.stringify(tampered));
      const again = await restoreTest(db.url, latestBackup(root.dir)!, warehouseMigrationSets());
      expect(again.tables.repositories).toEqual({ expected: 0, restored: null });
      // Nor a schema name that is not one Repo Ops could have written.
      writeFileSync(file, JSON.stringify({ ...tampered, schema: 'x"; ALTER ROLE x SUPERUSER; --' }));
      await expect(restoreTest(db.url, latestBackup(root.dir)!, warehouseMigrationSets())).rejects.toThrow(/not a plain schema name/);
    } finally {
      root.cleanup();
    }
  });

  it('CREATE INDEX on a 63-byte Unicode table and a hostile column: quoted, and the reported index is the one created', async () => {
    const table = HOSTILE_TABLES.at(-1)!;
    const run = await t.ops.runbooks.start({ runbookId: 'maintenance-index' });
    const inputs = { table, columns: HOSTILE_COLUMN };
    const preview = await t.ops.runbooks.preview({ runId: run.id, stepId: 'create', inputs });
    expect(preview.statements[0]).toContain(`(${ident(HOSTILE_COLUMN)})`);
    const done = await t.ops.runbooks.runStep({ runId: run.id, stepId: 'create', inputs, confirm: true });
    expect(step(done, 'create').outcome).toBe('done');
    const { rows } = await admin.query('SELECT indexname FROM pg_indexes WHERE tablename = $1', [table]);
    expect(rows).toHaveLength(1);
    const indexName = rows[0].indexname as string;
    expect(utf8Bytes(indexName)).toBeLessThanOrEqual(63);
    expect(preview.statements[0]).toContain(ident(indexName));
    expect((await admin.query('SELECT to_regclass($1) IS NOT NULL AS ok', [`${ident(schema)}.issues`])).rows[0].ok).toBe(true);
    // Two column sets whose derived names share their first 63 bytes get two indexes, not one.
    await admin.query(`ALTER TABLE ${ident(schema)}.${ident(table)} ADD COLUMN ${ident(HOSTILE_COLUMN + '2')} text`);
    const again = await t.ops.runbooks.runStep({ runId: run.id, stepId: 'create', inputs: { table, columns: HOSTILE_COLUMN + '2' }, confirm: true });
    expect(step(again, 'create').outcome).toBe('done');
    expect((await admin.query('SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = $1', [table])).rows[0].n).toBe(2);
  });

  it('VACUUM and retention name the warehouse tables schema-qualified and quoted', async () => {
    const vac = await t.ops.runbooks.start({ runbookId: 'maintenance-vacuum' });
    const v = await t.ops.runbooks.preview({ runId: vac.id, stepId: 'vacuum', inputs: { table: 'sync_runs' } });
    expect(v.statements).toEqual([`VACUUM (ANALYZE) ${ident(schema)}."sync_runs"`]);
    const done = await t.ops.runbooks.runStep({ runId: vac.id, stepId: 'vacuum', inputs: { table: 'sync_runs' }, confirm: true });
    expect(step(done, 'vacuum').outcome).toBe('done');
    const ret = await t.ops.runbooks.start({ runbookId: 'maintenance-retention' });
    const r = await t.ops.runbooks.preview({ runId: ret.id, stepId: 'delete', inputs: { days: '30' } });
    expect(r.statements[0]).toMatch(new RegExp(`^DELETE FROM ${ident(schema)}\\."sync_runs" WHERE`));
    // The hostile table whose name starts with "sync_runs" is untouched.
    const after = await t.ops.runbooks.runStep({ runId: ret.id, stepId: 'delete', inputs: { days: '30' }, confirm: true });
    expect(step(after, 'delete').outcome).toBe('done');
    expect((await admin.query(`SELECT count(*)::int AS n FROM ${ident(schema)}.${ident(ESCALATE)}`)).rows[0].n).toBe(1);
    expect(await isSuper()).toBe(false);
  });
});
