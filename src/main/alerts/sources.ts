import type { HealthRun } from '../../shared/contract/health.ts';
import type { JobRun } from '../../shared/contract/jobs.ts';
import type { BudgetStatus } from '../../shared/contract/costs.ts';
import type { SecretsOverview } from '../../shared/contract/secrets.ts';
import type { BudgetLevelEvent } from '../costs/budget-service.ts';
import type { Observation } from './evaluator.ts';

/** The active profile's own connections (the console's warehouse, GitHub, OpenAI …); registered systems carry their own id. */
export const CONSOLE_SYSTEM = 'console';

/** Health results → one observation per configured service (and GitHub's rate-limit buckets). */
export function healthObservations(run: HealthRun): Observation[] {
  const out: Observation[] = [];
  for (const r of run.results) {
    if (!r.configured) continue;
    const system = r.system ?? CONSOLE_SYSTEM;
    out.push({ kind: 'health', labels: { system, service: r.id }, value: r.status, summary: `${r.name} is ${r.status}: ${r.summary}`, details: { latencyMs: r.latencyMs, findings: r.findings.filter((f) => f.status !== 'healthy').map((f) => f.message) } });
    const buckets = r.kind === 'github' ? (r.details.rateLimits as Record<string, { limit: number; remaining: number; resetAt: string }> | null | undefined) : undefined;
    for (const [resource, b] of Object.entries(buckets ?? {})) {
      if (!(b.limit > 0)) continue;
      const pct = (b.remaining / b.limit) * 100;
      out.push({ kind: 'github_rate_limit', labels: { system, resource }, value: pct, summary: `GitHub ${resource} rate limit: ${b.remaining} of ${b.limit} left (${pct.toFixed(1)}%), resets ${b.resetAt}`, details: { ...b } });
    }
  }
  return out;
}

const TERMINAL = new Set(['failed', 'incomplete', 'succeeded']);

/** A finished job: failed or incomplete fires, a later success of the same kind and scope resolves. */
/** A schedule's tick: firing while its ticks are missed/skipped/failed/cut by their deadline, resolved by the next one that runs. */
export function scheduleObservation(e: { schedule: { id: string; name: string; kind: string }; tick: { scheduledFor: string; status: string; reason: string | null; runId: string | null; deadlineExceeded: boolean; trigger: string } }): Observation {
  const value = e.tick.deadlineExceeded ? 'deadline_exceeded' : e.tick.status === 'requested' ? 'ok' : e.tick.status;
  const summary = value === 'ok' ? `Schedule "${e.schedule.name}" ran its ${e.tick.scheduledFor} tick` : `Schedule "${e.schedule.name}" tick ${e.tick.scheduledFor} ${value.replace('_', ' ')}: ${e.tick.reason ?? ''}`;
  return { kind: 'schedule', labels: { schedule: e.schedule.id, kind: e.schedule.kind }, value, summary, details: { scheduleName: e.schedule.name, scheduledFor: e.tick.scheduledFor, trigger: e.tick.trigger, runId: e.tick.runId } };
}

export function jobObservation(run: JobRun): Observation | null {
  if (!TERMINAL.has(run.status)) return null;
  const scope = (run.params as { repository?: string } | null)?.repository ?? 'all';
  const summary = run.status === 'succeeded' ? `${run.title} succeeded` : `${run.title} ${run.status}${run.error ? `: ${run.error}` : ''}`;
  return { kind: 'job', labels: { kind: run.kind, scope: scope.toLowerCase() }, value: run.status, summary, details: { runId: run.id, finishedAt: run.finishedAt } };
}

const levelSummary = (name: string, level: string, utilisation: number) => `Budget "${name}" ${level === 'ok' ? 'back under its thresholds' : level} at ${Math.round(utilisation * 100)}%`;

export function budgetObservations(statuses: BudgetStatus[]): Observation[] {
  return statuses.filter((b) => b.enabled).map((b) => ({ kind: 'budget' as const, labels: { budget: b.name }, value: b.level, summary: levelSummary(b.name, b.level, b.utilisation), details: { budgetId: b.id, used: b.used, cap: b.cap, period: b.period, metric: b.metric } }));
}

export function budgetLevelObservation(e: BudgetLevelEvent): Observation {
  return { kind: 'budget', labels: { budget: e.budget.name }, value: e.level, summary: levelSummary(e.budget.name, e.level, e.utilisation), details: { budgetId: e.budget.id, used: e.used, cap: e.budget.cap, runId: e.runId } };
}

export function secretObservations(o: SecretsOverview, profileName: string): Observation[] {
  return o.items
    .filter((i) => (i.source === 'keychain' || i.source === 'file') && i.rotationDueAt)
    .map((i) => ({ kind: 'secret_rotation' as const, labels: { profile: profileName, secret: i.key }, value: i.rotationOverdue ? 'overdue' : 'ok', summary: i.rotationOverdue ? `${i.label} (${profileName}) was due for rotation on ${i.rotationDueAt!.slice(0, 10)}` : `${i.label} (${profileName}) rotated`, details: { setAt: i.setAt, rotateEveryDays: i.rotateEveryDays } }));
}
