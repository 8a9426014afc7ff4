import type { HealthRun } from './contract/health.ts';
import type { Status } from './status.ts';

/** Services a backfill needs; Redis and HTTP services are optional. */
const REQUIRED = ['github', 'openai', 'milvus'];

/**
 * The headline of a health run as an operator should read it: "healthy" only when what
 * the console needs is configured and healthy; otherwise "incomplete setup" naming what is missing.
 */
export function overallView(run: HealthRun): { status: Status; label: string; missing: string[] } {
  const missing = run.results.filter((r) => !r.configured && REQUIRED.includes(r.id)).map((r) => r.name);
  if (run.report.status !== 'healthy') return { status: run.report.status, label: `overall ${run.report.status}`, missing };
  if (missing.length) return { status: 'degraded', label: 'incomplete setup', missing };
  return { status: 'healthy', label: 'overall healthy', missing };
}

interface RunbookLike {
  id: string;
  title: string;
  category: string;
  steps: { kind: string; checks?: string[] }[];
}

/** The incident runbook for a check: the first whose opening check step tests that service ("http:*" covers HTTP services). */
export function runbookFor(checkId: string, runbooks: RunbookLike[]): { id: string; title: string } | null {
  const covers = (checks: string[] | undefined) => (checks ?? []).some((c) => c === checkId || (c.endsWith('*') && checkId.startsWith(c.slice(0, -1))));
  const incident = runbooks.filter((b) => b.category === 'incident');
  const opening = (b: RunbookLike) => b.steps.find((s) => s.kind === 'check')?.checks;
  // A runbook dedicated to the service (its opening check tests only it) before one that checks everything.
  const first = incident.find((b) => covers(opening(b)) && opening(b)!.length === 1) ?? incident.find((b) => covers(opening(b)));
  const any = first ?? incident.find((b) => b.steps.some((s) => s.kind === 'check' && covers(s.checks)));
  return any ? { id: any.id, title: any.title } : null;
}
