import { afterEach, describe, expect, it } from 'vitest';
import { addPullRequest, editItem } from '../emulators/github/mutate.ts';
import { datasetSnapshot, smallDataset, startSyncEnv, warehouseSnapshot, type SyncEnv } from '../helpers/sync-env.ts';
import { waitFor } from '../helpers/temp.ts';

// A whole pass pages every state from both ends at once (src/main/sync/lanes.ts), each cursor
// with its own checkpoint. These tests stop such a pass part-way and check that it resumes to
// exactly what GitHub holds: nothing lost, nothing written twice, every count exact.

const REPO = 'octo/widgets';
let env: SyncEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

interface LaneRow {
  stream: string;
  lane: string;
  run_id: string;
  pages: number;
  items: number;
  done: boolean;
}

const lanes = async (e: SyncEnv) => (await e.pool.query<LaneRow>('SELECT stream, lane, run_id, pages, items, done FROM sync_lanes ORDER BY stream, lane')).rows;

/** The warehouse's pull requests and issues are exactly the dataset's; returns the warehouse's snapshot. */
async function expectPrsAndIssuesExact(pool: SyncEnv['pool'], dataset: SyncEnv['dataset']) {
  const got = await warehouseSnapshot(pool, REPO);
  const want = datasetSnapshot(dataset, REPO);
  expect(got!.prs).toEqual(want.prs);
  expect(got!.issues).toEqual(want.issues);
  return got;
}

