// bench:peers — Repo Ops's sync next to two GitHub clients operators would otherwise use,
// Airbyte's source-github 2.7.1 (default and tuned page size) and MeltanoLabs' tap-github 1.30.1
// (Singer), on one emulator dataset in one run: requests, time, CPU, memory, and what each
// collected per entity against the dataset. The peers come from .cache/peers-venv
// (scripts/peers-venv.ts; installed on first use).
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/main/warehouse/embedded.ts';
import { generateDataset } from '../test/emulators/github/dataset.ts';
import type { Dataset } from '../test/emulators/github/dataset.ts';
import { startGitHubEmulator } from '../test/emulators/github/server.ts';
import type { GitHubEmulator } from '../test/emulators/github/server.ts';
import { checkPeerRun, compareKeys, complete, ensurePeers, runAirbyte, runSinger, truthKeys } from '../test/helpers/peers.ts';
import type { EntityCheck, PeerRun } from '../test/helpers/peers.ts';
import { ROOT, startServe, wsClient } from '../test/helpers/serve-process.ts';
import { WAREHOUSE_OPTIONS } from '../test/helpers/warehouse.ts';
import { printTable } from './report.ts';
import { ensureFreshBuild } from './fresh-build.ts';

// The core as `repo-ops serve` users run it, built from this commit.
ensureFreshBuild();

const PRS = 1000;
const ISSUES = 400;
const HEAVY = 5;
const LATENCY_MS = Number(process.env.BENCH_PEERS_LATENCY_MS ?? 0);
const TUNED_PAGE_SIZE = 100;
const RATE_LIMIT = { core: 1_000_000, graphql: 1_000_000 }; // raised: no tool waits for a reset
const REPOSITORY = 'bench/peers';
const WORK = join(ROOT, '.cache', 'bench', 'peers');
const TICKS = 100; // USER_HZ on Linux
// What Repo Ops's sync collects (items, PRs with their stats, reviews, both kinds of comments);
// the peers' commit streams are left out here (Repo Ops has none) but run in the conformance test.
const AIRBYTE_BENCH_STREAMS = ['issues', 'pull_requests', 'pull_request_stats', 'reviews', 'review_comments', 'comments'];
const SINGER_BENCH_STREAMS = ['issues', 'issue_comments', 'pull_requests', 'reviews', 'review_comments'];

interface ToolResult {
  label: string;
  requests: number;
  rest: number;
  graphql: number;
  wallS: number;
  cpuS: number;
  peakRssMb: number;
  checks: EntityCheck[];
  failure?: string;
}

/** CPU seconds of a process and its live descendants, plus its reaped children. */
function cpuSeconds(pid: number): number {
  const stat = (p: number): number[] | undefined => {
    try {
      const s = readFileSync(`/proc/${p}/stat`, 'utf8');
      return s.slice(s.lastIndexOf(')') + 2).split(' ').map(Number); // fields from 3 (state) on
    } catch {
      return undefined;
    }
  };
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    const p = Number(d);
    if (!Number.isInteger(p)) continue;
    const s = stat(p);
    if (s) children.set(s[1], [...(children.get(s[1]) ?? []), p]); // s[1]: parent pid
  }
  let ticks = 0;
  const visit = (p: number, root: boolean): void => {
    const s = stat(p);
    if (!s) return;
    ticks += s[11] + s[12] + (root ? s[13] + s[14] : 0); // utime, stime (+ cutime, cstime of the root)
    for (const c of children.get(p) ?? []) visit(c, false);
  };
  visit(pid, true);
  return ticks / TICKS;
}

const peakRssMb = (pid: number): number => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

async function withEmulator<T>(dataset: Dataset, fn: (gh: GitHubEmulator) => Promise<T>): Promise<{ value: T; gh: GitHubEmulator }> {
  const gh = await startGitHubEmulator({ dataset, latencyMs: LATENCY_MS, rateLimit: RATE_LIMIT });
  try {
    return { value: await fn(gh), gh };
  } finally {
    await gh.close();
  }
}

