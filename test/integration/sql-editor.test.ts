import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdhoc, schemaBrowser } from '../../src/main/queries/adhoc.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { migrateTestWarehouse, warehousePool } from '../helpers/warehouse.ts';

// The SQL editor (pgAdmin's query tool): ad-hoc SQL under the saved queries' read-only guard,
// EXPLAIN / EXPLAIN ANALYZE, and the schema browser, against a real PostgreSQL.
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
beforeAll(async () => {
  db = await createTestDatabase('sqled');
  pool = warehousePool(db.url, 2);
  await migrateTestWarehouse(pool);
}, 60_000);
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

const run = (sql: string, explain: 'none' | 'plan' | 'analyze' = 'none') => runAdhoc(pool, { sql, explain, timeoutMs: 5000 });

describe('the SQL editor', () => {
  it('runs a read-only statement and shows its plan with EXPLAIN and EXPLAIN ANALYZE', async () => {
    const r = await run('SELECT 1 AS one, $$a;b$$ AS semi;');
    expect(r).toMatchObject({ columns: [{ name: 'one' }, { name: 'semi' }], rows: [[1, 'a;b']], rowCount: 1 });
    const plan = await run('SELECT count(*) FROM repositories', 'plan');
    expect(plan.columns[0]!.name).toBe('QUERY PLAN');
    expect(plan.rows.map((x) => x[0]).join('\n')).toMatch(/Aggregate/);
    expect(plan.rows.map((x) => x[0]).join('\n')).not.toMatch(/actual time/);
    const analyzed = await run('SELECT count(*) FROM repositories', 'analyze');
    expect(analyzed.rows.map((x) => x[0]).join('\n')).toMatch(/actual time=.*Execution Time/s);
  });

  it('refuses writes, several statements and side effects, also through EXPLAIN ANALYZE, and nothing changes', async () => {
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const before = Number((await admin.query('SELECT count(*) AS n FROM repositories')).rows[0].n);
      await expect(run("INSERT INTO repositories (owner, name, full_name) VALUES ('a', 'b', 'a/b')")).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/writes/) });
      await expect(run("DELETE FROM repositories", 'analyze')).rejects.toThrow(/writes/);
      await expect(run("WITH d AS (DELETE FROM repositories RETURNING 1) SELECT * FROM d", 'analyze')).rejects.toThrow(/writes/);
      await expect(run('SELECT 1; SELECT 2')).rejects.toThrow(/2 statements/);
      await expect(run('SELECT pg_advisory_lock(1)')).rejects.toThrow(/pg_advisory_lock/);
      await expect(run('EXPLAIN SELECT 1', 'plan')).rejects.toThrow(/already an EXPLAIN/);
      expect(Number((await admin.query('SELECT count(*) AS n FROM repositories')).rows[0].n)).toBe(before);
    } finally {
      await admin.end();
    }
  });

  it('browses the schema: the console’s tables with their columns and types', async () => {
    const tables = await schemaBrowser(pool);
    const repos = tables.find((t) => t.name === 'repositories');
    expect(repos).toMatchObject({ schema: 'repo_ops', kind: 'table' });
    expect(repos!.columns).toEqual(expect.arrayContaining([{ name: 'full_name', type: 'text', nullable: false }]));
    expect(tables.some((t) => t.schema === 'pg_catalog')).toBe(false);
  });
});
