import { z } from 'zod';
import type { JobDefinition } from '../jobs/types.ts';
import type { SystemService } from './system-service.ts';

export const SYSTEMS_HEALTH_JOB = 'systems-health';

const Params = z.object({ systems: z.array(z.string().min(1).max(200)).max(50).optional() });

/** Every registered system's health as a job, so a schedule runs it with no console open (alerts carry each system's id). */
export function systemsHealthJob(systems: SystemService): JobDefinition<typeof Params> {
  return {
    kind: SYSTEMS_HEALTH_JOB,
    title: 'Health of all systems',
    params: Params,
    describe: (p) => `Health of ${p.systems?.length ? p.systems.join(', ') : 'all systems'}`,
    async run(ctx) {
      const run = await systems.health(ctx.params.systems);
      const down = run.systems.filter((s) => s.report.status === 'down').map((s) => s.system.name);
      ctx.progress({ done: run.systems.length, total: run.systems.length, unit: 'systems', message: `${run.status}: ${down.join(', ') || 'no system down'}` });
      return { result: { status: run.status, down } };
    },
  };
}
