import { z } from 'zod';
import type { JobDefinition } from '../jobs/types.ts';
import type { HealthService } from './health-service.ts';

export const HEALTH_JOB = 'health-check';

const Params = z.object({ services: z.array(z.string().min(1).max(200)).max(50).optional() });

/** The health checks as a job, so a schedule (What the Repo's `*\/5` curl-or-mail line) runs them with no console open. */
export function healthJob(health: HealthService): JobDefinition<typeof Params> {
  return {
    kind: HEALTH_JOB,
    title: 'Health checks',
    params: Params,
    describe: (p) => `Health checks${p.services?.length ? ` (${p.services.join(', ')})` : ''}`,
    async run(ctx) {
      const run = await health.run(ctx.params.services);
      const configured = run.results.filter((r) => r.configured);
      const down = configured.filter((r) => r.status === 'down');
      ctx.progress({ done: configured.length, total: configured.length, unit: 'checks', message: `${run.report.status}: ${down.map((r) => r.name).join(', ') || 'nothing down'}` });
      return { result: { status: run.report.status, down: down.map((r) => r.id) } };
    },
  };
}
