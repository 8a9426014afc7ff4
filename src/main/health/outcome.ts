// Building a check's outcome: the status is the worst of its findings unless the check says worse.
import { worstStatus, type Status } from '../../shared/status.ts';
import type { CheckOutcome, Finding } from './types.ts';

export function outcome(o: { summary: string; latencyMs?: number | null; details?: Record<string, unknown>; findings?: Finding[]; status?: Status }): CheckOutcome {
  const findings = o.findings ?? [];
  return {
    status: worstStatus([o.status ?? 'healthy', ...findings.map((f) => f.status)]),
    latencyMs: o.latencyMs ?? null,
    summary: o.summary,
    details: o.details ?? {},
    findings,
  };
}

/** A check that could not reach or use its service at all. */
export function downOutcome(summary: string, details: Record<string, unknown> = {}, latencyMs: number | null = null): CheckOutcome {
  return outcome({ status: 'down', summary, details, latencyMs, findings: [{ status: 'down', message: summary }] });
}

/** Findings first by severity, so the summary can lead with the worst one. */
export function worstFinding(findings: Finding[]): Finding | undefined {
  const rank: Record<Status, number> = { down: 0, degraded: 1, unknown: 2, healthy: 3 };
  return [...findings].sort((a, b) => rank[a.status] - rank[b.status])[0];
}

/** A healthy summary, or the worst finding's message prefixed to it. */
export function summaryWith(base: string, findings: Finding[]): string {
  const worst = worstFinding(findings);
  if (!worst || worst.status === 'healthy') return base;
  const more = findings.filter((f) => f.status !== 'healthy').length - 1;
  return `${worst.message}${more > 0 ? ` (+${more} more)` : ''} · ${base}`;
}
