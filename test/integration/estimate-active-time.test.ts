import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measuredSecondsPerRequest } from '../../src/main/backfill/estimate.ts';
import { startSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

// Estimates measure earlier syncs by their active time: a run paused for an hour, or one that
// crashed and was resumed the next day, took its active time, not its wall time.
let env: SyncEnv;
beforeAll(async () => {
  env = await startSyncEnv();
}, 120_000);
afterAll(() => env?.close());

describe('estimates from active time', () => {
  it('a sync records its active time; the wall time of pauses and crashes never enters the estimate', async () => {
    const run = await env.t.ops.repos.sync({ repository: 'octo/widgets', mode: 'full' });
    expect((await env.t.core.jobs.wait(run.id)).status).toBe('succeeded');
    const { rows: [r] } = await env.pool.query('SELECT active_seconds, EXTRACT(EPOCH FROM finished_at - started_at)::float AS wall, requests, repository_id FROM sync_runs WHERE id = $1', [run.id]);
    expect(r.active_seconds).toBeGreaterThan(0);
    expect(r.active_seconds).toBeLessThanOrEqual(r.wall + 0.5);

    // A run of 100 requests that was active 50 s but paused (or crashed and resumed) for an hour.
    await env.pool.query("INSERT INTO sync_runs (id, repository_id, mode, status, started_at, finished_at, requests, active_seconds) VALUES ($1, $2, 'full', 'succeeded', now() - interval '1 hour', now(), 100, 50)", [randomUUID(), r.repository_id]);
    const measured = await measuredSecondsPerRequest(env.pool);
    // 50 s / 100 requests (with this sync's active time and requests when it made more than 10): nowhere near 3,600 s / 100.
    const [s, n] = r.requests > 10 ? [50 + r.active_seconds, 100 + r.requests] : [50, 100];
    expect(measured).toBeCloseTo(s / n, 6);
    expect(measured!).toBeLessThan(1);

    // Runs from before active time was recorded are not measured at all (their wall time is the bug).
    await env.pool.query('UPDATE sync_runs SET active_seconds = NULL');
    expect(await measuredSecondsPerRequest(env.pool)).toBeNull();
  });

  it('the estimate says what its time is measured from', async () => {
    await env.pool.query('UPDATE sync_runs SET active_seconds = 50, requests = 100');
    const estimate = await env.t.ops.backfill.estimate({ repository: 'octo/widgets', mode: 'full', skipEmbeddings: true } as never);
    expect(estimate.time.basis).toContain('active time, without pauses and crashes');
    // Sync time from 0.5 s per request (plus the writes), not from wall clock.
    expect(estimate.time.syncS).toBeLessThan(estimate.github.requests * 0.5 + 5);
  });
});
