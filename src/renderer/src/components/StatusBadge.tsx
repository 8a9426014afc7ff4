import type { Status } from '../../../shared/status.ts';
import type { JobStatus } from '../../../shared/contract/jobs.ts';

export function StatusBadge({ status, label }: { status: Status; label?: string }) {
  return <span className={`status status-${status}`}>{label ?? status}</span>;
}

/** Job statuses mapped onto the one status palette. */
export function jobTone(s: JobStatus): Status {
  if (s === 'succeeded') return 'healthy';
  if (s === 'failed') return 'down';
  if (s === 'incomplete' || s === 'interrupted' || s === 'cancelled' || s === 'paused') return 'degraded';
  return 'unknown';
}

export function JobStatusBadge({ status }: { status: JobStatus }) {
  return <StatusBadge status={jobTone(status)} label={status} />;
}
