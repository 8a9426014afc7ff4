// bench:etl — issue 15's figures: What the Repo's Engineer Lens and What Shipped tables computed
// in the warehouse (embedded PostgreSQL) from 100,000 PRs by 2,000 authors with ≈ 1.2 M file rows
// over 3 years in 10 repositories:
//   - full_refresh_s: engineer-lens --update-table all --force-refresh (stage repo_prs + every table);
//   - incremental_s: the run after a sync changed 500 PRs (titles, sizes, merges);
//   - peak_rss_mb: the core process's peak resident set (the work is SQL in Postgres).
// Goals: full < 30 s (the runbook allows 30 min), incremental < 2 s, peak RSS < 300 MB.
// Last line: {"full_refresh_s":…,"incremental_s":…,"peak_rss_mb":…,"prs":…,"file_rows":…}
//   npm run bench:etl [-- --prs N --authors N]
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { warehouseMigrationSets } from '../src/main/core/compose.ts';
import { EtlService, type RunHooks } from '../src/main/etl/etl-service.ts';
import type { Logger } from '../src/main/logging/logger.ts';
import { startEmbeddedPostgres } from '../src/main/warehouse/embedded.ts';
import { migrateWarehouse } from '../src/main/warehouse/migrate.ts';
import { createPool } from '../src/main/warehouse/pool.ts';
import type { WarehouseService } from '../src/main/warehouse/warehouse-service.ts';
import { EngineerLensParams } from '../src/shared/contract/etl.ts';
import { printTable } from './report.ts';

// BENCH_ETL_PRS / BENCH_ETL_AUTHORS scale it down (bench:record passes no arguments); the JSON says the scale.
const { values } = parseArgs({ options: { prs: { type: 'string', default: process.env.BENCH_ETL_PRS ?? '100000' }, authors: { type: 'string', default: process.env.BENCH_ETL_AUTHORS ?? '2000' }, files: { type: 'string', default: '12' } } });
const PRS = Number(values.prs);
const AUTHORS = Number(values.authors);
const AVG_FILES = Number(values.files);
const SCHEMA = 'repo_ops';
const WORK = join(tmpdir(), `repo-ops-bench-etl-${process.pid}`);
const silent = { info() {}, warn() {}, error() {}, debug() {}, child: () => silent } as unknown as Logger;
// BENCH_VERBOSE=1 prints each table×repository step's time to stderr (for profiling).
const stepLog = process.env.BENCH_VERBOSE ? ({ ...silent, info: (_e: string, msg: string) => console.error(msg) } as unknown as Logger) : silent;
const hooks = (): RunHooks => ({
  signal: new AbortController().signal,
  log: stepLog,
  progress() {},
  step: (_n, fn) => {
    let v: unknown;
    return fn({ get value() { return v; }, save: (x) => void (v = x) });
  },
});

