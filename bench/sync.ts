// bench:sync — GitHub → warehouse sync of 5,000 PRs (avg 3 reviews, 8 comments,
// 12 files; some with > 100 of each) and 2,000 issues, against the GitHub emulator
// at 100 ms per request plus 0.1 ms per item returned (a large page is not free), run by
// the real core (`repo-ops serve`) into a real PostgreSQL; then a naive REST-per-PR
// collector on the same full dataset, for comparison, with the REST rate limit raised.
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { embeddedSharedBuffersMb, startEmbeddedPostgres } from '../src/main/warehouse/embedded.ts';
import { generateDataset } from '../test/emulators/github/dataset.ts';
import { startGitHubEmulator } from '../test/emulators/github/server.ts';
import { ROOT, startServe, wsClient } from '../test/helpers/serve-process.ts';
import { ensureFreshBuild } from './fresh-build.ts';
import { printTable } from './report.ts';
import { naiveRestSync } from './sync-baseline.ts';
import { WAREHOUSE_OPTIONS } from '../test/helpers/warehouse.ts';

const PRS = 5000;
const ISSUES = 2000;
const LATENCY_MS = 100;
const LATENCY_PER_NODE_MS = 0.1;
const BASELINE_CONCURRENCY = 16;
// GitHub allows 5,000 REST requests per hour; the baseline needs far more, so its limit is
// raised for the run (and the time it would take at 5,000/h is computed beside it).
const BASELINE_RATE_LIMIT = 1_000_000;
const GITHUB_REST_PER_HOUR = 5000;
const WORK = join(ROOT, '.cache', 'bench', 'sync');

const peakRssMb = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

await rm(WORK, { recursive: true, force: true });
await mkdir(WORK, { recursive: true });
const t = performance.now();
const dataset = generateDataset({ seed: 42, repos: [{ owner: 'bench', name: 'big', pullRequests: PRS, issues: ISSUES, avgReviews: 3, avgReviewComments: 3, avgIssueComments: 5, avgFiles: 12, heavyPullRequests: 10 }] });
console.log(`dataset generated in ${((performance.now() - t) / 1000).toFixed(1)} s`);
const repo = dataset.repositories[0]!;
const expectedRows =
  repo.pullRequests.reduce((n, p) => n + 1 + p.reviews.length + p.reviews.reduce((m, r) => m + r.comments.length, 0) + p.comments.length + p.files.length, 0) +
  repo.issues.reduce((n, i) => n + 1 + i.comments.length, 0);

const cluster = await startEmbeddedPostgres(join(WORK, 'pg'));
const admin = new pg.Client({ connectionString: cluster.url });
await admin.connect();
await admin.query('CREATE DATABASE bench_sync');
await admin.query('CREATE DATABASE bench_baseline');
await admin.end();
const dbUrl = (name: string) => cluster.url.replace(/\/postgres$/, `/${name}`);