async function repoOps(dataset: Dataset, dbUrl: string): Promise<ToolResult> {
  let wallS = 0;
  let cpuS = 0;
  let rss = 0;
  const { gh } = await withEmulator(dataset, async (gh) => {
    const serve = await startServe({ home: join(WORK, 'home'), entry: 'built', env: { GITHUB_TOKEN: gh.token, DATABASE_URL: dbUrl } });
    const c = wsClient(serve.origin, serve.token);
    await c.opened;
    try {
      await c.ops.profiles.create({ name: 'bench', githubApiUrl: gh.url });
      gh.resetStats();
      const cpu0 = cpuSeconds(serve.child.pid!);
      const t0 = performance.now();
      const started = await c.ops.repos.sync({ repository: REPOSITORY, mode: 'full' });
      for (;;) {
        const r = await c.ops.jobs.get({ runId: started.id });
        if (['succeeded', 'incomplete', 'failed'].includes(r.status)) {
          if (r.status !== 'succeeded') throw new Error(`Repo Ops sync ${r.status}: ${r.error}`);
          break;
        }
        await new Promise((res) => setTimeout(res, 50));
      }
      wallS = (performance.now() - t0) / 1000;
      cpuS = cpuSeconds(serve.child.pid!) - cpu0;
      rss = peakRssMb(serve.child.pid!);
    } finally {
      c.close();
      await serve.stop();
    }
  });
  const db = new pg.Client({ connectionString: dbUrl, options: WAREHOUSE_OPTIONS });
  await db.connect();
  const ids = async (sql: string): Promise<string[]> => (await db.query<{ k: string }>(sql)).rows.map((r) => r.k);
  const truth = truthKeys(dataset, REPOSITORY);
  const repo = dataset.repositories[0]!;
  const checks = [
    compareKeys('items', 'pull_requests + issues', truth.items, await ids('SELECT github_id::text AS k FROM pull_requests UNION ALL SELECT github_id::text FROM issues')),
    compareKeys('pull requests', 'pull_requests', truth['pull requests'], await ids('SELECT github_id::text AS k FROM pull_requests')),
    compareKeys('issue comments', 'comments', truth['issue comments'], await ids(`SELECT github_id::text AS k FROM comments WHERE comment_type = 'issue_comment'`)),
    compareKeys('reviews', 'reviews', truth.reviews, await ids('SELECT github_id::text AS k FROM reviews')),
    compareKeys('review comments', 'comments', truth['review comments'], await ids(`SELECT github_id::text AS k FROM comments WHERE comment_type = 'review_comment'`)),
    compareKeys('PR files', 'pr_files', repo.pullRequests.flatMap((p) => p.files.map((f) => `${p.number}:${f.path}`)),
      await ids('SELECT p.number || \':\' || f.path AS k FROM pr_files f JOIN pull_requests p ON p.id = f.pull_request_id')),
  ];
  await db.end();
  return { label: 'Repo Ops sync', requests: gh.stats.requests, rest: gh.stats.restRequests, graphql: gh.stats.graphqlRequests, wallS, cpuS, peakRssMb: rss, checks };
}

async function peer(dataset: Dataset, streams: readonly string[], start: (gh: GitHubEmulator) => Promise<PeerRun>): Promise<ToolResult> {
  const { value: run, gh } = await withEmulator(dataset, start);
  const failure = run.exitCode !== 0 ? `exit ${run.exitCode}: ${run.stderrTail.slice(-1500)}` : run.errors.length ? run.errors.slice(0, 3).join('; ') : undefined;
  return {
    label: run.label, requests: gh.stats.requests, rest: gh.stats.restRequests, graphql: gh.stats.graphqlRequests,
    wallS: run.wallS, cpuS: run.cpuS, peakRssMb: run.peakRssMb, checks: checkPeerRun(run, dataset, REPOSITORY).filter((c) => streams.includes(c.stream)), ...(failure ? { failure } : {}),
  };
}

