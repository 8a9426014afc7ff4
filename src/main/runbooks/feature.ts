import type { Feature } from '../core/feature.ts';
import { runbookHandlers } from './handlers.ts';
import { MAINTENANCE_JOB, maintenanceJob } from './maintenance-job.ts';
import { RunbookService } from './runbook-service.ts';
import { runbookStoreMigrations } from './store-migrations.ts';

export const runbooksFeature = {
  name: 'runbooks',
  storeMigrations: runbookStoreMigrations,
  create(s, { config }) {
    const runbooks = new RunbookService({ db: s.db, health: s.health, warehouse: s.warehouse, profiles: s.profiles, secrets: s.secrets, embeddings: s.embeddings, logger: s.logger.child({ component: 'runbooks' }), home: config.home });
    return {
      services: { runbooks },
      handlers: () => runbookHandlers(runbooks),
      jobs: [maintenanceJob(runbooks)],
      schedulePresets: [
        { id: 'maintenance-daily-backup', title: 'Daily warehouse backup', kind: MAINTENANCE_JOB, params: { task: 'backup' }, cron: '0 2 * * *', activeDeadlineSeconds: 7200, source: 'AutoDevOps: "Backups run automatically daily at 2 AM UTC via cron service" (./scripts/backup_pg.sh); Leaderboard maintenance schedule: Backup database — Daily — pg_dump' },
        { id: 'maintenance-weekly-vacuum', title: 'Weekly VACUUM ANALYZE', kind: MAINTENANCE_JOB, params: { task: 'vacuum-analyze' }, cron: '0 3 * * 0', activeDeadlineSeconds: 7200, source: 'Leaderboard: "Run weekly maintenance: VACUUM ANALYZE contribution_events; …" (Database VACUUM ANALYZE — Weekly — Cron job); pgGit weekly maintenance script' },
        { id: 'maintenance-weekly-restore-test', title: 'Weekly restore test of the latest backup', kind: MAINTENANCE_JOB, params: { task: 'restore-test' }, cron: '0 5 * * 0', activeDeadlineSeconds: 7200, source: 'pgGit weekly tasks: "Check backup restoration (test restore)": gunzip -c $LATEST_BACKUP | psql pggit_restore' },
        { id: 'maintenance-monthly-cleanup', title: 'Monthly cleanup of old sync runs (90 days)', kind: MAINTENANCE_JOB, params: { task: 'retention', days: 90 }, cron: '0 4 1 * *', source: "Leaderboard (Celery beat monthly-cleanup): crontab(minute=0, hour=4, day_of_month=1) — cleanup_old_data (audit logs older than 90 days)" },
      ],
    };
  },
} satisfies Feature;
