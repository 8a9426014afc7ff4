// bench:leaderboard — the contributor leaderboard's recalculation on an embedded PostgreSQL:
// 1,000,000 contribution events of 20,000 contributors (skewed: a few do most of the work, many
// work in several repositories; 20 flagged bots) in 200 repositories over 730 days, the
// runbook's mix of event types and weights. Measures a full recalculation (every pair, both
// boards, ranks), then an incremental one after 10,000 new events against the fair baseline —
// a full recalculation of the same data — and checks that both give identical boards.
// What each figure times (recalculate(), events already derived — as after the scrape step):
// full_recalc_s / incremental_s: from the call until the scores of both boards are committed
// (the boards, ranks and movement arrows are current then: ranks are read through views); the
// rank snapshots for the contributor history follow in their own transaction, timed apart
// (*_snapshots_s), and the whole call too (*_total_s).
// Last line: one JSON object with events, full_recalc_s, incremental_s, peak_rss_mb.
import { mkdir, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { recalculate } from '../src/main/leaderboard/recalc.ts';
import { startEmbeddedPostgres } from '../src/main/warehouse/embedded.ts';
import { ROOT } from '../test/helpers/serve-process.ts';
import { createPool } from '../src/main/warehouse/pool.ts';
import { migrateTestWarehouse, WAREHOUSE_SCHEMA } from '../test/helpers/warehouse.ts';
import { printTable } from './report.ts';

const EVENTS = 1_000_000;
const CONTRIBUTORS = 20_000;
const REPOS = 200;
const NEW_EVENTS = 10_000;
const CHUNK = 250_000;
const WORK = join(ROOT, '.cache', 'bench', 'leaderboard');

await rm(WORK, { recursive: true, force: true });
await mkdir(WORK, { recursive: true });
const cluster = await startEmbeddedPostgres(join(WORK, 'pg'));
const admin = new pg.Client({ connectionString: cluster.url });
await admin.connect();
await admin.query('CREATE DATABASE bench_leaderboard');
await admin.end();
// No statement timeout: generating a million rows on a busy machine takes minutes (not timed).
const pool = createPool(cluster.url.replace(/\/postgres$/, '/bench_leaderboard'), { schema: WAREHOUSE_SCHEMA, max: 2, statementTimeoutMs: 0 });

// Events drawn set-based in SQL: contributor ~ power 3 (a few do most of the work); 85 % of a
// contributor's events in one of three home repositories, the rest anywhere (~ power 2); type by
// the mix below, lines only on commits. `seq` offsets keep event ids unique across batches.
const insertEvents = (db: Pick<pg.ClientBase, 'query'>, n: number, seq: number, days: number) =>
  db.query(
    `INSERT INTO contribution_events (event_id, repository_id, user_id, event_type, event_data, lines_added, lines_deleted, event_timestamp)
     SELECT 'bench:' || (x.g + $2), r.id, u.id, x.t,
       CASE WHEN x.t = 'pr_reviewed' THEN jsonb_build_object('self', x.s < 0.05) ELSE '{}'::jsonb END,
       CASE WHEN x.t = 'commit' THEN floor(x.s * x.s * 800)::int ELSE 0 END,
       CASE WHEN x.t = 'commit' THEN floor(x.s * 300)::int ELSE 0 END,
       now() - x.age * make_interval(days => $3)
     FROM (
       SELECT g, CASE WHEN random() < 0.85 THEN 1 + (y.un * 7 + floor(random() * 3)::int) % ${REPOS} ELSE 1 + floor(power(random(), 2) * ${REPOS})::int END AS rn, y.un, random() AS s, random() AS age,
         (ARRAY['commit','commit','commit','commit','commit','commit','pr_opened','pr_opened','pr_merged','pr_reviewed','pr_reviewed','pr_reviewed',
                'issue_opened','issue_opened','issue_closed','comment','comment','comment','comment','release'])[1 + floor(random() * 20)::int] AS t
       FROM generate_series(1, $1) g CROSS JOIN LATERAL (SELECT 1 + floor(power(random(), 3) * ${CONTRIBUTORS} + g * 0)::int AS un) y
     ) x JOIN bench_r r ON r.n = x.rn JOIN bench_u u ON u.n = x.un`,
    [n, seq, days],
  );

const boardsChecksum = async () =>
  (
    await pool.query(`SELECT
      (SELECT md5(string_agg(concat_ws(',', repository_id, user_id, rank, total_score, commit_count, pr_opened_count, pr_merged_count, pr_reviewed_count, issue_opened_count, issue_closed_count, comment_count, release_count, lines_added, lines_deleted, first_contribution_at, last_contribution_at), ';' ORDER BY repository_id, rank)) FROM repository_leaderboards) AS repo,
      (SELECT md5(string_agg(concat_ws(',', user_id, global_rank, total_score, repositories_contributed, lines_added), ';' ORDER BY global_rank)) FROM global_leaderboard) AS global`)
  ).rows[0] as { repo: string; global: string };

type Recalc = Awaited<ReturnType<typeof recalculate>>;
const timed = async (fn: () => Promise<Recalc>): Promise<{ r: Recalc; total: number; scores: number; snapshots: number }> => {
  const t = performance.now();
  const r = await fn();
  return { r, total: (performance.now() - t) / 1000, scores: r.scoresMs / 1000, snapshots: r.snapshotsMs / 1000 };
};
const phases = (r: Recalc) => Object.entries(r.timingsMs).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)}`).join(', ');

try {
  await migrateTestWarehouse(pool);
  await pool.query(`INSERT INTO repositories (github_id, owner, name, full_name) SELECT g, 'bench', 'repo-' || g, 'bench/repo-' || g FROM generate_series(1, ${REPOS}) g`);
  await pool.query(`INSERT INTO contributors (github_id, username, is_bot) SELECT g, CASE WHEN g % 1000 = 0 THEN 'helper-' || g || '[bot]' ELSE 'dev-' || g END, g % 1000 = 0 FROM generate_series(1, ${CONTRIBUTORS}) g`);
  await pool.query('CREATE TABLE bench_r AS SELECT row_number() OVER (ORDER BY github_id)::int AS n, id FROM repositories');
  await pool.query('CREATE TABLE bench_u AS SELECT row_number() OVER (ORDER BY github_id)::int AS n, id FROM contributors');
  const genStart = performance.now();
  // The bulk load skips foreign-key and dirty-marking triggers (replica role): a full
  // recalculation reads every event anyway. The 10,000 new events below go through them.
  const loader = await pool.connect();
  try {
    await loader.query('SELECT setseed(0.16)');
    await loader.query("SET session_replication_role = 'replica'");
    for (let seq = 0; seq < EVENTS; seq += CHUNK) {
      await insertEvents(loader, Math.min(CHUNK, EVENTS - seq), seq, 730);
      process.stderr.write(`  ${Math.min(seq + CHUNK, EVENTS).toLocaleString('en-US')} events\n`);
    }
    await loader.query("SET session_replication_role = 'origin'");
  } finally {
    loader.release();
  }
  await pool.query('ANALYZE');
  const genS = (performance.now() - genStart) / 1000;
  const pairs = (await pool.query('SELECT count(*)::int AS n FROM (SELECT DISTINCT repository_id, user_id FROM contribution_events) p')).rows[0].n as number;

  const full = await timed(() => recalculate(pool, { full: true }));
  const stats = (await pool.query('SELECT (SELECT count(*) FROM repository_leaderboards)::int AS rows, (SELECT count(*) FROM global_leaderboard)::int AS users')).rows[0];

  // 10,000 new events from the last day (through the triggers: deltas), then the incremental run.
  await insertEvents(pool, NEW_EVENTS, EVENTS, 1);
  const deltas = (await pool.query('SELECT count(*)::int AS n FROM leaderboard_deltas')).rows[0].n as number;
  const inc = await timed(() => recalculate(pool, { full: false }));
  if (inc.r.kind !== 'incremental') throw new Error(`expected an incremental run, got ${inc.r.kind} (${inc.r.upgradedBecause})`);
  const afterIncremental = await boardsChecksum();
  // The baseline: a full recalculation of the same 1,010,000 events, which must give the same boards.
  const baseline = await timed(() => recalculate(pool, { full: true }));
  const afterFull = await boardsChecksum();
  const equal = afterIncremental.repo === afterFull.repo && afterIncremental.global === afterFull.global;
  if (!equal) throw new Error('incremental and full recalculation disagree');

  // The recalculation runs in PostgreSQL; this is the process that drives it (the core's share).
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  printTable(
    ['step', 'boards current (s)', 'rank snapshots (s)', 'whole call (s)', 'detail'],
    [
      ['generate events (not timed)', genS.toFixed(1), '', '', `${EVENTS.toLocaleString('en-US')} events, ${pairs.toLocaleString('en-US')} contributor-repository pairs`],
      ['full recalculation (first: every row new)', full.scores.toFixed(2), full.snapshots.toFixed(2), full.total.toFixed(2), `${stats.rows.toLocaleString('en-US')} repository rows, ${stats.users.toLocaleString('en-US')} ranked contributors (bots excluded); ${phases(full.r)}`],
      ['incremental after 10,000 events', inc.scores.toFixed(3), inc.snapshots.toFixed(2), inc.total.toFixed(2), `${deltas.toLocaleString('en-US')} delta rows, ${inc.r.pairsRecomputed.toLocaleString('en-US')} pairs added to, ${inc.r.repositoriesReranked} repositories, ${inc.r.rankChanges.toLocaleString('en-US')} moves snapshotted; ${phases(inc.r)}`],
      ['baseline: full recalculation instead', baseline.scores.toFixed(2), baseline.snapshots.toFixed(2), baseline.total.toFixed(2), `same boards as the incremental run: ${equal ? 'yes' : 'NO'}; ${phases(baseline.r)}`],
    ],
  );
  console.log(`peak RSS of the driving process: ${peakRssMb} MB; load average at the end: ${loadavg()[0]!.toFixed(1)} (2 cores shared)`);
  console.log('goals: full < 10 s, incremental < 1 s, peak RSS < 300 MB');
  console.log(
    JSON.stringify({
      events: EVENTS,
      full_recalc_s: Number(full.scores.toFixed(2)),
      incremental_s: Number(inc.scores.toFixed(3)),
      peak_rss_mb: peakRssMb,
      full_snapshots_s: Number(full.snapshots.toFixed(2)),
      full_total_s: Number(full.total.toFixed(2)),
      incremental_snapshots_s: Number(inc.snapshots.toFixed(2)),
      incremental_total_s: Number(inc.total.toFixed(2)),
      baseline_full_after_new_events_s: Number(baseline.scores.toFixed(2)),
      contributors: CONTRIBUTORS,
      repositories: REPOS,
      incremental_equals_full: equal,
    }),
  );
} finally {
  await pool.end();
  await cluster.stop();
}
