// One-click health and one runbook, in Chromium against `repo-ops serve` (embedded Postgres,
// a real redis-server, local HTTP services: one healthy, one that never answers).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type Console } from '../helpers/e2e.ts';
import { startHttpFixtures, type HttpFixtures } from '../helpers/http-fixtures.ts';
import { startRedis, type RedisServer } from '../helpers/redis.ts';
import { ROOT, wsClient } from '../helpers/serve-process.ts';

let c: Console;
let fixtures: HttpFixtures;
let redis: RedisServer;

beforeAll(async () => {
  [fixtures, redis] = await Promise.all([startHttpFixtures(), startRedis()]);
  c = await openConsole();
  const ws = wsClient(c.serve.origin, c.serve.token);
  await ws.opened;
  const p = await ws.ops.profiles.create({ name: 'ops', httpServices: [{ name: 'API', url: fixtures.service('healthy') }, { name: 'Stuck', url: fixtures.service('hang') }] });
  await ws.ops.secrets.set({ profileId: p.id, key: 'redis_url', value: redis.url });
  await ws.ops.settings.update({ healthTimeoutMs: 2000, healthIntervalMinutes: 0 });
  ws.close();
}, 180_000);

afterAll(async () => {
  await c?.close();
  await Promise.all([fixtures?.close(), redis?.stop()]);
});

describe('Health page', () => {
  it('one click checks everything in parallel; the hung service is down after its timeout, the rest are judged', async () => {
    const { page } = c;
    await page.goto(`${c.serve.origin}/#/health`);
    await page.getByRole('button', { name: 'Run checks' }).click();
    const card = (name: string) => page.getByRole('region', { name: `${name} health` });
    await expect.poll(() => card('Stuck').innerText(), { timeout: 30_000 }).toMatch(/down/i);
    expect(await card('Postgres (embedded)').innerText()).toMatch(/healthy/i);
    expect(await card('API').innerText()).toMatch(/healthy/i);
    expect(await card('Redis').innerText()).toMatch(/healthy|degraded/i);
    expect(await card('GitHub').innerText()).toMatch(/not configured/i);
    expect(await card('Stuck').innerText()).toMatch(/2000 ms|timed out|timeout/i);
    expect((await page.locator('.page-header .status').first().innerText()).toLowerCase()).toBe('overall down');
    const header = await page.locator('.page-header p').first().innerText();
    const took = Number(/in (\d+) ms/.exec(header)?.[1]);
    expect(header).toMatch(/checked .* in \d+ ms/);
    expect(took).toBeGreaterThanOrEqual(1900);
    expect(took).toBeLessThan(4000);
    // The same status palette everywhere: one class per state.
    expect(await card('Stuck').locator('.status-down').count()).toBeGreaterThan(0);
    expect(await card('API').locator('.status-healthy').count()).toBeGreaterThan(0);
    // The profile created through the API after the page loaded shows in the top bar.
    await expect.poll(() => page.locator('.topbar').innerText()).toMatch(/\bops\b/);
    await page.screenshot({ path: join(ROOT, 'docs', 'health.png') });
    expect(c.errors).toEqual([]);
  });
});

describe('Runbooks page', () => {
  it('runs VACUUM ANALYZE as a checklist: query, preview, confirm, record', async () => {
    const { page } = c;
    await page.goto(`${c.serve.origin}/#/runbooks/maintenance-vacuum`);
    const book = page.getByRole('region', { name: 'Runbook Maintenance: VACUUM ANALYZE' });
    await book.getByRole('button', { name: 'Start a run' }).click();
    const step = (id: string) => book.locator(`li[data-step="${id}"]`);
    await step('stats').getByRole('button', { name: 'Run' }).click();
    await expect.poll(() => step('stats').getAttribute('data-outcome'), { timeout: 30_000 }).toBe('done');
    await step('stats').getByRole('grid').or(step('stats').getByRole('table')).first().waitFor();
    // Every table of the schema is listed (worst first; the grid is virtualized, so not all are on screen).
    expect(await step('stats').innerText()).toMatch(/\d+ rows? in \d+ ms[\s\S]*n_dead_tup|\d+ row\(s\) in \d+ ms[\s\S]*n_dead_tup/);
    expect(await step('vacuum').getByLabel('Table').locator('option').allInnerTexts()).toContain('pull_requests');

    await step('vacuum').getByLabel('Table').selectOption('pull_requests');
    await step('vacuum').getByRole('button', { name: 'Preview…' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    expect(await dialog.getByLabel('Statements to run').innerText()).toBe('VACUUM (ANALYZE) "repo_ops"."pull_requests"');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await step('vacuum').getAttribute('data-outcome')).toBe('pending');

    await step('vacuum').getByRole('button', { name: 'Preview…' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Run exactly this' }).click();
    await expect.poll(() => step('vacuum').getAttribute('data-outcome'), { timeout: 30_000 }).toBe('done');
    expect(await step('vacuum').innerText()).toMatch(/1 table vacuumed and analyzed/);

    await book.getByLabel('Closing note').fill('routine after backfill');
    await book.getByRole('button', { name: 'Resolved' }).click();
    await book.getByRole('button', { name: 'Start a run' }).waitFor();

    const ws = wsClient(c.serve.origin, c.serve.token);
    await ws.opened;
    try {
      const [run] = await ws.ops.runbooks.runs({ limit: 1 });
      expect(run).toMatchObject({ runbookId: 'maintenance-vacuum', status: 'resolved', note: 'routine after backfill' });
      expect(run!.steps.find((s) => s.stepId === 'vacuum')).toMatchObject({ outcome: 'done', statements: ['VACUUM (ANALYZE) "repo_ops"."pull_requests"'] });
      const note = await ws.ops.runbooks.incidentNote({ runId: run!.id });
      expect(note.content).toContain('ran: `VACUUM (ANALYZE) "repo_ops"."pull_requests"`');
    } finally {
      ws.close();
    }
    expect(c.errors).toEqual([]);
  });
});
