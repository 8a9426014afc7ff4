// bench:queries — every verification query of the catalogue, for a repository, on a
// warehouse whose largest table (comments) holds 1,000,000 rows, in an embedded PostgreSQL.
// Target from what-the-repo-runbook.md: < 2 s for direct queries. Each query runs
// through the real executor (read-only transaction, type conversion) 5 times; the
// table shows the first run, the median and the worst, as seen by the caller.
// Two repositories: bench/big holds 40 % of all rows (the worst case for per-repository
// checks), bench/repo2 about 1 % (a typical one, where missing indexes show).
//
//   node_modules/.bin/node bench/queries-library.ts [--fresh]
//
// The generated database is kept in .cache/bench/queries and reused while it still holds
// the expected rows (--fresh regenerates it). Then the proposed indexes are added and
// everything is measured again.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { catalogue, enablePgStatStatements, runCatalogueQuery } from '../src/main/queries/index.ts';
import { startEmbeddedPostgres } from '../src/main/warehouse/embedded.ts';
import { generateWarehouse, SIZES } from './queries-generate.ts';
import { percentile, printTable } from './report.ts';
import { migrateTestWarehouse, warehousePool } from '../test/helpers/warehouse.ts';

const ROOT = join(import.meta.dirname, '..');
const WORK = join(ROOT, '.cache', 'bench', 'queries');
const DB = 'bench_queries';
const RUNS = 5;
const TARGET_MS = 2000;
const LARGEST_TABLE_ROWS = SIZES.reviewComments + SIZES.prComments + SIZES.issueComments;

/**
 * Indexes this benchmark shows the warehouse needs, measured before and after. Empty now:
 * the two it found (reviews.repository_id, comments.review_id) are warehouse migration 3.
 */
export const PROPOSED_INDEXES: { name: string; sql: string; why: string }[] = [];

interface Measured {
  id: string;
  group: string;
  rows: number;
  first: number;
  median: number;
  worst: number;
}

async function measureAll(pool: pg.Pool, repository: string): Promise<Measured[]> {
  const today = new Date().toISOString().slice(0, 10);
  const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
  const out: Measured[] = [];
  for (const q of catalogue) {
    const values: Record<string, unknown> = {};
    for (const p of q.params) if (p.type === 'repository') values[p.name] = repository;
    if (q.id === 'activity-between-dates') Object.assign(values, { since: yearAgo, until: today });
    if (q.id === 'repository-lookup') Object.assign(values, { owner: 'bench', name: 'big' });
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      // A generous limit: the point is to measure, not to stop at the 2 s default.
      const r = await runCatalogueQuery(pool, q.id, values, { timeoutMs: 120_000 });
      times.push(performance.now() - t);
      rows = r.rowCount;
    }
    out.push({ id: q.id, group: q.group, rows, first: times[0]!, median: percentile(times, 50), worst: Math.max(...times) });
  }
  return out;
}

const CASCADE_LIMIT_MS = 60_000;

/**
 * The write path the two foreign-key indexes serve, measured in a rolled-back transaction:
 * deleting one PR (its reviews cascade to their review comments) and untracking a
 * repository (sync-service deletes the row; everything cascades).
 */
async function measureCascades(pool: pg.Pool): Promise<Record<string, number | null>> {
  const client = await pool.connect();
  const timed = async (sql: string, params: unknown[]) => {
    await client.query(`BEGIN; SET LOCAL statement_timeout = ${CASCADE_LIMIT_MS}`);
    const t = performance.now();
    try {
      await client.query(sql, params);
      return Math.round(performance.now() - t);
    } catch (e) {
      if ((e as { code?: string }).code === '57014') return null; // did not finish within the limit
      throw e;
    } finally {
      await client.query('ROLLBACK');
    }
  };
  try {
    const pr = (await client.query("SELECT p.id FROM pull_requests p JOIN repositories r ON r.id = p.repository_id WHERE r.full_name = 'bench/repo2' ORDER BY p.number LIMIT 1")).rows[0].id;
    return {
      'delete one PR (2 reviews, their comments)': await timed('DELETE FROM pull_requests WHERE id = $1', [pr]),
      'untrack bench/repo50 (≈3,000 PRs, cascading)': await timed('DELETE FROM repositories WHERE full_name = $1', ['bench/repo50']),
    };
  } finally {
    client.release();
  }
}

function reportCascades(title: string, m: Record<string, number | null>): void {
  console.log(`\n${title}`);
  printTable(['cascading delete (rolled back)', 'ms'], Object.entries(m).map(([k, v]) => [k, v === null ? `> ${CASCADE_LIMIT_MS}` : String(v)]));
}

function report(title: string, results: Measured[]): void {
  console.log(`\n${title}`);
  printTable(
    ['query', 'group', 'rows', 'first ms', 'median ms', 'worst ms', '< 2 s'],
    results.map((r) => [r.id, r.group, String(r.rows), r.first.toFixed(1), r.median.toFixed(1), r.worst.toFixed(1), r.worst < TARGET_MS ? 'yes' : 'NO']),
  );
}

