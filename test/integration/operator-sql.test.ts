// The read-only guard for saved (operator) queries against a real PostgreSQL, with the attacks
// of the review: a U&-escaped pg_advisory_lock, ts_rewrite running SQL text that reached
// dblink_exec and committed a CREATE TABLE, and advisory locks that outlived the rollback on
// the pooled connection. Plus what the allow-list, the least-privilege role and the discarded
// connection add.
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../src/main/queries/catalogue.ts';
import { checkOperatorFunctions, operatorSqlProtection } from '../../src/main/queries/operator-sql.ts';
import { runReadOnly, SavedQueryService, savedQueryStoreMigrations } from '../../src/main/queries/index.ts';
import { STORE_BASE } from '../../src/main/store/migrations.ts';
import { openDatabase, type Db } from '../../src/main/store/database.ts';
import { createPool } from '../../src/main/warehouse/pool.ts';
import { opsErrorOf } from '../helpers/ops-error.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { migrateTestWarehouse, warehousePool } from '../helpers/warehouse.ts';

const MALLORY = `mallory_${randomBytes(4).toString('hex')}`;
const ident = (s: string) => pg.escapeIdentifier(s);

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
let admin: pg.Client;
let store: Db;
let saved: SavedQueryService;

/** Stores SQL as a saved query the way an old build (or a hand-edited store) could have, and runs it. */
function runStored(sql: string) {
  const id = randomUUID();
  const now = new Date().toISOString();
  store.prepare('INSERT INTO saved_queries (id, name, sql, params, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, `q ${id}`, sql, '[]', now, now);
  return saved.run(pool, id);
}

// This test's database only: other test files share the server (two run at once) and take advisory locks of their own.
const advisoryLocks = async () => Number((await admin.query("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")).rows[0].n);
const tableExists = async (name: string) => (await admin.query('SELECT to_regclass($1) IS NOT NULL AS e', [name])).rows[0].e as boolean;

beforeAll(async () => {
  db = await createTestDatabase('opsql');
  pool = warehousePool(db.url, 2);
  await migrateTestWarehouse(pool);
  admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  await admin.query('CREATE EXTENSION IF NOT EXISTS dblink');
  await admin.query(`CREATE ROLE ${ident(MALLORY)} NOSUPERUSER`);
  await admin.query(`GRANT CREATE, USAGE ON SCHEMA public TO ${ident(MALLORY)}`);
  // Objects another role made: a shadowing overload of a built-in, a view that takes a session
  // lock, a view that reads a server file (functions in a view run as the querying role).
  await admin.query(`SET ROLE ${ident(MALLORY)}`);
  await admin.query('CREATE FUNCTION public.lower(integer) RETURNS text LANGUAGE sql STABLE AS $$ SELECT $1::text $$');
  await admin.query('CREATE FUNCTION public.harmless_looking(x int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT x $$');
  await admin.query('CREATE VIEW public.locky AS SELECT pg_try_advisory_lock(4242) AS locked');
  await admin.query("CREATE VIEW public.filey AS SELECT pg_read_file('PG_VERSION') AS content");
  await admin.query('RESET ROLE');
  store = openDatabase(':memory:', [STORE_BASE, savedQueryStoreMigrations]);
  saved = new SavedQueryService(store);
}, 60_000);

afterAll(async () => {
  store?.close();
  await pool?.end();
  await admin?.end();
  await db?.drop();
  const c = new pg.Client({ connectionString: process.env.REPO_OPS_TEST_PG_URL });
  await c.connect();
  await c.query(`DROP ROLE IF EXISTS ${ident(MALLORY)}`);
  await c.end();
});

describe('operator SQL (saved queries)', () => {
  it('a U&-escaped pg_advisory_lock is refused when saving and when running, and leaves no lock behind', async () => {
    const sql = 'SELECT U&"\\0070g_advisory_lock"(42)';
    expect(() => saved.create({ name: 'sneaky lock', sql })).toThrow(/pg_advisory_lock\(\), which takes a session lock/);
    await opsErrorOf(runStored(sql));
    await opsErrorOf(runStored(`SELECT u&"d!0061t!+000061" UESCAPE '!' FROM (SELECT 1 AS data) x, LATERAL (SELECT U&"pg\\005fadvisory\\005flock"(7)) y`));
    expect(await advisoryLocks()).toBe(0);
  });

  it('ts_rewrite cannot run SQL given as text (the review reached dblink_exec and committed a CREATE TABLE)', async () => {
    const u = new URL(db.url);
    const conn = `host=${u.hostname} port=${u.port} dbname=${u.pathname.slice(1)} user=${decodeURIComponent(u.username)} password=${decodeURIComponent(u.password)}`;
    const sql = `SELECT ts_rewrite('a'::tsquery, $q$SELECT 'a'::tsquery, 'b'::tsquery FROM dblink_exec('${conn}', 'CREATE TABLE pwned_by_ts_rewrite (x int)')$q$)`;
    expect(() => saved.create({ name: 'rewrite', sql })).toThrow(/ts_rewrite\(\)/);
    const e = await opsErrorOf(runStored(sql));
    expect(e.message).toMatch(/ts_rewrite\(\)/);
    expect(await tableExists('pwned_by_ts_rewrite')).toBe(false);
    for (const other of [`SELECT * FROM ts_stat('SELECT to_tsvector(title) FROM issues')`, `SELECT query_to_xml('SELECT 1', true, false, '')`, `SELECT table_to_xml('issues', true, false, '')`, `SELECT dblink_exec('${conn}', 'SELECT 1')`, "SELECT lo_get(1)", "SELECT pg_read_binary_file('PG_VERSION')", "SELECT * FROM pg_ls_dir('.')"]) {
      await opsErrorOf(runStored(other));
    }
  });

  it('allows only side-effect-free built-ins: volatile ones and functions other roles created are refused', async () => {
    expect((await opsErrorOf(runStored("SELECT nextval('pg_catalog.pg_class'::regclass)"))).message).toMatch(/nextval\(\), which PostgreSQL marks VOLATILE/);
    expect((await opsErrorOf(runStored('SELECT harmless_looking(1)'))).message).toMatch(/created by a database user in schema "public"/);
    // A shadowing overload makes unqualified lower() refused; the qualified built-in still runs.
    expect((await opsErrorOf(runStored("SELECT lower('ABC')"))).message).toMatch(/pg_catalog\.lower/);
    expect((await runStored("SELECT pg_catalog.lower('ABC') AS l, now() IS NOT NULL AS t, count(*) FROM generate_series(1, 3) g")).rows).toEqual([['abc', true, 3]]);
    expect((await runStored("SELECT pg_size_pretty(pg_database_size(current_database())) IS NOT NULL AS ok, x::varchar(3) FROM (VALUES ('abcd')) AS v(x)")).rows).toEqual([[true, 'abc']]);
  });

  it('runs as a least-privilege role, and the session it used is discarded: locks taken behind a view do not survive', async () => {
    const p = await operatorSqlProtection(pool);
    expect(p).toMatchObject({ role: 'pg_read_all_data', active: true });
    expect((await runStored('SELECT current_user AS u')).rows).toEqual([['pg_read_all_data']]);
    // A view made by another role reads a server file: as the app's superuser role it would.
    expect((await opsErrorOf(runStored('SELECT content FROM filey'))).message).toMatch(/permission denied for function pg_read_file/);
    // A view takes a session-level advisory lock: the read-only transaction cannot stop that.
    expect((await runStored('SELECT locked FROM locky')).rowCount).toBe(1);
    await new Promise((r) => setTimeout(r, 200)); // the discarded connection's backend exits
    expect(await advisoryLocks()).toBe(0);
    // Catalogue queries keep their pooled connection and the app's role.
    expect((await runReadOnly(pool, 'SELECT current_user AS u')).rows).toEqual([[decodeURIComponent(new URL(db.url).username)]]);
  });

  it('says when no least-privilege role is available', async () => {
    const plain = `plain_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE ROLE ${ident(plain)} LOGIN PASSWORD 'plain-pw'`);
    await admin.query(`GRANT CONNECT ON DATABASE ${ident(db.name)} TO ${ident(plain)}`);
    const u = new URL(db.url);
    u.username = plain;
    u.password = 'plain-pw';
    const p2 = createPool(u.toString(), { max: 1 });
    try {
      const p = await operatorSqlProtection(p2);
      expect(p).toMatchObject({ role: null, active: false });
      expect(p.detail).toMatch(/GRANT pg_read_all_data TO/);
    } finally {
      await p2.end();
      await admin.query(`DROP OWNED BY ${ident(plain)}`);
      await admin.query(`DROP ROLE ${ident(plain)}`);
    }
  });

  it('every catalogue query passes the allow-list (no false refusals of the runbooks’ own SQL)', async () => {
    const clean = createPool(db.url, { max: 1 });
    const c = await clean.connect();
    try {
      // Without the shadowing overload another role created above.
      await admin.query('DROP FUNCTION public.lower(integer)');
      for (const q of catalogue) await expect(checkOperatorFunctions(c, clean, q.sql), q.id).resolves.toBeUndefined();
    } finally {
      c.release();
      await clean.end();
    }
  });
});
