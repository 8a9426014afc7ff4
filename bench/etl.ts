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
import { embeddedSharedBuffersMb, startEmbeddedPostgres } from '../src/main/warehouse/embedded.ts';
import { migrateWarehouse } from '../src/main/warehouse/migrate.ts';
import { createPool } from '../src/main/warehouse/pool.ts';
import type { WarehouseService } from '../src/main/warehouse/warehouse-service.ts';
import { EngineerLensParams } from '../src/shared/contract/etl.ts';
import { changeEtlBenchData, generateEtlBenchData } from './etl-data.ts';
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
  await generateEtlBenchData(pool, { prs: PRS, authors: AUTHORS, files: AVG_FILES });
  const fileRows = Number((await pool.query('SELECT count(*) AS n FROM pr_files')).rows[0].n);
  const generated = (performance.now() - g0) / 1000;

  const warehouse = { connection: async () => ({ pool, url: cluster.url, info: { schema: SCHEMA } }) } as unknown as WarehouseService;
  const etl = new EtlService({ warehouse, logger: silent, timeZone: () => 'UTC' });
  const f0 = performance.now();
  const full = await etl.runEngineerLens(EngineerLensParams.parse({ forceRefresh: true }), hooks());
  const fullS = (performance.now() - f0) / 1000;
  const counts = (await pool.query(`SELECT (SELECT count(*) FROM repo_prs) AS repo_prs, (SELECT count(*) FROM author_metrics_daily) AS daily, (SELECT count(*) FROM author_metrics_window) AS windows,
    (SELECT count(*) FROM author_prs_window) AS prs_window, (SELECT count(*) FROM author_file_ownership) AS ownership`)).rows[0];

  await changeEtlBenchData(pool);
  const i0 = performance.now();
  const inc = await etl.runEngineerLens(EngineerLensParams.parse({}), hooks());
  const incS = (performance.now() - i0) / 1000;
  const changed = inc.staged.reduce((s, x) => s + x.changed, 0);
  const peak = Math.round(process.resourceUsage().maxRSS / 1024);

  printTable(
    ['figure', 'value'],
    [
      ['PRs / authors / file rows', `${PRS} / ${AUTHORS} / ${fileRows}`],
      ['warehouse', `embedded PostgreSQL as the console starts it (shared_buffers ${embeddedSharedBuffersMb()} MB)`],
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
