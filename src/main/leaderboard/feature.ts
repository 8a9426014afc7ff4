import type { Feature } from '../core/feature.ts';
import { leaderboardHandlers } from './handlers.ts';
import { cleanupJob, recalcJob, refreshStaleJob } from './jobs.ts';
import { LeaderboardService } from './leaderboard-service.ts';
import { leaderboardMigrations } from './migrations.ts';
import { leaderboardPresets } from './presets.ts';

/** The contributor leaderboard: events derived from the synced warehouse, weighted scores, ranks. */
export const leaderboardFeature = {
  name: 'leaderboard',
  warehouseMigrations: leaderboardMigrations,
  create(s) {
    const leaderboard = new LeaderboardService({ warehouse: s.warehouse, audit: s.audit, jobs: s.jobs });
    const d = { warehouse: s.warehouse, leaderboard, budgets: s.budgets, sync: s.sync, jobs: s.jobs, settings: s.settings };
    return { services: { leaderboard }, jobs: [recalcJob(d), refreshStaleJob(d), cleanupJob(d)], handlers: () => leaderboardHandlers(leaderboard), schedulePresets: leaderboardPresets };
  },
} satisfies Feature;
