// The team's five systems on one Health page and their packs in Chromium against `repo-ops serve`:
// each system's own Postgres (tables created here), AutoDevOps's BullMQ queues in a real
// redis-server, What the Repo's `/` and pgGit's API as HTTP fixtures. One action per pack.
import { join } from 'node:path';
import { Queue } from 'bullmq';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type Console } from '../helpers/e2e.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { startRedis, type RedisServer } from '../helpers/redis.ts';
import { ROOT, wsClient } from '../helpers/serve-process.ts';
import { AUTODEVOPS_QUEUES, loadFixture, populateQueues, startSystemHttp, type SystemHttp } from '../helpers/systems.ts';

const KINDS = ['what-the-repo', 'leaderboard', 'autodevops', 'pggit', 'contributor-info'] as const;
const NAMES = { 'what-the-repo': 'What the Repo', leaderboard: 'Leaderboard', autodevops: 'AutoDevOps', pggit: 'pgGit', 'contributor-info': 'contributor.info' } as const;

let c: Console;
let redis: RedisServer;
let http: SystemHttp;
const dbs = {} as Record<(typeof KINDS)[number], Awaited<ReturnType<typeof createTestDatabase>>>;

beforeAll(async () => {
  [redis, http] = await Promise.all([startRedis(), startSystemHttp()]);
  await Promise.all(KINDS.map(async (k) => (dbs[k] = await createTestDatabase(`e2e_${k.replace(/-/g, '_')}`))));
  await Promise.all(KINDS.map((k) => loadFixture(dbs[k].url, k)));
  await populateQueues(redis.url);
  c = await openConsole();
  const ws = wsClient(c.serve.origin, c.serve.token);
  await ws.opened;
  await ws.ops.settings.update({ healthIntervalMinutes: 0, healthTimeoutMs: 5000 });
  const extra: Record<string, Record<string, unknown>> = {
    'what-the-repo': { http: [{ name: 'app', url: http.whatTheRepo, endpoints: ['/'], required: ['/'] }] },
    autodevops: { queues: AUTODEVOPS_QUEUES },
    pggit: { http: [{ name: 'api', url: http.pggit, endpoints: ['/health'] }] },
  };
  for (const k of KINDS) {
    const s = await ws.ops.systems.create({ name: NAMES[k], kind: k, ...(extra[k] ?? {}) });
    await ws.ops.systems.setSecret({ id: s.id, key: 'postgres_url', value: dbs[k].url });
    if (k === 'autodevops') await ws.ops.systems.setSecret({ id: s.id, key: 'redis_url', value: redis.url });
  }
  ws.close();
}, 180_000);

afterAll(async () => {
  await c?.close();
  await http?.close();
  await redis?.stop();
  await Promise.all(Object.values(dbs).map((d) => d.drop()));
});

describe('Systems', () => {
  it('the Health page shows every system × service after one click; a row drills down', async () => {
    const { page } = c;
    await page.goto(`${c.serve.origin}/#/health`);
    const grid = page.getByRole('table', { name: 'Systems grid' });
    await page.getByRole('button', { name: 'Check all systems' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Systems' }).innerText(), { timeout: 30_000 }).toMatch(/checked .* in \d+ ms/);
    const row = (name: string) => grid.getByRole('row', { name: `System ${name}` });
    for (const k of KINDS) expect(await row(NAMES[k]).innerText(), k).toMatch(new RegExp(k));
    expect(await row('What the Repo').locator('.status-healthy').count()).toBeGreaterThanOrEqual(3);
    expect(await row('pgGit').locator('.status-down').count()).toBeGreaterThan(0); // cache hit rate 62 %
    expect(await row('AutoDevOps').locator('.status-degraded').count()).toBeGreaterThan(0); // failed + stalled jobs
    await page.screenshot({ path: join(ROOT, 'docs', 'systems-grid.png') });
    await row('AutoDevOps').getByRole('button', { name: /AutoDevOps/ }).click();
    const checks = page.getByRole('table', { name: 'Checks of AutoDevOps' });
    expect(await checks.innerText()).toMatch(/2 failed, 1 stalled/);
    expect(c.errors).toEqual([]);
  });

  it('runs one action per pack from the Systems page: previewed exactly, confirmed, audited', async () => {
    const { page } = c;
    await page.goto(`${c.serve.origin}/#/systems`);
    const open = async (name: string) => {
      await page.getByRole('navigation', { name: 'Systems list' }).getByRole('button', { name: new RegExp(`^${name}`) }).click();
      await page.getByRole('region', { name: `System ${name}` }).waitFor();
    };
    const act = async (title: string, expectOps: RegExp, fill?: [string, string]) => {
      if (fill) await page.getByLabel(`${title}: ${fill[0]}`).fill(fill[1]);
      await page.getByRole('button', { name: `Preview: ${title}` }).click();
      const dialog = page.getByRole('alertdialog');
      await dialog.waitFor();
      expect(await dialog.getByLabel('Operations').innerText()).toMatch(expectOps);
      await dialog.getByRole('button', { name: 'Run exactly this' }).click();
      await expect.poll(() => page.getByRole('region', { name: 'Audit trail' }).innerText(), { timeout: 20_000 }).toMatch(/succeeded/i);
    };

    await open('Leaderboard');
    await act('VACUUM ANALYZE the event and leaderboard tables', /^VACUUM ANALYZE "public"\."contribution_events"/);
    await open('pgGit');
    await act('Warm the cache', /^POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/cache\/warm$/);
    expect(http.calls.some((x) => x.startsWith('pggit POST /api/v1/cache/warm'))).toBe(true);
    await open('AutoDevOps');
    await act('Pause a queue', /^bullmq Queue\("analysis", prefix "bull"\)\.pause\(\)$/, ['queue', 'analysis']);
    const q = new Queue('analysis', { connection: { url: redis.url } });
    expect(await q.isPaused()).toBe(true);
    await q.close();
    await open('What the Repo');
    await act("Create one of the runbook's indexes (CONCURRENTLY)", /CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_repo_prs_created_at"/, ['index', 'idx_repo_prs_created_at']);
    const client = new pg.Client({ connectionString: dbs['what-the-repo'].url });
    await client.connect();
    expect((await client.query(`SELECT 1 FROM pg_indexes WHERE indexname = 'idx_repo_prs_created_at'`)).rowCount).toBe(1);
    await client.end();
    // contributor.info's pack is read-only: its checks.
    await open('contributor.info');
    await page.getByRole('button', { name: 'Run pack checks' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Pack checks' }).innerText(), { timeout: 20_000 }).toMatch(/70\.0% of 10 items embedded/);
    await page.screenshot({ path: join(ROOT, 'docs', 'systems-pack.png') });
    expect(c.errors).toEqual([]);
  });
});
