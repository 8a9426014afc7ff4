import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type pg from 'pg';
import { STOPPED_STATUSES, type JobRun } from '../../shared/contract/jobs.ts';
import { ScheduleInput, type PresetInfo, type Schedule, type SchedulePreset, type Tick } from '../../shared/contract/schedules.ts';
import { OpsError } from '../../shared/errors.ts';
import type { Logger } from '../logging/logger.ts';
import { checkCron, checkTimeZone, describeCron, nextTicks, ticksBetween } from './cron.ts';
import { planTicks, type TickDecision } from './policy.ts';
import { activeTicks, insertTick, lastTicks, scheduleRows, toTick, type ScheduleRow, type TickRow } from './schedule-store.ts';

/** What schedules need of the job queue. */
export interface ScheduleRunner {
  enqueue(kind: string, params: unknown): Promise<JobRun>;
  cancel(runId: string): Promise<JobRun>;
  /** The run if this process can see it. */
  find(runId: string): JobRun | null;
  /** Throws a message naming the field when the kind is unknown or the parameters are invalid. */
  validate(kind: string, params: unknown): unknown;
}

/** A tick that did not run (or a run that was cut short), for alerting. */
export interface TickEvent {
  schedule: Pick<Schedule, 'id' | 'name' | 'kind'>;
  tick: Tick;
}

export interface ScheduleServiceDeps {
  pool: () => Promise<pg.Pool>;
  runner: ScheduleRunner;
  presets: () => (SchedulePreset & { feature: string })[];
  logger: Logger;
  now?: () => Date;
  /** Identifies this process in the tick ledger. */
  owner?: string;
}

const NEXT_COUNT = 5;

/**
 * Cron schedules of jobs, shared through the warehouse. Each process calls `evaluate()` on a timer;
 * a schedule is decided by one process at a time (its row locked, others skip it) and each tick is
 * recorded once (primary key), so a tick runs once however many consoles and workers are up.
 */
export class ScheduleService {
  private readonly d: ScheduleServiceDeps;
  readonly owner: string;
  /** `tick`: every decided tick (and a run cut by its deadline), for alerts and live views. */
  readonly events = new EventEmitter<{ tick: [TickEvent] }>();

  constructor(d: ScheduleServiceDeps) {
    this.d = d;
    this.owner = d.owner ?? `${hostname()}:${process.pid}`;
  }

  private now(): Date {
    return this.d.now?.() ?? new Date();
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await (await this.d.pool()).connect();
    try {
      await c.query('BEGIN');
      const r = await fn(c);
      await c.query('COMMIT');
      return r;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      c.release();
    }
  }

  /** Validates a whole definition; every message names its field. */
  private check(input: ScheduleInput): Required<Omit<ScheduleInput, 'params'>> & { params: unknown } {
    const parsed = ScheduleInput.safeParse(input);
    if (!parsed.success) throw new OpsError('invalid_input', parsed.error.issues.map((i) => `${i.path.join('.') || 'schedule'}: ${i.message}`).join('; '));
    const v = parsed.data;
    const cron = checkCron(v.cron);
    const tz = checkTimeZone(v.tz);
    let params: unknown;
    try {
      params = this.d.runner.validate(v.kind, v.params);
    } catch (e) {
      throw new OpsError((e as OpsError).code ?? 'invalid_input', `params: ${(e as Error).message}`);
    }
    return { ...v, cron, tz, params };
  }

  private toSchedule(r: ScheduleRow, last: TickRow | undefined): Schedule {
    const now = this.now();
    return {
      id: r.id,
      name: r.name,
      kind: r.kind,
      params: r.params,
      cron: r.cron,
      tz: r.tz,
      enabled: r.enabled,
      concurrencyPolicy: r.concurrency_policy,
      startingDeadlineSeconds: r.starting_deadline_seconds,
      activeDeadlineSeconds: r.active_deadline_seconds,
      catchUp: r.catch_up,
      presetId: r.preset_id,
      source: r.source,
      description: describeCron(r.cron, r.tz),
      nextTicks: r.enabled ? nextTicks(r.cron, r.tz, now, NEXT_COUNT).map((d) => d.toISOString()) : [],
      lastTick: last ? toTick(last) : null,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    };
  }

  async list(): Promise<Schedule[]> {
    const pool = await this.d.pool();
    const rows = await scheduleRows(pool);
    const last = await lastTicks(pool, rows.map((r) => r.id));
    return rows.map((r) => this.toSchedule(r, last.get(r.id)));
  }

  async get(id: string): Promise<Schedule> {
    const pool = await this.d.pool();
    const [row] = await scheduleRows(pool, 'id = $1', [id]);
    if (!row) throw new OpsError('not_found', `No schedule "${id}"`);
    return this.toSchedule(row, (await lastTicks(pool, [id])).get(id));
  }

