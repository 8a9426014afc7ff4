import type { Feature } from '../core/feature.ts';
import { refreshAfterSync } from './after-sync.ts';
import { ENGINEER_LENS_JOB, EtlService } from './etl-service.ts';
import { etlHandlers } from './handlers.ts';
import { engineerLensJob, whatShippedJob } from './jobs.ts';
import { LlmScorer } from './llm/scorer.ts';
import { etlMigrations } from './migrations.ts';

/** What the Repo's Engineer Lens and What Shipped tables, computed in the warehouse. */
export const etlFeature = {
  name: 'etl',
  warehouseMigrations: etlMigrations,
  create(s) {
    const llm = new LlmScorer({
      warehouse: s.warehouse,
      github: (o) => s.sync.github(o),
      openai: async () => {
        const profile = s.profiles.ensureActive();
        return { apiKey: await s.secrets.require(profile.id, 'openai_key'), baseURL: profile.openaiBaseUrl };
      },
      costs: s.costs,
      budgets: s.budgets,
    });
    const etl = new EtlService({ warehouse: s.warehouse, logger: s.logger.child({ component: 'etl' }), timeZone: () => s.settings.get().teamTimeZone, llm });
    const log = s.logger.child({ component: 'etl' });
    let off: (() => void) | null = null;
    return {
      services: { etl },
      jobs: [engineerLensJob(etl), whatShippedJob(etl)],
      handlers: () => etlHandlers(etl, s.jobs, llm),
      // The runbook's cron lines. The daily run is incremental and moves the windows' end date.
      schedulePresets: [
        { id: 'wtr-engineer-lens-daily', title: 'Engineer Lens daily (incremental, windows end today)', kind: ENGINEER_LENS_JOB, params: { updateTable: 'all', trigger: 'schedule' }, cron: '0 2 * * *', concurrencyPolicy: 'Forbid', source: 'What the Repo: 0 2 * * * cd /path/to/what-the-repo && python postgres_data_load/engineer_lens_data_processor.py --update-table author_metrics_daily >> /var/log/etl_daily.log 2>&1' },
        { id: 'wtr-engineer-lens-weekly-full', title: 'Engineer Lens weekly full refresh (Sunday 03:00)', kind: ENGINEER_LENS_JOB, params: { updateTable: 'all', forceRefresh: true, trigger: 'schedule' }, cron: '0 3 * * 0', concurrencyPolicy: 'Forbid', activeDeadlineSeconds: 1800, source: 'What the Repo: 0 3 * * 0 cd /path/to/what-the-repo && python postgres_data_load/engineer_lens_data_processor.py --update-table all --force-refresh >> /var/log/etl_weekly.log 2>&1' },
      ],
      start() {
        off = refreshAfterSync(s.jobs, log);
      },
      close() {
        off?.();
      },
    };
  },
} satisfies Feature;
