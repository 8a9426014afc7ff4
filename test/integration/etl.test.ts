import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtlService, type RunHooks } from '../../src/main/etl/etl-service.ts';
import { runCatalogueQuery } from '../../src/main/queries/index.ts';
import type { Logger } from '../../src/main/logging/logger.ts';
import type { WarehouseService } from '../../src/main/warehouse/warehouse-service.ts';
import { EngineerLensParams, WhatShippedParams } from '../../src/shared/contract/etl.ts';
import { generateEtlData, insertEtlData, upsertPrs, type RawData } from '../helpers/etl-data.ts';
import { readRaw, reference, shippedSummaryReference, type Expected } from '../helpers/etl-reference.ts';
import { shipped, shippedMarkdown } from '../../src/main/etl/read.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';
import { etlCommand } from '../../src/main/cli/commands/etl.ts';
import { UsageError } from '../../src/main/cli/usage-error.ts';
import { startTestCore, type TestCore } from '../helpers/core.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { migrateTestWarehouse, WAREHOUSE_SCHEMA, warehousePool } from '../helpers/warehouse.ts';

const silent = { info() {}, warn() {}, error() {}, debug() {}, child() { return silent; } } as unknown as Logger;

function hooks(): RunHooks & { steps: string[] } {
  const steps: string[] = [];
  return {
    steps,
    signal: new AbortController().signal,
    log: silent,
    progress() {},
    async step(name, fn) {
      steps.push(name);
      let v: unknown;
      return fn({ get value() { return v; }, save(x) { v = x; } });
    },
  };
}

/**
 * Step bookkeeping as the job service keeps it: a finished step returns its result, a checkpoint
 * survives the stop, and the signal aborts once a log line matches `stopAt` (the ETL logs a line
 * per repository after committing it), so the next repository is never started.
 */
function resumable(stopAt: RegExp | null) {
  const store = new Map<string, { done: boolean; value?: unknown; result?: unknown }>();
  let controller = new AbortController();
  let trigger = stopAt;
  const log = {
    ...silent,
    info(_code: string, message: string) {
      if (trigger?.test(message)) {
        trigger = null;
        controller.abort();
      }
    },
    child: () => log,
  } as unknown as Logger;
  const h: RunHooks = {
    get signal() {
      return controller.signal;
    },
    log,
    progress() {},
    async step(name, fn) {
      const s = store.get(name) ?? { done: false };
      store.set(name, s);
      if (s.done) return s.result as never;
      if (controller.signal.aborted) throw new Error('cancelled before the step');
      const r = await fn({ get value() { return s.value; }, save(x) { s.value = x; } });
      Object.assign(s, { done: true, result: r });
      return r;
    },
  };
  return { h, store, resume: () => (controller = new AbortController()) };
}

const iso = (c: string) => `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${c}`;
const QUERIES: Record<keyof Expected, string> = {
  repo_prs: `SELECT repo_name, pr_number, author, is_merged, ${iso('merged_at')}, risk_score::float8, high_risk, feature_rule, feature_confidence::float8, labels_full,
    (SELECT coalesce(jsonb_agg(jsonb_build_object('path', t->>'path', 'score', (t->>'score')::int, 'lines', (t->>'lines')::int)), '[]') FROM jsonb_array_elements(top_risky_files) t) AS top_risky_files FROM repo_prs`,
  authors: 'SELECT username, display_name, avatar_url FROM authors',
  author_metrics_daily: "SELECT username, repo_name, to_char(day, 'YYYY-MM-DD') AS day, prs_submitted, prs_merged, lines_changed, high_risk_prs, features_merged FROM author_metrics_daily",
  author_metrics_window: `SELECT username, repo_name, window_days, to_char(start_date, 'YYYY-MM-DD') AS start_date, to_char(end_date, 'YYYY-MM-DD') AS end_date, prs_submitted, prs_merged, high_risk_prs, high_risk_rate, lines_changed, ownership_low_risk_prs FROM author_metrics_window`,
  author_prs_window: `SELECT username, repo_name, window_days, to_char(start_date, 'YYYY-MM-DD') AS start_date, to_char(end_date, 'YYYY-MM-DD') AS end_date, pr_number, title, ${iso('merged_at')}, risk_score::float8, high_risk, feature_rule, feature_confidence::float8 FROM author_prs_window`,
  author_file_ownership: `SELECT username, repo_name, window_days, to_char(start_date, 'YYYY-MM-DD') AS start_date, to_char(end_date, 'YYYY-MM-DD') AS end_date, file_id, file_path, ownership_pct, author_lines, total_lines, ${iso('last_touched')} FROM author_file_ownership`,
};

const norm = (v: unknown): unknown =>
  typeof v === 'number' ? Math.round(v * 1e9) / 1e9 : Array.isArray(v) ? v.map(norm) : v && typeof v === 'object' ? Object.keys(v).sort().map((k) => [k, norm((v as Record<string, unknown>)[k])]) : v;
const key = (r: Record<string, unknown>) => JSON.stringify(norm(r));
const sorted = (rows: Record<string, unknown>[]) => rows.map(key).sort();

async function tables(pool: pg.Pool): Promise<Expected> {
  const out = {} as Expected;
  for (const [t, sql] of Object.entries(QUERIES)) out[t as keyof Expected] = (await pool.query(sql)).rows;
  return out;
}

