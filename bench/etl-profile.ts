// Profiling aid for bench:etl (not a benchmark): keeps a generated warehouse in a data directory
// across runs and prints the time of every ETL statement, summed by statement, slowest first.
//   node bench/etl-profile.ts [--dir D] [--prs N --authors N] [--full] [--inc] [--hold]
// --hold keeps the cluster up (its URL on stdout) until SIGINT/SIGTERM, for psql.
// EXPLAIN=<ms> also prints EXPLAIN (ANALYZE, BUFFERS) of each statement's first run when slower than <ms>
// (in a savepoint rolled back before the statement runs for real).
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import pg from 'pg';
import { warehouseMigrationSets } from '../src/main/core/compose.ts';
import { EtlService, type RunHooks } from '../src/main/etl/etl-service.ts';
import type { Logger } from '../src/main/logging/logger.ts';
import { startEmbeddedPostgres } from '../src/main/warehouse/embedded.ts';
import { migrateWarehouse } from '../src/main/warehouse/migrate.ts';
import { createPool } from '../src/main/warehouse/pool.ts';
import type { WarehouseService } from '../src/main/warehouse/warehouse-service.ts';
import { EngineerLensParams } from '../src/shared/contract/etl.ts';
import { changeEtlBenchData, generateEtlBenchData } from './etl-data.ts';

const { values } = parseArgs({ options: { dir: { type: 'string', default: join(tmpdir(), 'repo-ops-etl-profile') }, prs: { type: 'string', default: '100000' }, authors: { type: 'string', default: '2000' }, full: { type: 'boolean' }, inc: { type: 'boolean' }, hold: { type: 'boolean' } } });
const SCHEMA = 'repo_ops';
const silent = { info() {}, warn() {}, error() {}, debug() {}, child: () => silent } as unknown as Logger;
// Each step's wall time (statements of repositories refreshed side by side overlap: their sums exceed it).
const steps: [string, number][] = [];
const hooks = (): RunHooks => ({
  signal: new AbortController().signal,
  log: silent,
  progress() {},
  step: async (n, fn) => {
    const t0 = performance.now();
    try {
      return await fn({ value: undefined, save() {} });
    } finally {
      steps.push([n, performance.now() - t0]);
    }
  },
});

const times = new Map<string, { n: number; ms: number }>();
let recording = false;
const explained = new Set<string>();
const origQuery = pg.Client.prototype.query as (...a: unknown[]) => unknown;
(pg.Client.prototype as unknown as { query: unknown }).query = function (this: pg.Client, ...a: unknown[]) {
  const text = typeof a[0] === 'string' ? a[0] : ((a[0] as { text?: string })?.text ?? '');
  if (!recording || typeof a[a.length - 1] === 'function') return origQuery.apply(this, a);
  const k = text.replace(/\s+/g, ' ').trim().slice(0, 140);
  const run = async () => {
    // EXPLAIN ANALYZE runs the statement: inside a savepoint rolled back before the real run.
    if (process.env.EXPLAIN && !explained.has(k) && /^(INSERT|DELETE|UPDATE|WITH|CREATE TEMP TABLE \S+ ON COMMIT DROP AS)/i.test(k)) {
      explained.add(k);
      await origQuery.call(this, 'SAVEPOINT prof');
      try {
        const t = performance.now();
        const plan = (await origQuery.call(this, `EXPLAIN (ANALYZE, BUFFERS) ${text}`, a[1])) as pg.QueryResult;
        const ms = performance.now() - t;
        if (ms > Number(process.env.EXPLAIN)) console.error(`\n--- ${ms.toFixed(0)} ms: ${k}\n${plan.rows.map((x) => x['QUERY PLAN']).join('\n')}`);
      } catch (err) { console.error('explain failed', (err as Error).message); }
      await origQuery.call(this, 'ROLLBACK TO SAVEPOINT prof');
    }
    const t0 = performance.now();
    const r = await (origQuery.apply(this, a) as Promise<unknown>);
    const e = times.get(k) ?? { n: 0, ms: 0 };
    e.n++; e.ms += performance.now() - t0; times.set(k, e);
    return r;
  };
  return run();
} as never;

function report(label: string, s: number) {
  const all = [...times.values()];
  console.log(`${all.reduce((a, v) => a + v.n, 0)} statements, ${(all.reduce((a, v) => a + v.ms, 0) / 1000).toFixed(2)} s summed`);
  const rows = [...times.entries()].sort((x, y) => y[1].ms - x[1].ms).slice(0, 25);
  console.log(`\n== ${label}: ${s.toFixed(2)} s (steps: ${steps.map(([n, ms]) => `${n} ${(ms / 1000).toFixed(2)} s`).join(', ')})`);
  steps.length = 0;
  for (const [k, v] of rows) console.log(`${(v.ms / 1000).toFixed(2).padStart(7)} s ${String(v.n).padStart(4)}×  ${k}`);
  times.clear();
}

const cluster = await startEmbeddedPostgres(join(values.dir, 'pg'));
const pool = createPool(cluster.url, { schema: SCHEMA, max: 4, statementTimeoutMs: 600_000 });
try {
  await migrateWarehouse(pool, SCHEMA, warehouseMigrationSets());
  if (Number((await pool.query('SELECT count(*) AS n FROM repositories')).rows[0].n) === 0) {
    const g0 = performance.now();
    await generateEtlBenchData(pool, { prs: Number(values.prs), authors: Number(values.authors), files: 12 });
    console.log(`generated in ${((performance.now() - g0) / 1000).toFixed(1)} s`);
  }
  const warehouse = { connection: async () => ({ pool, url: cluster.url, info: { schema: SCHEMA } }) } as unknown as WarehouseService;
  const etl = new EtlService({ warehouse, logger: silent, timeZone: () => 'UTC' });
  if (values.full) {
    recording = true;
    const t0 = performance.now();
    await etl.runEngineerLens(EngineerLensParams.parse({ forceRefresh: true }), hooks());
    recording = false;
    report('full refresh', (performance.now() - t0) / 1000);
  }
  if (values.inc) {
    await changeEtlBenchData(pool);
    recording = true;
    const t0 = performance.now();
    await etl.runEngineerLens(EngineerLensParams.parse({}), hooks());
    recording = false;
    report('incremental', (performance.now() - t0) / 1000);
  }
  if (values.hold) {
    console.log(`holding ${cluster.url} (search_path ${SCHEMA})`);
    await new Promise<void>((resolve) => { process.once('SIGINT', resolve); process.once('SIGTERM', resolve); });
  }
} finally {
  await pool.end();
  await cluster.stop();
}
