// The leaderboards against an independent reference (plain TypeScript over the raw synced rows):
// bots, the ghost, a tie, self-reviews, releases, contributors in many repositories, overlapping
// and late scrape windows, weight changes — and incremental recalculation equal to a full one.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recalculate } from '../../src/main/leaderboard/recalc.ts';
import { scrapeRepository } from '../../src/main/leaderboard/scrape.ts';
import { writeConfig } from '../../src/main/leaderboard/config-store.ts';
import { addBatch, DEFAULT_CONFIG, generateModel, referenceBoards, warehouseBoards, writeModel, type Model, type RefConfig } from '../helpers/leaderboard-data.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { rng } from '../helpers/random.ts';
import { migrateTestWarehouse, warehousePool } from '../helpers/warehouse.ts';

const DAY = 86_400_000;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase('lb');
  pool = warehousePool(db.url);
  await migrateTestWarehouse(pool);
}, 60_000);
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

async function reset() {
  await pool.query('TRUNCATE repositories, contributors, leaderboard_recalcs, leaderboard_dirty, leaderboard_deltas, repository_scores, global_scores, rank_history CASCADE');
  await writeConfig(pool, DEFAULT_CONFIG.weights, { lineAddedWeight: 0.01, lineDeletedWeight: 0.005, lineBonusCap: 500, countSelfReviews: false, botPatterns: DEFAULT_CONFIG.botPatterns, fullWindowDays: 730, overlapDays: 1 });
}

async function repoIds(m: Model): Promise<string[]> {
  const { rows } = await pool.query('SELECT id, github_id FROM repositories');
  return m.repos.map((r) => rows.find((x) => Number(x.github_id) === r.githubId)!.id);
}

/** Scrapes every repository with the given mode and records the windows it covered. */
async function scrapeAll(m: Model, windows: Map<number, [number, number][]>, full: boolean, now = new Date()) {
  const ids = await repoIds(m);
  for (const [i, id] of ids.entries()) {
    const w = await scrapeRepository(pool, { repositoryId: id, repository: m.repos[i]!.fullName, full, now });
    windows.set(i, [...(windows.get(i) ?? []), [Date.parse(w.since), Date.parse(w.until)]]);
  }
}

