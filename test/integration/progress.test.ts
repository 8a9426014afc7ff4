import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRun } from '../../src/shared/contract/jobs.ts';
import { editItem } from '../emulators/github/dataset.ts';
import { smallDataset, startSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';
import { waitFor } from '../helpers/temp.ts';

// Truthful progress through the API (issue 10, item 4): totals from GitHub's counts, counts across a pause and resume,
// step states consistent with the run's status.
let env: SyncEnv;
beforeAll(async () => {
  // Slow pages so that a pause lands mid-run.
  env = await startSyncEnv({ dataset: smallDataset(7, 300, 60, 0), emulator: { latencyMs: 60 } });
});
afterAll(() => env?.close());

const REPO = 'octo/widgets';
// GitHub's counts: pull requests and issues, default-branch commits and releases.
const total = () => 360 + env.dataset.repositories[0]!.commits.length + env.dataset.repositories[0]!.releases.length;

describe('job progress', () => {
  it('a first incremental sync has a total (GitHub’s counts), and a pause and resume counts on instead of from zero', async () => {
    const seen: JobRun[] = [];
    const run = await env.t.ops.repos.sync({ repository: REPO, mode: 'incremental' });
    const off = env.t.core.jobs.onChange((r) => r.id === run.id && seen.push(r));
    try {
      const mid = await waitFor('a committed page', async () => {
        const r = await env.t.ops.jobs.get({ runId: run.id });
        return r.status === 'running' && r.progress.done >= 50 ? r : null;
      }, 30_000, 20);
      expect(mid.progress.total).toBe(total());
      const paused = await env.t.ops.jobs.pause({ runId: run.id });
      expect(paused.status).toBe('paused');
      expect(paused.progress.done).toBeGreaterThanOrEqual(50);
      expect(paused.progress.done).toBeLessThan(total());
      expect(paused.progress.etaSeconds).toBeNull();
      // Nothing runs in a paused run.
      expect(paused.steps.filter((s) => s.status === 'running')).toEqual([]);
      expect(paused.steps.find((s) => s.name === 'pull_requests')?.status).toBe('paused');
      const before = paused.progress.done;
      seen.length = 0;
      await env.t.ops.jobs.resume({ runId: run.id });
      const done = await env.t.core.jobs.wait(run.id);
      expect(done.status).toBe('succeeded');
      // Every figure of the second attempt starts at the first attempt's count or above, and ends exactly at the total.
      const second = seen.filter((r) => r.status === 'running');
      expect(second.length).toBeGreaterThan(0);
      expect(Math.min(...second.map((r) => r.progress.done))).toBeGreaterThanOrEqual(before);
      expect(done.progress).toMatchObject({ done: total(), total: total() });
      // A pause and resume is the same attempt, not a new one.
      expect(done.attempt).toBe(1);
      const api = await env.t.ops.jobs.get({ runId: run.id });
      expect(api.steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done']);
    } finally {
      off();
    }
  });

  it('an incremental sync from a mark says it does not know its total', async () => {
    const oldest = [...env.dataset.repositories[0]!.pullRequests].sort((a, b) => a.number - b.number)[0]!;
    editItem(env.dataset, REPO, oldest.number, { title: 'edited after the first sync' }, new Date(Date.now() + 60_000).toISOString());
    const run = await env.t.ops.repos.sync({ repository: REPO, mode: 'incremental' });
    const done = await env.t.core.jobs.wait(run.id);
    expect(done.status).toBe('succeeded');
    expect(done.progress.total).toBeNull();
    expect(done.progress.done).toBeGreaterThanOrEqual(1);
    expect(done.progress.done).toBeLessThan(total());
  });
});
