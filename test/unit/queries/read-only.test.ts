import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCatalogueQuery, runReadOnly, SavedQueryService, savedQueryStoreMigrations } from '../../../src/main/queries/index.ts';
import { openDatabase, type Db } from '../../../src/main/store/database.ts';
import { STORE_BASE } from '../../../src/main/store/migrations.ts';
import { opsErrorOf } from '../../helpers/ops-error.ts';
import { createWarehouseFixture, type WarehouseFixture } from './warehouse-fixture.ts';

const storeMigrations = () => [STORE_BASE, savedQueryStoreMigrations];

describe('read-only executor', () => {
  let f: WarehouseFixture;
  let db: Db;
  let saved: SavedQueryService;
  let before: Record<string, number>;

  beforeAll(async () => {
    f = await createWarehouseFixture();
    await f.pool.query("CREATE SEQUENCE ticket_seq; CREATE TYPE mood AS ENUM ('ok', 'sad')");
    db = openDatabase(':memory:', storeMigrations());
    saved = new SavedQueryService(db);
    before = await f.counts();
  });
  afterAll(async () => {
    db?.close();
    await f?.close();
  });

  /** Saves `sql` as an operator would (no validation beyond the store's) and runs it. */
  const runAsSaved = (sql: string) => {
    const id = randomUUID();
    const now = new Date().toISOString();
    db.prepare('INSERT INTO saved_queries (id, name, sql, params, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, `attempt ${id}`, sql, '[]', now, now);
    return saved.run(f.pool, id);
  };

  describe('writes through saved queries are refused by the read-only transaction', () => {
    const cases: [string, string][] = [
      ['DELETE FROM pull_requests', 'DELETE from pull_requests'],
      ["UPDATE issues SET title = 'pwned'", 'UPDATE of issues'],
      ["INSERT INTO contributors (github_id, username) VALUES (666, 'mallory')", 'INSERT into contributors'],
      ['CREATE TABLE scratch (x int)', 'CREATE TABLE scratch'],
      ['DROP TABLE comments', 'DROP TABLE comments'],
      ['TRUNCATE pr_files', 'TRUNCATE of pr_files'],
      ['ALTER TABLE issues ADD COLUMN pwned int', 'ALTER TABLE issues'],
      ['WITH d AS (DELETE FROM reviews RETURNING id) SELECT count(*) FROM d', 'DELETE from reviews in a WITH clause'],
      ['EXPLAIN ANALYZE DELETE FROM comments', 'DELETE from comments'],
      ['SELECT * FROM pull_requests FOR UPDATE', 'SELECT FOR UPDATE'],
      ['CREATE TEMP TABLE t AS SELECT * FROM issues', 'CREATE TABLE t AS …'],
      ['; DROP TABLE pull_requests', 'DROP TABLE pull_requests'],
      ['GRANT SELECT ON issues TO PUBLIC', 'GRANT'],
    ];
    for (const [sql, what] of cases) {
      it(sql, async () => {
        const e = await opsErrorOf(runAsSaved(sql));
        expect(e.code).toBe('invalid_input');
        expect(e.message).toBe(`This query tries to write (${what}): verification queries run read-only.`);
        expect(e.details).toMatchObject({ sqlstate: '25006', reason: 'write' });
      });
    }
  });

  describe('statements the transaction would not stop are refused before they are sent', () => {
    const cases: [string, RegExp][] = [
      ['SELECT 1; DROP TABLE pull_requests', /contains 2 statements/],
      ['SET TRANSACTION READ WRITE; DELETE FROM pull_requests', /contains 2 statements/],
      ['SET TRANSACTION READ WRITE', /tries to change the transaction mode/],
      ['COMMIT; DELETE FROM issues', /contains 2 statements/],
      ['BEGIN', /BEGIN, which controls the transaction/],
      ['SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()', /calls pg_terminate_backend\(\), which ends another session/],
      ["SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'victim'", /pg_cancel_backend\(\)/],
      ["COPY (SELECT 1) TO PROGRAM 'touch /tmp/pwned'", /COPY/],
      ['DO $$ BEGIN DELETE FROM issues; END $$', /anonymous code block/],
      ['LOCK TABLE pull_requests IN ACCESS EXCLUSIVE MODE', /explicit table locks/],
      ['SELECT pg_advisory_lock(1)', /session lock/],
      ['PREPARE sneaky AS DELETE FROM issues', /prepared statement/],
    ];
    for (const [sql, message] of cases) {
      it(sql, async () => {
        // At save time…
        expect(() => saved.create({ name: `save ${sql}`, sql })).toThrow(message);
        // …and at run time, for a query that got into the store some other way.
        const e = await opsErrorOf(runAsSaved(sql));
        expect(e.code).toBe('invalid_input');
        expect(e.message).toMatch(message);
      });
    }

    it('nextval(): a saved query is refused before it is sent (VOLATILE), any other by the read-only transaction', async () => {
      expect((await opsErrorOf(runAsSaved("SELECT nextval('ticket_seq')"))).message).toMatch(/nextval\(\), which PostgreSQL marks VOLATILE/);
      const e = await opsErrorOf(runReadOnly(f.pool, "SELECT nextval('ticket_seq')"));
      expect(e.message).toBe('This query tries to write (nextval()): verification queries run read-only.');
      expect(e.details).toMatchObject({ sqlstate: '25006', reason: 'write' });
    });

    it('leaves other sessions alone (pg_terminate_backend is never sent)', async () => {
      const victim = await f.pool.connect();
      try {
        await victim.query("SET application_name = 'victim'");
        const pid = (await victim.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
        await opsErrorOf(runAsSaved(`SELECT pg_terminate_backend(${pid})`));
        expect((await victim.query('SELECT 1 AS alive')).rows[0].alive).toBe(1);
      } finally {
        victim.release();
      }
    });
  });

  it('changed nothing: same row counts, no new objects, the pool still healthy', async () => {
    expect(await f.counts()).toEqual(before);
    const objects = await f.pool.query("SELECT to_regclass('scratch') AS scratch, (SELECT count(*)::int FROM information_schema.columns WHERE column_name = 'pwned') AS pwned, (SELECT is_called FROM ticket_seq) AS seq_used");
    expect(objects.rows[0]).toEqual({ scratch: null, pwned: 0, seq_used: false });
    expect((await runReadOnly(f.pool, 'SELECT count(*) AS n FROM pull_requests')).rows).toEqual([[25]]);
    expect(f.pool.totalCount).toBeLessThanOrEqual(4);
  });

  describe('parameters are bound, never spliced', () => {
    it('injection through a text parameter matches nothing and changes nothing', async () => {
      for (const owner of ["acme' OR '1'='1", "acme'; DROP TABLE pull_requests; --", 'acme" OR 1=1 --', '$1', "\\'; DELETE FROM issues; --"]) {
        const r = await runCatalogueQuery(f.pool, 'repository-lookup', { owner, name: 'widgets' });
        expect(r.rows, owner).toEqual([]);
      }
      const q = saved.create({ name: 'PRs titled', sql: 'SELECT number FROM pull_requests WHERE title = $1 ORDER BY number', params: [{ name: 'title', type: 'text', label: 'Title' }] });
      expect((await saved.run(f.pool, q.id, { title: "x' OR '1'='1" })).rows).toEqual([]);
      expect((await saved.run(f.pool, q.id, { title: 'Widget change 3' })).rows).toEqual([[3]]);
      expect(await f.counts()).toEqual(before);
    });

    it('typed parameters refuse injection attempts with a message naming the parameter', async () => {
      const bad = async (id: string, values: Record<string, unknown>) => (await opsErrorOf(runCatalogueQuery(f.pool, id, values))).message;
      expect(await bad('backfill-1-coverage', { repository: "' OR 1=1 --" })).toMatch(/^Parameter "repository" \(Repository\) for "Overall data coverage" must be a repository id/);
      expect(await bad('sync-runs-failed', { period: "1 day'; DROP TABLE sync_runs; --" })).toMatch(/^Parameter "period" \(Period\) for "Failed and incomplete sync runs" must be an interval/);
      expect(await bad('contributors-top', { repository: f.ids.widgets, limit: '5; DELETE FROM issues' })).toMatch(/^Parameter "limit" \(Rows\) for "Most active contributors" must be a whole number/);
      expect(await bad('activity-between-dates', { repository: f.ids.widgets, since: "2024-01-01'; --", until: '2024-02-01' })).toMatch(/^Parameter "since"/);
      expect(await f.counts()).toEqual(before);
    });

    it('every interval form the validator accepts is one Postgres accepts', async () => {
      const q = saved.create({ name: 'interval echo', sql: 'SELECT $1::interval::text', params: [{ name: 'i', type: 'interval', label: 'Interval' }] });
      for (const i of ['90 days', '5 minutes', '1.5 hours', '2 weeks', '3 mons', '1 year 2 months', '30s', '250 ms', '10 min', '2 hrs', 'P1D', 'PT15M', 'P1DT2H']) {
        expect((await saved.run(f.pool, q.id, { i })).rows[0]![0], i).toMatch(/\d/);
      }
    });
  });

  describe('limits', () => {
    it('stops a query at its statement timeout and says which query and the limit', async () => {
      const q = saved.create({ name: 'Slow one', sql: 'SELECT pg_sleep(5)', timeoutMs: 150 });
      const t0 = Date.now();
      const e = await opsErrorOf(saved.run(f.pool, q.id));
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(e.code).toBe('timeout');
      expect(e.message).toBe('"Slow one" was stopped after 150 ms (its statement timeout). Narrow it (a shorter interval, fewer rows) or raise the limit.');
      // The default is 2 s; a per-run override wins over the saved value.
      const e2 = await opsErrorOf(runReadOnly(f.pool, 'SELECT pg_sleep(5)', [], { label: 'Nap', timeoutMs: 100 }));
      expect(e2.message).toMatch(/^"Nap" was stopped after 100 ms/);
      const e3 = await opsErrorOf(runReadOnly(f.pool, 'SELECT pg_sleep(3)'));
      expect(e3.message).toBe('"The query" was stopped after 2,000 ms (its statement timeout). Narrow it (a shorter interval, fewer rows) or raise the limit.');
    });

    it('fetches at most maxRows rows and says it truncated', async () => {
      const r = await runReadOnly(f.pool, 'SELECT g FROM generate_series(1, 50000) g', [], { maxRows: 100 });
      expect(r.rowCount).toBe(100);
      expect(r.rows.at(-1)).toEqual([100]);
      expect(r.truncated).toBe(true);
      const exact = await runReadOnly(f.pool, 'SELECT g FROM generate_series(1, 100) g', [], { maxRows: 100 });
      expect([exact.rowCount, exact.truncated]).toEqual([100, false]);
      // A pipelined 10^11-row join: only the first rows are ever produced and sent.
      const huge = await runReadOnly(f.pool, 'SELECT a.oid FROM pg_class a, pg_class b, pg_class c, pg_class d', [], { maxRows: 10, timeoutMs: 2000 });
      expect([huge.rowCount, huge.truncated]).toEqual([10, true]);
      await expect(runReadOnly(f.pool, 'SELECT 1', [], { maxRows: 0 })).rejects.toThrow(/maxRows must be a whole number from 1/);
    });
  });

  it('returns JSON-safe values with their Postgres type names', async () => {
    const r = await runReadOnly(
      f.pool,
      `SELECT 1::int2 AS i2, 42::int8 AS i8, 9007199254740993::int8 AS big, 66.666::numeric(6,2) AS n, 'NaN'::numeric AS nan, 1.5::float8 AS f8, 'Infinity'::float8 AS inf,
              true AS b, NULL::text AS nothing, '2024-01-20 16:45:00.123456+02'::timestamptz AS ts, '2024-01-20 16:45:00'::timestamp AS local, '2024-02-29'::date AS d,
              '1 day 02:03:04'::interval AS iv, '\\xdeadbeef'::bytea AS bin, '{"a": [1, null]}'::jsonb AS j, ARRAY[1, NULL, 3] AS ints, ARRAY['a b', 'c"d', NULL] AS texts,
              ARRAY[[1.5, 2], [3, 4]]::real[] AS matrix, 'ok'::mood AS enum_value, ARRAY['ok', 'sad']::mood[] AS enum_array, '00000000-0000-0000-0000-000000000001'::uuid AS u,
              '127.0.0.1'::inet AS ip, ARRAY['2024-01-01 00:00:00+00'::timestamptz] AS stamps`,
    );
    expect(Object.fromEntries(r.columns.map((c, i) => [c.name, [c.type, r.rows[0]![i]]]))).toEqual({
      i2: ['smallint', 1],
      i8: ['bigint', 42],
      big: ['bigint', '9007199254740993'],
      n: ['numeric', 66.67],
      nan: ['numeric', 'NaN'],
      f8: ['double precision', 1.5],
      inf: ['double precision', 'Infinity'],
      b: ['boolean', true],
      nothing: ['text', null],
      ts: ['timestamp with time zone', '2024-01-20T14:45:00.123456Z'],
      local: ['timestamp without time zone', '2024-01-20T16:45:00'],
      d: ['date', '2024-02-29'],
      iv: ['interval', '1 day 02:03:04'],
      bin: ['bytea', '\\xdeadbeef'],
      j: ['jsonb', { a: [1, null] }],
      ints: ['integer[]', [1, null, 3]],
      texts: ['text[]', ['a b', 'c"d', null]],
      matrix: ['real[]', [[1.5, 2], [3, 4]]],
      enum_value: ['mood', 'ok'],
      enum_array: ['mood[]', ['ok', 'sad']],
      u: ['uuid', '00000000-0000-0000-0000-000000000001'],
      ip: ['inet', '127.0.0.1'],
      stamps: ['timestamp with time zone[]', ['2024-01-01T00:00:00Z']],
    });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    // Embeddings come back as plain number arrays.
    const emb = await runReadOnly(f.pool, 'SELECT embedding FROM pull_requests WHERE repository_id = $1 AND number = 1', [f.ids.widgets]);
    expect(emb.columns[0]!.type).toBe('real[]');
    expect((emb.rows[0]![0] as number[]).length).toBe(8);
  });

  it('reports the query’s own errors with its name and position', async () => {
    const e = await opsErrorOf(runReadOnly(f.pool, 'SELECT\n  no_such_column\nFROM issues', [], { label: 'Typo' }));
    expect(e.code).toBe('invalid_input');
    expect(e.message).toBe('"Typo": column "no_such_column" does not exist (line 2, column 3)');
    const cast = await opsErrorOf(runReadOnly(f.pool, 'SELECT $1::int', ['abc'], { label: 'Cast' }));
    expect(cast.message).toMatch(/^"Cast": invalid input syntax for type integer/);
    // The connection is fine afterwards.
    expect((await runReadOnly(f.pool, 'SELECT 1')).rows).toEqual([[1]]);
  });
});