await rm(WORK, { recursive: true, force: true });
await mkdir(WORK, { recursive: true });
await ensurePeers();
const [owner, name] = REPOSITORY.split('/') as [string, string];
const dataset = generateDataset({ seed: 12, repos: [{ owner, name, pullRequests: PRS, issues: ISSUES, heavyPullRequests: HEAVY, avgReviews: 3, avgReviewComments: 3, avgIssueComments: 5, avgFiles: 12 }] });
const cluster = await startEmbeddedPostgres(join(WORK, 'pg'));
const results: ToolResult[] = [];
try {
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query('CREATE DATABASE bench_peers');
  await admin.end();
  const target = (gh: GitHubEmulator) => ({ apiUrl: gh.url, token: gh.token, repository: REPOSITORY });
  results.push(await repoOps(dataset, cluster.url.replace(/\/postgres$/, '/bench_peers')));
  results.push(await peer(dataset, AIRBYTE_BENCH_STREAMS, (gh) => runAirbyte(target(gh), { streams: AIRBYTE_BENCH_STREAMS, label: 'Airbyte (default page size 10)' })));
  results.push(await peer(dataset, AIRBYTE_BENCH_STREAMS, (gh) => runAirbyte(target(gh), { streams: AIRBYTE_BENCH_STREAMS, pageSize: TUNED_PAGE_SIZE, label: `Airbyte (page size ${TUNED_PAGE_SIZE})` })));
  results.push(await peer(dataset, SINGER_BENCH_STREAMS, (gh) => runSinger(target(gh), { streams: SINGER_BENCH_STREAMS, label: 'Singer tap-github' })));
} finally {
  await cluster.stop();
}

const [ours, airbyte, tuned, singer] = results as [ToolResult, ToolResult, ToolResult, ToolResult];
const peers = [airbyte, tuned, singer];
const entities = ['items', 'pull requests', 'issue comments', 'reviews', 'review comments', 'PR files', 'PR stats'];
const cell = (r: ToolResult, entity: string): string => {
  const c = r.checks.find((x) => x.entity === entity);
  if (!c) return 'no stream';
  return `${c.got}/${c.want}${c.missing ? ` (${c.missing} missing)` : ''}${c.extra ? ` (${c.extra} extra)` : ''}`;
};
console.log(`\n${PRS} PRs (${HEAVY} with > 100 reviews, review comments, comments and files) + ${ISSUES} issues, emulator latency ${LATENCY_MS} ms, rate limits raised to ${RATE_LIMIT.core.toLocaleString('en-US')}`);
printTable(['', ...results.map((r) => r.label)], [
  ['requests', ...results.map((r) => String(r.requests))],
  ['  REST / GraphQL', ...results.map((r) => `${r.rest} / ${r.graphql}`)],
  ['requests per 1,000 PRs', ...results.map((r) => (r.requests / (PRS / 1000)).toFixed(0))],
  ['wall time (s)', ...results.map((r) => r.wallS.toFixed(1))],
  ['CPU time (s)', ...results.map((r) => r.cpuS.toFixed(1))],
  ['peak RSS (MB)', ...results.map((r) => r.peakRssMb.toFixed(0))],
  ...entities.map((e) => [`${e} (got/truth)`, ...results.map((r) => cell(r, e))]),
  ['complete', ...results.map((r) => (complete(r.checks) && !r.failure ? 'yes' : 'NO'))],
]);
for (const r of results) if (r.failure) console.log(`\n${r.label} failed: ${r.failure}`);
console.log('\nThe peers\' PR commit streams are not selected (Repo Ops collects no commits); they run complete in test/emulators/github/peers.test.ts.');
console.log('Repo Ops writes every row to PostgreSQL inside the run (its CPU/RSS are the core process; PostgreSQL is not counted); the peers only emit records to stdout.');
const bestRequests = Math.min(...peers.map((p) => p.requests));
const bestWall = Math.min(...peers.map((p) => p.wallS));
console.log(JSON.stringify({
  repo_ops_requests: ours.requests,
  airbyte_requests: airbyte.requests,
  airbyte_tuned_requests: tuned.requests,
  singer_requests: singer.requests,
  repo_ops_wall_s: Number(ours.wallS.toFixed(1)),
  airbyte_wall_s: Number(airbyte.wallS.toFixed(1)),
  airbyte_tuned_wall_s: Number(tuned.wallS.toFixed(1)),
  singer_wall_s: Number(singer.wallS.toFixed(1)),
  ratio_requests_vs_best_peer: Number((bestRequests / ours.requests).toFixed(1)),
  ratio_wall_vs_best_peer: Number((bestWall / ours.wallS).toFixed(1)),
  complete: results.every((r) => complete(r.checks) && !r.failure),
}));
