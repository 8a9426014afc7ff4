import type { Feature } from '../core/feature.ts';
import { refreshAfterSync } from './after-sync.ts';
import { EtlService } from './etl-service.ts';
import { etlHandlers } from './handlers.ts';
import { engineerLensJob, whatShippedJob } from './jobs.ts';
import { etlMigrations } from './migrations.ts';

/** What the Repo's Engineer Lens and What Shipped tables, computed in the warehouse. */
export const etlFeature = {
  name: 'etl',
  warehouseMigrations: etlMigrations,
  create(s) {
    const etl = new EtlService({ warehouse: s.warehouse, logger: s.logger.child({ component: 'etl' }), timeZone: () => s.settings.get().teamTimeZone });
    const log = s.logger.child({ component: 'etl' });
    let off: (() => void) | null = null;
    return {
      services: { etl },
      jobs: [engineerLensJob(etl), whatShippedJob(etl)],
      handlers: () => etlHandlers(etl, s.jobs),
      start() {
        off = refreshAfterSync(s.jobs, log);
      },
      close() {
        off?.();
      },
    };
  },
} satisfies Feature;
