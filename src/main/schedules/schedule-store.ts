import type pg from 'pg';
import type { Schedule, Tick } from '../../shared/contract/schedules.ts';

export interface ScheduleRow {
  id: string;
  name: string;
  kind: string;
  params: unknown;
  cron: string;
  tz: string;
  enabled: boolean;
  concurrency_policy: Schedule['concurrencyPolicy'];
  starting_deadline_seconds: number | null;
  active_deadline_seconds: number | null;
  catch_up: Schedule['catchUp'];
  preset_id: string | null;
  source: string | null;
  evaluated_until: Date;
  created_at: Date;
  updated_at: Date;
}

export interface TickRow {
  schedule_id: string;
  scheduled_for: Date;
  trigger: Tick['trigger'];
  status: Tick['status'];
  reason: string | null;
  run_id: string | null;
  run_status: string | null;
  run_started_at: Date | null;
  deadline_exceeded: boolean;
  decided_by: string;
  decided_at: Date;
}

export const ACTIVE_RUN = ['queued', 'running'];

export const toTick = (r: TickRow): Tick => ({
  scheduleId: r.schedule_id,
  scheduledFor: r.scheduled_for.toISOString(),
  trigger: r.trigger,
  status: r.status,
  reason: r.reason,
  runId: r.run_id,
  runStatus: r.run_status,
  deadlineExceeded: r.deadline_exceeded,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at.toISOString(),
});

type Q = pg.Pool | pg.PoolClient;

export async function scheduleRows(q: Q, where = 'true', params: unknown[] = [], lock = ''): Promise<ScheduleRow[]> {
  return (await q.query(`SELECT * FROM schedules WHERE ${where} ORDER BY name, id ${lock}`, params)).rows as ScheduleRow[];
}

export async function lastTicks(q: Q, ids: string[]): Promise<Map<string, TickRow>> {
  if (!ids.length) return new Map();
  const { rows } = await q.query('SELECT DISTINCT ON (schedule_id) * FROM schedule_ticks WHERE schedule_id = ANY($1) ORDER BY schedule_id, scheduled_for DESC', [ids]);
  return new Map((rows as TickRow[]).map((r) => [r.schedule_id, r]));
}

/** Records a decided tick once: false when another process already decided it. */
export async function insertTick(q: Q, t: Omit<TickRow, 'decided_at' | 'deadline_exceeded' | 'run_started_at'>): Promise<boolean> {
  const { rowCount } = await q.query(
    `INSERT INTO schedule_ticks (schedule_id, scheduled_for, trigger, status, reason, run_id, run_status, decided_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (schedule_id, scheduled_for) DO NOTHING`,
    [t.schedule_id, t.scheduled_for, t.trigger, t.status, t.reason, t.run_id, t.run_status, t.decided_by],
  );
  return rowCount === 1;
}

export async function activeTicks(q: Q, scheduleId?: string): Promise<TickRow[]> {
  const { rows } = await q.query(`SELECT * FROM schedule_ticks WHERE run_status = ANY($1)${scheduleId ? ' AND schedule_id = $2' : ''} ORDER BY scheduled_for DESC`, scheduleId ? [ACTIVE_RUN, scheduleId] : [ACTIVE_RUN]);
  return rows as TickRow[];
}