function expectAgrees(actual: Expected, expected: Expected, only?: (keyof Expected)[]) {
  for (const t of only ?? (Object.keys(QUERIES) as (keyof Expected)[])) {
    const a = sorted(actual[t]);
    const e = sorted(expected[t]);
    const missing = e.filter((x) => !a.includes(x)).slice(0, 3);
    const extra = a.filter((x) => !e.includes(x)).slice(0, 3);
    expect({ table: t, missing, extra, count: a.length }).toEqual({ table: t, missing: [], extra: [], count: e.length });
  }
}

describe('Engineer Lens and What Shipped ETL against an independent reference', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  let etl: EtlService;
  let data: RawData;
  const asOf = '2026-04-20';
  const lens = (p: Record<string, unknown> = {}) => etl.runEngineerLens(EngineerLensParams.parse({ asOf, ...p }), hooks());

  beforeAll(async () => {
    db = await createTestDatabase('etl');
    pool = warehousePool(db.url);
    await migrateTestWarehouse(pool);
    data = generateEtlData();
    await insertEtlData(pool, data);
    const warehouse = { connection: async () => ({ pool, url: db.url, info: { schema: WAREHOUSE_SCHEMA } }) } as unknown as WarehouseService;
    etl = new EtlService({ warehouse, logger: silent, timeZone: () => 'UTC' });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('a full run agrees with the reference on every table (UTC)', async () => {
    const r = await lens();
    expect(r.repositories).toEqual(['acme/api', 'acme/web']);
    expect(r.tables.filter((t) => t.table === 'author_metrics_daily').map((t) => t.mode)).toEqual(['full', 'full']);
    const actual = await tables(pool);
    expectAgrees(actual, reference(await readRaw(pool), 'UTC', asOf));
    // The dataset has the edges it claims.
    expect(actual.authors.map((a) => a.username)).toContain('ghost');
    expect(actual.authors.map((a) => a.username)).not.toContain('dependabot[bot]');
    expect(actual.repo_prs.some((p) => p.author === 'dependabot[bot]')).toBe(true);
    expect(new Set(actual.author_metrics_daily.filter((d) => d.username === 'alice').map((d) => d.repo_name)).size).toBe(2);
    expect(actual.author_metrics_daily.some((d) => d.prs_submitted === 0 && d.prs_merged === 0)).toBe(true);
    expect(actual.author_metrics_window.every((w) => w.high_risk_rate === null || (w.high_risk_rate as number) <= 1)).toBe(true);
    expect(actual.author_metrics_window.some((w) => (w.ownership_low_risk_prs as number) > 0)).toBe(true);
    expect(new Set(actual.author_prs_window.map((w) => w.window_days))).toEqual(new Set([7, 15, 30, 60, 90, 999]));
  });

  it('a second run with nothing changed touches nothing', async () => {
    const r = await lens();
    expect(r.staged.map((s) => s.changed + s.deleted)).toEqual([0, 0]);
    expect(r.tables.filter((t) => t.table !== 'authors').every((t) => t.mode === 'unchanged')).toBe(true);
  });

  it('after edits an incremental run equals the reference and a full refresh', async () => {
    const prs = data.prs;
    const merged = prs.find((p) => p.merged)!;
    const reopened = { ...merged, merged: false, state: 'OPEN' as const, merged_at: null };
    const retitled = { ...prs.find((p) => !p.merged && p.labels.length === 0)!, title: 'Implement new export' };
    const moved = { ...prs[10]!, created_at: '2026-02-01T00:00:00.000Z' };
    const late = { ...prs[11]!, id: '00000000-0000-4000-8003-0000000fffff', github_id: 9_999_999, number: 999, created_at: '2026-04-19T23:59:59.999Z', merged: true, state: 'MERGED' as const, merged_at: '2026-04-20T00:00:00.000Z' };
    await upsertPrs(pool, [reopened, retitled, moved, late]);
    await pool.query("INSERT INTO pr_files VALUES ($1, 'src/api/users.ts', 40, 2, 'modified'), ($1, 'db/migrations/003_drop.sql', 5, 0, 'added')", [late.id]);
    // A file of an unchanged PR changes (the sync rewrites pr_files and bumps the PR's synced_at).
    const withFile = data.files[0]!;
    await pool.query('UPDATE pr_files SET additions = additions + 300 WHERE pull_request_id = $1 AND path = $2', [withFile.pull_request_id, withFile.path]);
    await pool.query('UPDATE pull_requests SET synced_at = now() WHERE id = $1', [withFile.pull_request_id]);
    // A PR disappears, and a person renames their account.
    await pool.query('DELETE FROM pull_requests WHERE id = $1', [prs[20]!.id]);
    await pool.query("UPDATE contributors SET username = 'bobby', updated_at = now() WHERE username = 'bob'");

    const r = await lens();
    expect(r.staged.reduce((a, s) => a + s.changed, 0)).toBeGreaterThanOrEqual(5);
    expect(r.staged.reduce((a, s) => a + s.deleted, 0)).toBe(1);
    expect(r.tables.filter((t) => t.table === 'author_metrics_daily').map((t) => t.mode)).toContain('incremental');
    const incremental = await tables(pool);
    expectAgrees(incremental, reference(await readRaw(pool), 'UTC', asOf));
    expect(incremental.authors.map((a) => a.username)).toContain('bobby');
    expect(incremental.authors.map((a) => a.username)).not.toContain('bob');

    await lens({ forceRefresh: true });
    expectAgrees(incremental, await tables(pool));
  });

  it('a daily run moves the windows and a team time zone moves the days', async () => {
    const r = await lens({ asOf: '2026-04-21' });
    expect(r.tables.find((t) => t.table === 'author_metrics_window')!.reason).toMatch(/windows end 2026-04-21/);
    expectAgrees(await tables(pool), reference(await readRaw(pool), 'UTC', '2026-04-21'));
    for (const tz of ['America/Los_Angeles', 'Asia/Kolkata']) {
      await lens({ asOf: '2026-04-21', timeZone: tz });
      expectAgrees(await tables(pool), reference(await readRaw(pool), tz, '2026-04-21'));
    }
  });

  it('one table, one repository, a date range', async () => {
    await pool.query("UPDATE pull_requests SET title = 'Add things', synced_at = now() WHERE number = 3");
    const r = await lens({ updateTable: 'author_metrics_daily', repository: 'acme/web', timeZone: 'Asia/Kolkata', asOf: '2026-04-21' });
    expect(r.repositories).toEqual(['acme/web']);
    expect(r.tables.map((t) => t.table)).toEqual(['author_metrics_daily']);
    // The other tables catch up from the change log on their next run.
    await lens({ timeZone: 'Asia/Kolkata', asOf: '2026-04-21' });
    expectAgrees(await tables(pool), reference(await readRaw(pool), 'Asia/Kolkata', '2026-04-21'));
    const ranged = await lens({ since: '2026-02-01', until: '2026-02-10', timeZone: 'Asia/Kolkata', asOf: '2026-04-21' });
    expect(ranged.staged.reduce((a, s) => a + s.changed, 0)).toBeGreaterThan(0);
    expectAgrees(await tables(pool), reference(await readRaw(pool), 'Asia/Kolkata', '2026-04-21'));
    expect((await pool.query('SELECT count(*)::int AS n FROM etl_changes')).rows[0].n).toBe(0);
  });

  it('the verification queries find the tables consistent', async () => {
    const id = (await pool.query("SELECT id FROM repositories WHERE full_name = 'acme/web'")).rows[0].id as string;
    for (const q of ['etl-dense-days', 'etl-window-sums', 'etl-ownership-shares']) expect((await runCatalogueQuery(pool, q, { repository: id })).rows, q).toEqual([]);
    const fresh = await runCatalogueQuery(pool, 'etl-freshness', { repository: id });
    expect(fresh.rows.map((r) => r[0])).toEqual(['author_file_ownership', 'author_metrics_daily', 'author_metrics_window', 'author_prs_window', 'authors', 'repo_prs']);
    // A planted gap and a wrong window are found.
    await pool.query("UPDATE author_metrics_span SET first_day = first_day + 1 WHERE repo_name = 'acme/web' AND username = 'alice'");
    await pool.query("UPDATE author_metrics_daily_active SET prs_submitted = prs_submitted + 1 WHERE ctid = (SELECT ctid FROM author_metrics_daily_active WHERE repo_name = 'acme/web' AND username = 'alice' ORDER BY day LIMIT 1)");
    expect((await runCatalogueQuery(pool, 'etl-dense-days', { repository: id })).rows.length).toBe(1);
    expect((await runCatalogueQuery(pool, 'etl-window-sums', { repository: id })).rows.length).toBeGreaterThan(0);
    await pool.query("UPDATE author_file_ownership SET ownership_pct = ownership_pct + 1 WHERE ctid = (SELECT ctid FROM author_file_ownership WHERE repo_name = 'acme/web' LIMIT 1)");
    expect((await runCatalogueQuery(pool, 'etl-ownership-shares', { repository: id })).rows.length).toBe(1);
    await lens({ forceRefresh: true, timeZone: 'Asia/Kolkata', asOf: '2026-04-21' });
    for (const q of ['etl-dense-days', 'etl-window-sums', 'etl-ownership-shares']) expect((await runCatalogueQuery(pool, q, { repository: id })).rows, q).toEqual([]);
  });

  const KOLKATA = { timeZone: 'Asia/Kolkata', asOf: '2026-04-21' };
  const edit = async (n: number) => {
    // One PR in each repository gets a new title and a bigger file, as a sync would write them.
    for (const repo of data.repos) {
      const pr = data.prs.filter((p) => p.repository_id === repo.id && p.merged)[n]!;
      await upsertPrs(pool, [{ ...pr, title: `Implement step ${n}` }]);
      await pool.query('UPDATE pr_files SET additions = additions + 70 WHERE pull_request_id = $1', [pr.id]);
    }
  };

  it('a run stopped mid-step resumes where it stopped, without losing or counting anything twice', async () => {
    await edit(1);
    const r = resumable(/^author_file_ownership acme\/api: /);
    // One repository at a time, so the stop lands between them (side by side, both would be under way).
    const warehouse = { connection: async () => ({ pool, url: db.url, info: { schema: WAREHOUSE_SCHEMA } }) } as unknown as WarehouseService;
    const sequential = new EtlService({ warehouse, logger: silent, timeZone: () => 'UTC', concurrency: 1 });
    await expect(sequential.runEngineerLens(EngineerLensParams.parse({ ...KOLKATA }), r.h)).rejects.toThrow(/cancel/i);
    // Stopped after acme/api's ownership committed, before acme/web's.
    expect(r.store.get('author_metrics_daily')?.done).toBe(true);
    expect(r.store.get('author_file_ownership')).toMatchObject({ done: false, value: [{ repo: 'acme/api', mode: 'incremental' }] });
    expect(r.store.has('author_metrics_window')).toBe(false);
    r.resume();
    const done = await sequential.runEngineerLens(EngineerLensParams.parse({ ...KOLKATA }), r.h);
    // acme/api's ownership came from the checkpoint; acme/web's was computed by the resumed run.
    expect(done.tables.filter((t) => t.table === 'author_file_ownership').map((t) => [t.repo, t.mode])).toEqual([['acme/api', 'incremental'], ['acme/web', 'incremental']]);
    expectAgrees(await tables(pool), reference(await readRaw(pool), KOLKATA.timeZone, KOLKATA.asOf));
    expect((await pool.query('SELECT count(*)::int AS n FROM etl_changes')).rows[0].n).toBe(0);
  });

  it('side by side, a stop lets the repositories under way commit and resumes after them', async () => {
    await edit(3);
    const r = resumable(/^author_file_ownership acme\/api: /);
    await expect(etl.runEngineerLens(EngineerLensParams.parse({ ...KOLKATA }), r.h)).rejects.toThrow(/cancel/i);
    // Both repositories' ownership was under way when the stop came: both committed and are checkpointed.
    expect(r.store.get('author_file_ownership')).toMatchObject({ done: true });
    expect((r.store.get('author_file_ownership')!.value as { repo: string }[]).map((x) => x.repo).sort()).toEqual(['acme/api', 'acme/web']);
    // The next step saw the stop before it began.
    expect(r.store.get('author_metrics_window')).toEqual({ done: false });
    r.resume();
    const done = await etl.runEngineerLens(EngineerLensParams.parse({ ...KOLKATA }), r.h);
    expect(done.tables.filter((t) => t.table === 'author_metrics_window').map((t) => [t.repo, t.mode])).toEqual([['acme/api', 'incremental'], ['acme/web', 'incremental']]);
    expectAgrees(await tables(pool), reference(await readRaw(pool), KOLKATA.timeZone, KOLKATA.asOf));
    expect((await pool.query('SELECT count(*)::int AS n FROM etl_changes')).rows[0].n).toBe(0);
  });

  it('a run cancelled after staging leaves its changes to the next run, which catches up incrementally', async () => {
    await edit(2);
    const r = resumable(/^repo_prs acme\/web: /);
    await expect(etl.runEngineerLens(EngineerLensParams.parse({ ...KOLKATA }), r.h)).rejects.toThrow(/cancel/i);
    expect((await pool.query('SELECT count(*)::int AS n FROM etl_changes')).rows[0].n).toBeGreaterThanOrEqual(2);
    // A new run (the cancelled one is not resumed): nothing left to stage, the tables consume the change log.
    const next = await lens({ ...KOLKATA });
    expect(next.staged.map((s) => s.changed + s.deleted)).toEqual([0, 0]);
    expect(next.tables.filter((t) => t.table === 'author_metrics_daily').map((t) => t.mode)).toEqual(['incremental', 'incremental']);
    expectAgrees(await tables(pool), reference(await readRaw(pool), KOLKATA.timeZone, KOLKATA.asOf));
  });

  it('a force refresh of one table rebuilds that table alone; the others stay right on their next run', async () => {
    await edit(3);
    const r = await lens({ ...KOLKATA, updateTable: 'author_file_ownership', forceRefresh: true });
    expect(r.tables.map((t) => [t.table, t.repo, t.mode])).toEqual([['author_file_ownership', 'acme/api', 'full'], ['author_file_ownership', 'acme/web', 'full']]);
    const next = await lens({ ...KOLKATA });
    expect(next.tables.filter((t) => t.table === 'author_metrics_daily').map((t) => t.mode)).toEqual(['incremental', 'incremental']);
    expectAgrees(await tables(pool), reference(await readRaw(pool), KOLKATA.timeZone, KOLKATA.asOf));
  });

  it("an incremental run follows an ownership crossing 50 % through another author's low-risk PR count, down and back up", async () => {
    // grace's low-risk PR owns a file of its own (10 of 14 lines, erin's PR the other 4); erin's PR
    // then grows to 30 lines (grace: 10 of 40) and back. grace's PRs never change: only the
    // threshold crossing can move her ownership_low_risk_prs.
    const web = data.repos[0]!;
    const grace = data.people.find((p) => p.username === 'grace')!;
    const erin = data.people.find((p) => p.username === 'erin')!;
    const base = { repository_id: web.id, body: null, state: 'MERGED' as const, merged: true, labels: [], changed_files: 1, deletions: 0 };
    const mine = { ...base, id: '00000000-0000-4000-8003-00000000a001', github_id: 9_000_001, number: 901, title: 'Tidy the threshold module', author_id: grace.id, additions: 10, created_at: '2026-04-10T09:00:00.000Z', merged_at: '2026-04-11T09:00:00.000Z' };
    const theirs = { ...base, id: '00000000-0000-4000-8003-00000000a002', github_id: 9_000_002, number: 902, title: 'Tweak the threshold module', author_id: erin.id, additions: 4, created_at: '2026-04-12T09:00:00.000Z', merged_at: '2026-04-12T10:00:00.000Z' };
    const path = 'src/threshold/owned.ts';
    const counts = async () =>
      Object.fromEntries((await pool.query("SELECT window_days, ownership_low_risk_prs AS n FROM author_metrics_window WHERE repo_name = 'acme/web' AND username = 'grace' ORDER BY 1")).rows.map((r) => [r.window_days, r.n]));
    const erinLines = async (lines: number) => {
      await upsertPrs(pool, [{ ...theirs, additions: lines }]);
      await pool.query('UPDATE pr_files SET additions = $2 WHERE pull_request_id = $1', [theirs.id, lines]);
    };
    const run = async () => {
      const r = await lens({ ...KOLKATA });
      expect(r.tables.filter((t) => t.table === 'author_metrics_window' && t.repo === 'acme/web').map((t) => t.mode)).toEqual(['incremental']);
      expectAgrees(await tables(pool), reference(await readRaw(pool), KOLKATA.timeZone, KOLKATA.asOf));
      return counts();
    };

    await upsertPrs(pool, [mine, theirs]);
    await pool.query("INSERT INTO pr_files VALUES ($1, $3, 10, 0, 'modified'), ($2, $3, 4, 0, 'modified')", [mine.id, theirs.id, path]);
    const above = await run();
    expect(Number((await pool.query("SELECT risk_score FROM repo_prs WHERE repo_name = 'acme/web' AND pr_number = 901")).rows[0].risk_score)).toBeLessThanOrEqual(3);
    await erinLines(30);
    const below = await run();
    // Windows holding grace's PR (merged 2026-04-11; the 7-day window starts 2026-04-15) lose it; the 7-day one is as it was.
    expect(Object.fromEntries(Object.entries(above).map(([w, n]) => [w, (n as number) - (Number(w) === 7 ? 0 : 1)]))).toEqual(below);
    await erinLines(4);
    expect(await run()).toEqual(above);

    // grace's own other PR (high risk: never counted itself) moves her share of the file: with
    // erin at 30 lines, 40 lines of hers keep her above half (50 of 80), 5 put her below (15 of 45).
    const other = { ...base, id: '00000000-0000-4000-8003-00000000a003', github_id: 9_000_003, number: 903, title: 'Drop table legacy_things', author_id: grace.id, additions: 50, changed_files: 2, created_at: '2026-04-13T09:00:00.000Z', merged_at: '2026-04-13T10:00:00.000Z' };
    await erinLines(30);
    await upsertPrs(pool, [other]);
    await pool.query("INSERT INTO pr_files VALUES ($1, $2, 40, 0, 'modified'), ($1, 'db/migrations/903_drop.sql', 10, 0, 'added')", [other.id, path]);
    expect(await run()).toEqual(above);
    expect(Number((await pool.query("SELECT risk_score FROM repo_prs WHERE repo_name = 'acme/web' AND pr_number = 903")).rows[0].risk_score)).toBeGreaterThan(3);
    await upsertPrs(pool, [{ ...other, additions: 15 }]);
    await pool.query('UPDATE pr_files SET additions = 5 WHERE pull_request_id = $1 AND path = $2', [other.id, path]);
    expect(await run()).toEqual(below);

    // The windows asked for alone bring the shares they count on along (and no other table).
    await erinLines(4);
    const alone = await lens({ ...KOLKATA, updateTable: 'author_metrics_window' });
    expect(alone.tables.map((t) => [t.table, t.mode])).toEqual([['author_file_ownership', 'unchanged'], ['author_file_ownership', 'incremental'], ['author_metrics_window', 'unchanged'], ['author_metrics_window', 'incremental']]);
    expectAgrees(await tables(pool), reference(await readRaw(pool), KOLKATA.timeZone, KOLKATA.asOf), ['author_file_ownership', 'author_metrics_window']);
    expect(await counts()).toEqual(above);
    await lens({ ...KOLKATA });
  });

  it("What Shipped's summary counts every PR the filters leave, however many the list shows", async () => {
    const raw = await readRaw(pool);
    const cases = [{}, { author: 'alice' }, { band: 'medium' as const }, { band: 'high' as const, featuresOnly: true }, { featuresOnly: true }];
    for (const f of cases) {
      const q = { repository: null, window: 999 as const, author: f.author ?? null, band: f.band ?? null, featuresOnly: f.featuresOnly ?? false };
      const all = await shipped(pool, WAREHOUSE_SCHEMA, q, null);
      const expected = shippedSummaryReference(raw, f);
      expect(all.summary, JSON.stringify(f)).toEqual(expected);
      expect(all.prs.length).toBe(expected.merged);
      expect(all.truncated).toBe(false);
      const few = await shipped(pool, WAREHOUSE_SCHEMA, q, 3);
      expect(few.summary).toEqual(expected);
      expect(few.prs).toEqual(all.prs.slice(0, 3));
      expect(few.truncated).toBe(expected.merged > 3);
    }
    // The dataset makes the cases say something.
    expect(shippedSummaryReference(raw).topAuthors.length).toBe(5);
    expect(shippedSummaryReference(raw, { band: 'high', featuresOnly: true }).merged).toBeGreaterThan(0);
  });

  it("What Shipped's 7-day window is 7 calendar days in the team time zone, today included, as the Engineers page's", async () => {
    const tz = 'Asia/Kolkata';
    // Local midnight six days ago, computed apart from the warehouse: today's date there, minus 6, at 00:00 IST (UTC+5:30).
    const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date()).split('-').map(Number);
    const start = Date.UTC(y!, m! - 1, d! - 6) - 5.5 * 3_600_000;
    const at = (ms: number) => new Date(ms).toISOString();
    const edges = [
      [1, at(start - 60_000)],
      [2, at(start + 60_000)],
      [3, at(Date.now() - 60_000)],
    ] as const;
    try {
      for (const [n, merged] of edges)
        await pool.query(
          `INSERT INTO repo_prs (repo_name, pr_number, title, author, created_at, merged_at, is_merged, additions, deletions, changed_files, labels_full, feature_rule, feature_confidence, risk_score, high_risk, risk_reasons, top_risky_files)
           VALUES ('edge/tz', $1, 'Edge', 'edgy', $2, $2, true, 1, 0, 1, '[]', 'excluded', 0, 1, false, '[]', '[]')`,
          [n, merged],
        );
      const q = { repository: 'edge/tz', window: 7 as const, author: null, band: null, featuresOnly: false };
      const r = await shipped(pool, WAREHOUSE_SCHEMA, q, null, tz);
      // A rolling 7 × 24 h would include #1 too: it merged less than 7 days ago, but on the 8th local day.
      expect(r.prs.map((p) => p.number)).toEqual([3, 2]);
      expect(r.since).toBe(at(start));
      expect(r.timeZone).toBe(tz);
      const day = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(start));
      expect(shippedMarkdown(q, r)).toContain(`the last 7 days (since ${day}, ${tz})`);
    } finally {
      await pool.query("DELETE FROM repo_prs WHERE repo_name = 'edge/tz'");
    }
  });

  it('What Shipped stages repo_prs alone; an untracked repository leaves no rows behind', async () => {
    await pool.query("DELETE FROM repositories WHERE full_name = 'acme/api'");
    const r = await etl.runWhatShipped(WhatShippedParams.parse({}), hooks());
    expect(r.staged.find((s) => s.repo === 'acme/api')!.deleted).toBeGreaterThan(0);
    await lens({ timeZone: 'Asia/Kolkata', asOf: '2026-04-21' });
    const t = await tables(pool);
    expect(t.author_metrics_daily.some((d) => d.repo_name === 'acme/api')).toBe(false);
    expectAgrees(t, reference(await readRaw(pool), 'Asia/Kolkata', '2026-04-21'));
  });

  it('bad input gets a message naming the field', () => {
    expect(EngineerLensParams.safeParse({ updateTable: 'nope' }).success).toBe(false);
    expect(EngineerLensParams.safeParse({ timeZone: 'Mars/Olympus' }).error?.issues[0]?.path).toEqual(['timeZone']);
    expect(EngineerLensParams.safeParse({ since: '2026-02-30' }).error?.issues[0]?.path).toEqual(['since']);
    expect(EngineerLensParams.safeParse({ repository: "x'; DROP TABLE authors; --" }).error?.issues[0]?.path).toEqual(['repository']);
    expect(EngineerLensParams.safeParse({ forceRefresh: true, since: '2026-01-01' }).success).toBe(false);
  });
});