describe('contributor leaderboard', () => {
  it('a full scrape and recalculation match the reference (bots, ghost, tie, self-reviews, releases, 730-day window)', async () => {
    await reset();
    const now = Date.now();
    const m = generateModel(7, { repos: 4, users: 40, perRepo: 500, now });
    await writeModel(pool, m);
    const windows = new Map<number, [number, number][]>();
    await scrapeAll(m, windows, true);
    const r = await recalculate(pool, { full: false });
    expect(r.kind).toBe('full');
    expect(r.upgradedBecause).toMatch(/no earlier/);

    const ref = referenceBoards(m, DEFAULT_CONFIG, windows);
    const got = await warehouseBoards(pool);
    expect(got.repo).toEqual(ref.repo);
    expect(got.global).toEqual(ref.global);

    // The data really has the edge cases the reference is meant to check.
    const names = got.global.map((g) => g.username);
    for (const bot of ['dependabot', 'ci-bot', 'Renovate-Helper', 'ghost']) expect(names).not.toContain(bot);
    expect((await pool.query("SELECT count(*)::int AS n FROM contribution_events e JOIN contributors c ON c.id = e.user_id WHERE c.username IN ('dependabot', 'ci-bot')")).rows[0].n).toBeGreaterThan(0);
    const twins = got.repo.filter((x) => x.repository === m.repos[0]!.fullName && x.username.toLowerCase().startsWith('twin'));
    expect(twins.map((t) => t.totalScore)).toEqual(['3.00', '3.00']);
    expect(twins.map((t) => t.username)).toEqual(['Twin-A', 'twin-b']);
    expect(twins[1]!.rank).toBe(twins[0]!.rank + 1);
    expect(got.global.some((g) => g.counts.release > 0)).toBe(true);
    expect(got.global.some((g) => (g.repositories ?? 0) >= 4)).toBe(true);
    const self = (await pool.query("SELECT count(*)::int AS n FROM contribution_events WHERE event_type = 'pr_reviewed' AND (event_data->>'self')::boolean")).rows[0].n;
    expect(self).toBeGreaterThan(0);
    // Events older than the 730-day window were not derived.
    const oldest = (await pool.query('SELECT min(event_timestamp) AS t FROM contribution_events')).rows[0].t as Date;
    expect(oldest.getTime()).toBeGreaterThanOrEqual(now - 731 * DAY);
    expect(m.commits.some((c) => c.at < now - 731 * DAY)).toBe(true);
    // The line bonus is capped per contributor and repository.
    expect((await pool.query('SELECT max(line_bonus)::float8 AS b FROM repository_leaderboards')).rows[0].b).toBe(500);
  });

  it('incremental scrapes add new and late events once (overlapping windows), and equal a full recalculation after random batches', async () => {
    await reset();
    const start = Date.now() - 30 * DAY;
    const m = generateModel(11, { repos: 3, users: 30, perRepo: 300, now: start });
    await writeModel(pool, m);
    const windows = new Map<number, [number, number][]>();
    await scrapeAll(m, windows, true, new Date(start));
    await recalculate(pool, { full: true });
    const seeds = [3, 5, 8, 13, 21];
    let clock = start;
    for (const [k, seed] of seeds.entries()) {
      const before = clock;
      clock += 5 * DAY;
      m.rand = rng(seed);
      // New events since the last window, plus late ones inside the one-day overlap.
      for (let r = 0; r < m.repos.length; r++) {
        addBatch(m, r, 60, before, clock);
        addBatch(m, r, 8, before - DAY + 60_000, before);
      }
      // Changed and removed source rows: a closer changes, a comment is deleted.
      const closed = m.issues.find((i) => i.closedBy !== null && i.closedAt! > before - DAY);
      if (closed) closed.closedBy = m.users[k]!.githubId;
      m.comments.splice(m.comments.findIndex((c) => c.at > before - DAY / 2), 1);
      await writeModel(pool, m);
      await scrapeAll(m, windows, false, new Date(clock));
      const inc = await recalculate(pool, { full: false });
      expect(inc.kind).toBe('incremental');
      const incremental = await warehouseBoards(pool);
      const ref = referenceBoards(m, DEFAULT_CONFIG, windows);
      expect(incremental.repo).toEqual(ref.repo);
      expect(incremental.global).toEqual(ref.global);
      await recalculate(pool, { full: true });
      expect(await warehouseBoards(pool)).toEqual(incremental);
    }
    // Overlapping windows did not double-count: one event per source row.
    const dup = (await pool.query('SELECT count(*)::int - count(DISTINCT event_id)::int AS d FROM contribution_events')).rows[0].d;
    expect(dup).toBe(0);
    const w = (await pool.query("SELECT count(*)::int AS n, min(kind) AS k FROM scrape_windows WHERE kind = 'incremental'")).rows[0];
    expect(w.n).toBe(seeds.length * 3);
  });

  it('inserted events are added to the stored rows (self-reviews counted, a newcomer whose only event is one), a deleted repository leaves both boards: incremental equals full and the reference', async () => {
    await reset();
    const cfg: RefConfig = { ...DEFAULT_CONFIG, countSelfReviews: true };
    await writeConfig(pool, undefined, { countSelfReviews: true });
    const start = Date.now() - 20 * DAY;
    const m = generateModel(31, { repos: 3, users: 25, perRepo: 250, now: start });
    await writeModel(pool, m);
    const windows = new Map<number, [number, number][]>();
    await scrapeAll(m, windows, true, new Date(start));
    await recalculate(pool, { full: true });
    let clock = start;
    for (const seed of [4, 9, 16]) {
      const before = clock;
      clock += 4 * DAY;
      m.rand = rng(seed);
      for (let r = 0; r < m.repos.length; r++) addBatch(m, r, 50, before, clock);
      await writeModel(pool, m);
      await scrapeAll(m, windows, false, new Date(clock));
      // Only inserts: the touched pairs are added to, none is read again from its events.
      expect((await pool.query('SELECT count(*)::int AS n FROM leaderboard_dirty')).rows[0].n).toBe(0);
      expect((await pool.query('SELECT count(*)::int AS n FROM leaderboard_deltas')).rows[0].n).toBeGreaterThan(0);
      const inc = await recalculate(pool, { full: false });
      expect(inc.kind).toBe('incremental');
      const got = await warehouseBoards(pool);
      expect(got).toEqual(referenceBoards(m, cfg, windows));
      await recalculate(pool, { full: true });
      expect(await warehouseBoards(pool)).toEqual(got);
    }
    // A contributor new to a repository whose only event there is a review of their own PR.
    const [repoId] = await repoIds(m);
    const newcomer = (await pool.query("INSERT INTO contributors (github_id, username) VALUES (990001, 'self-reviewer') RETURNING id")).rows[0].id as string;
    await pool.query(`INSERT INTO contribution_events (event_id, repository_id, user_id, event_type, event_data, event_timestamp) VALUES ('self:1', $1, $2, 'pr_reviewed', '{"self": true}', now())`, [repoId, newcomer]);
    await recalculate(pool, { full: false });
    const row = (await pool.query('SELECT pr_reviewed_count, total_score::float8 AS s FROM repository_scores WHERE repository_id = $1 AND user_id = $2', [repoId, newcomer])).rows;
    expect(row).toEqual([{ pr_reviewed_count: 1, s: DEFAULT_CONFIG.weights.pr_reviewed }]);
    // The sync flags a contributor as a bot, another is renamed into a bot pattern: the next
    // incremental run takes them off the boards, as a full one does.
    const [flagged, renamed] = (await pool.query('SELECT user_id FROM global_scores ORDER BY total_score DESC LIMIT 2')).rows.map((r) => r.user_id as string);
    await pool.query('UPDATE contributors SET is_bot = true WHERE id = $1', [flagged]);
    await pool.query("UPDATE contributors SET username = username || '-bot' WHERE id = $1", [renamed]);
    expect((await recalculate(pool, { full: false })).kind).toBe('incremental');
    expect((await pool.query('SELECT count(*)::int AS n FROM repository_scores WHERE user_id = ANY ($1)', [[flagged, renamed]])).rows[0].n).toBe(0);
    const afterFlags = await warehouseBoards(pool);
    expect(afterFlags.global.length).toBeGreaterThan(0);
    await recalculate(pool, { full: true });
    expect(await warehouseBoards(pool)).toEqual(afterFlags);
    // Deleting a repository deletes its events; their trigger takes its rows off both boards.
    await pool.query('DELETE FROM repositories WHERE id = $1', [repoId]);
    const inc = await recalculate(pool, { full: false });
    expect(inc.kind).toBe('incremental');
    expect((await pool.query('SELECT count(*)::int AS n FROM repository_scores WHERE repository_id = $1', [repoId])).rows[0].n).toBe(0);
    const afterDelete = await warehouseBoards(pool);
    await recalculate(pool, { full: true });
    expect(await warehouseBoards(pool)).toEqual(afterDelete);
  });

  it('a late event older than the overlap waits for the weekly full scrape; nothing is counted twice', async () => {
    await reset();
    const now = Date.now();
    const m = generateModel(17, { repos: 1, users: 10, perRepo: 200, now: now - 2 * DAY });
    await writeModel(pool, m);
    const windows = new Map<number, [number, number][]>();
    await scrapeAll(m, windows, true, new Date(now - DAY));
    // A commit dated three days back arrives after that scrape.
    m.commits.push({ repo: 0, sha: 'late0001', author: m.users[0]!.githubId, at: now - 3 * DAY, additions: 100, deletions: 0 });
    await writeModel(pool, m);
    await scrapeAll(m, windows, false, new Date(now));
    await recalculate(pool, { full: false });
    expect((await pool.query("SELECT count(*)::int AS n FROM contribution_events WHERE event_data->>'sha' = 'late0001'")).rows[0].n).toBe(0);
    expect(await warehouseBoards(pool)).toEqual(referenceBoards(m, DEFAULT_CONFIG, new Map([[0, [[now - DAY - 730 * DAY, now - 3 * DAY - 1]]]])));
    await scrapeAll(m, windows, true, new Date(now));
    await recalculate(pool, { full: false });
    expect((await pool.query("SELECT count(*)::int AS n FROM contribution_events WHERE event_data->>'sha' = 'late0001'")).rows[0].n).toBe(1);
    expect(await warehouseBoards(pool)).toEqual(referenceBoards(m, DEFAULT_CONFIG, windows));
  });

  it('changed weights and bot patterns: the next incremental run recalculates in full and matches the reference', async () => {
    await reset();
    const now = Date.now();
    const m = generateModel(23, { repos: 2, users: 25, perRepo: 300, now });
    await writeModel(pool, m);
    const windows = new Map<number, [number, number][]>();
    await scrapeAll(m, windows, true);
    await recalculate(pool, { full: true });
    const cfg: RefConfig = { ...DEFAULT_CONFIG, weights: { ...DEFAULT_CONFIG.weights, comment: 0, release: 99.5, pr_reviewed: 7.25 }, lineAdded: 0.0333, cap: 120, countSelfReviews: true, botPatterns: ['%-bot', 'dev1_'] };
    await writeConfig(pool, cfg.weights, { lineAddedWeight: cfg.lineAdded, lineBonusCap: cfg.cap, countSelfReviews: true, botPatterns: cfg.botPatterns });
    const r = await recalculate(pool, { full: false });
    expect(r.kind).toBe('full');
    expect(r.upgradedBecause).toMatch(/weights or settings changed/);
    const ref = referenceBoards(m, cfg, windows);
    const got = await warehouseBoards(pool);
    expect(got).toEqual(ref);
    // Renovate-Helper no longer matches a pattern; dependabot stays out by the warehouse's bot flag.
    expect(got.global.map((g) => g.username)).toContain('Renovate-Helper');
    expect(got.global.map((g) => g.username)).not.toContain('dependabot');
    expect(got.global.some((g) => /^dev1\d$/.test(g.username))).toBe(false);
    // Ranks that moved are kept as snapshots with their previous rank.
    const moved = (await pool.query('SELECT count(*)::int AS n FROM rank_history h WHERE h.recalc_id = $1 AND h.previous_rank IS NOT NULL', [r.recalcId])).rows[0].n;
    expect(moved).toBeGreaterThan(0);
  });
  it('ranks are read, not stored: a climber rewrites only their own rows, and everyone keeps the rank they had before the board changed', async () => {
    await reset();
    const m = generateModel(29, { repos: 2, users: 20, perRepo: 200, now: Date.now() });
    await writeModel(pool, m);
    await scrapeAll(m, new Map(), true);
    await recalculate(pool, { full: true });
    const key = (r: { repository_id: string; user_id: string }) => `${r.repository_id}/${r.user_id}`;
    const before = new Map((await pool.query('SELECT repository_id, user_id, rank FROM repository_leaderboards')).rows.map((r) => [key(r), r.rank as number]));
    const globalBefore = new Map((await pool.query('SELECT user_id, global_rank FROM global_leaderboard')).rows.map((r) => [r.user_id as string, r.global_rank as number]));
    const board = (await pool.query('SELECT repository_id, user_id, rank FROM repository_leaderboards ORDER BY repository_id, rank DESC LIMIT 1')).rows[0];
    expect(board.rank).toBeGreaterThan(5);
    // The last of one board makes 100 commits.
    await pool.query(`INSERT INTO contribution_events (event_id, repository_id, user_id, event_type, event_timestamp) SELECT 'climb:' || g, $1, $2, 'commit', now() FROM generate_series(1, 100) g`, [board.repository_id, board.user_id]);
    const r = await recalculate(pool, { full: false });
    expect(r.kind).toBe('incremental');
    const after = (await pool.query('SELECT repository_id, user_id, rank, previous_rank FROM repository_leaderboards')).rows;
    expect(after.find((a) => key(a) === key(board))).toMatchObject({ rank: 1, previous_rank: board.rank });
    // The touched board's previous ranks are its ranks before; the other board last changed when everyone on it was new.
    for (const a of after) expect(a.previous_rank, key(a)).toBe(a.repository_id === board.repository_id ? before.get(key(a)) : null);
    expect(after.filter((a) => a.repository_id === board.repository_id && a.rank !== a.previous_rank).length).toBe(board.rank);
    for (const g of (await pool.query('SELECT user_id, global_rank, previous_rank FROM global_leaderboard')).rows) expect(g.previous_rank).toBe(globalBefore.get(g.user_id));
    // Only the climber's rows were written, and the snapshot keeps their move.
    expect((await pool.query('SELECT count(*)::int AS n FROM repository_scores WHERE score_recalc_id = $1', [r.recalcId])).rows[0].n).toBe(1);
    expect((await pool.query('SELECT count(*)::int AS n FROM global_scores WHERE score_recalc_id = $1', [r.recalcId])).rows[0].n).toBe(1);
    const hist = (await pool.query('SELECT rank, previous_rank FROM rank_history WHERE recalc_id = $1 AND repository_id IS NOT NULL', [r.recalcId])).rows;
    expect(hist).toEqual([{ rank: 1, previous_rank: board.rank }]);
    // A recalculation with nothing new keeps the movement of the board's last change.
    const idle = await recalculate(pool, { full: false });
    expect(idle.pairsRecomputed).toBe(0);
    expect((await pool.query('SELECT repository_id, user_id, rank, previous_rank FROM repository_leaderboards')).rows).toEqual(expect.arrayContaining(after));
  });
});