async function main(): Promise<void> {
  const fresh = process.argv.includes('--fresh');
  await mkdir(WORK, { recursive: true });
  const cluster = await startEmbeddedPostgres(join(WORK, 'pg'));
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  const dbUrl = cluster.url.replace(/\/postgres$/, `/${DB}`);
  let pool: pg.Pool | undefined;
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB])).rowCount === 1;
    let reuse = false;
    if (exists && !fresh) {
      const probe = new pg.Client({ connectionString: dbUrl });
      await probe.connect();
      reuse = await probe.query('SELECT count(*)::int AS n FROM comments').then((r) => r.rows[0].n === LARGEST_TABLE_ROWS, () => false);
      await probe.end();
    }
    if (!reuse) {
      await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${DB}`);
    }
    pool = warehousePool(dbUrl, 4);
    if (reuse) {
      console.log(`reusing ${DB} in ${WORK} (pass --fresh to regenerate)`);
      for (const ix of PROPOSED_INDEXES) await pool.query(`DROP INDEX IF EXISTS ${ix.name}`);
      await migrateTestWarehouse(pool); // a database generated before the latest migration gets it now
      await pool.query('ANALYZE');
    } else {
      await migrateTestWarehouse(pool);
      console.log('generating the warehouse (set-based):');
      const t = performance.now();
      const largest = await generateWarehouse(pool, (l) => console.log(l));
      if (largest !== LARGEST_TABLE_ROWS) throw new Error(`comments holds ${largest} rows, expected ${LARGEST_TABLE_ROWS}`);
      console.log(`  ${'total'.padEnd(28)} ${((performance.now() - t) / 1000).toFixed(1).padStart(6)} s`);
    }
    await enablePgStatStatements(pool);

    const tables = (await pool.query("SELECT relname FROM pg_stat_user_tables WHERE relname <> 'schema_migrations' ORDER BY relname")).rows.map((r) => r.relname as string);
    const sizes = await Promise.all(
      tables.map(async (t) => (await pool!.query(`SELECT count(*)::int AS n, pg_size_pretty(pg_total_relation_size('${t}')) AS size FROM ${t}`)).rows[0] as { n: number; size: string }),
    );
    console.log('\ntables:');
    printTable(['table', 'rows', 'size (with indexes, TOAST)'], tables.map((t, i) => [t, String(sizes[i]!.n), sizes[i]!.size]).sort((a, b) => Number(b[1]) - Number(a[1])));

    const repos: { name: string; id: string; prs: number; comments: number }[] = [];
    for (const name of ['bench/big', 'bench/repo2']) {
      const id = (await pool.query('SELECT id FROM repositories WHERE full_name = $1', [name])).rows[0].id as string;
      const c = (await pool.query('SELECT (SELECT count(*) FROM pull_requests WHERE repository_id = $1)::int AS prs, (SELECT count(*) FROM comments WHERE repository_id = $1)::int AS comments', [id])).rows[0];
      repos.push({ name, id, prs: c.prs, comments: c.comments });
    }
    console.log(`\n${catalogue.length} queries × ${RUNS} runs for ${repos.map((r) => `${r.name} (${r.prs} PRs, ${r.comments} comments)`).join(' and ')}`);

    const phase = async (label: string) => {
      const out: Record<string, Measured[]> = {};
      for (const r of repos) {
        out[r.name] = await measureAll(pool!, r.id);
        report(`${r.name}, ${label}:`, out[r.name]!);
      }
      return out;
    };
    const current = await phase('schema as migrated');
    const cascadesBefore = await measureCascades(pool);
    reportCascades('write path, schema as migrated:', cascadesBefore);
    let cascadesAfter: Record<string, number | null> | null = null;
    let final = current;
    if (PROPOSED_INDEXES.length) {
      const t = performance.now();
      for (const ix of PROPOSED_INDEXES) await pool.query(ix.sql);
      await pool.query('ANALYZE');
      console.log(`\nproposed indexes built in ${((performance.now() - t) / 1000).toFixed(1)} s: ${PROPOSED_INDEXES.map((i) => i.sql).join(' ')}`);
      final = await phase('with the proposed indexes');
      cascadesAfter = await measureCascades(pool);
      reportCascades('write path, with the proposed indexes:', cascadesAfter);
    }
    const worst = (m: Record<string, Measured[]>) => Object.entries(m).flatMap(([repo, rs]) => rs.map((r) => ({ repo, ...r }))).reduce((a, b) => (b.worst > a.worst ? b : a));
    const w = worst(final);
    const medians = (m: Record<string, Measured[]>, repo: string) => m[repo]!.map((r) => r.median);
    console.log(
      JSON.stringify({
        max_query_ms: Math.round(w.worst * 10) / 10,
        slowest_query: `${w.id} (${w.repo})`,
        max_query_ms_schema_as_migrated: Math.round(worst(current).worst * 10) / 10,
        median_query_ms: Object.fromEntries(repos.map((r) => [r.name, Math.round(percentile(medians(final, r.name), 50) * 10) / 10])),
        sum_of_medians_ms: Object.fromEntries(repos.map((r) => [r.name, Math.round(medians(final, r.name).reduce((a, b) => a + b, 0))])),
        queries: catalogue.length,
        runs_per_query: RUNS,
        largest_table_rows: LARGEST_TABLE_ROWS,
        target_ms: TARGET_MS,
        proposed_indexes: PROPOSED_INDEXES.map((i) => i.name),
        cascade_delete_ms: { schema_as_migrated: cascadesBefore, with_proposed_indexes: cascadesAfter },
      }),
    );
  } finally {
    await pool?.end();
    await admin.end();
    await cluster.stop();
  }
}

await main();