describe('the risk rubric, case by case, each with its reason', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  const prs: { title: string; body?: string; labels?: string[]; files: [string, number, number, string][]; score: number; reasons: RegExp[]; rule: string }[] = [
    { title: 'Tweak', files: [['src/app.ts', 3, 2, 'modified']], score: 0, reasons: [/1 file\(s\), line-weighted mean 0/], rule: 'low_risk_unlabeled' },
    { title: 'Tweak', files: [['src/app.ts', 400, 200, 'modified']], score: 3, reasons: [/src\/app.ts: size: 600 lines \+3/], rule: 'excluded' },
    { title: 'Config', files: [['config/app.yaml', 5, 0, 'modified']], score: 2, reasons: [/configuration file \+2/], rule: 'low_risk_unlabeled' },
    { title: 'Auth', files: [['src/auth/session.ts', 5, 0, 'modified']], score: 2, reasons: [/auth\/secrets path \+2/], rule: 'low_risk_unlabeled' },
    { title: 'Schema', files: [['db/migrations/004.sql', 5, 0, 'added']], score: 3, reasons: [/SQL\/DDL\/migration \+3/], rule: 'excluded' },
    { title: 'Route', files: [['src/api/users.ts', 50, 0, 'modified']], score: 4, reasons: [/public API route \+3/, /size: 50 lines \+1/], rule: 'excluded' },
    { title: 'Tests', files: [['test/app.test.ts', 50, 0, 'modified']], score: 0, reasons: [/tests only -2/], rule: 'low_risk_unlabeled' },
    { title: 'Tests', files: [['src/app.ts', 20, 0, 'modified'], ['test/new.test.ts', 20, 0, 'added']], score: 0, reasons: [/adds tests -0.5/], rule: 'low_risk_unlabeled' },
    { title: 'Cleanup', body: 'We DROP TABLE legacy here', files: [['db/migrations/005.sql', 5, 0, 'added']], score: 8.5, reasons: [/drops a table or column: at least 8/, /lifted to at least 8.5/], rule: 'excluded' },
    { title: 'Keys', files: [['certs/server.pem', 5, 0, 'added'], ['src/app.ts', 95, 0, 'modified']], score: 8.5, reasons: [/adds a secrets file/], rule: 'excluded' },
    { title: 'Remove login', files: [['src/auth/login.ts', 0, 80, 'deleted']], score: 8.5, reasons: [/removes auth code/], rule: 'excluded' },
    { title: 'Mixed', files: [['src/api/users.ts', 300, 0, 'modified'], ['README.md', 100, 0, 'modified']], score: 4, reasons: [/2 file\(s\), line-weighted mean 4/], rule: 'excluded' },
    { title: 'Add export', labels: ['bug'], files: [['src/app.ts', 1, 0, 'modified']], score: 0, reasons: [], rule: 'title_keyword' },
    { title: 'Chore', labels: ['enhancement'], files: [], score: 0, reasons: [/no changed files: 0/], rule: 'label' },
    { title: 'Chore', body: 'This will enable caching', labels: ['bug'], files: [['src/app.ts', 1, 0, 'modified']], score: 0, reasons: [], rule: 'body_keyword' },
    { title: 'Refactor', files: [['src/app.ts', 100, 50, 'modified']], score: 2, reasons: [/size: 150 lines \+2/], rule: 'low_risk_unlabeled' },
    { title: 'Remove DROP COLUMN email_old', files: [['db/migrations/006_email.sql', 100, 50, 'added']], score: 8.5, reasons: [/SQL\/DDL\/migration \+3/, /drops a table or column: at least 8/], rule: 'excluded' },
    { title: 'Tokens', body: 'drop table tokens', files: [['src/api/auth/tokens.sql', 400, 100, 'modified']], score: 10, reasons: [/public API route \+3/, /auth\/secrets path \+2/, /lifted to at least 8.5/], rule: 'excluded' },
    { title: 'Vendor', labels: ['deps'], files: [['vendor/lib.js', 900, 200, 'added']], score: 3, reasons: [/size: 1100 lines \+3/], rule: 'excluded' },
  ];

  beforeAll(async () => {
    db = await createTestDatabase('rubric');
    pool = warehousePool(db.url);
    await migrateTestWarehouse(pool);
    const data: RawData = { repos: [{ id: '00000000-0000-4000-8001-000000000009', full_name: 'acme/rubric' }], people: [], prs: [], files: [] };
    prs.forEach((p, i) => {
      const id = `00000000-0000-4000-8003-${String(i + 1).padStart(12, '0')}`;
      data.prs.push({ id, repository_id: data.repos[0]!.id, github_id: 800 + i, number: i + 1, title: p.title, body: p.body ?? null, state: 'OPEN', merged: false, author_id: null, additions: p.files.reduce((n, f) => n + f[1], 0), deletions: p.files.reduce((n, f) => n + f[2], 0), changed_files: p.files.length, labels: p.labels ?? [], created_at: '2026-03-01T12:00:00Z', merged_at: null });
      for (const [path, a, d, c] of p.files) data.files.push({ pull_request_id: id, path, additions: a, deletions: d, change_type: c });
    });
    await insertEtlData(pool, data);
    const warehouse = { connection: async () => ({ pool, url: db.url, info: { schema: WAREHOUSE_SCHEMA } }) } as unknown as WarehouseService;
    await new EtlService({ warehouse, logger: silent, timeZone: () => 'UTC' }).runWhatShipped(WhatShippedParams.parse({}), hooks());
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('scores every case as the rubric says, and says why', async () => {
    const { rows } = await pool.query('SELECT pr_number, risk_score::float8 AS score, high_risk, risk_reasons, feature_rule, labels_full FROM repo_prs ORDER BY pr_number');
    prs.forEach((p, i) => {
      const r = rows[i]!;
      expect({ n: i + 1, score: r.score, high: r.high_risk, rule: r.feature_rule }).toEqual({ n: i + 1, score: p.score, high: p.score >= 7, rule: p.rule });
      for (const re of p.reasons) expect((r.risk_reasons as string[]).some((x) => re.test(x)), `${i + 1}: ${re} in ${JSON.stringify(r.risk_reasons)}`).toBe(true);
    });
    // labels_full as upstream: the labels, then risk band (high ≥ 7, medium ≥ 4), state, size (large > 1000 lines, medium > 100).
    const labelsOf = (title: string) => rows[prs.findIndex((p) => p.title === title)]!.labels_full;
    expect(labelsOf('Cleanup')).toEqual(['risk:high', 'state:open', 'size:small']);
    expect(labelsOf('Route')).toEqual(['risk:medium', 'state:open', 'size:small']);
    expect(labelsOf('Tokens')).toEqual(['risk:high', 'state:open', 'size:medium']);
    expect(labelsOf('Vendor')).toEqual(['deps', 'risk:low', 'state:open', 'size:large']);
  });
});

describe('the etl CLI refuses bad input with the flag named, exit 2, before anything runs', () => {
  const cases: [string[], RegExp][] = [
    [['etl'], /give one of: engineer-lens, what-shipped, shipped/],
    [['etl', 'lens'], /give one of/],
    [['etl', 'engineer-lens', '--repo-name', 'acme'], /--repo-name: must be owner\/name/],
    [['etl', 'engineer-lens', '--since', '2026-03-01', '--until', '2026-02-01'], /--until: must not be before since/],
    [['etl', 'engineer-lens', '--since', '2026-02-30'], /--since: is not a calendar date/],
    [['etl', 'engineer-lens', '--force-refresh', '--since', '2026-01-01'], /--force-refresh: a force refresh rebuilds everything/],
    [['etl', 'engineer-lens', '--as-of', 'yesterday'], /--as-of: must be a date YYYY-MM-DD/],
    [['etl', 'engineer-lens', '--llm'], /--llm: not an option of etl engineer-lens/],
    [['etl', 'what-shipped', '--explain'], /--explain: not an option of etl what-shipped/],
    [['etl', 'what-shipped', '--update-table', 'authors', '--since', '2026-01-01'], /--update-table, --since: not an option of etl what-shipped/],
    [['etl', 'what-shipped', '--llm-model', 'gpt-4o'], /--llm-model and --llm-max-prs go with --llm/],
    [['etl', 'what-shipped', '--llm', '--llm-max-prs', 'lots'], /--llm-max-prs: /],
    [['etl', 'what-shipped', '--llm', '--llm-model', 'gpt 4; rm'], /--llm-model: must be a model name/],
    [['etl', 'shipped', '--window', '14'], /--window takes 7, 30, 90 or all, got "14"/],
    [['etl', 'shipped', '--band', 'severe'], /--band: /],
    [['etl', 'shipped', '--format', 'xml'], /--format takes markdown or csv/],
    [['etl', 'shipped', '--force-refresh'], /--force-refresh: not an option of etl shipped/],
    [['etl', 'engineer-lens', '--bogus'], /bogus/],
  ];
  // Parsed in-process (every case is refused before the core opens; a home of its own in case one is not).
  const home = tempDir('etl-cli-');
  const saved = process.env.REPO_OPS_HOME;
  beforeAll(() => {
    process.env.REPO_OPS_HOME = home.dir;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.REPO_OPS_HOME;
    else process.env.REPO_OPS_HOME = saved;
    home.cleanup();
  });
  it.each(cases)('repo-ops %j', async (args, message) => {
    const e = await etlCommand(args.slice(1)).then(() => null, (x: Error) => x);
    expect(e instanceof UsageError || (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))).toBe(true);
    expect(e!.message).toMatch(message);
  });
  it('the process exits 2 with the message and the usage', async () => {
    const r = await runCli(['etl', 'what-shipped', '--explain'], { home: home.dir, timeoutMs: 60_000 });
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/^--explain: not an option of etl what-shipped\n\nUsage:\nrepo-ops etl engineer-lens/);
  });
});

