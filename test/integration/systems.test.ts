// The five runbook systems side by side, against real parts: each system's own Postgres database
// (its tables created here), a real redis-server with BullMQ queues populated through bullmq, and
// HTTP fixtures. Connecting, detecting, health and every pack check change nothing in those
// databases; listed actions run only confirmed, exactly as previewed, and are audited.
import { Queue } from 'bullmq';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { System, SystemKind } from '../../src/shared/contract/systems.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestCore, type TestCore } from '../helpers/core.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { startRedis, type RedisServer } from '../helpers/redis.ts';
import { AUTODEVOPS_QUEUES, catalogSnapshot, loadFixture, populateQueues, startSystemHttp, type SystemHttp } from '../helpers/systems.ts';

const KINDS = ['what-the-repo', 'leaderboard', 'autodevops', 'pggit', 'contributor-info'] as const;
/** The Leaderboard's tables live in a schema whose name is an injection attempt. */
const HOSTILE_SCHEMA = 'lb"; DROP TABLE repositories; --';

let t: TestCore;
let redis: RedisServer;
let http: SystemHttp;
const dbs = {} as Record<(typeof KINDS)[number], Awaited<ReturnType<typeof createTestDatabase>>>;
const systems = {} as Record<(typeof KINDS)[number], System>;
const before = {} as Record<string, string[]>;

beforeAll(async () => {
  [redis, http] = await Promise.all([startRedis(), startSystemHttp()]);
  await Promise.all(KINDS.map(async (k) => (dbs[k] = await createTestDatabase(k.replace(/-/g, '_')))));
  await Promise.all(KINDS.map((k) => loadFixture(dbs[k].url, k, k === 'leaderboard' ? HOSTILE_SCHEMA : 'public')));
  await populateQueues(redis.url);
  for (const k of KINDS) before[k] = await catalogSnapshot(dbs[k].url);
  t = await startTestCore();
  const add = async (kind: SystemKind, name: string, extra: Record<string, unknown>) => {
    // Registered as generic: the kind is detected below.
    const s = await t.ops.systems.create({ name, kind: 'generic', ...extra });
    return t.ops.systems.setSecret({ id: s.id, key: 'postgres_url', value: dbs[kind as (typeof KINDS)[number]].url });
  };
  systems['what-the-repo'] = await add('what-the-repo', 'What the Repo', { http: [{ name: 'app', url: http.whatTheRepo, endpoints: ['/'], required: ['/'] }] });
  systems.leaderboard = await add('leaderboard', 'Leaderboard', { postgresSchema: HOSTILE_SCHEMA, quotas: { dailyBudgetUsd: 10, monthlyBudgetUsd: 200 } });
  systems.autodevops = await add('autodevops', 'AutoDevOps', { queues: AUTODEVOPS_QUEUES });
  systems.autodevops = await t.ops.systems.setSecret({ id: systems.autodevops.id, key: 'redis_url', value: redis.url });
  systems.pggit = await add('pggit', 'pgGit', { http: [{ name: 'api', url: http.pggit, endpoints: ['/health'] }] });
  systems.pggit = await t.ops.systems.setSecret({ id: systems.pggit.id, key: 'header:api:X-Api-Key', value: 'pggit-fixture-key' });
  systems['contributor-info'] = await add('contributor-info', 'contributor.info', {});
}, 120_000);

afterAll(async () => {
  await t?.close();
  await http?.close();
  await redis?.stop();
  await Promise.all(Object.values(dbs).map((d) => d.drop()));
});