  preview(cron: string, tz: string, count = NEXT_COUNT): { description: string; nextTicks: string[] } {
    const line = checkCron(cron);
    const zone = checkTimeZone(tz);
    return { description: describeCron(line, zone), nextTicks: nextTicks(line, zone, this.now(), count).map((d) => d.toISOString()) };
  }

  async presets(): Promise<PresetInfo[]> {
    const pool = await this.d.pool();
    const applied = new Set((await pool.query('SELECT preset_id FROM schedules WHERE preset_id IS NOT NULL')).rows.map((r: { preset_id: string }) => r.preset_id));
    return this.d.presets().map((p) => ({ ...p, ...this.preview(p.cron, p.tz ?? 'UTC'), applied: applied.has(p.id) }));
  }

  async add(input: ScheduleInput, id?: string): Promise<Schedule> {
    const v = this.check(input);
    const sid = id ?? `${v.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'schedule'}-${randomBytes(3).toString('hex')}`;
    const pool = await this.d.pool();
    try {
      await pool.query(
        `INSERT INTO schedules (id, name, kind, params, cron, tz, enabled, concurrency_policy, starting_deadline_seconds, active_deadline_seconds, catch_up, preset_id, source, evaluated_until)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [sid, v.name, v.kind, JSON.stringify(v.params ?? {}), v.cron, v.tz, v.enabled, v.concurrencyPolicy, v.startingDeadlineSeconds, v.activeDeadlineSeconds, v.catchUp, v.presetId, v.source, this.now()],
      );
    } catch (e) {
      if ((e as { code?: string }).code === '23505') throw new OpsError('conflict', v.presetId ? `The preset "${v.presetId}" is already applied: edit that schedule instead` : `A schedule "${sid}" already exists`);
      throw e;
    }
    this.d.logger.info('schedule_added', `Schedule "${v.name}" added: ${v.kind} ${describeCron(v.cron, v.tz)}`, { scheduleId: sid });
    return this.get(sid);
  }

  async applyPreset(presetId: string, enabled = true): Promise<Schedule> {
    const p = this.d.presets().find((x) => x.id === presetId);
    if (!p) throw new OpsError('not_found', `No preset "${presetId}"`);
    const sid = (await (await this.d.pool()).query('SELECT 1 FROM schedules WHERE id = $1', [p.id])).rowCount ? undefined : p.id;
    return this.add({ name: p.title, kind: p.kind, params: p.params, cron: p.cron, tz: p.tz ?? 'UTC', enabled, concurrencyPolicy: p.concurrencyPolicy ?? 'Forbid', startingDeadlineSeconds: p.startingDeadlineSeconds ?? null, activeDeadlineSeconds: p.activeDeadlineSeconds ?? null, presetId: p.id, source: p.source }, sid);
  }

  async update(id: string, patch: Partial<ScheduleInput>): Promise<Schedule> {
    const cur = await this.get(id);
    const merged: ScheduleInput = { name: cur.name, kind: cur.kind, params: cur.params, cron: cur.cron, tz: cur.tz, enabled: cur.enabled, concurrencyPolicy: cur.concurrencyPolicy, startingDeadlineSeconds: cur.startingDeadlineSeconds, activeDeadlineSeconds: cur.activeDeadlineSeconds, catchUp: cur.catchUp, presetId: cur.presetId, source: cur.source, ...patch };
    const v = this.check(merged);
    // Re-enabling starts from now: ticks while it was disabled are not "missed", they were declined.
    const reenabled = v.enabled && !cur.enabled;
    await (await this.d.pool()).query(
      `UPDATE schedules SET name = $2, kind = $3, params = $4, cron = $5, tz = $6, enabled = $7, concurrency_policy = $8, starting_deadline_seconds = $9, active_deadline_seconds = $10, catch_up = $11, source = $12,
         evaluated_until = CASE WHEN $13 THEN GREATEST(evaluated_until, $14) ELSE evaluated_until END, updated_at = now() WHERE id = $1`,
      [id, v.name, v.kind, JSON.stringify(v.params ?? {}), v.cron, v.tz, v.enabled, v.concurrencyPolicy, v.startingDeadlineSeconds, v.activeDeadlineSeconds, v.catchUp, v.source, reenabled, this.now()],
    );
    this.d.logger.info('schedule_updated', `Schedule "${v.name}" updated${reenabled ? ' (enabled)' : !v.enabled && cur.enabled ? ' (paused)' : ''}`, { scheduleId: id });
    return this.get(id);
  }

  setEnabled(id: string, enabled: boolean): Promise<Schedule> {
    return this.update(id, { enabled });
  }

  async remove(id: string): Promise<void> {
    const { rowCount } = await (await this.d.pool()).query('DELETE FROM schedules WHERE id = $1', [id]);
    if (!rowCount) throw new OpsError('not_found', `No schedule "${id}"`);
    this.d.logger.info('schedule_removed', `Schedule ${id} removed`, { scheduleId: id });
  }

  async history(id: string, limit = 100): Promise<Tick[]> {
    const { rows } = await (await this.d.pool()).query('SELECT * FROM schedule_ticks WHERE schedule_id = $1 ORDER BY scheduled_for DESC LIMIT $2', [id, limit]);
    return (rows as TickRow[]).map(toTick);
  }

  /** An operator's run: recorded as a manual tick; the concurrency policy applies as for a cron tick. */
  async runNow(id: string): Promise<{ tick: Tick; run: JobRun | null }> {
    return this.tx(async (c) => {
      const [row] = await scheduleRows(c, 'id = $1', [id], 'FOR UPDATE');
      if (!row) throw new OpsError('not_found', `No schedule "${id}"`);
      const active = await this.activeRun(c, row.id);
      // A manual tick's time is its own; two in the same millisecond are two ticks.
      let at = this.now();
      while ((await c.query('SELECT 1 FROM schedule_ticks WHERE schedule_id = $1 AND scheduled_for = $2', [row.id, at])).rowCount) at = new Date(at.getTime() + 1);
      const forbid = active && row.concurrency_policy === 'Forbid';
      const d: TickDecision = forbid
        ? { at, trigger: 'cron', action: 'skip', reason: `Skipped: the previous run ${active} is still going (concurrency policy Forbid)` }
        : { at, trigger: 'cron', action: 'run', reason: active && row.concurrency_policy === 'Replace' ? `Replaced the previous run ${active} (concurrency policy Replace)` : null, replaces: active && row.concurrency_policy === 'Replace' ? active : undefined };
      const tick = await this.apply(c, row, d, 'manual');
      return { tick: toTick(tick!), run: tick?.run_id ? this.d.runner.find(tick.run_id) : null };
    });
  }

  /** The newest run of a schedule still queued or running, as this process last saw it. */
  private async activeRun(c: pg.PoolClient, scheduleId: string): Promise<string | null> {
    for (const t of await activeTicks(c, scheduleId)) {
      const run = t.run_id ? this.d.runner.find(t.run_id) : null;
      if (run && STOPPED_STATUSES.includes(run.status)) {
        await c.query('UPDATE schedule_ticks SET run_status = $3 WHERE schedule_id = $1 AND scheduled_for = $2', [t.schedule_id, t.scheduled_for, run.status]);
        continue;
      }
      return t.run_id;
    }
    return null;
  }

  /** Records one decided tick and, if it runs, starts the run. Null when another process had decided it. */
  private async apply(c: pg.PoolClient, row: ScheduleRow, d: TickDecision, trigger?: Tick['trigger']): Promise<TickRow | null> {
    const base = { schedule_id: row.id, scheduled_for: d.at, trigger: trigger ?? d.trigger, reason: d.reason, decided_by: this.owner };
    const status = d.action === 'run' ? 'requested' : d.action === 'skip' ? 'skipped' : 'missed';
    if (!(await insertTick(c, { ...base, status, run_id: null, run_status: null }))) return null;
    let final: Pick<TickRow, 'status' | 'reason' | 'run_id' | 'run_status'> = { status, reason: d.reason, run_id: null, run_status: null };
    if (d.action === 'run') {
      try {
        if (d.replaces) await this.d.runner.cancel(d.replaces).catch((e: Error) => this.d.logger.warn('schedule_replace_failed', `Could not cancel run ${d.replaces}: ${e.message}`));
        const run = await this.d.runner.enqueue(row.kind, row.params);
        final = { status: 'requested', reason: d.reason, run_id: run.id, run_status: run.status };
      } catch (e) {
        final = { status: 'failed', reason: `Could not start: ${(e as Error).message}`, run_id: null, run_status: null };
      }
      await c.query('UPDATE schedule_ticks SET status = $3, reason = $4, run_id = $5, run_status = $6 WHERE schedule_id = $1 AND scheduled_for = $2', [row.id, d.at, final.status, final.reason, final.run_id, final.run_status]);
    }
    const tick: TickRow = { ...base, ...final, run_started_at: null, deadline_exceeded: false, decided_at: this.now() };
    const log = this.d.logger;
    if (final.status === 'requested') log.info('schedule_tick', `Schedule "${row.name}": ${trigger === 'manual' ? 'run now' : `tick ${d.at.toISOString()}`} started run ${final.run_id}`, { scheduleId: row.id, runId: final.run_id });
    else log.warn(`schedule_tick_${final.status}`, `Schedule "${row.name}" tick ${d.at.toISOString()} ${final.status}: ${final.reason}`, { scheduleId: row.id });
    this.events.emit('tick', { schedule: { id: row.id, name: row.name, kind: row.kind }, tick: toTick(tick) });
    return tick;
  }

  /**
   * One scheduler pass: decides every due tick of every enabled schedule this process can lock,
   * then refreshes the runs it can see (statuses, active deadlines). Returns the ticks it decided.
   */
  async evaluate(): Promise<Tick[]> {
    const pool = await this.d.pool();
    const decided: Tick[] = [];
    for (const { id } of (await pool.query('SELECT id FROM schedules WHERE enabled ORDER BY id')).rows as { id: string }[]) {
      await this.tx(async (c) => {
        const [row] = await scheduleRows(c, 'id = $1 AND enabled', [id], 'FOR UPDATE SKIP LOCKED');
        if (!row) return;
        const now = this.now();
        const { ticks, dropped } = ticksBetween(row.cron, row.tz, row.evaluated_until, now);
        if (!ticks.length) return;
        const plan = planTicks({ due: ticks, now, dropped, startingDeadlineSeconds: row.starting_deadline_seconds, catchUp: row.catch_up, concurrencyPolicy: row.concurrency_policy, activeRunId: await this.activeRun(c, row.id) });
        let lastRun: string | null = null;
        for (const d of plan) {
          const t = await this.apply(c, row, d.action === 'run' && d.replaces === undefined && lastRun && row.concurrency_policy === 'Replace' ? { ...d, replaces: lastRun } : d);
          if (t) decided.push(toTick(t));
          if (t?.run_id) lastRun = t.run_id;
        }
        await c.query('UPDATE schedules SET evaluated_until = $2 WHERE id = $1', [row.id, now]);
      });
    }
    await this.refreshRuns();
    return decided;
  }

  /** A run this process sees changed status: its tick shows it at once (not only at the next pass). */
  async noteRun(run: Pick<JobRun, 'id' | 'status' | 'startedAt'>): Promise<void> {
    const pool = await this.d.pool();
    await pool.query('UPDATE schedule_ticks SET run_status = $2, run_started_at = COALESCE(run_started_at, $3) WHERE run_id = $1 AND run_status IS DISTINCT FROM $2', [run.id, run.status, run.startedAt]);
  }

  /** Run statuses of ticks whose runs this process sees; runs past their active deadline are cancelled. */
  async refreshRuns(): Promise<void> {
    const pool = await this.d.pool();
    const { rows } = await pool.query(
      `SELECT t.*, s.name, s.kind, s.active_deadline_seconds FROM schedule_ticks t JOIN schedules s ON s.id = t.schedule_id WHERE t.run_status = ANY($1)`,
      [['queued', 'running']],
    );
    for (const t of rows as (TickRow & { name: string; kind: string; active_deadline_seconds: number | null })[]) {
      const run = t.run_id ? this.d.runner.find(t.run_id) : null;
      if (!run) continue;
      const started = run.startedAt ? new Date(run.startedAt) : null;
      if (run.status === 'running' && started && t.active_deadline_seconds && this.now().getTime() - started.getTime() > t.active_deadline_seconds * 1000) {
        const reason = `Cancelled: ran longer than its active deadline of ${t.active_deadline_seconds} s`;
        // One process claims the cancellation however many see the run.
        const claimed = await pool.query('UPDATE schedule_ticks SET deadline_exceeded = true, reason = $3 WHERE schedule_id = $1 AND scheduled_for = $2 AND NOT deadline_exceeded', [t.schedule_id, t.scheduled_for, reason]);
        if (!claimed.rowCount) continue;
        this.d.logger.warn('schedule_deadline_exceeded', `Schedule "${t.name}": run ${run.id} ${reason.toLowerCase()}`, { scheduleId: t.schedule_id, runId: run.id });
        const stopped = await this.d.runner.cancel(run.id);
        await pool.query('UPDATE schedule_ticks SET run_status = $3, run_started_at = $4 WHERE schedule_id = $1 AND scheduled_for = $2', [t.schedule_id, t.scheduled_for, stopped.status, started]);
        this.events.emit('tick', { schedule: { id: t.schedule_id, name: t.name, kind: t.kind }, tick: toTick({ ...t, reason, deadline_exceeded: true, run_status: stopped.status }) });
        continue;
      }
      if (run.status !== t.run_status) await pool.query('UPDATE schedule_ticks SET run_status = $3, run_started_at = $4 WHERE schedule_id = $1 AND scheduled_for = $2', [t.schedule_id, t.scheduled_for, run.status, started]);
    }
  }
}
