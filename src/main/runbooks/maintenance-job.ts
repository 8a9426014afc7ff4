import { z } from 'zod';
import { OpsError } from '../../shared/errors.ts';
import type { JobDefinition } from '../jobs/types.ts';
import type { RunbookService } from './runbook-service.ts';

export const MAINTENANCE_JOB = 'warehouse-maintenance';

const Params = z.object({
  /** backup: a consistent dump; vacuum-analyze: VACUUM (ANALYZE) of the console's tables; restore-test: restore the latest backup into a scratch database and compare row counts; retention: delete sync runs older than `days`. */
  task: z.enum(['backup', 'vacuum-analyze', 'restore-test', 'retention']),
  days: z.number().int().min(1).max(3650).optional(),
});

const ACTION: Record<z.infer<typeof Params>['task'], string> = { backup: 'backup', 'vacuum-analyze': 'vacuum-analyze', 'restore-test': 'restore-test', retention: 'retention-delete' };
const TITLE: Record<z.infer<typeof Params>['task'], string> = { backup: 'Warehouse backup', 'vacuum-analyze': 'VACUUM ANALYZE', 'restore-test': 'Restore test of the latest backup', retention: 'Retention cleanup' };

/** The runbooks' maintenance actions as a job, so each can be scheduled (daily backup, weekly VACUUM and restore test, monthly cleanup). */
export function maintenanceJob(runbooks: RunbookService): JobDefinition<typeof Params> {
  return {
    kind: MAINTENANCE_JOB,
    title: 'Warehouse maintenance',
    params: Params,
    describe: (p) => `${TITLE[p.task]}${p.task === 'retention' ? ` (older than ${p.days ?? 90} days)` : ''}`,
    async run(ctx) {
      ctx.progress({ done: 0, total: 1, unit: 'tasks', message: TITLE[ctx.params.task] });
      const r = await ctx.step(ctx.params.task, () => runbooks.runAction(ACTION[ctx.params.task], ctx.params.days ? { days: String(ctx.params.days) } : {}));
      ctx.progress({ done: 1, message: r.summary });
      if (r.outcome === 'fail') throw new OpsError('internal', r.summary);
      ctx.log.info('maintenance_done', r.summary);
      return { status: r.outcome === 'warn' ? 'incomplete' : 'succeeded', result: { summary: r.summary } };
    },
  };
}
