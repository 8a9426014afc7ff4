import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enablePgStatStatements, extensionStatus, runCatalogueQuery, runReadOnly } from '../../../src/main/queries/index.ts';
import { preloadList } from '../../../src/main/queries/pg-stat-statements.ts';
import { OpsError } from '../../../src/shared/errors.ts';
import { createWarehouseFixture, type WarehouseFixture } from './warehouse-fixture.ts';

describe('pg_stat_statements', () => {
  let f: WarehouseFixture;
  beforeAll(async () => {
    f = await createWarehouseFixture();
  });
  afterAll(() => f?.close());

  it('reads shared_preload_libraries lists', () => {
    expect(preloadList('pg_stat_statements')).toEqual(['pg_stat_statements']);
    expect(preloadList(' "auto_explain" , pg_stat_statements,')).toEqual(['auto_explain', 'pg_stat_statements']);
    expect(preloadList('')).toEqual([]);
  });

  it('reports a fresh database: available and preloaded, not installed', async () => {
    const s = await extensionStatus(f.pool);
    expect(s).toMatchObject({ available: true, installed: false, version: null, preloaded: true, canInstall: true, usable: false, preloadAdvice: null });
    expect(s.problem).toBe('the pg_stat_statements extension is not installed in this database');
  });

  it('queries that need it say so instead of failing on a missing view', async () => {
    const refused = (p: Promise<unknown>) => p.then(() => null, (err: unknown) => err as OpsError);
    const e = (await refused(runCatalogueQuery(f.pool, 'slow-queries')))!;
    expect(e).toBeInstanceOf(OpsError);
    expect(e.code).toBe('unavailable');
    expect(e.message).toMatch(/^"Slow queries" needs pg_stat_statements: the pg_stat_statements extension is not installed in this database\. Enable it from Repo Ops/);
    // A saved query that reads the view gets the same explanation from the error.
    const raw = (await refused(runReadOnly(f.pool, 'SELECT query FROM pg_stat_statements', [], { label: 'Mine' })))!;
    expect(raw.code).toBe('unavailable');
    expect(raw.message).toMatch(/^"Mine" needs pg_stat_statements: the pg_stat_statements extension is not installed in this database/);
  });

  it('enables it, returning exactly the SQL it ran, once', async () => {
    const first = await enablePgStatStatements(f.pool);
    expect(first.ran).toEqual(['CREATE EXTENSION IF NOT EXISTS pg_stat_statements']);
    expect(first.status).toMatchObject({ installed: true, preloaded: true, onSearchPath: true, usable: true, problem: null, schema: 'repo_ops' });
    expect(first.status.version).toMatch(/^\d+\.\d+$/);
    const again = await enablePgStatStatements(f.pool);
    expect(again.ran).toEqual([]);
    expect(again.status.usable).toBe(true);
  });

  it('then finds this database’s slow statements, and only this database’s', async () => {
    await runReadOnly(f.pool, 'SELECT pg_sleep(0.06) AS slow_marker');
    const slow = await runCatalogueQuery(f.pool, 'slow-queries', { min_mean_ms: 50 });
    expect(slow.columns.map((c) => c.name)).toEqual(['query', 'calls', 'mean_exec_time', 'max_exec_time']);
    const marker = slow.rows.find((r) => String(r[0]).includes('slow_marker'));
    expect(marker?.[1]).toBe(1);
    expect(marker?.[2] as number).toBeGreaterThanOrEqual(50);
    expect((await runCatalogueQuery(f.pool, 'slow-queries', { min_mean_ms: 60_000 })).rows).toEqual([]);
    const top = await runCatalogueQuery(f.pool, 'top-queries-total-time', { limit: 3 });
    expect(top.rowCount).toBeLessThanOrEqual(3);
    // The view is cluster-wide: a slow statement in another database must not show up here.
    const other = new pg.Client({ connectionString: process.env.REPO_OPS_TEST_PG_URL });
    await other.connect();
    await other.query('SELECT pg_sleep(0.06) AS other_database_marker');
    await other.end();
    const everywhere = await f.pool.query("SELECT count(*)::int AS n FROM pg_stat_statements WHERE query LIKE '%other_database_marker%'");
    expect(everywhere.rows[0].n).toBeGreaterThanOrEqual(1);
    const here = await runCatalogueQuery(f.pool, 'slow-queries', { min_mean_ms: 50 });
    expect(here.rows.some((r) => String(r[0]).includes('other_database_marker'))).toBe(false);
    expect(here.rows.some((r) => String(r[0]).includes('slow_marker'))).toBe(true);
  });
});