const cluster = await startEmbeddedPostgres(join(WORK, 'pg'));
const pool = createPool(cluster.url, { schema: SCHEMA, max: 4, statementTimeoutMs: 600_000 });
try {
  await migrateWarehouse(pool, SCHEMA, warehouseMigrationSets());
  const g0 = performance.now();
  await pool.query('SELECT setseed(0.15)');
  await pool.query(`INSERT INTO repositories (owner, name, full_name) SELECT 'bench', 'repo' || i, 'bench/repo' || i FROM generate_series(1, 10) i`);
  await pool.query(`INSERT INTO contributors (github_id, username, display_name, is_bot)
    SELECT i, CASE WHEN i <= $1 THEN 'dev' || i ELSE 'bot' || i || '[bot]' END, 'Developer ' || i, i > $1 FROM generate_series(1, $1 + 5) i`, [AUTHORS]);
  // 3 years of PRs; 70% merged 0–10 days later; an author mostly in one or two repositories.
  await pool.query(`INSERT INTO pull_requests (github_id, repository_id, number, title, body, state, merged, author_id, additions, deletions, changed_files, labels, created_at, updated_at, merged_at)
    SELECT i, r.id, i, (ARRAY['Add export','Fix crash','Implement search','Refactor cache','Bump deps','Support SSO','Update docs','Improve speed'])[1 + (i % 8)],
      CASE WHEN i % 5 = 0 THEN 'This will enable the new flow' END, CASE WHEN m THEN 'MERGED' ELSE 'OPEN' END, m, c.id, 0, 0, 0,
      CASE i % 4 WHEN 1 THEN ARRAY['bug'] WHEN 2 THEN ARRAY['feature'] ELSE ARRAY[]::text[] END, t, t, CASE WHEN m THEN t + (random() * 10) * interval '1 day' END
    FROM (SELECT i, now() - random() * interval '1095 days' AS t, random() < 0.7 AS m, 1 + ((i * 7919) % ($2 + 5)) AS a FROM generate_series(1, $1) i) x
    JOIN contributors c ON c.github_id = x.a
    JOIN LATERAL (SELECT id FROM repositories WHERE full_name = 'bench/repo' || (1 + ((x.a + (x.i % 3)) % 10))) r ON true`, [PRS, AUTHORS]);
  // ≈ AVG_FILES files per PR from a pool of 4,000 paths per repository (so people share files).
  await pool.query(`INSERT INTO pr_files (pull_request_id, path, additions, deletions, change_type)
    SELECT p.id, (ARRAY['src/app/','src/api/','db/migrations/','test/','config/','src/auth/','docs/'])[1 + (h % 7)] || 'f' || (h % 4000) || (ARRAY['.ts','.sql','.yaml','.test.ts','.md'])[1 + (h % 5)],
      (random() * 120)::int, (random() * 40)::int, (ARRAY['modified','modified','added','deleted'])[1 + (h % 4)]
    FROM pull_requests p CROSS JOIN LATERAL generate_series(1, 1 + (random() * ($1 * 2 - 2) + p.github_id * 0)::int) k
    CROSS JOIN LATERAL (SELECT abs(hashint4(p.github_id::int * 31 + k)) AS h) hh
    ON CONFLICT DO NOTHING`, [AVG_FILES]);
  await pool.query(`UPDATE pull_requests p SET additions = f.a, deletions = f.d, changed_files = f.n FROM (SELECT pull_request_id, sum(additions)::int a, sum(deletions)::int d, count(*)::int n FROM pr_files GROUP BY 1) f WHERE f.pull_request_id = p.id`);
  await pool.query('VACUUM ANALYZE');
  const fileRows = Number((await pool.query('SELECT count(*) AS n FROM pr_files')).rows[0].n);
  const generated = (performance.now() - g0) / 1000;

  const warehouse = { connection: async () => ({ pool, url: cluster.url, info: { schema: SCHEMA } }) } as unknown as WarehouseService;
  const etl = new EtlService({ warehouse, logger: silent, timeZone: () => 'UTC' });
  const f0 = performance.now();
  const full = await etl.runEngineerLens(EngineerLensParams.parse({ forceRefresh: true }), hooks());
  const fullS = (performance.now() - f0) / 1000;
  const counts = (await pool.query(`SELECT (SELECT count(*) FROM repo_prs) AS repo_prs, (SELECT count(*) FROM author_metrics_daily) AS daily, (SELECT count(*) FROM author_metrics_window) AS windows,
    (SELECT count(*) FROM author_prs_window) AS prs_window, (SELECT count(*) FROM author_file_ownership) AS ownership`)).rows[0];

  // A sync changes 500 PRs: new titles, more lines in a file, some merged now.
  await pool.query(`WITH ch AS (SELECT id FROM pull_requests ORDER BY hashint4(github_id::int) LIMIT 500)
    UPDATE pull_requests p SET title = p.title || ' (v2)', merged = true, state = 'MERGED', merged_at = coalesce(p.merged_at, now()), synced_at = now() FROM ch WHERE ch.id = p.id`);
  await pool.query(`UPDATE pr_files f SET additions = f.additions + 50 FROM (SELECT id FROM pull_requests ORDER BY hashint4(github_id::int) LIMIT 250) ch WHERE f.pull_request_id = ch.id`);
  const i0 = performance.now();
  const inc = await etl.runEngineerLens(EngineerLensParams.parse({}), hooks());
  const incS = (performance.now() - i0) / 1000;
  const changed = inc.staged.reduce((s, x) => s + x.changed, 0);
  const peak = Math.round(process.resourceUsage().maxRSS / 1024);

  printTable(
    ['figure', 'value'],
    [
      ['PRs / authors / file rows', `${PRS} / ${AUTHORS} / ${fileRows}`],
      ['data generation (not timed)', `${generated.toFixed(1)} s`],
      ['full refresh, all tables', `${fullS.toFixed(2)} s (goal < 30 s)`],
      ['  rows: repo_prs / daily / windows / prs_window / ownership', `${counts.repo_prs} / ${counts.daily} / ${counts.windows} / ${counts.prs_window} / ${counts.ownership}`],
      ['incremental after 500 changed PRs', `${incS.toFixed(2)} s (goal < 2 s), ${changed} PRs restaged, modes ${[...new Set(inc.tables.map((t) => t.mode))].join('/')}`],
      ['peak RSS of the core', `${peak} MB (goal < 300 MB)`],
      ['full run tables', full.tables.filter((t) => t.repo !== '*').length + ' table×repository refreshes'],
    ],
  );
  console.log(JSON.stringify({ full_refresh_s: Number(fullS.toFixed(2)), incremental_s: Number(incS.toFixed(2)), peak_rss_mb: peak, prs: PRS, file_rows: fileRows }));
} finally {
  await pool.end();
  await cluster.stop();
  rmSync(WORK, { recursive: true, force: true });
}
