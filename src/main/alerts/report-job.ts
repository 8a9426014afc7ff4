import { z } from 'zod';
import type { CostService } from '../costs/cost-service.ts';
import type { JobDefinition } from '../jobs/types.ts';
import type { AlertService } from './alert-service.ts';

export const BUDGET_REPORT_JOB = 'budget-report';

const Params = z.object({
  /** Channel ids; omitted: the channels routed for P4 (informational). */
  channels: z.array(z.string().min(1).max(200)).max(20).optional(),
});

/** The Leaderboard runbook's daily budget report, as a job (schedulable: plain JSON params, idempotent). */
export function budgetReportJob(costs: CostService, alerts: AlertService): JobDefinition<typeof Params> {
  return {
    kind: BUDGET_REPORT_JOB,
    title: 'Budget report',
    params: Params,
    describe: (p) => `Budget report${p.channels?.length ? ` to ${p.channels.join(', ')}` : ''}`,
    async run(ctx) {
      const report = await costs.report();
      ctx.log.info('budget_report', report.text.split('\n')[1] ?? 'Budget report', { monthToDate: report.monthToDate, forecast: report.forecast });
      const sentTo = await alerts.notifyText(ctx.params.channels ?? null, 'P4', `Budget report ${report.generatedAt.slice(0, 10)}: month to date $${report.monthToDate.toFixed(2)}, forecast $${report.forecast.toFixed(2)}`, report.text);
      return { result: { ...report, sentTo } };
    },
  };
}