describe('through the core: jobs, the contract and the CLI', () => {
  let t: TestCore;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const cli = (args: string[]) => runCli(args, { home: t.home, timeoutMs: 60_000 });

  beforeAll(async () => {
    t = await startTestCore();
    db = await createTestDatabase('etlcore');
    const p = await t.ops.profiles.create({ name: 'etl' });
    await t.ops.secrets.set({ profileId: p.id, key: 'postgres_url', value: db.url });
    await t.ops.profiles.activate({ id: p.id });
    await t.ops.warehouse.status();
    const pool = warehousePool(db.url);
    await insertEtlData(pool, generateEtlData(11, 120));
    await pool.end();
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('runs as a job with its steps, and the pages read what it wrote', async () => {
    const run = await t.ops.etl.engineerLens({ asOf: '2026-04-21' });
    const done = await t.core.jobs.wait(run.id);
    expect(done.status).toBe('succeeded');
    expect(done.steps.map((s) => [s.name, s.status])).toEqual(['repo_prs', 'authors', 'author_metrics_daily', 'author_file_ownership', 'author_metrics_window', 'author_prs_window'].map((n) => [n, 'done']));
    const list = await t.ops.engineers.list({ window: 999 });
    expect(list.asOf).toBe('2026-04-21');
    const alice = list.rows.find((r) => r.username === 'alice')!;
    expect(alice.repositories).toEqual(['acme/api', 'acme/web']);
    const detail = await t.ops.engineers.author({ username: 'alice', window: 999 });
    expect(detail.prs.length).toBe(alice.prsSubmitted);
    expect(detail.files.every((f) => f.ownershipPct > 0 || f.authorLines === 0)).toBe(true);
    expect(detail.daily.filter((d) => d.day <= '2026-04-21').reduce((s, d) => s + d.prsSubmitted, 0)).toBe(alice.prsSubmitted);
    const shipped = await t.ops.shipped.list({ window: 999, featuresOnly: true });
    expect(shipped.prs.every((p) => p.featureConfidence > 0 && p.mergedAt)).toBe(true);
    expect(shipped.summary.merged).toBe(shipped.prs.length);
    const md = await t.ops.shipped.export({ window: 999, format: 'markdown' });
    expect(md.content).toMatch(/^# What shipped — all repositories, all time/);
    await expect(t.ops.engineers.list({ window: 5 as 7 })).rejects.toThrow(/window/);
  });

  it('the CLI mirrors the runbook: explain, what-shipped, the digest, and bad flags', async () => {
    const explain = await cli(['etl', 'engineer-lens', '--explain', '--repo-name', 'acme/web', '--as-of', '2026-04-21']);
    expect(explain.stderr).toBe('');
    expect(explain.stdout).toMatch(/author_metrics_daily\s+acme\/web\s+unchanged/);
    expect(explain.stdout).toMatch(/Time zone UTC, windows end 2026-04-21/);
    const bad = await cli(['etl', 'engineer-lens', '--update-table', 'users', '--tz', 'Mars/Base']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--update-table: .*--tz: is not a known time zone/s);
    const ws = await cli(['etl', 'what-shipped', '--repo-name', 'acme/web']);
    expect(ws.code).toBe(0);
    expect(ws.stdout).toMatch(/What Shipped: repo_prs for acme\/web: done/);
    const csv = await cli(['etl', 'shipped', '--window', 'all', '--format', 'csv']);
    expect(csv.code).toBe(0);
    // Every merged PR, however many the page lists.
    expect(csv.stdout.trimEnd().split('\n').length).toBe((await t.ops.shipped.list({ window: 999 })).summary.merged + 1);
    expect(csv.stdout.split('\n')[0]).toBe('repository,number,title,author,merged_at,risk_score,risk_band,feature_rule,feature_confidence,additions,deletions,changed_files,top_risky_files,pr_summary,llm_risk_score,llm_model');
  });
});
