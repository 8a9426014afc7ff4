// Schedules against a real warehouse: the tick ledger shared by several processes (three service
// instances on one database, each its own pool), Forbid/Replace, the active deadline, catch-up after
// everyone was down, run now, enable/disable — on a controlled clock, so no test waits for a minute.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRun } from '../../src/shared/contract/jobs.ts';
import { OpsError } from '../../src/shared/errors.ts';
import { ScheduleService, type ScheduleRunner, type TickEvent } from '../../src/main/schedules/schedule-service.ts';
import { Logger } from '../../src/main/logging/logger.ts';
import { Redactor } from '../../src/main/logging/redact.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestCore, type TestCore } from '../helpers/core.ts';
import { tempDir } from '../helpers/temp.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { migrateTestWarehouse, warehousePool } from '../helpers/warehouse.ts';

/** The job queue as schedules see it: runs this test finishes, fails or keeps running at will. */
class FakeQueue implements ScheduleRunner {
  runs = new Map<string, JobRun>();
  enqueued: { kind: string; params: unknown; runId: string }[] = [];
  private readonly now: () => Date;
  constructor(now: () => Date) {
    this.now = now;
  }
  async enqueue(kind: string, params: unknown): Promise<JobRun> {
    if (kind === 'refused') throw new OpsError('conflict', 'Refused: Budget "OpenAI per day" is exhausted');
    const run = { id: randomUUID(), kind, title: kind, status: 'running', params, progress: { done: 0, total: null, unit: 'items', message: null, ratePerSec: null, etaSeconds: null, extra: {} }, steps: [], attempt: 1, createdAt: this.now().toISOString(), startedAt: this.now().toISOString(), finishedAt: null, error: null, result: null, resumable: false } satisfies JobRun;
    this.runs.set(run.id, run);
    this.enqueued.push({ kind, params, runId: run.id });
    return run;
  }
  async cancel(runId: string): Promise<JobRun> {
    return this.finish(runId, 'cancelled');
  }
  finish(runId: string, status: JobRun['status']): JobRun {
    const r = { ...this.runs.get(runId)!, status };
    this.runs.set(runId, r);
    return r;
  }
  find(runId: string): JobRun | null {
    return this.runs.get(runId) ?? null;
  }
  validate(kind: string, params: unknown): unknown {
    if (!['test-job', 'refused'].includes(kind)) throw new OpsError('not_found', `Unknown job kind "${kind}"`);
    if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new OpsError('invalid_input', 'Test job: params: expected an object');
    return params;
  }
}

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pools: pg.Pool[] = [];
let clock = new Date('2026-01-05T01:59:00Z');
const now = () => clock;
const queue = new FakeQueue(now);
const events: TickEvent[] = [];
const logger = new Logger({ sinks: [], redactor: new Redactor() });
let services: ScheduleService[] = [];

beforeAll(async () => {
  db = await createTestDatabase('sched');
  pools = [0, 1, 2].map(() => warehousePool(db.url, 2));
  await migrateTestWarehouse(pools[0]!);
  services = pools.map((pool, i) => new ScheduleService({ pool: async () => pool, runner: queue, presets: () => [], logger, now, owner: `host-${i}:1` }));
  for (const s of services) s.events.on('tick', (e) => events.push(e));
}, 60_000);
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await db?.drop();
});

const ticks = async (id: string) => (await services[0]!.history(id, 1000)).reverse();
const everyone = () => Promise.all(services.map((s) => s.evaluate()));

