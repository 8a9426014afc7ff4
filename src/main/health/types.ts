// The shapes of the health checks engine: what a check is, what it reports, and the overall
// report (shaped like the What-the-Repo runbook's `GET /` answer).
import type { Status } from '../../shared/status.ts';

export type CheckKind = 'postgres' | 'milvus' | 'openai' | 'github' | 'redis' | 'http' | 'pack';

/** One observation worth the operator's attention; `threshold` says which rule it broke. */
export interface Finding {
  status: Status;
  message: string;
  threshold?: string;
}

export interface CheckResult {
  id: string;
  kind: CheckKind;
  name: string;
  status: Status;
  /** The headline round trip (SELECT 1, PING, GET /health, …); null when nothing answered. */
  latencyMs: number | null;
  /** One line for the operator. */
  summary: string;
  details: Record<string, unknown>;
  findings: Finding[];
  checkedAt: string;
}

/** What a check's run() returns; the runner adds id, kind, name and checkedAt. */
export type CheckOutcome = Omit<CheckResult, 'id' | 'kind' | 'name' | 'checkedAt'>;

export interface Check {
  id: string;
  kind: CheckKind;
  name: string;
  /** Overrides the runner's timeoutMs for this check. */
  timeoutMs?: number;
  /** Values the runner scrubs from everything the check returns or throws (defence in depth). */
  secrets?: readonly string[];
  /** Must stop work when `signal` aborts; a check that does not is abandoned at its timeout anyway. */
  run(signal: AbortSignal): Promise<CheckOutcome>;
}

/** The overall report: worst status wins; `services` maps check id → status. */
export interface HealthReport {
  status: 'healthy' | 'degraded' | 'down';
  timestamp: string;
  version: string;
  services: Record<string, Status>;
}

export interface HealthRun {
  results: CheckResult[];
  report: HealthReport;
  /** Wall time of the whole run. */
  durationMs: number;
}