describe('partitioned whole pass', () => {
  it('paused mid-way, resumes every cursor to an exact warehouse; items that changed state or appeared meanwhile are caught', async () => {
    const dataset = smallDataset(11, 420, 1300, 2);
    const repo = dataset.repositories[0]!;
    // Few open issues (one page: that state is covered at once), many closed ones (several pages
    // from each end): a closed issue the closed-issue cursors have not reached yet can be reopened
    // into a state whose cursors are done, where no cursor will ever see it.
    repo.issues.forEach((issue, i) => editItem(dataset, REPO, issue.number, { state: i % 16 === 0 ? 'OPEN' : 'CLOSED' }, issue.updatedAt));
    const openIssues = repo.issues.filter((i) => i.state === 'OPEN').length;
    expect(openIssues).toBeGreaterThan(0);
    expect(openIssues).toBeLessThan(100);
    // Slow pages: the closed issues take several pages from each end, still under way when the run is paused.
    env = await startSyncEnv({ dataset, emulator: { latencyMs: 200 } });
    const e = env;

    const run = await e.t.ops.repos.sync({ repository: REPO, mode: 'full' });
    await waitFor('the open-issue cursor done while closed issues are still being paged', async () => {
      const rows = await lanes(e);
      const open = rows.find((r) => r.stream === 'issues' && r.lane === 'OPEN:ASC');
      return open?.done || null;
    }, 60_000, 10);
    const paused = await e.t.ops.jobs.pause({ runId: run.id });
    expect(paused.status).toBe('paused');

    // Several cursors hold checkpoints of this run; the closed issues are not all in.
    const mid = await lanes(e);
    expect(mid.every((r) => r.run_id === run.id)).toBe(true);
    expect(mid.filter((r) => r.pages > 0).length).toBeGreaterThanOrEqual(4);
    const closedLanes = mid.filter((r) => r.stream === 'issues' && r.lane.startsWith('CLOSED'));
    expect(closedLanes.some((r) => !r.done)).toBe(true);
    const stored = new Set((await e.pool.query<{ number: number }>('SELECT number FROM issues')).rows.map((r) => r.number));
    const unwritten = repo.issues.filter((i) => i.state === 'CLOSED' && !stored.has(i.number));
    expect(unwritten.length).toBeGreaterThan(0);

    // While the run is paused, on GitHub: an issue no cursor has reached is reopened (it leaves
    // the closed issues for the open ones, already paged), and a pull request is opened.
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const moved = unwritten[Math.floor(unwritten.length / 2)]!;
    editItem(dataset, REPO, moved.number, { state: 'OPEN' }, now);
    const added = addPullRequest(dataset, REPO, { title: 'Opened during the pass' }, now);

    const resumed = await e.t.ops.jobs.resume({ runId: run.id });
    expect(resumed).toMatchObject({ id: run.id });
    const done = await e.t.core.jobs.wait(run.id);
    expect(done.status).toBe('succeeded');

    const got = await expectPrsAndIssuesExact(e.pool, dataset);
    expect(got!.issues.find((i: { number: number }) => i.number === moved.number)).toMatchObject({ state: 'open' });
    expect(got!.prs.find((p: { number: number }) => p.number === added.number)).toMatchObject({ title: 'Opened during the pass' });
    const dupes = await e.pool.query(`SELECT
      (SELECT count(*) - count(DISTINCT github_id) FROM pull_requests) + (SELECT count(*) - count(DISTINCT github_id) FROM issues)
      + (SELECT count(*) - count(DISTINCT (comment_type, github_id)) FROM comments) + (SELECT count(*) - count(DISTINCT github_id) FROM reviews) AS d`);
    expect(Number(dupes.rows[0].d)).toBe(0);

    // Each item was written once by the cursors across both attempts: their counts sum to what
    // GitHub held when the cursors ran (the reopened issue and the new pull request came by the catch-up pass).
    const end = await lanes(e);
    const laneItems = (stream: string) => end.filter((r) => r.stream === stream).reduce((n, r) => n + r.items, 0);
    expect(laneItems('pull_requests')).toBe(repo.pullRequests.length - 1);
    expect(laneItems('issues')).toBe(repo.issues.length - 1);
    for (const stream of ['pull_requests', 'issues']) {
      const states = new Set(end.filter((r) => r.stream === stream).map((r) => r.lane.split(':')[0]));
      // Every state's two cursors met (or one reached the other's end).
      for (const state of states) expect(end.filter((r) => r.stream === stream && r.lane.startsWith(`${state}:`)).some((r) => r.done)).toBe(true);
    }
    const result = done.result as { reconciliation: { ok: boolean } };
    expect(result.reconciliation.ok).toBe(true);
  }, 180_000);

  it('pages every state from both ends, each state in as many pages as its share needs', async () => {
    const dataset = smallDataset(12, 650, 250, 1);
    env = await startSyncEnv({ dataset, emulator: { latencyMs: 5 } });
    const run = await env.t.ops.repos.sync({ repository: REPO, mode: 'full' });
    const done = await env.t.core.jobs.wait(run.id);
    expect(done.status).toBe('succeeded');
    await expectPrsAndIssuesExact(env.pool, dataset);
    const rows = await lanes(env);
    // Pull requests: merged, closed and open, each from both ends (six cursors); issues: two states.
    expect(new Set(rows.filter((r) => r.stream === 'pull_requests').map((r) => r.lane))).toEqual(new Set(['MERGED:ASC', 'MERGED:DESC', 'CLOSED:ASC', 'CLOSED:DESC', 'OPEN:ASC', 'OPEN:DESC']));
    expect(rows.filter((r) => r.stream === 'pull_requests' && r.lane.endsWith(':DESC')).every((r) => r.pages > 0)).toBe(true);
    const repo = dataset.repositories[0]!;
    const sum = (stream: string) => rows.filter((r) => r.stream === stream).reduce((n, r) => n + r.items, 0);
    expect(sum('pull_requests')).toBe(repo.pullRequests.length);
    expect(sum('issues')).toBe(repo.issues.length);
    // Pages: each state's share rounded up (the last page of one end overlaps the other's by the one
    // item that proves they met; a share of exact hundreds needs one short probe to prove it).
    const pages = (stream: string) => rows.filter((r) => r.stream === stream).reduce((n, r) => n + r.pages, 0);
    const shares = (xs: { state: string }[]) => {
      const counts = new Map<string, number>();
      for (const x of xs) counts.set(x.state, (counts.get(x.state) ?? 0) + 1);
      return [...counts.values()].reduce((n, c) => n + Math.ceil(c / 100) + (c > 100 && c % 100 === 0 ? 1 : 0), 0);
    };
    expect(pages('pull_requests')).toBeLessThanOrEqual(shares(repo.pullRequests));
    expect(pages('issues')).toBeLessThanOrEqual(shares(repo.issues));
  }, 120_000);
});
