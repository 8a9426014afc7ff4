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
    return {
      services: { schedules },
      handlers: () => scheduleHandlers(schedules),
      start: () => (runs ? scheduler.start() : undefined),
      close: () => scheduler.stop(),
    };
  },
} satisfies Feature;
