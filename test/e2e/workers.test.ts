// The Workers view in Chromium against `repo-ops serve` on the warehouse queue (REPO_OPS_QUEUE=pg-boss on
// its embedded PostgreSQL) plus one `repo-ops worker` process on the same warehouse: both listed with
// host, version, kinds, concurrency and heartbeat; a run started from the console (a schedule's run-now)
// finishes on one of them.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/main/warehouse/embedded.ts';
import { openConsole, type Console } from '../helpers/e2e.ts';
import { ROOT, wsClient } from '../helpers/serve-process.ts';
import { waitFor } from '../helpers/temp.ts';
import { workerFleet, type WorkerFleet } from '../helpers/worker-process.ts';

let c: Console;
let fleet: WorkerFleet;
let ws: ReturnType<typeof wsClient>;

beforeAll(async () => {
  c = await openConsole({ env: { REPO_OPS_QUEUE: 'pg-boss' } });
  ws = wsClient(c.serve.origin, c.serve.token);
  await ws.opened;
  await ws.ops.settings.update({ healthTimeoutMs: 2000, healthIntervalMinutes: 0 });
  await waitFor('the console on the queue', async () => (await ws.ops.workers.list()).joined || null, 60_000, 200);
  // The console's embedded PostgreSQL, adopted (not owned) here: the worker's warehouse URL.
  const pg = await startEmbeddedPostgres(join(c.home, 'postgres'));
  fleet = workerFleet({ githubUrl: 'http://127.0.0.1:9', token: 'ghp_unusedUnusedUnusedUnusedUnusedUnused0', warehouseUrl: pg.url });
  fleet.start(await fleet.home(), ['--concurrency', '3', '--kinds', 'health-check']);
  await waitFor('two workers up', async () => (await ws.ops.workers.list()).workers.filter((w) => w.alive).length === 2 || null, 90_000, 200);
}, 240_000);

afterAll(async () => {
  fleet?.close();
  ws?.close();
  await c?.close();
});

describe('Workers view', () => {
  it('lists the console and a worker process with their kinds, concurrency and heartbeat; queue depth per kind', async () => {
    const { page } = c;
    await page.goto(`${c.serve.origin}/#/workers`);
    const grid = page.getByRole('grid', { name: 'Workers' });
    await expect.poll(() => grid.innerText(), { timeout: 15_000 }).toMatch(/\bup\b[\s\S]*\bup\b/i);
    const text = await grid.innerText();
    expect(text).toMatch(/health-check/);
    expect(text).toMatch(/3\/kind/);
    expect(text).toMatch(/\d+ s ago/);
    expect(await page.locator('.page-header p').innerText()).toMatch(/2 up · \d+ queued · this console is on the warehouse queue/);

    // A run sent from the console: queued or running on the fleet, then done by one of the two.
    const schedule = await ws.ops.schedules.applyPreset({ presetId: 'health-every-5-minutes' });
    const run = (await ws.ops.schedules.runNow({ id: schedule.id })).run!;
    const depth = page.getByRole('region', { name: 'Queue depth' });
    await expect.poll(async () => (await ws.ops.workers.runs({ limit: 20 })).find((r) => r.id === run.id)?.status, { timeout: 60_000 }).toBe('succeeded');
    expect(await depth.innerText()).toMatch(/Queue depth per kind/);
    const by = (await ws.ops.workers.runs({ limit: 20 })).find((r) => r.id === run.id)!.worker;
    expect((await ws.ops.workers.list()).workers.map((w) => w.id)).toContain(by);
    await page.screenshot({ path: join(ROOT, 'docs', 'workers.png') });
    expect(c.errors).toEqual([]);
  });
});
