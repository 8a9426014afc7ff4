import type { JobRun } from '../../shared/contract/jobs.ts';
import type { JobService } from '../jobs/job-service.ts';
import type { Logger } from '../logging/logger.ts';
import { SYNC_JOB } from '../sync/sync-service.ts';
import { ENGINEER_LENS_JOB } from './etl-service.ts';


/**
 * After every finished sync (in the process that ran it), an incremental Engineer Lens run for that repository (which also
 * restages What Shipped's repo_prs) — unless one for it is already waiting in the queue.
 */
export function refreshAfterSync(jobs: JobService, log: Logger): () => void {
  const handled = new Set<string>();
  return jobs.onChange((run: JobRun) => {
    if (run.kind !== SYNC_JOB || (run.status !== 'succeeded' && run.status !== 'incomplete') || handled.has(run.id)) return;
    // Only where the sync ran: every console on a fleet sees every sync end, one refresh is enough.
    if (!jobs.ranHere(run.id)) return;
    handled.add(run.id);
    if (handled.size > 1000) handled.delete(handled.values().next().value!);
    const repository = (run.params as { repository?: string }).repository ?? null;
    const waiting = jobs.list({ kind: ENGINEER_LENS_JOB, status: 'queued', limit: 50 }).some((r) => {
      const p = r.params as { repository: string | null; updateTable: string };
      return p.updateTable === 'all' && (p.repository === null || p.repository?.toLowerCase() === repository?.toLowerCase());
    });
    if (waiting) return;
    jobs.enqueue(ENGINEER_LENS_JOB, { repository, trigger: 'sync' }).catch((e: Error) => log.warn('etl_after_sync_failed', `Could not start the Engineer Lens after the sync of ${repository}: ${e.message}`));
  });
}
