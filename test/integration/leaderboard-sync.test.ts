// The leaderboard over data the sync really fetched: default-branch commits (their lines), releases
// and who closed each issue, from the GitHub emulator — against the plain TypeScript reference
// computed from the emulator's dataset itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recalculate } from '../../src/main/leaderboard/recalc.ts';
import { scrapeRepository } from '../../src/main/leaderboard/scrape.ts';
import { generateDataset } from '../emulators/github/dataset.ts';
import { DEFAULT_CONFIG, referenceBoards, warehouseBoards } from '../helpers/leaderboard-data.ts';
import { modelFromDataset } from '../helpers/leaderboard-github.ts';
import { startSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

const DAY = 86_400_000;
const now = Date.now();
let env: SyncEnv;

beforeAll(async () => {
  // Two repositories sharing one pool of people, over the last 800 days (some of it outside the 730-day window).
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const dataset = generateDataset({
    seed: 16,
    users: 25,
    ghostShare: 0.04,
    start: iso(now - 800 * DAY),
    end: iso(now - DAY),
    repos: [
      { owner: 'octo', name: 'widgets', pullRequests: 90, issues: 50, avgReviews: 2, avgReviewComments: 2, avgIssueComments: 2, avgFiles: 4, directCommits: 20, releases: 6 },
      { owner: 'octo', name: 'gadgets', pullRequests: 40, issues: 30, avgReviews: 1, avgReviewComments: 1, avgIssueComments: 2, avgFiles: 3, directCommits: 10, releases: 3 },
    ],
  });
  env = await startSyncEnv({ dataset });
});
afterAll(() => env?.close());

describe('leaderboard from synced GitHub data', () => {
  it('commits, releases and closers fetched by the sync score as the reference computes them from GitHub’s data', async () => {
    const windows = new Map<number, [number, number][]>();
    for (const [i, r] of env.dataset.repositories.entries()) {
      const full = `${r.owner}/${r.name}`;
      const run = await env.t.core.jobs.wait((await env.t.ops.repos.sync({ repository: full, mode: 'full' })).id);
      expect(run.status).toBe('succeeded');
      const { rows } = await env.pool.query('SELECT id FROM repositories WHERE full_name = $1', [full]);
      const w = await scrapeRepository(env.pool, { repositoryId: rows[0].id, repository: full, full: true, now: new Date(now) });
      windows.set(i, [[Date.parse(w.since), Date.parse(w.until)]]);
    }
    await recalculate(env.pool, { full: true });

    const model = modelFromDataset(env.dataset);
    const ref = referenceBoards(model, DEFAULT_CONFIG, windows);
    const got = await warehouseBoards(env.pool);
    expect(got.repo).toEqual(ref.repo);
    expect(got.global).toEqual(ref.global);

    // The events really come from the synced commits, releases and closers.
    const { rows: byType } = await env.pool.query(`SELECT event_type, count(*)::int AS n, sum(lines_added)::int AS added FROM contribution_events GROUP BY 1`);
    const n = Object.fromEntries(byType.map((r) => [r.event_type, r]));
    expect(n.commit.n).toBeGreaterThan(50);
    expect(n.commit.added).toBeGreaterThan(0);
    expect(n.release.n).toBeGreaterThan(3);
    expect(n.issue_closed.n).toBeGreaterThan(10);
    expect(got.global.some((g) => g.counts.release > 0) && got.global.some((g) => g.counts.issue_closed > 0) && got.global.some((g) => g.linesAdded > 0)).toBe(true);
    expect(got.global.some((g) => g.repositories === 2)).toBe(true);
    // Bots closed issues and deleted accounts published releases: their events exist, their names do not rank.
    const { rows: excluded } = await env.pool.query(`SELECT c.username, e.event_type FROM contribution_events e JOIN contributors c ON c.id = e.user_id
      WHERE (c.is_bot AND e.event_type = 'issue_closed') OR (c.is_ghost AND e.event_type = 'release')`);
    expect(new Set(excluded.map((r) => r.event_type))).toEqual(new Set(['issue_closed', 'release']));
    const ranked = new Set(got.global.map((g) => g.username));
    for (const r of excluded) expect(ranked.has(r.username)).toBe(false);
  });
});
