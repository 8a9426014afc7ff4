import type { SchedulePreset } from '../core/feature.ts';
import { CLEANUP_JOB, REFRESH_STALE_JOB } from './jobs.ts';
import { RECALC_JOB } from './leaderboard-service.ts';

/** The Leaderboard runbook's Celery beat lines, as schedules of this feature's jobs. */
export const leaderboardPresets: SchedulePreset[] = [
  {
    id: 'leaderboard-recalc-every-4h',
    title: 'Recalculate leaderboards (incremental, every 4 hours)',
    kind: RECALC_JOB,
    params: { full: false, scrape: true },
    cron: '30 */4 * * *',
    concurrencyPolicy: 'Forbid',
    activeDeadlineSeconds: 3600,
    source: "Leaderboard (Celery beat recalculate-global-leaderboard): crontab(minute=30, hour='*/4') — scrape_tasks.recalculate_global_leaderboard",
  },
  {
    id: 'leaderboard-weekly-full-recalc',
    title: 'Full leaderboard recalculation (Sundays 03:00)',
    kind: RECALC_JOB,
    params: { full: true, scrape: true },
    cron: '0 3 * * 0',
    concurrencyPolicy: 'Forbid',
    activeDeadlineSeconds: 7200,
    source: "Leaderboard (Celery beat weekly-full-recalc): crontab(minute=0, hour=3, day_of_week='sunday') — scrape_tasks.full_recalculation",
  },
  {
    id: 'leaderboard-refresh-stale-and-rank',
    title: 'Refresh stale repositories and their leaderboards not synced in 24 h (every 6 hours, refused over a GitHub budget)',
    kind: REFRESH_STALE_JOB,
    params: { staleAfterHours: 24 },
    cron: '0 */6 * * *',
    concurrencyPolicy: 'Forbid',
    activeDeadlineSeconds: 7200,
    source: "Leaderboard (Celery beat / k8s CronJob refresh-stale-repos): crontab(minute=0, hour='*/6') — scrape_tasks.refresh_stale_repositories, concurrencyPolicy: Forbid, activeDeadlineSeconds: 7200",
  },
  {
    id: 'leaderboard-monthly-cleanup',
    title: 'Leaderboard retention and ANALYZE (1st of the month, 04:00)',
    kind: CLEANUP_JOB,
    params: {},
    cron: '0 4 1 * *',
    concurrencyPolicy: 'Forbid',
    source: 'Leaderboard (Celery beat monthly-cleanup): crontab(minute=0, hour=4, day_of_month=1) — maintenance.cleanup_old_data; and the weekly VACUUM ANALYZE of contribution_events, repository_leaderboards, scrape_windows',
  },
];
