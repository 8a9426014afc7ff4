import type { Feature } from '../core/feature.ts';
import { scheduleHandlers } from './handlers.ts';
import { scheduleMigrations } from './migrations.ts';
import { ScheduleService } from './schedule-service.ts';
import { Scheduler } from './scheduler.ts';

/** Cron schedules of any job kind, shared by every console and worker on the warehouse. */
export const schedulesFeature = {
  name: 'schedules',
  warehouseMigrations: scheduleMigrations,
  create(s, { config, schedulePresets }) {
    const log = s.logger.child({ component: 'schedules' });
    const schedules = new ScheduleService({
      pool: () => s.warehouse.pool(),
      presets: schedulePresets,
      logger: log,
      runner: {
        enqueue: (kind, params) => s.jobs.enqueue(kind, params),
        cancel: (runId) => s.jobs.cancel(runId),
        find: (runId) => s.jobs.find(runId),
        validate: (kind, params) => s.jobs.validate(kind, params),
      },
    });
    // Long-running processes keep the schedules; one-shot CLI commands and tests drive passes themselves.
    const scheduler = new Scheduler(schedules, s.warehouse, log, Number(config.env.REPO_OPS_SCHEDULER_INTERVAL_MS) || 5000);
    const runs = config.mode === 'serve' || config.mode === 'electron' || config.env.REPO_OPS_SCHEDULER === '1';
    // Runs started by a tick: their status reaches the ledger as it changes (progress updates are skipped).
    const started = new Map<string, string>();
    schedules.events.on('tick', (e) => e.tick.runId && started.set(e.tick.runId, e.tick.runStatus ?? 'queued'));
    let offJobs: (() => void) | null = null;
    return {
      services: { schedules },
      handlers: () => scheduleHandlers(schedules),
      start() {
        offJobs = s.jobs.onChange((run) => {
          const last = started.get(run.id);
          if (last === undefined || last === run.status) return;
          started.set(run.id, run.status);
          if (run.status !== 'queued' && run.status !== 'running') started.delete(run.id);
          if (s.warehouse.connected()) void schedules.noteRun(run).catch((e: Error) => log.warn('schedule_run_status_failed', e.message));
        });
        if (runs) scheduler.start();
      },
      async close() {
        offJobs?.();
        await scheduler.stop();
      },
    };
  },
} satisfies Feature;