// Requests by GraphQL operation (the client names its queries): the commits' share of the run.
const operations: Record<string, number> = {};
// When a request was in flight (the sync's only): where its wall time goes, fetching or writing.
const requestSpans: [number, number][] = [];
let collectSpans = true;
const gh = await startGitHubEmulator({
  dataset,
  latencyMs: LATENCY_MS,
  latencyPerNodeMs: LATENCY_PER_NODE_MS,
  accessLog: (e) => {
    if (e.operation) operations[e.operation] = (operations[e.operation] ?? 0) + 1;
    if (collectSpans) requestSpans.push([Date.parse(e.at), Date.parse(e.at) + e.ms]);
  },
});
/** Length of the union of intervals (ms): time during which at least one was open. */
function unionMs(spans: [number, number][]): number {
  let total = 0;
  let end = -Infinity;
  for (const [s, e] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (e > end) total += e - Math.max(s, end);
    end = Math.max(end, e);
  }
  return total;
}
// The built core, as users run it, rebuilt first when older than the source.
ensureFreshBuild();
const serve = await startServe({ home: join(WORK, 'home'), entry: 'built', env: { GITHUB_TOKEN: gh.token, DATABASE_URL: dbUrl('bench_sync') } });
const c = wsClient(serve.origin, serve.token);
await c.opened;
try {
  await c.ops.profiles.create({ name: 'bench', githubApiUrl: gh.url });
  // The warehouse is connected (its schema created) before the clock starts, as an operator's is
  // before any sync: the figure is the sync's, not the one-time schema set-up's.
  await c.ops.warehouse.status();
  gh.resetStats();
  const t0 = performance.now();
  const started = await c.ops.repos.sync({ repository: 'bench/big', mode: 'full' });
  const run = await new Promise<Awaited<ReturnType<typeof c.ops.jobs.get>>>((resolve) => {
    const poll = async () => {
      const r = await c.ops.jobs.get({ runId: started.id });
      if (['succeeded', 'incomplete', 'failed'].includes(r.status)) resolve(r);
      else setTimeout(poll, 50);
    };
    void poll();
  });
  const wall = (performance.now() - t0) / 1000;
  collectSpans = false;
  const githubBusy = unionMs(requestSpans) / 1000;
  if (run.status !== 'succeeded') throw new Error(`sync ${run.status}: ${run.error}`);
  const rss = peakRssMb(serve.child.pid!);
  const result = run.result as { rowsWritten: number; writeSeconds: number; github: { requests: number; graphqlPoints: number; pageSizeReductions: number } };
  const requests = gh.stats.requests;
  // Rows written per second of database time: the sum of the page transactions.
  const db = new pg.Client({ connectionString: dbUrl('bench_sync'), options: WAREHOUSE_OPTIONS });
  await db.connect();
  const counts = (await db.query(`SELECT (SELECT count(*) FROM pull_requests)::int AS prs, (SELECT count(*) FROM issues)::int AS issues,
    (SELECT count(*) FROM reviews)::int AS reviews, (SELECT count(*) FROM comments)::int AS comments, (SELECT count(*) FROM pr_files)::int AS files,
    (SELECT count(*) FROM contributors)::int AS contributors, (SELECT count(*) FROM commits)::int AS commits`)).rows[0];
  await db.end();
  const stored = counts.prs + counts.issues + counts.reviews + counts.comments + counts.files;
  if (stored !== expectedRows) throw new Error(`warehouse holds ${stored} rows, the dataset ${expectedRows}`);
  if (counts.commits !== repo.commits.length) throw new Error(`warehouse holds ${counts.commits} commits, the dataset ${repo.commits.length}`);
  const commitRequestsPer1k = (operations.CommitPage ?? 0) / (repo.commits.length / 1000);
  // Per 1,000 PRs: the PR and issue sync's requests, as the baseline collects only those (history and releases have their own figure).
  const prRequests = requests - (operations.CommitPage ?? 0) - (operations.ReleasePage ?? 0);
  const rowsPerSecWall = result.rowsWritten / wall;

  // Database write throughput: rows over the time a page transaction was open (the four streams
  // write at once; time they share counts once).
  const writeProbe = result.rowsWritten / result.writeSeconds;

  gh.resetStats();
  gh.setOptions({ rateLimit: { core: BASELINE_RATE_LIMIT } });
  gh.resetRateLimits();
  const baseline = await naiveRestSync({ base: gh.url, token: gh.token, repo: 'bench/big', dbUrl: dbUrl('bench_baseline'), maxPullRequests: PRS, maxIssues: ISSUES, concurrency: BASELINE_CONCURRENCY });
  if (baseline.pullRequests !== PRS || baseline.issues !== ISSUES) throw new Error(`baseline fetched ${baseline.pullRequests} PRs, ${baseline.issues} issues`);
  const baselinePer1k = baseline.requests / (PRS / 1000);
  const baselineAtLimitS = (baseline.requests / GITHUB_REST_PER_HOUR) * 3600;

  console.log(`\nSync of ${PRS} PRs + ${ISSUES} issues (${expectedRows.toLocaleString()} rows), emulator latency ${LATENCY_MS} ms + ${LATENCY_PER_NODE_MS} ms per item returned`);
  console.log(`warehouse: embedded PostgreSQL as the console starts it (shared_buffers ${embeddedSharedBuffersMb()} MB), for both`);
  console.log(`naive REST collector: ${BASELINE_CONCURRENCY} PRs in flight, each PR's 4 lists fetched at once, rows inserted in one batch per PR and table; REST rate limit raised to ${BASELINE_RATE_LIMIT.toLocaleString()}/h for it (GitHub: ${GITHUB_REST_PER_HOUR.toLocaleString()}/h)`);
  printTable(
    ['', 'Repo Ops sync', `naive REST per PR (${BASELINE_CONCURRENCY} in flight)`],
    [
      ['requests', String(requests), `${baseline.requests} for ${baseline.pullRequests} PRs + ${baseline.issues} issues`],
      ['requests per 1,000 PRs (without history and releases pages)', (prRequests / (PRS / 1000)).toFixed(1), baselinePer1k.toFixed(0)],
      ['wall time (s)', wall.toFixed(1), `${baseline.seconds.toFixed(1)} (limit raised to ${BASELINE_RATE_LIMIT.toLocaleString()}/h)`],
      [`wall time at GitHub's ${GITHUB_REST_PER_HOUR.toLocaleString()} REST requests/h (s, computed)`, '—', `≥ ${baselineAtLimitS.toFixed(0)} (baseline_wall_s_at_github_limit_computed)`],
      ['GraphQL points', String(result.github.graphqlPoints), '—'],
      [`requests per 1,000 default-branch commits (${repo.commits.length} commits)`, commitRequestsPer1k.toFixed(1), '—'],
      ['rows written', result.rowsWritten.toLocaleString(), baseline.rows.toLocaleString()],
      ['rows/s end to end (rows_per_s: wall time, fetch included)', rowsPerSecWall.toFixed(0), (baseline.rows / baseline.seconds).toFixed(0)],
      ['rows/s database only (rows_per_s_db_write: rows over the time a page transaction was open)', writeProbe.toFixed(0), '—'],
      ['time with a GitHub request in flight (s, github_busy_s)', githubBusy.toFixed(1), '—'],
      ['time with a page transaction open (s, db_write_busy_s; the streams write at once)', result.writeSeconds.toFixed(1), '—'],
      ['peak RSS of the core (MB)', rss.toFixed(0), '—'],
      ['page-size reductions', String(result.github.pageSizeReductions), '—'],
    ],
  );
  console.log('\ngoals: ≤ 20 requests per 1,000 PRs, wall < 60 s, ≥ 20,000 rows/s end to end, peak RSS < 300 MB');
  // rows_per_s is end to end (wall clock, fetching included); the database-only rate has its own
  // key; the baseline ran at full scale (its rate limit raised), its time at GitHub's limit is computed.
  console.log(JSON.stringify({
    requests_per_1k_prs: Number((prRequests / (PRS / 1000)).toFixed(1)),
    wall_s: Number(wall.toFixed(1)),
    rows_per_s: Math.round(rowsPerSecWall),
    rows_per_s_db_write: Math.round(writeProbe),
    github_busy_s: Number(githubBusy.toFixed(1)),
    db_write_busy_s: Number(result.writeSeconds.toFixed(1)),
    peak_rss_mb: Math.round(rss),
    requests_per_1000_commits: Number(commitRequestsPer1k.toFixed(1)),
    baseline_requests_per_1k_prs: Math.round(baselinePer1k),
    baseline_wall_s: Number(baseline.seconds.toFixed(1)),
    baseline_rows_per_s: Math.round(baseline.rows / baseline.seconds),
    baseline_wall_s_at_github_limit_computed: Math.round(baselineAtLimitS),
  }));
} finally {
  c.close();
  await serve.stop();
  await gh.close();
  await cluster.stop();
}
