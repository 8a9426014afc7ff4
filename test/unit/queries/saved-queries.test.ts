import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SavedQueryService, savedQueryStoreMigrations, toCsv } from '../../../src/main/queries/index.ts';
import { openDatabase, storeVersions, type Db } from '../../../src/main/store/database.ts';
import { STORE_BASE } from '../../../src/main/store/migrations.ts';
import { tempDir } from '../../helpers/temp.ts';
import { createWarehouseFixture, type WarehouseFixture } from './warehouse-fixture.ts';

const withSavedQueries = () => [STORE_BASE, savedQueryStoreMigrations];

describe('saved queries migration', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('is the queries feature’s own store migration, adding saved_queries to an existing store', () => {
    expect(savedQueryStoreMigrations).toMatchObject({ feature: 'queries', migrations: [{ version: 1, name: 'saved verification queries' }] });
    const file = join(tmp.dir, 'store.sqlite');
    openDatabase(file).close();
    const db = openDatabase(file, withSavedQueries());
    expect(storeVersions(db)).toEqual({ store: 1, queries: 1 });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'saved_queries'").get()).toEqual({ name: 'saved_queries' });
    db.close();
  });
});

describe('saved queries', () => {
  let db: Db;
  let svc: SavedQueryService;
  let f: WarehouseFixture;

  beforeAll(async () => {
    db = openDatabase(':memory:', withSavedQueries());
    svc = new SavedQueryService(db);
    f = await createWarehouseFixture();
  });
  afterAll(async () => {
    db?.close();
    await f?.close();
  });

  it('creates, lists, reads, updates and deletes', () => {
    const a = svc.create({ name: '  Open PRs  ', sql: "SELECT number FROM pull_requests WHERE repository_id = $1::uuid AND state = 'open' ORDER BY number", params: [{ name: 'repository', type: 'repository', label: 'Repository' }] });
    expect(a).toMatchObject({ name: 'Open PRs', description: '', timeoutMs: null, params: [{ name: 'repository', type: 'repository', label: 'Repository' }] });
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    const b = svc.create({ name: 'all issues', description: 'Everything', sql: 'SELECT count(*) FROM issues', timeoutMs: 5000 });
    expect(svc.list().map((q) => q.name)).toEqual(['all issues', 'Open PRs']);
    expect(svc.get(b.id)).toEqual(b);
    const renamed = svc.update(b.id, { name: 'Issue count', sql: 'SELECT count(*) AS n FROM issues WHERE state = $1', params: [{ name: 'state', type: 'text', label: 'State', default: 'open' }] });
    expect(renamed).toMatchObject({ name: 'Issue count', description: 'Everything', timeoutMs: 5000, createdAt: b.createdAt });
    expect(renamed.updatedAt >= b.updatedAt).toBe(true);
    svc.delete(b.id);
    expect(() => svc.get(b.id)).toThrow(`No saved query with id ${b.id}.`);
    expect(() => svc.delete(b.id)).toThrow(/No saved query/);
    svc.delete(a.id);
    expect(svc.list()).toEqual([]);
  });

  it('validates names, SQL, parameters and timeouts', () => {
    const x = svc.create({ name: 'Taken', sql: 'SELECT 1' });
    expect(() => svc.create({ name: 'TAKEN', sql: 'SELECT 2' })).toThrow('A saved query named "TAKEN" already exists.');
    expect(() => svc.create({ name: '   ', sql: 'SELECT 1' })).toThrow('The saved query needs a name.');
    expect(() => svc.create({ name: 'n'.repeat(121), sql: 'SELECT 1' })).toThrow(/at most 120 characters/);
    expect(() => svc.create({ name: 'Empty', sql: '  ' })).toThrow('Saved query "Empty" needs SQL.');
    expect(() => svc.create({ name: 'Two', sql: 'SELECT 1; SELECT 2' })).toThrow(/contains 2 statements/);
    expect(() => svc.create({ name: 'Undeclared', sql: 'SELECT $1' })).toThrow('The SQL uses $1 but no parameters are declared.');
    expect(() => svc.create({ name: 'Unused', sql: 'SELECT 1', params: [{ name: 'a', type: 'int', label: 'A' }] })).toThrow('Parameter "a" (A) is declared as $1, but the SQL does not use $1.');
    expect(() => svc.create({ name: 'Bad default', sql: 'SELECT $1::date', params: [{ name: 'd', type: 'date', label: 'Day', default: 'yesterday' }] })).toThrow(/The default of parameter "d" \(Day\) must be a date/);
    expect(() => svc.create({ name: 'Slow', sql: 'SELECT 1', timeoutMs: 0 })).toThrow(/timeout of "Slow" must be a whole number of milliseconds/);
    expect(() => svc.update(x.id, { sql: 'BEGIN' })).toThrow(/controls the transaction/);
    expect(svc.get(x.id).sql).toBe('SELECT 1');
    svc.delete(x.id);
  });

  it('runs read-only through the executor with validated parameters', async () => {
    const q = svc.create({
      name: 'PRs by state',
      sql: 'SELECT number, title FROM pull_requests WHERE repository_id = $1::uuid AND state = $2 ORDER BY number DESC LIMIT $3::int',
      params: [
        { name: 'repository', type: 'repository', label: 'Repository' },
        { name: 'state', type: 'text', label: 'State', default: 'open' },
        { name: 'limit', type: 'int', label: 'Rows', default: 2 },
      ],
    });
    const r = await svc.run(f.pool, q.id, { repository: f.ids.widgets });
    expect(r.columns).toEqual([{ name: 'number', type: 'integer' }, { name: 'title', type: 'text' }]);
    expect(r.rows).toEqual([[20, 'Widget change 20'], [19, 'Widget change 19']]);
    expect((await svc.run(f.pool, q.id, { repository: f.ids.widgets, state: 'closed', limit: 50 })).rowCount).toBe(16);
    await expect(svc.run(f.pool, 'no-such-id')).rejects.toThrow('No saved query with id no-such-id.');
    await expect(svc.run(f.pool, q.id, {})).rejects.toThrow('Parameter "repository" (Repository) for "PRs by state" is required: give a repository id (a uuid such as 3f1c…-…).');
    await expect(svc.run(f.pool, q.id, { repository: f.ids.widgets }, { maxRows: 1 })).resolves.toMatchObject({ rowCount: 1, truncated: true });
    const csv = toCsv(await svc.run(f.pool, q.id, { repository: f.ids.widgets }));
    expect(csv).toBe('number,title\r\n20,Widget change 20\r\n19,Widget change 19\r\n');
  });

  it('exports a catalogue-style result with awkward values as RFC 4180 CSV', async () => {
    const q = svc.create({ name: 'awkward', sql: `SELECT 'a,b' AS commas, 'say "hi"' AS quotes, E'two\\nlines' AS newline, NULL::text AS nothing, '' AS blank, ARRAY['x', NULL] AS arr, '{"k": 1}'::jsonb AS j, 12.50::numeric AS n` });
    expect(toCsv(await svc.run(f.pool, q.id))).toBe('commas,quotes,newline,nothing,blank,arr,j,n\r\n"a,b","say ""hi""","two\nlines",,"","[""x"",null]","{""k"":1}",12.5\r\n');
  });
});
