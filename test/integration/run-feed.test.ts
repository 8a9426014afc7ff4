// Consoles follow other workers' runs through `job_runs_shared` by a change cursor. `updated_at` is
// taken before the commit, so a write that commits late sits behind a cursor that already moved on:
// the feed must still deliver it, once, and never repeat a change it delivered.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRun } from '../../src/shared/contract/jobs.ts';
import { pushRun, RunFeed } from '../../src/main/workers/shared-runs.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { migrateTestWarehouse, warehousePool } from '../helpers/warehouse.ts';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase('runfeed');
  pool = warehousePool(db.url, 4);
  await migrateTestWarehouse(pool);
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

const run = (id: string, done = 0): JobRun => ({
  id,
  kind: 'sync',
  title: `Sync ${id}`,
  status: 'running',
  params: null,
  progress: { done, total: 10, unit: 'pages', message: null, ratePerSec: null, etaSeconds: null, extra: {} },
  steps: [],
  attempt: 1,
  createdAt: new Date().toISOString(),
  startedAt: new Date().toISOString(),
  finishedAt: null,
  error: null,
  result: null,
  resumable: false,
});

/** Starts a report of `id` whose change time is taken now but which commits only when `commit` is called. */
async function lateWrite(id: string): Promise<{ commit(): Promise<void> }> {
  const c = await pool.connect();
  await c.query('BEGIN');
  await pushRun(c as unknown as pg.Pool, run(id), 'w-late');
  return {
    async commit() {
      await c.query('COMMIT');
      c.release();
    },
  };
}

const ids = (rs: { id: string }[]) => rs.map((r) => r.id);

describe('the run feed', () => {
  it('delivers a late-committed change behind the cursor, once; later changes of a run come again', async () => {
    const feed = new RunFeed(10_000);
    await pushRun(pool, run('feed-a'), 'w1');
    expect(ids(await feed.next(pool))).toEqual(['feed-a']);

    const late = await lateWrite('feed-b');
    await new Promise((r) => setTimeout(r, 20));
    await pushRun(pool, run('feed-c'), 'w1');
    expect(ids(await feed.next(pool))).toEqual(['feed-c']);
    await late.commit();

    expect(ids(await feed.next(pool))).toEqual(['feed-b']);
    expect(await feed.next(pool)).toEqual([]);

    await pushRun(pool, run('feed-a', 5), 'w1');
    const again = await feed.next(pool);
    expect(ids(again)).toEqual(['feed-a']);
    expect(again[0]!.progress.done).toBe(5);
    expect(await feed.next(pool)).toEqual([]);
  });

  it('without a look-back the late change is lost (what the look-back is for)', async () => {
    const feed = new RunFeed(0);
    await feed.next(pool);
    const late = await lateWrite('feed-d');
    await new Promise((r) => setTimeout(r, 20));
    await pushRun(pool, run('feed-e'), 'w1');
    expect(ids(await feed.next(pool))).toEqual(['feed-e']);
    await late.commit();
    expect(await feed.next(pool)).toEqual([]);
  });

  it('follows only the given runs when asked', async () => {
    const feed = new RunFeed(10_000);
    await pushRun(pool, run('feed-f'), 'w1');
    await pushRun(pool, run('feed-g'), 'w1');
    expect(ids(await feed.next(pool, ['feed-g']))).toEqual(['feed-g']);
  });
});
