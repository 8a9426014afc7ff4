import type { CatchUp, ConcurrencyPolicy } from '../../shared/contract/schedules.ts';

/** How late a tick may start when the schedule names no starting deadline. */
export const DEFAULT_STARTING_DEADLINE_S = 120;

export interface TickPlanInput {
  /** Ticks not yet decided, oldest first. */
  due: Date[];
  now: Date;
  startingDeadlineSeconds: number | null;
  catchUp: CatchUp;
  concurrencyPolicy: ConcurrencyPolicy;
  /** A run of this schedule still queued or running. */
  activeRunId: string | null;
  /** Ticks older than the ones in `due` that were dropped (a very long outage). */
  dropped?: number;
}

export interface TickDecision {
  at: Date;
  trigger: 'cron' | 'catch_up';
  action: 'run' | 'skip' | 'miss';
  reason: string | null;
  /** Replace: the run to cancel before this one starts. */
  replaces?: string;
}

const hm = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

/**
 * What each due tick does — pure, so every branch is tested without clocks or databases.
 * Late ticks (past the starting deadline: nobody was up) are missed, or, with catch-up
 * `run_once`, the newest of them runs once. A tick that would run while a run is still going
 * follows the concurrency policy; nothing is skipped without a reason.
 */
export function planTicks(p: TickPlanInput): TickDecision[] {
  const deadlineMs = (p.startingDeadlineSeconds ?? DEFAULT_STARTING_DEADLINE_S) * 1000;
  const late = p.due.filter((t) => p.now.getTime() - t.getTime() > deadlineMs);
  const onTime = p.due.filter((t) => p.now.getTime() - t.getTime() <= deadlineMs);
  const out: TickDecision[] = [];
  const catchUp = p.catchUp === 'run_once' && late.length > 0 && onTime.length === 0 ? late[late.length - 1]! : null;
  const missedCount = late.length + (p.dropped ?? 0);
  for (const t of late) {
    if (t === catchUp) continue;
    const secs = Math.round((p.now.getTime() - t.getTime()) / 1000);
    const then = p.catchUp === 'run_once' ? (onTime.length ? 'a newer tick runs instead' : 'one catch-up run for all of them') : 'catch-up policy skip';
    out.push({ at: t, trigger: 'cron', action: 'miss', reason: `Missed: not started within ${deadlineMs / 1000} s of ${hm(t)} (${secs} s late; no worker was up); ${then}` });
  }
  let active = p.activeRunId;
  const candidates: { at: Date; trigger: TickDecision['trigger']; reason: string | null }[] = [
    ...(catchUp ? [{ at: catchUp, trigger: 'catch_up' as const, reason: `Catch-up run for ${missedCount} missed tick${missedCount === 1 ? '' : 's'} (catch-up policy run_once)` }] : []),
    ...onTime.map((at) => ({ at, trigger: 'cron' as const, reason: null })),
  ];
  for (const c of candidates) {
    if (active && p.concurrencyPolicy === 'Forbid') {
      out.push({ at: c.at, trigger: c.trigger, action: 'skip', reason: `Skipped: the previous run${active === 'pending' ? '' : ` ${active}`} is still going (concurrency policy Forbid)` });
      continue;
    }
    if (active && p.concurrencyPolicy === 'Replace') {
      out.push({ at: c.at, trigger: c.trigger, action: 'run', reason: [c.reason, `Replaced the previous run${active === 'pending' ? '' : ` ${active}`} (concurrency policy Replace)`].filter(Boolean).join('; '), replaces: active === 'pending' ? undefined : active });
    } else {
      out.push({ at: c.at, trigger: c.trigger, action: 'run', reason: c.reason });
    }
    active = 'pending';
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime());
}
