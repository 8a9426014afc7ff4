import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warehouseCoreMigrations } from '../../src/main/warehouse/migrations.ts';
import { startTestCore, type TestCore } from '../helpers/core.ts';
import { createTestDatabase } from '../helpers/postgres.ts';

type TestDb = Awaited<ReturnType<typeof createTestDatabase>>;

/** Every object of a schema with its kind and columns: what "unchanged" means. */
async function catalog(url: string, schema: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query(
      `SELECT c.relkind::text || ' ' || c.relname || coalesce(' (' || (SELECT string_agg(a.attname || ':' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) || ')', '') AS o
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 ORDER BY 1`,
      [schema],
    );
    return rows.map((r) => r.o as string);
  } finally {
    await c.end();
  }
}

async function exec(url: string, sql: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(sql, params);
  } finally {
    await c.end();
  }
}

describe('the warehouse lives in its own schema', () => {
  let t: TestCore;
  const dbs: TestDb[] = [];
  /** A fresh database, prepared (as it was before this version of the console saw it), then made the active profile's. */
  const useDb = async (profile: Record<string, unknown> = {}, prepare?: (db: TestDb) => Promise<void>) => {
    const db = await createTestDatabase('schema');
    dbs.push(db);
    await prepare?.(db);
    const p = await t.ops.profiles.create({ name: `p-${dbs.length}`, ...profile });
    await t.ops.secrets.set({ profileId: p.id, key: 'postgres_url', value: db.url });
    await t.ops.profiles.activate({ id: p.id });
    return db;
  };

  beforeAll(async () => {
    t = await startTestCore();
  });
  afterAll(async () => {
    await t?.close();
    for (const db of dbs) await db.drop();
  });

  it('creates its tables in repo_ops and nothing in public', async () => {
    const db = await useDb();
    const before = await catalog(db.url, 'public');
    const status = await t.ops.warehouse.status();
    expect(status).toMatchObject({ schema: 'repo_ops', schemaVersion: warehouseCoreMigrations.migrations.at(-1)!.version, upToDate: true });
    expect(await catalog(db.url, 'public')).toEqual(before);
    const ours = await catalog(db.url, 'repo_ops');
    expect(ours).toEqual(expect.arrayContaining([expect.stringMatching(/^r repositories \(/), expect.stringMatching(/^r pull_requests \(/), expect.stringMatching(/^r schema_migrations \(/), expect.stringMatching(/^v items_needing_embeddings_priority/)]));
    // The core's own connections find the tables by their plain names.
    await t.ops.repos.list();
  });

  it('leaves a team’s own tables of the same names alone', async () => {
    const db = await useDb({}, async (fresh) => {
      await exec(fresh.url, `CREATE TABLE public.repositories (id serial PRIMARY KEY, slug text NOT NULL);
        CREATE TABLE public.schema_migrations (version text PRIMARY KEY);
        INSERT INTO public.repositories (slug) VALUES ('theirs'); INSERT INTO public.schema_migrations VALUES ('20240101_init');`);
    });
    const before = await catalog(db.url, 'public');
    expect((await t.ops.warehouse.status()).upToDate).toBe(true);
    expect(await catalog(db.url, 'public')).toEqual(before);
    expect((await exec(db.url, 'SELECT slug FROM public.repositories')).rows).toEqual([{ slug: 'theirs' }]);
    expect(await t.ops.repos.list()).toEqual([]);
  });

  it('moves a 0.1 warehouse out of public once, with its data', async () => {
    // What Repo Ops 0.1 left behind: its migrations (1–3) run in public, recorded in the old layout —
    // all of it there before this console connects (its background work may connect at once).
    const db = await useDb({}, async (fresh) => {
      await exec(fresh.url, 'CREATE TABLE public.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
      for (const m of warehouseCoreMigrations.migrations.filter((x) => x.version <= 3)) {
        await exec(fresh.url, m.sql);
        await exec(fresh.url, 'INSERT INTO public.schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      }
      await exec(fresh.url, "INSERT INTO public.repositories (owner, name, full_name) VALUES ('octo', 'old', 'octo/old')");
      await exec(fresh.url, 'CREATE TABLE public.unrelated (x int)');
    });

    const status = await t.ops.warehouse.status();
    expect(status).toMatchObject({ schema: 'repo_ops', upToDate: true });
    expect(await catalog(db.url, 'public')).toEqual([expect.stringMatching(/^r unrelated \(x:integer\)$/)]);
    expect((await t.ops.repos.list()).map((r) => r.fullName)).toEqual(['octo/old']);
    const applied = (await exec(db.url, 'SELECT feature, version FROM repo_ops.schema_migrations ORDER BY feature, version')).rows;
    expect(applied.filter((r) => r.feature === 'warehouse').map((r) => r.version)).toEqual(warehouseCoreMigrations.migrations.map((m) => m.version));
  });

  it('uses the schema the profile names, and refuses a name that is not plain', async () => {
    const db = await useDb({ warehouseSchema: 'ops_console' });
    expect((await t.ops.warehouse.status()).schema).toBe('ops_console');
    expect(await catalog(db.url, 'ops_console')).toEqual(expect.arrayContaining([expect.stringMatching(/^r repositories \(/)]));
    expect(await catalog(db.url, 'repo_ops')).toEqual([]);
    for (const bad of ['Repo', 'x;DROP SCHEMA public', '9lives', 'a'.repeat(64), 'repo"ops']) {
      await expect(t.ops.profiles.create({ name: `bad-${bad.length}-${bad.charCodeAt(1)}`, warehouseSchema: bad })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('warehouseSchema') });
    }
  });
});