describe('systems', () => {
  it('detects each kind from its tables and endpoints, with the evidence', async () => {
    for (const k of KINDS) {
      const d = await t.ops.systems.detect({ id: systems[k].id });
      expect(d.kind, k).toBe(k);
      expect(d.evidence[0]!.kind).toBe(k);
      expect(d.evidence[0]!.found.length).toBeGreaterThan(0);
      systems[k] = await t.ops.systems.update({ id: systems[k].id, patch: { kind: d.kind } });
    }
    const wtr = await t.ops.systems.detect({ id: systems['what-the-repo'].id });
    expect(wtr.evidence[0]!.found.join(' ')).toMatch(/services \{supabase, milvus, openai\}/);
  });

  it('runs every system’s health in one parallel run; a hanging service costs only its own timeout', async () => {
    const hung = await t.ops.systems.create({ name: 'Hung service', kind: 'generic', timeoutMs: 1_500, http: [{ name: 'api', url: http.hanging }] });
    const observe = vi.spyOn(t.core.alerts, 'observe');
    try {
      const run = await t.ops.systems.health({});
      expect(run.systems.map((s) => s.system.name).sort()).toEqual(['AutoDevOps', 'Hung service', 'Leaderboard', 'What the Repo', 'contributor.info', 'pgGit']);
      // All checks race in parallel: the whole run waits for the slowest timeout, not the sum.
      expect(run.durationMs).toBeGreaterThanOrEqual(1_400);
      expect(run.durationMs).toBeLessThan(1_500 + 5_000);
      const by = Object.fromEntries(run.systems.map((s) => [s.system.name, s]));
      expect(by['Hung service']!.results.find((r) => r.id === 'http:api')).toMatchObject({ status: 'down', system: hung.id });
      const wtr = by['What the Repo']!;
      expect(wtr.results.find((r) => r.id === 'http:app')).toMatchObject({ status: 'healthy' });
      expect(wtr.results.find((r) => r.id === 'pack:etl-freshness')).toMatchObject({ status: 'healthy' });
      expect(wtr.results.find((r) => r.id === 'postgres')).toMatchObject({ status: 'healthy', system: systems['what-the-repo'].id });
      expect(by.AutoDevOps!.results.find((r) => r.id === 'pack:queues')).toMatchObject({ status: 'degraded' });
      expect(by.AutoDevOps!.results.find((r) => r.id === 'redis')?.status).not.toBe('unknown');
      expect(by.pgGit!.results.find((r) => r.id === 'pack:cache-stats')).toMatchObject({ status: 'down', summary: 'Hit rate 62.0%' });
      expect(by.Leaderboard!.results.find((r) => r.id === 'pack:budget')).toMatchObject({ status: 'degraded' });
      expect(run.status).toBe('down');
      // The API key went out as a header and appears nowhere in what the console reports.
      expect(http.calls).toContain('pggit GET /api/v1/cache/stats pggit-fixture-key');
      expect(JSON.stringify(run)).not.toContain('pggit-fixture-key');
      // Alerts see each observation under the real system id.
      const labels = observe.mock.calls.flatMap(([o]) => o.filter((x) => x.kind === 'health').map((x) => x.labels.system));
      expect(new Set(labels)).toEqual(new Set([...Object.values(systems).map((s) => s.id), hung.id]));
      expect((await t.ops.systems.latest()).run?.systems.length).toBe(6);
      // Scheduled: the job every preset runs, offered on the Schedules page.
      const presets = (await t.ops.schedules.presets()).filter((p) => p.kind === 'systems-health');
      expect(presets.map((p) => p.cron).sort()).toEqual(['*/5 * * * *', '0 */4 * * *']);
      expect(() => t.core.jobs.validate('systems-health', {})).not.toThrow();
    } finally {
      observe.mockRestore();
      await t.ops.systems.delete({ id: hung.id });
    }
  });

  it('Leaderboard pack: scrape jobs, stale repositories, budget, failed jobs, indexes', async () => {
    const r = Object.fromEntries((await t.ops.packs.check({ id: systems.leaderboard.id })).map((x) => [x.id, x]));
    expect(r['scrape-jobs']).toMatchObject({ status: 'degraded', summary: '5 jobs in 24 h, 4 failed (4 in the last hour > 3)' });
    const stale = r['stale-repositories']!;
    expect(stale.rows.map((row) => row[stale.columns.indexOf('repository')]).sort()).toEqual(['octo/never', 'octo/stale']);
    expect(r.budget).toMatchObject({ status: 'degraded', summary: 'Daily 85.0% of $10, monthly 4.3% of $200' });
    expect(r['failed-jobs']!.rows).toHaveLength(4);
    expect(r['failed-jobs']!.rows[0]).toContain('BigQueryTimeout: Query exceeded 5 minute timeout');
    expect(r.indexes).toMatchObject({ status: 'degraded', summary: '3 of 3 recommended indexes missing' });
  });

  it('pgGit pack: backlog by status and age, failed in 24 h, webhook health, cache, alerts', async () => {
    const r = Object.fromEntries((await t.ops.packs.check({ id: systems.pggit.id })).map((x) => [x.id, x]));
    expect(r['delivery-backlog']!.summary).toMatch(/^25 pending, oldest 25 min$/);
    expect(r['failed-24h']!.rows).toEqual([[3, 5], [2, 1]]);
    const wh = r['webhook-health']!;
    const health = Object.fromEntries(wh.rows.map((row) => [row[wh.columns.indexOf('url')], row[wh.columns.indexOf('health')]]));
    expect(health).toEqual({ 'https://hooks.example/ok': 'healthy', 'https://hooks.example/flaky': 'degraded', 'https://hooks.example/dead': 'unavailable' });
    expect(r['alerts-summary']).toMatchObject({ status: 'degraded', summary: '3 alerts, 1 critical' });
  });

  it('AutoDevOps pack: queues through bullmq (stalled included), failed reasons, AI quotas', async () => {
    const r = Object.fromEntries((await t.ops.packs.check({ id: systems.autodevops.id })).map((x) => [x.id, x]));
    const q = r.queues!;
    const row = (name: string) => Object.fromEntries(q.columns.map((c, i) => [c, q.rows.find((x) => x[0] === name)![i]]));
    expect(row('analysis')).toMatchObject({ waiting: 5, delayed: 1, failed: 0, stalled: 0 });
    expect(row('sync')).toMatchObject({ waiting: 0, active: 1, failed: 2, stalled: 1 });
    expect(r['failed-jobs']!.rows.map((x) => x[5]).sort()).toEqual(['Gemini API 429: quota exceeded', 'Repository not found']);
    const users = r['ai-usage-users']!;
    expect(users).toMatchObject({ status: 'down', summary: '1 users over 100,000 tokens/day, 1 above 80 %' });
    expect(users.rows.map((x) => x[0])).toEqual(['heavy', 'near', 'light']);
    expect(r['ai-usage-repositories']).toMatchObject({ status: 'healthy' });
  });

  it('What the Repo and contributor.info packs', async () => {
    const w = Object.fromEntries((await t.ops.packs.check({ id: systems['what-the-repo'].id })).map((x) => [x.id, x]));
    expect(w['etl-freshness']).toMatchObject({ status: 'healthy', summary: expect.stringMatching(/^Last update 3(\.0)? h ago, 12 rows for yesterday$/) });
    expect(w['query-latency']!.summary).toMatch(/^\d+ ms for the top-authors query \(target < 2000 ms\), 8 rows$/);
    expect(w['app-health']).toMatchObject({ status: 'healthy', summary: 'healthy; 3/3 services connected' });
    const c = Object.fromEntries((await t.ops.packs.check({ id: systems['contributor-info'].id })).map((x) => [x.id, x]));
    expect(c['embedding-coverage']).toMatchObject({ status: 'healthy', summary: '70.0% of 10 items embedded' });
    expect(c['items-needing-embeddings']!.rows).toEqual([['pull_request', 2], ['issue', 1]]);
  });

  it('connecting, detecting, health and every check changed nothing in any database', async () => {
    for (const k of KINDS) expect(await catalogSnapshot(dbs[k].url), k).toEqual(before[k]);
  });

  it('actions run only with the confirm text of their exact preview, and are audited', async () => {
    const lb = systems.leaderboard.id;
    const p = await t.ops.packs.preview({ id: lb, action: 'retention', params: {} });
    expect(p.impact).toBe('Would delete 3 audit log rows and 2 cost records (dry-run count)');
    expect(p.operations[0]).toBe(`DELETE FROM "lb""; DROP TABLE repositories; --"."audit_logs" WHERE "timestamp" < now() - make_interval(days => 90)`);
    await expect(t.ops.packs.run({ id: lb, action: 'retention', params: {}, confirm: 'retention' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining(p.confirmText) });
    // A confirmation of another preview (other parameters) does not run this one.
    const other = await t.ops.packs.preview({ id: lb, action: 'retention', params: { auditDays: 30 } });
    await expect(t.ops.packs.run({ id: lb, action: 'retention', params: {}, confirm: other.confirmText })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(t.ops.packs.preview({ id: lb, action: 'retention', params: { auditDays: '1; DROP TABLE x' } })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/^auditDays:/) });
    const done = await t.ops.packs.run({ id: lb, action: 'retention', params: {}, confirm: p.confirmText });
    expect(done.affected).toBe(5);
    const c = new pg.Client({ connectionString: dbs.leaderboard.url });
    await c.connect();
    try {
      const counts = await c.query(`SELECT (SELECT count(*) FROM "lb""; DROP TABLE repositories; --".audit_logs)::int AS a, (SELECT count(*) FROM "lb""; DROP TABLE repositories; --".cost_records)::int AS c, (SELECT count(*) FROM "lb""; DROP TABLE repositories; --".repositories)::int AS r`);
      expect(counts.rows[0]).toEqual({ a: 3, c: 1, r: 3 });
      const vac = await t.ops.packs.preview({ id: lb, action: 'vacuum-analyze', params: {} });
      await t.ops.packs.run({ id: lb, action: 'vacuum-analyze', params: {}, confirm: vac.confirmText });
      const idx = await t.ops.packs.preview({ id: lb, action: 'create-index', params: { index: 'idx_contribution_events_repo_timestamp' } });
      expect(idx.operations).toEqual([`CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_contribution_events_repo_timestamp" ON "lb""; DROP TABLE repositories; --"."contribution_events" ("repository_id", "event_timestamp" DESC)`]);
      await t.ops.packs.run({ id: lb, action: 'create-index', params: { index: 'idx_contribution_events_repo_timestamp' }, confirm: idx.confirmText });
      const def = await c.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_contribution_events_repo_timestamp'`);
      expect(def.rows[0].indexdef).toContain('(repository_id, event_timestamp DESC)');
      await expect(t.ops.packs.preview({ id: lb, action: 'create-index', params: { index: 'x; DROP TABLE y' } })).rejects.toMatchObject({ code: 'invalid_input' });
    } finally {
      await c.end();
    }
    const audit = await t.ops.systems.audit({ id: lb });
    expect(audit.map((a) => a.action)).toEqual(['create-index', 'vacuum-analyze', 'retention']);
    expect(audit[2]!.operations).toEqual(p.operations);
  });

  it('pgGit actions: retry pending and warm the cache through its API, disable a webhook', async () => {
    const id = systems.pggit.id;
    for (const action of ['retry-pending', 'warm-cache']) {
      const p = await t.ops.packs.preview({ id, action, params: {} });
      await t.ops.packs.run({ id, action, params: {}, confirm: p.confirmText });
    }
    expect(http.calls).toEqual(expect.arrayContaining(['pggit POST /api/v1/webhooks/retry-pending pggit-fixture-key', 'pggit POST /api/v1/cache/warm pggit-fixture-key']));
    expect((await t.ops.packs.check({ id, check: 'cache-stats' }))[0]).toMatchObject({ status: 'healthy', summary: 'Hit rate 93.0%' });
    await expect(t.ops.packs.preview({ id, action: 'disable-webhook', params: { webhookId: '99' } })).rejects.toMatchObject({ code: 'not_found' });
    const p = await t.ops.packs.preview({ id, action: 'disable-webhook', params: { webhookId: '3' } });
    expect(p.operations).toEqual([`UPDATE "public"."webhooks" SET "is_active" = false WHERE id::text = '3'`]);
    expect((await t.ops.packs.run({ id, action: 'disable-webhook', params: { webhookId: '3' }, confirm: p.confirmText })).affected).toBe(1);
    const wh = (await t.ops.packs.check({ id, check: 'webhook-health' }))[0]!;
    expect(wh.rows.find((r) => r[1] === 'https://hooks.example/dead')![wh.columns.indexOf('health')]).toBe('disabled');
  });

  it('AutoDevOps actions through bullmq: retry failed, clean, pause and resume', async () => {
    const id = systems.autodevops.id;
    const run = async (action: string, params: Record<string, string | number>) => {
      const p = await t.ops.packs.preview({ id, action, params });
      return { p, r: await t.ops.packs.run({ id, action, params, confirm: p.confirmText }) };
    };
    await expect(t.ops.packs.preview({ id, action: 'pause', params: { queue: 'nope' } })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/^queue:/) });
    const q = new Queue('sync', { connection: { url: redis.url } });
    const ci = new Queue('ci_generation', { connection: { url: redis.url } });
    try {
      const retry = await run('retry-failed', { queue: 'sync' });
      expect(retry.p.impact).toBe('2 failed jobs go back to waiting');
      expect(await q.getJobCounts('failed', 'waiting')).toEqual({ failed: 0, waiting: 2 });
      await run('pause', { queue: 'ci_generation' });
      expect(await ci.isPaused()).toBe(true);
      await run('resume', { queue: 'ci_generation' });
      expect(await ci.isPaused()).toBe(false);
      const clean = await run('clean', { queue: 'sync', state: 'wait', graceSeconds: 0 });
      expect(clean.p.operations).toEqual(['bullmq Queue("sync", prefix "bull").clean(0, 1000, "wait")']);
      expect(clean.r.affected).toBe(2);
      expect((await q.getJobCounts('waiting')).waiting).toBe(0);
    } finally {
      await q.close();
      await ci.close();
    }
  });

  it('lifecycle commands: exactly the configured argv, output captured, then wait until the system is healthy; audited', async () => {
    const ci = await t.ops.systems.update({
      id: systems['contributor-info'].id,
      patch: {
        commands: [
          { id: 'restart', title: 'Restart the API', argv: [process.execPath, '-e', "console.log('restarting contributor-info'); console.error('done')"], waitForReadySeconds: 20 },
          { id: 'broken', title: 'Broken restart', argv: [process.execPath, '-e', "console.log('boom'); process.exit(3)"], waitForReadySeconds: 0 },
          { id: 'missing', title: 'Missing tool', argv: ['no-such-tool-repo-ops', 'restart'], waitForReadySeconds: 0 },
        ],
      },
    });
    const desc = await t.ops.packs.describe({ id: ci.id });
    expect(desc.actions.map((a) => a.id)).toEqual(['command:restart', 'command:broken', 'command:missing']);
    const p = await t.ops.packs.preview({ id: ci.id, action: 'command:restart', params: {} });
    expect(p.operations).toEqual([`$ ${process.execPath} -e 'console.log('\\''restarting contributor-info'\\''); console.error('\\''done'\\'')'`, "wait up to 20 s for contributor.info's health checks to be healthy"]);
    await expect(t.ops.packs.run({ id: ci.id, action: 'command:restart', params: {}, confirm: 'restart' })).rejects.toMatchObject({ code: 'invalid_input' });
    const r = await t.ops.packs.run({ id: ci.id, action: 'command:restart', params: {}, confirm: p.confirmText });
    expect(r.summary).toMatch(/^exited 0 in \d+\.\d s; contributor\.info healthy after \d+(\.\d)? s$/);
    expect(r.output).toBe('restarting contributor-info\ndone\n');
    const b = await t.ops.packs.preview({ id: ci.id, action: 'command:broken', params: {} });
    await expect(t.ops.packs.run({ id: ci.id, action: 'command:broken', params: {}, confirm: b.confirmText })).rejects.toMatchObject({ message: 'Broken restart exited with 3:\nboom' });
    const m = await t.ops.packs.preview({ id: ci.id, action: 'command:missing', params: {} });
    await expect(t.ops.packs.run({ id: ci.id, action: 'command:missing', params: {}, confirm: m.confirmText })).rejects.toMatchObject({ code: 'not_found' });
    const audit = await t.ops.systems.audit({ id: ci.id });
    expect(audit.map((a) => [a.action, a.outcome])).toEqual([['command:missing', 'failed'], ['command:broken', 'failed'], ['command:restart', 'succeeded']]);
    await t.ops.systems.update({ id: ci.id, patch: { commands: [] } });
  });

  it('CLI: health --all --json with exit codes, systems check and run', async () => {
    const env = { home: t.home };
    // In parallel: each CLI process starts its own core.
    const [all, one, refused] = await Promise.all([
      runCli(['health', '--all', '--json'], env),
      runCli(['health', '--system', 'contributor.info', '--json'], env),
      runCli(['systems', 'run', 'AutoDevOps', 'pause', '--param', 'queue=analysis'], env),
    ]);
    expect(all.code, `${all.stdout.slice(0, 2000)}\n${all.stderr}`).toBe(2);
    const body = JSON.parse(all.stdout) as { status: string; systems: { name: string; status: string; services: Record<string, string> }[] };
    expect(body.status).toBe('down');
    expect(body.systems.find((s) => s.name === 'What the Repo')!.services).toMatchObject({ postgres: 'healthy', 'http:app': 'healthy' });
    expect(one.code, `${one.stdout.slice(0, 2000)}\n${one.stderr}`).toBe(0);
    expect((JSON.parse(one.stdout) as { systems: unknown[] }).systems).toHaveLength(1);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/bullmq Queue\("analysis", prefix "bull"\)\.pause\(\)[\s\S]*refusing without a terminal/);
  });
});