describe('schedules on the warehouse', () => {
  it('validates a definition with messages naming the field', async () => {
    const s = services[0]!;
    await expect(s.add({ name: 'x', kind: 'test-job', cron: '0 2 * *' })).rejects.toThrow(/cron: "0 2 \* \*" has 4 fields/);
    await expect(s.add({ name: 'x', kind: 'test-job', cron: '0 2 * * *', tz: 'Nowhere/Land' })).rejects.toThrow(/tz: "Nowhere\/Land" is not a time zone/);
    await expect(s.add({ name: 'x', kind: 'nope', cron: '0 2 * * *' })).rejects.toThrow(/params: Unknown job kind "nope"/);
    await expect(s.add({ name: 'x', kind: 'test-job', params: 'a', cron: '0 2 * * *' })).rejects.toThrow(/params: Test job: params: expected an object/);
    await expect(s.add({ name: '', kind: 'test-job', cron: '0 2 * * *' })).rejects.toThrow(/name: name is empty/);
    await expect(s.add({ name: 'x', kind: 'test-job', cron: '0 2 * * *', concurrencyPolicy: 'Sometimes' as never })).rejects.toThrow(/concurrencyPolicy/);
    expect(await s.list()).toEqual([]);
  });

  it('three processes evaluating every minute for ten minutes: exactly one run per tick', async () => {
    clock = new Date('2026-01-05T01:59:30Z');
    const sch = await services[0]!.add({ name: 'Every minute', kind: 'test-job', params: { n: 1 }, cron: '* * * * *', concurrencyPolicy: 'Allow' });
    expect(sch.nextTicks[0]).toBe('2026-01-05T02:00:00.000Z');
    expect(sch.description).toBe('every minute (UTC)');
    const before = queue.enqueued.length;
    for (let m = 0; m < 10; m++) {
      clock = new Date(Date.parse('2026-01-05T02:00:00Z') + m * 60_000 + 1500);
      // Twice per minute and all at once, as three timers would.
      await everyone();
      await everyone();
    }
    const t = await ticks(sch.id);
    expect(t.map((x) => x.scheduledFor)).toEqual(Array.from({ length: 10 }, (_, m) => new Date(Date.parse('2026-01-05T02:00:00Z') + m * 60_000).toISOString()));
    expect(t.every((x) => x.status === 'requested' && x.runId)).toBe(true);
    expect(queue.enqueued.length - before).toBe(10);
    expect(new Set(t.map((x) => x.decidedBy)).size).toBeGreaterThanOrEqual(1);
    await services[0]!.remove(sch.id);
  });

  it('Forbid records the overlapping tick as skipped with its reason; the next tick after the run ended runs', async () => {
    clock = new Date('2026-01-05T02:59:00Z');
    const sch = await services[0]!.add({ name: 'Hourly', kind: 'test-job', cron: '0 * * * *' });
    clock = new Date('2026-01-05T03:00:05Z');
    await everyone();
    clock = new Date('2026-01-05T04:00:05Z');
    await everyone();
    let t = await ticks(sch.id);
    expect(t.map((x) => x.status)).toEqual(['requested', 'skipped']);
    expect(t[1]!.reason).toBe(`Skipped: the previous run ${t[0]!.runId} is still going (concurrency policy Forbid)`);
    expect(events.some((e) => e.schedule.id === sch.id && e.tick.status === 'skipped')).toBe(true);
    queue.finish(t[0]!.runId!, 'succeeded');
    clock = new Date('2026-01-05T05:00:05Z');
    await everyone();
    t = await ticks(sch.id);
    expect(t.map((x) => x.status)).toEqual(['requested', 'skipped', 'requested']);
    expect(t[0]!.runStatus).toBe('succeeded');
    expect((await services[1]!.get(sch.id)).lastTick).toMatchObject({ status: 'requested', runStatus: 'running' });

    // Replace cancels the running one and starts anew.
    await services[0]!.update(sch.id, { concurrencyPolicy: 'Replace' });
    clock = new Date('2026-01-05T06:00:05Z');
    await everyone();
    t = await ticks(sch.id);
    expect(queue.find(t[2]!.runId!)!.status).toBe('cancelled');
    expect(t[3]).toMatchObject({ status: 'requested', reason: `Replaced the previous run ${t[2]!.runId} (concurrency policy Replace)` });
    queue.finish(t[3]!.runId!, 'succeeded');
    await services[0]!.remove(sch.id);
  });

  it('a run past its active deadline is cancelled and reported', async () => {
    clock = new Date('2026-01-05T06:59:00Z');
    const sch = await services[0]!.add({ name: 'Deadline', kind: 'test-job', cron: '0 7 * * *', activeDeadlineSeconds: 600 });
    clock = new Date('2026-01-05T07:00:01Z');
    await everyone();
    clock = new Date('2026-01-05T07:05:00Z');
    await everyone();
    let [tick] = await ticks(sch.id);
    expect(queue.find(tick!.runId!)!.status).toBe('running');
    clock = new Date('2026-01-05T07:10:30Z');
    await everyone();
    [tick] = await ticks(sch.id);
    expect(tick).toMatchObject({ deadlineExceeded: true, runStatus: 'cancelled', reason: 'Cancelled: ran longer than its active deadline of 600 s' });
    expect(queue.find(tick!.runId!)!.status).toBe('cancelled');
    expect(events.filter((e) => e.schedule.id === sch.id && e.tick.deadlineExceeded)).toHaveLength(1);
    await services[0]!.remove(sch.id);
  });

  it('catch-up after every worker was down: skip records each tick as missed, run_once runs once for all of them', async () => {
    clock = new Date('2026-01-06T00:00:00Z');
    const skip = await services[0]!.add({ name: 'Skip', kind: 'test-job', cron: '0 */2 * * *' });
    const once = await services[0]!.add({ name: 'Once', kind: 'test-job', cron: '0 */2 * * *', catchUp: 'run_once' });
    // Nobody up from 00:00 to 09:00.
    clock = new Date('2026-01-06T09:00:00Z');
    const before = queue.enqueued.length;
    await everyone();
    const s = await ticks(skip.id);
    expect(s.map((x) => x.status)).toEqual(['missed', 'missed', 'missed', 'missed']);
    expect(s[0]!.reason).toMatch(/^Missed: not started within 120 s of 2026-01-06 02:00 UTC \(25200 s late; no worker was up\); catch-up policy skip$/);
    const o = await ticks(once.id);
    expect(o.map((x) => [x.status, x.trigger])).toEqual([['missed', 'cron'], ['missed', 'cron'], ['missed', 'cron'], ['requested', 'catch_up']]);
    expect(o[3]!.reason).toBe('Catch-up run for 4 missed ticks (catch-up policy run_once)');
    expect(queue.enqueued.length - before).toBe(1);
    expect(events.filter((e) => e.schedule.id === skip.id && e.tick.status === 'missed')).toHaveLength(4);
    queue.finish(o[3]!.runId!, 'succeeded');
    await services[0]!.remove(skip.id);
    await services[0]!.remove(once.id);
  });

  it('paused schedules decide nothing, and resuming does not count the pause as missed; run now; a refused start is a failed tick', async () => {
    clock = new Date('2026-01-07T00:00:00Z');
    const sch = await services[0]!.add({ name: 'Pausable', kind: 'test-job', cron: '0 * * * *', enabled: false });
    expect(sch.nextTicks).toEqual([]);
    clock = new Date('2026-01-07T05:30:00Z');
    await everyone();
    expect(await ticks(sch.id)).toEqual([]);
    const on = await services[1]!.setEnabled(sch.id, true);
    expect(on.nextTicks[0]).toBe('2026-01-07T06:00:00.000Z');
    await everyone();
    expect(await ticks(sch.id)).toEqual([]);

    const manual = await services[2]!.runNow(sch.id);
    expect(manual.tick).toMatchObject({ trigger: 'manual', status: 'requested', decidedBy: 'host-2:1' });
    expect(manual.run?.id).toBe(manual.tick.runId);
    const again = await services[0]!.runNow(sch.id);
    expect(again.tick).toMatchObject({ trigger: 'manual', status: 'skipped' });

    const refused = await services[0]!.add({ name: 'Refused', kind: 'refused', cron: '0 * * * *' });
    const r = await services[0]!.runNow(refused.id);
    expect(r.tick).toMatchObject({ status: 'failed', reason: 'Could not start: Refused: Budget "OpenAI per day" is exhausted', runId: null });
    await expect(services[0]!.remove('nope')).rejects.toThrow(/No schedule "nope"/);
  });
});

