import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue, catalogueByGroup, enablePgStatStatements, getCatalogueQuery, runCatalogueQuery, type QueryResult } from '../../../src/main/queries/index.ts';
import { validateDeclaredParams } from '../../../src/main/queries/params.ts';
import { checkReadOnlySql } from '../../../src/main/queries/sql-guard.ts';
import { placeholders } from '../../../src/main/queries/sql-scan.ts';
import { QUERY_GROUPS } from '../../../src/main/queries/types.ts';
import { ROOT } from '../../helpers/serve-process.ts';
import { createWarehouseFixture, type WarehouseFixture } from './warehouse-fixture.ts';

const SEEDS = readdirSync(join(ROOT, 'docs', 'runbooks')).filter((f) => f.endsWith('.md'));

/** Rows as objects keyed by column name, for readable assertions. */
const objects = (r: QueryResult) => r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
const pairs = (r: QueryResult) => Object.fromEntries(r.rows.map((row) => [row[0], row[1]]));

describe('catalogue definitions', () => {
  it('has unique ids, known groups, a runbook source and matching $n parameters', () => {
    expect(catalogue.length).toBeGreaterThanOrEqual(50);
    expect(new Set(catalogue.map((q) => q.id)).size).toBe(catalogue.length);
    for (const q of catalogue) {
      expect(q.id, q.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(QUERY_GROUPS, q.id).toContain(q.group);
      expect(q.title.length && q.description.length, q.id).toBeTruthy();
      expect(SEEDS.some((f) => q.source.includes(f)), `${q.id} names its runbook`).toBe(true);
      expect(q.source, q.id).toMatch(/§/);
      expect(() => checkReadOnlySql(q.sql), q.id).not.toThrow();
      expect(() => validateDeclaredParams(q.params, placeholders(q.sql)), q.id).not.toThrow();
      // Never a value pasted into the SQL: the runbooks' 'repo-id' is always a bound uuid.
      expect(q.sql, q.id).not.toMatch(/repo-id/);
      q.params.forEach((p, i) => {
        if (p.type === 'repository') expect(q.sql, q.id).toContain(`$${i + 1}::uuid`);
      });
      expect(q.sql.includes('pg_stat_statements'), q.id).toBe(q.needs === 'pg_stat_statements');
    }
  });

  it('covers every group and keeps the backfill guide’s queries 1–4', () => {
    expect(catalogueByGroup().map((g) => g.group)).toEqual([...QUERY_GROUPS]);
    expect(catalogue.slice(0, 4).map((q) => q.id)).toEqual(['backfill-1-coverage', 'backfill-2-embedding-coverage', 'backfill-3-recent-activity', 'backfill-4-data-quality']);
    expect(() => getCatalogueQuery('nope')).toThrow(/No verification query "nope"/);
  });
});

describe('catalogue queries on a generated warehouse', () => {
  let f: WarehouseFixture;
  const run = (id: string, values: Record<string, unknown> = {}) => runCatalogueQuery(f.pool, id, values);
  const forRepo = (id: string, repository: string, values: Record<string, unknown> = {}) => run(id, { repository, ...values });

  beforeAll(async () => {
    f = await createWarehouseFixture();
    await enablePgStatStatements(f.pool);
  });
  afterAll(() => f?.close());

  it('runs every query for a repository within the 2 s target, changing nothing', async () => {
    const before = await f.counts();
    for (const q of catalogue) {
      const values: Record<string, unknown> = {};
      for (const p of q.params) {
        if (p.type === 'repository') values[p.name] = f.ids.widgets;
        else if (p.default === undefined) values[p.name] = p.type === 'date' ? '2000-01-01' : p.type === 'text' ? 'acme' : 1;
      }
      if (q.id === 'repository-lookup') values.name = 'widgets';
      const r = await run(q.id, values);
      expect(r.columns.length, q.id).toBeGreaterThan(0);
      expect(r.rows.every((row) => row.length === r.columns.length), q.id).toBe(true);
      expect(r.truncated, q.id).toBe(false);
      expect(r.ms, q.id).toBeLessThan(2000);
      expect(JSON.parse(JSON.stringify(r.rows)), q.id).toEqual(r.rows);
    }
    expect(await f.counts()).toEqual(before);
  });

  it('backfill query 1: overall coverage', async () => {
    const r = await forRepo('backfill-1-coverage', f.ids.widgets);
    expect(r.columns).toEqual([{ name: 'prs', type: 'bigint' }, { name: 'issues', type: 'bigint' }, { name: 'contributors', type: 'bigint' }]);
    expect(r.rows).toEqual([[20, 10, 6]]);
    expect((await forRepo('backfill-1-coverage', f.ids.gadgets)).rows).toEqual([[5, 3, 5]]);
  });

  it('backfill query 2: embedding coverage, also for a repository without items', async () => {
    expect((await forRepo('backfill-2-embedding-coverage', f.ids.widgets)).rows).toEqual([
      ['PRs', 12, 20, 60],
      ['Issues', 4, 10, 40],
    ]);
    expect((await forRepo('backfill-2-embedding-coverage', f.ids.empty)).rows).toEqual([
      ['PRs', 0, 0, null],
      ['Issues', 0, 0, null],
    ]);
  });

  it('backfill query 3: most recent PR and issue', async () => {
    const r = await forRepo('backfill-3-recent-activity', f.ids.widgets);
    const day = 86_400_000;
    expect(r.rows.map(([type, at]) => [type, Date.parse(at as string)])).toEqual([
      ['PRs', f.now.getTime() - 20 * day],
      ['Issues', f.now.getTime() - 26 * day],
    ]);
    expect(r.rows[0]![1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect((await forRepo('backfill-3-recent-activity', f.ids.empty)).rows).toEqual([
      ['PRs', null],
      ['Issues', null],
    ]);
  });

  it('backfill query 4: null authors', async () => {
    expect((await forRepo('backfill-4-data-quality', f.ids.widgets)).rows).toEqual([
      ['PRs with null author', 2],
      ['Issues with null author', 1],
    ]);
  });

  it('finds a repository by owner and name, case-insensitively', async () => {
    const r = await run('repository-lookup', { owner: 'ACME', name: 'Widgets' });
    expect(objects(r)).toMatchObject([{ id: f.ids.widgets, owner: 'acme', name: 'widgets', full_name: 'acme/widgets' }]);
  });

  it('coverage detail, GitHub reconciliation and totals', async () => {
    expect(pairs(await forRepo('coverage-detail', f.ids.widgets))).toEqual({
      pull_requests: 20,
      issues: 10,
      reviews: 20,
      'comments (issue_comment)': 14,
      'comments (review_comment)': 5,
      pr_files: 35,
      'contributors (any activity)': 11,
    });
    expect(objects(await forRepo('coverage-vs-github', f.ids.widgets))).toMatchObject([
      { item_type: 'PRs', github_at_last_sync: 21, stored_at_last_sync: 20, stored_now: 20, sync_status: 'incomplete' },
      { item_type: 'Issues', github_at_last_sync: 10, stored_at_last_sync: 10, stored_now: 10 },
    ]);
    expect(objects(await forRepo('coverage-vs-github', f.ids.empty))).toMatchObject([
      { item_type: 'PRs', github_at_last_sync: null, stored_now: 0 },
      { item_type: 'Issues', github_at_last_sync: null, stored_now: 0 },
    ]);
    expect(objects(await run('warehouse-totals'))).toEqual([{ repositories: 3, contributors: 14, pull_requests: 25, issues: 13, reviews: 21, comments: 19, pr_files: 45, workspaces: 3 }]);
  });

  it('embedding checks', async () => {
    expect((await forRepo('embeddings-needing', f.ids.widgets)).rows.sort()).toEqual([
      ['issue', 6],
      ['pull_request', 9],
    ]);
    expect(objects(await forRepo('embeddings-pending', f.ids.widgets))).toEqual([
      { item_type: 'PRs', missing: 8, updated_since_embedding: 1, other_model: 1, total: 20 },
      { item_type: 'Issues', missing: 6, updated_since_embedding: 0, other_model: 0, total: 10 },
    ]);
    expect((await forRepo('embeddings-by-model', f.ids.widgets)).rows.map((r) => r.slice(0, 5))).toEqual([
      ['PRs', 'text-embedding-3-small', 8, 11, 55],
      ['PRs', '(none)', null, 8, 40],
      ['PRs', 'text-embedding-ada-002', 8, 1, 5],
      ['Issues', '(none)', null, 6, 60],
      ['Issues', 'text-embedding-3-small', 8, 4, 40],
    ]);
    expect(objects(await forRepo('embeddings-consistency', f.ids.widgets))).toEqual([
      { item_type: 'PRs', without_model: 0, without_content_hash: 0, without_generated_at: 0, length_mismatch: 1, metadata_without_embedding: 1 },
      { item_type: 'Issues', without_model: 0, without_content_hash: 0, without_generated_at: 0, length_mismatch: 0, metadata_without_embedding: 0 },
    ]);
    const volume = objects(await run('embeddings-volume', { period: '7 days' }));
    expect(volume.filter((r) => r.item_type === 'PRs').reduce((n, r) => n + (r.items as number), 0)).toBe(2);
    expect(volume.filter((r) => r.item_type === 'Issues').reduce((n, r) => n + (r.items as number), 0)).toBe(1);
    expect(objects(await run('embedding-spend'))).toEqual([
      { repository: 'acme/widgets', model: 'text-embedding-3-small', runs: 1, items: 12, total_tokens: 1200, usd: 0.000024 },
      { repository: 'acme/gadgets', model: 'text-embedding-ada-002', runs: 1, items: 5, total_tokens: 500, usd: 0.00001 },
    ]);
    expect((await run('embedding-spend', { period: '2 days' })).rows.map((r) => r[4])).toEqual([1500, 500]);
  });

  it('activity checks', async () => {
    const days = objects(await forRepo('activity-by-day', f.ids.widgets, { period: '365 days' }));
    const sum = (k: string) => days.reduce((n, d) => n + (d[k] as number), 0);
    expect([sum('prs_opened'), sum('prs_merged'), sum('issues_opened'), sum('issues_closed'), sum('reviews'), sum('comments')]).toEqual([20, 11, 10, 5, 20, 19]);
    // The window starts at midnight: nothing in the fixture is 19–20 days old, so this cut is exact.
    const recent = objects(await forRepo('activity-by-day', f.ids.widgets, { period: '19 days' }));
    expect(recent.reduce((n, d) => n + (d.comments as number), 0)).toBe(2);
    expect(recent.every((d) => d.prs_opened === 0 && d.issues_opened === 0 && d.reviews === 0)).toBe(true);
    expect(objects(await run('activity-between-dates', { repository: f.ids.widgets, since: '2000-01-01', until: '2999-12-31' }))).toEqual([
      { item_type: 'PRs', created: 20, merged: 12, still_open: 4 },
      { item_type: 'Issues', created: 10, merged: null, still_open: 4 },
    ]);
    const top = objects(await forRepo('contributors-top', f.ids.widgets, { limit: 3 }));
    // Every row carries the repository's whole contributor count: the number backfill verification counts (distinct non-null people).
    const { rows: [people] } = await f.pool.query<{ n: number }>(
      `SELECT count(DISTINCT c)::int AS n FROM (SELECT author_id c FROM pull_requests WHERE repository_id = $1 UNION ALL SELECT reviewer_id FROM reviews WHERE repository_id = $1
         UNION ALL SELECT author_id FROM issues WHERE repository_id = $1 UNION ALL SELECT commenter_id FROM comments WHERE repository_id = $1) x`,
      [f.ids.widgets],
    );
    expect(people!.n).toBeGreaterThan(3);
    const all = people!.n;
    expect(top).toEqual([
      { username: 'judy', is_bot: false, prs: 0, merged_prs: 0, issues: 0, reviews: 0, comments: 11, total: 11, contributors_in_repo: all },
      { username: 'grace', is_bot: false, prs: 0, merged_prs: 0, issues: 0, reviews: 10, comments: 0, total: 10, contributors_in_repo: all },
      { username: 'heidi', is_bot: false, prs: 0, merged_prs: 0, issues: 0, reviews: 9, comments: 0, total: 9, contributors_in_repo: all },
    ]);
  });

  it('sync checks', async () => {
    expect(objects(await forRepo('sync-state', f.ids.widgets)).map((r) => [r.stream, r.done])).toEqual([
      ['issues', false],
      ['pull_requests', true],
    ]);
    expect(objects(await forRepo('sync-runs-recent', f.ids.widgets, { limit: 10 })).map((r) => [r.status, r.matches_github])).toEqual([
      ['running', null],
      ['failed', null],
      ['incomplete', false],
      ['succeeded', true],
    ]);
    expect(objects(await run('sync-runs-failed')).map((r) => [r.repository, r.status])).toEqual([
      ['acme/widgets', 'failed'],
      ['acme/widgets', 'incomplete'],
    ]);
    expect(objects(await run('sync-runs-stuck')).map((r) => r.repository)).toEqual(['acme/widgets']);
    expect((await run('sync-runs-stuck', { older_than: '4 hours' })).rows).toEqual([]);
    expect(objects(await run('stale-repositories')).map((r) => [r.repository, r.last_run_status])).toEqual([
      ['acme/empty', null],
      ['acme/gadgets', 'succeeded'],
    ]);
    expect(objects(await run('sync-runs-retention')).map((r) => [r.status, r.runs])).toEqual([['succeeded', 1]]);
  });

  it('data quality checks find each planted defect', async () => {
    expect(pairs(await forRepo('quality-nulls-and-states', f.ids.widgets))).toEqual({
      'PRs with null author': 2,
      'Issues with null author': 1,
      'Reviews with null reviewer': 1,
      'Comments with null commenter': 1,
      'Merged PRs without merged_at': 1,
      'PRs with merged_at but not merged': 0,
      'Closed PRs without closed_at': 0,
      'Open PRs with closed_at': 0,
      'Closed issues without closed_at': 1,
      'Items updated before they were created': 0,
    });
    expect(pairs(await forRepo('quality-orphans', f.ids.widgets))).toEqual({
      'Comments attached to neither a PR nor an issue': 1,
      'Review comments without a review': 1,
      'Review comments whose review is on another PR': 1,
      'Contributors with no activity in any repository': 3,
    });
    expect(pairs(await forRepo('quality-cross-repository', f.ids.widgets))).toEqual({
      "Reviews on this repository's PRs filed under another repository": 1,
      "Reviews filed under this repository on another repository's PR": 0,
      "Comments filed under this repository on another repository's PR": 1,
      "Comments filed under this repository on another repository's issue": 0,
    });
    expect(pairs(await forRepo('quality-cross-repository', f.ids.gadgets))).toEqual({
      "Reviews on this repository's PRs filed under another repository": 0,
      "Reviews filed under this repository on another repository's PR": 1,
      "Comments filed under this repository on another repository's PR": 0,
      "Comments filed under this repository on another repository's issue": 0,
    });
    expect((await forRepo('quality-duplicates', f.ids.widgets)).rows).toEqual([
      ['Numbers used by both a PR and an issue', 1, '{20}'],
      ['Comments repeated (same author, parent, time and text)', 1, null],
      ['Usernames shared by several contributors (case-insensitive)', 1, '{dup}'],
      ['Repositories tracked under an old and a new name', 1, '{acme/gadgets}'],
    ]);
    expect(objects(await forRepo('quality-pr-files', f.ids.widgets)).map((r) => [r.number, r.github_changed_files, r.stored_files, r.problem])).toEqual([
      [20, null, 0, 'no files stored'],
      [19, 2, 0, 'no files stored'],
      [2, 5, 3, 'count differs'],
    ]);
    expect((await forRepo('quality-pr-files', f.ids.widgets, { limit: 1 })).rows).toHaveLength(1);
    expect((await forRepo('quality-pr-files', f.ids.gadgets)).rows).toEqual([]);
  });

  it('workspace metrics, and their drift from the data', async () => {
    expect(objects(await forRepo('workspace-metrics', f.ids.widgets))).toEqual([{ name: 'Core', total_repositories: 2, total_contributors: 10, total_pull_requests: 24, total_issues: 13 }]);
    expect((await forRepo('workspace-metrics', f.ids.gadgets)).rows.map((r) => r[0]).sort()).toEqual(['Core', 'Solo']);
    expect(objects(await forRepo('workspace-metrics-drift', f.ids.widgets)).map((r) => [r.metric, r.stored, r.actual, r.matches])).toEqual([
      ['repositories', 2, 2, true],
      ['contributors', 10, 10, true],
      ['pull_requests', 24, 25, false],
      ['issues', 13, 13, true],
    ]);
    expect(objects(await forRepo('workspace-metrics-drift', f.ids.gadgets)).filter((r) => r.workspace === 'Solo').every((r) => r.matches)).toBe(true);
  });

  it('database diagnostics describe this warehouse', async () => {
    const stats = objects(await run('pg-stats'));
    expect(new Set(stats.map((s) => s.tablename))).toEqual(new Set(['repositories', 'contributors', 'pull_requests', 'issues', 'reviews', 'comments', 'pr_files', 'workspaces', 'workspace_repositories', 'sync_state', 'sync_runs', 'embedding_costs']));
    expect(stats.find((s) => s.tablename === 'pull_requests' && s.attname === 'number')).toMatchObject({ schemaname: 'repo_ops', n_distinct: -0.8, null_frac: 0 });
    // Statistics arrive asynchronously; ANALYZE sets n_live_tup from a full read of this small table.
    await f.pool.query('ANALYZE pull_requests');
    expect(objects(await run('table-maintenance')).find((t) => t.table_name === 'pull_requests')).toMatchObject({ n_live_tup: 25 });
    expect(objects(await run('table-sizes')).find((t) => t.table_name === 'pull_requests')).toMatchObject({ estimated_rows: 25 });
    expect(objects(await run('table-bloat')).map((t) => t.table_name)).toContain('pull_requests');
    // Migration 3 indexed every foreign key; a probe table proves the check still finds one.
    expect((await run('fk-without-index')).rows).toEqual([]);
    await f.pool.query('CREATE TABLE fk_probe (id int PRIMARY KEY, repository_id uuid REFERENCES repositories (id))');
    try {
      const fks = objects(await run('fk-without-index')).map((r) => `${r.table_name}.${r.columns}`);
      expect(fks).toEqual(['fk_probe.repository_id']);
    } finally {
      await f.pool.query('DROP TABLE fk_probe');
    }
    expect((await run('duplicate-indexes')).rows).toEqual([]);
    expect((await run('invalid-indexes')).rows).toEqual([]);
    const unused = objects(await run('unused-indexes'));
    expect(unused.every((r) => r.idx_scan === 0)).toBe(true);
    // No check ever looks a workspace up by slug.
    expect(unused.find((r) => r.indexname === 'workspaces_slug_key')).toMatchObject({ tablename: 'workspaces', is_unique: true, is_primary: false });
    expect(objects(await run('warehouse-schema')).every((t) => t.present)).toBe(true);
    expect(objects(await run('server-health'))[0]).toMatchObject({ status: 'DB connected', read_replica: false });
    expect(objects(await run('server-settings')).find((s) => s.name === 'statement_timeout')?.setting).not.toBe('2000');
    expect(objects(await run('active-connections')).some((c) => (c.connections as number) >= 1)).toBe(true);
    expect(objects(await run('schema-tables')).find((s) => s.schemaname === 'repo_ops')?.table_count).toBeGreaterThanOrEqual(12);
  });

  it('lists sessions without acting on them', async () => {
    const victim = await f.pool.connect();
    try {
      await victim.query("SET application_name = 'idle-victim'");
      await new Promise((r) => setTimeout(r, 30));
      expect(objects(await run('idle-connections', { idle_for: '10 ms' })).map((s) => s.application_name)).toContain('idle-victim');
      // Listed, not terminated.
      expect((await victim.query('SELECT 1 AS ok')).rows[0].ok).toBe(1);
    } finally {
      victim.release();
    }
    expect((await run('long-running-queries', { longer_than: '1 hour' })).rows).toEqual([]);
    expect((await run('blocked-queries')).rows).toEqual([]);
  });

  it('reports lock waits while a session blocks another', async () => {
    const holder = await f.pool.connect();
    const waiter = await f.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE sync_runs IN ACCESS EXCLUSIVE MODE');
      const waiting = waiter.query('SELECT count(*) FROM sync_runs');
      let blocked: Record<string, unknown>[] = [];
      for (let i = 0; i < 50 && blocked.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        blocked = objects(await run('blocked-queries'));
      }
      expect(blocked[0]).toMatchObject({ blocked_query: 'SELECT count(*) FROM sync_runs', blocking_query: 'LOCK TABLE sync_runs IN ACCESS EXCLUSIVE MODE' });
      await holder.query('ROLLBACK');
      await waiting;
    } finally {
      holder.release();
      waiter.release();
    }
  });
});
