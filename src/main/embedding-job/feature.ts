import type { Feature } from '../core/feature.ts';
import { embedJob } from './embed-job.ts';
import { EMBED_JOB, EmbeddingService } from './embedding-service.ts';
import { embeddingHandlers } from './handlers.ts';
import { recreateJob, reloadJob } from './milvus-jobs.ts';
import { EmbeddingOutbox } from './outbox.ts';
import { embeddingStoreMigrations } from './store-migrations.ts';
import { embeddingWarehouseMigrations } from './warehouse-migrations.ts';

export const embeddingsFeature = {
  name: 'embedding-job',
  storeMigrations: embeddingStoreMigrations,
  warehouseMigrations: embeddingWarehouseMigrations,
  create(s) {
    const outbox = new EmbeddingOutbox(s.db);
    const embeddings = new EmbeddingService({ warehouse: s.warehouse, profiles: s.profiles, secrets: s.secrets, settings: s.settings, jobs: s.jobs, logger: s.logger.child({ component: 'embeddings' }), budgets: s.budgets, costs: s.costs, rateBudgets: s.rateBudgets, sync: s.sync, outbox });
    return {
      services: { embeddings, outbox },
      jobs: [embedJob(embeddings, outbox), reloadJob(embeddings), recreateJob(embeddings)],
      handlers: () => embeddingHandlers(embeddings, s.jobs),
      schedulePresets: [{ id: 'pipeline-daily-embed', title: 'Embed new PRs and issues (daily, after the 02:00 sync)', kind: EMBED_JOB, params: {}, cron: '30 2 * * *', activeDeadlineSeconds: 7200, source: 'Leaderboard: .github/workflows/scheduled-pipeline.yml — "Runs daily at 2 AM UTC", budget-aware execution' }],
      close: () => embeddings.close(),
    };
  },
} satisfies Feature;