describe('schedules in the core', () => {
  let t: TestCore;
  let coreDb: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    coreDb = await createTestDatabase('schedcore');
    t = await startTestCore();
    const profile = await t.ops.profiles.create({ name: 'test' });
    await t.ops.secrets.set({ profileId: profile.id, key: 'postgres_url', value: coreDb.url });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await coreDb?.drop();
  });

  it('offers the runbooks’ cron lines as presets; a preset applies once and runs its job', async () => {
    const presets = await t.ops.schedules.presets();
    const byId = new Map(presets.map((p) => [p.id, p]));
    // Every cron line the issue quotes from the runbooks, as its preset: id → cron.
    const runbookLines: Record<string, string> = {
      'wtr-engineer-lens-daily': '0 2 * * *', // What the Repo: daily author_metrics_daily 02:00
      'wtr-engineer-lens-weekly-full': '0 3 * * 0', // weekly full refresh Sun 03:00
      'wtr-monthly-collection': '0 1 1 * *', // monthly collection 1st 01:00
      'leaderboard-refresh-stale-and-rank': '0 */6 * * *', // stale repositories every 6 h
      'leaderboard-recalc-every-4h': '30 */4 * * *',
      'leaderboard-weekly-full-recalc': '0 3 * * 0',
      'leaderboard-daily-budget-report': '0 0 * * *',
      'leaderboard-monthly-cleanup': '0 4 1 * *',
      'maintenance-daily-backup': '0 2 * * *',
      'maintenance-weekly-vacuum': '0 3 * * 0',
      'maintenance-weekly-restore-test': '0 5 * * 0',
      'maintenance-monthly-cleanup': '0 4 1 * *', // retention of old runs and logs
      'health-every-5-minutes': '*/5 * * * *',
      'systems-health-every-5-minutes': '*/5 * * * *', // every registered system
      'pipeline-daily-embed': '30 2 * * *',
    };
    for (const [id, cron] of Object.entries(runbookLines)) expect(byId.get(id)?.cron, id).toBe(cron);
    expect(byId.get('leaderboard-refresh-stale-and-rank')).toMatchObject({ params: { staleAfterHours: 24 }, concurrencyPolicy: 'Forbid', activeDeadlineSeconds: 7200 });
    expect(byId.get('wtr-monthly-collection')).toMatchObject({ kind: 'sync-stale', cron: '0 1 1 * *', feature: 'sync', applied: false, description: 'at 01:00 on day 1 of every month (UTC)' });
    expect(new Set(presets.map((p) => p.id)).size).toBe(presets.length);
    // Every preset is valid for its job as it stands.
    for (const p of presets) expect(() => t.core.jobs.validate(p.kind, p.params), p.id).not.toThrow();

    const s = await t.ops.schedules.applyPreset({ presetId: 'leaderboard-daily-budget-report' });
    expect(s).toMatchObject({ id: 'leaderboard-daily-budget-report', kind: 'budget-report', cron: '0 0 * * *', enabled: true, presetId: 'leaderboard-daily-budget-report' });
    await expect(t.ops.schedules.applyPreset({ presetId: 'leaderboard-daily-budget-report' })).rejects.toThrow(/already applied/);
    expect((await t.ops.schedules.presets()).find((p) => p.id === s.id)!.applied).toBe(true);
    const edited = await t.ops.schedules.update({ id: s.id, patch: { cron: '15 6 * * 1-5', tz: 'Europe/Berlin' } });
    expect(edited.description).toBe('cron "15 6 * * 1-5" (Europe/Berlin)');
    await expect(t.ops.schedules.update({ id: s.id, patch: { cron: '15 6 * * 8' } })).rejects.toThrow(/cron: "15 6 \* \* 8" is not valid/);
    await expect(t.ops.schedules.preview({ cron: 'every day', tz: 'UTC' })).rejects.toThrow(/has 2 fields/);

    const { tick, run } = await t.ops.schedules.runNow({ id: s.id });
    expect(tick.status).toBe('requested');
    const done = await t.core.jobs.wait(run!.id);
    expect(done.kind).toBe('budget-report');
    await t.core.schedules.refreshRuns();
    expect((await t.ops.schedules.history({ id: s.id }))[0]).toMatchObject({ runId: run!.id, runStatus: done.status });
  });

  it('alert rule "scheduled tick missed or skipped": fires once while ticks are skipped, resolves once when one runs', async () => {
    const slow = await t.ops.schedules.add({ name: 'Slow sync', kind: 'sync-stale', params: {}, cron: '0 0 1 1 *' });
    const schedules = t.core.schedules;
    // A run that keeps going: the stale-repository job waits on nothing here, so hold one in the ledger as running.
    const first = await schedules.runNow(slow.id);
    await t.core.jobs.wait(first.run!.id);
    const pool = await t.core.warehouse.pool();
    await pool.query("UPDATE schedule_ticks SET run_status = 'running', run_id = 'elsewhere' WHERE schedule_id = $1", [slow.id]);
    expect((await schedules.runNow(slow.id)).tick.status).toBe('skipped');
    expect((await schedules.runNow(slow.id)).tick.status).toBe('skipped');
    await t.core.alerts.drain(true);
    const firing = (await t.ops.alerts.list({ state: 'all' })).filter((a) => a.ruleId === 'schedule-tick');
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({ state: 'firing', labels: { schedule: slow.id, kind: 'sync-stale' } });
    await pool.query("UPDATE schedule_ticks SET run_status = 'succeeded' WHERE schedule_id = $1", [slow.id]);
    const ran = await schedules.runNow(slow.id);
    expect(ran.tick.status).toBe('requested');
    await t.core.jobs.wait(ran.run!.id);
    await t.core.alerts.drain(true);
    const after = (await t.ops.alerts.list({ state: 'all' })).filter((a) => a.ruleId === 'schedule-tick');
    expect(after).toHaveLength(1);
    expect(after[0]!.state).toBe('resolved');
  });

  it('CLI: apply a preset, list, export as crontab lines; a bad cron line is a clear error; add, disable, enable, run-now, history, remove', async () => {
    const home = tempDir();
    const env = { DATABASE_URL: coreDb.url };
    try {
      const applied = await runCli(['schedule', 'apply', 'health-every-5-minutes'], { home: home.dir, env, timeoutMs: 60_000 });
      expect(applied.stderr).toBe('');
      expect(applied.stdout).toMatch(/^Schedule health-every-5-minutes created: health-check every 5 minutes \(UTC\); next 20\d\d-/);
      const list = await runCli(['schedule', 'list'], { home: home.dir, env });
      expect(list.stdout).toMatch(/health-every-5-minutes\s+Health checks every 5 minutes\s+health-check\s+\*\/5 \* \* \* \*\s+UTC\s+Forbid\s+enabled/);
      const cron = await runCli(['schedule', 'export', '--crontab'], { home: home.dir, env });
      expect(cron.stdout).toContain('CRON_TZ=UTC\n');
      expect(cron.stdout).toContain('*/5 * * * * repo-ops schedule run-now health-every-5-minutes --wait');
      const bad = await runCli(['schedule', 'add', '--name', 'x', '--kind', 'health-check', '--cron', '0 2 * *'], { home: home.dir, env });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/cron: "0 2 \* \*" has 4 fields; expected five/);

      // add → disable → enable → run-now --wait → history → remove, each through the CLI.
      const added = await runCli(['schedule', 'add', '--name', 'Nightly health', '--kind', 'health-check', '--cron', '0 2 * * *', '--tz', 'Europe/Berlin', '--active-deadline', '600'], { home: home.dir, env });
      expect(added.stderr).toBe('');
      const id = /^Schedule (\S+) created: health-check at 02:00 .*Europe\/Berlin.*; next 20\d\d-/.exec(added.stdout)?.[1];
      expect(id, added.stdout).toBeDefined();
      expect((await runCli(['schedule', 'disable', id!], { home: home.dir, env })).stdout).toBe(`Schedule ${id} paused.\n`);
      expect((await runCli(['schedule', 'list'], { home: home.dir, env })).stdout).toMatch(new RegExp(`${id}\\s+Nightly health\\s+health-check\\s+0 2 \\* \\* \\*\\s+Europe/Berlin\\s+Forbid\\s+paused`));
      expect((await runCli(['schedule', 'export', '--crontab'], { home: home.dir, env })).stdout).toContain('CRON_TZ=Europe/Berlin\n# Nightly health (disabled in the console)\n0 2 * * * repo-ops schedule run-now');
      expect((await runCli(['schedule', 'enable', id!], { home: home.dir, env })).stdout).toMatch(new RegExp(`^Schedule ${id} enabled; next 20\\d\\d-`));
      const ran = await runCli(['schedule', 'run-now', id!, '--wait'], { home: home.dir, env, timeoutMs: 90_000 });
      expect(ran.stdout, ran.stderr).toMatch(/^Run (\S+) started \(.*\)\.\nRun \1 succeeded\.\n$/);
      expect(ran.code).toBe(0);
      const history = JSON.parse((await runCli(['schedule', 'history', id!, '--json'], { home: home.dir, env })).stdout) as { trigger: string; status: string; runStatus: string }[];
      expect(history[0]).toMatchObject({ trigger: 'manual', status: 'requested', runStatus: 'succeeded' });
      expect((await runCli(['schedule', 'remove', id!], { home: home.dir, env })).stdout).toBe(`Schedule ${id} removed.\n`);
      expect((await runCli(['schedule', 'list', '--json'], { home: home.dir, env })).stdout).not.toContain(`"${id}"`);
      const gone = await runCli(['schedule', 'run-now', id!], { home: home.dir, env });
      expect(gone.code).toBe(1);
      expect(gone.stderr).toMatch(new RegExp(id!));
    } finally {
      home.cleanup();
    }
  }, 120_000);
});
