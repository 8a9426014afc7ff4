import type { SystemsHealthRun } from '../../shared/contract/systems.ts';
import type { Feature } from '../core/feature.ts';
import { AlertService } from './alert-service.ts';
import { alertHandlers, alertTopicSources } from './handlers.ts';
import { alertStoreMigrations } from './fallback.ts';
import { alertMigrations } from './migrations.ts';
import { BUDGET_REPORT_JOB, budgetReportJob } from './report-job.ts';
import { budgetLevelObservation, budgetObservations, healthObservations, jobObservation, scheduleObservation, secretObservations } from './sources.ts';

const SECRETS_EVERY_MS = 10 * 60_000;

/** Alerts that reach people: rules over health, jobs, budgets, secrets and GitHub limits; a durable outbox; channels. */
export const alertsFeature = {
  name: 'alerts',
  warehouseMigrations: alertMigrations,
  storeMigrations: alertStoreMigrations,
  create(s, { config }) {
    const log = s.logger.child({ component: 'alerts' });
    const alerts = new AlertService({ db: s.db, warehouse: s.warehouse, secrets: s.secrets, audit: s.audit, logger: log });
    const longRunning = config.mode !== 'cli' || config.env.REPO_OPS_ALERTS_DAEMON === '1';
    let timer: NodeJS.Timeout | null = null;
    let lastSecrets = 0;
    const offs: (() => void)[] = [];

    /** The periodic pass of a long-running process: queued observations, repeats, budgets, rotations. */
    const tick = async () => {
      await alerts.drain(alerts.pendingObservations() > 0);
      if (!s.warehouse.connected()) return;
      alerts.observe(budgetObservations(await s.budgets.status()));
      if (Date.now() - lastSecrets > SECRETS_EVERY_MS) {
        lastSecrets = Date.now();
        const profile = s.profiles.ensureActive();
        alerts.observe(secretObservations(await s.secrets.overview(profile.id), profile.name));
      }
      await alerts.drain();
      await alerts.tick();
    };
    const schedule = async () => {
      let seconds = 60;
      try {
        await tick();
        if (s.warehouse.connected()) seconds = (await alerts.policy()).evaluateIntervalSeconds;
      } catch (e) {
        log.warn('alert_tick_failed', `Alert evaluation pass failed: ${(e as Error).message}`);
      }
      if (timer !== null) {
        timer = setTimeout(() => void schedule(), seconds * 1000);
        timer.unref();
      }
    };

    return {
      services: { alerts },
      jobs: [budgetReportJob(s.costs, alerts)],
      schedulePresets: [{ id: 'leaderboard-daily-budget-report', title: 'Daily budget report', kind: BUDGET_REPORT_JOB, params: {}, cron: '0 0 * * *', source: "Leaderboard (Celery beat daily-budget-report): crontab(minute=0, hour=0) — budget_tasks.generate_daily_report" }],
      handlers: () => alertHandlers(alerts, s.jobs),
      topics: () => alertTopicSources(alerts),
      start() {
        const onResults = (run: Parameters<typeof healthObservations>[0]) => alerts.observe(healthObservations(run));
        s.health.events.on('results', onResults);
        offs.push(() => s.health.events.off('results', onResults));
        const onSystems = (run: SystemsHealthRun) => alerts.observe(run.systems.flatMap((x) => healthObservations({ results: x.results, report: x.report, durationMs: run.durationMs })));
        s.systems.events.on('results', onSystems);
        offs.push(() => s.systems.events.off('results', onSystems));
        const seen = new Map<string, string>();
        offs.push(
          s.jobs.onChange((run) => {
            if (seen.get(run.id) === run.status) return;
            seen.set(run.id, run.status);
            if (seen.size > 5000) seen.delete(seen.keys().next().value!);
            const o = jobObservation(run);
            if (o) alerts.observe([o]);
          }),
        );
        // Schedules are built after alerts: their ticks are observed once every feature exists.
        const onTick = (e: Parameters<typeof scheduleObservation>[0]) => alerts.observe([scheduleObservation(e)]);
        s.schedules.events.on('tick', onTick);
        offs.push(() => s.schedules.events.off('tick', onTick));
        const onLevel = (e: Parameters<typeof budgetLevelObservation>[0]) => alerts.observe([budgetLevelObservation(e)]);
        s.budgets.events.on('level', onLevel);
        offs.push(() => s.budgets.events.off('level', onLevel));
        if (longRunning) {
          alerts.deliverer.start();
          timer = setTimeout(() => void schedule(), 1000);
          timer.unref();
        }
      },
      async close() {
        if (timer) clearTimeout(timer);
        timer = null;
        for (const off of offs) off();
        // A one-shot command (cron's `repo-ops health`, `repo-ops embed`) delivers what it raised before it exits.
        if (!longRunning && (alerts.pendingObservations() > 0 || alerts.queuedHere)) {
          await alerts.drain(true).catch(() => {});
          if (alerts.queuedHere) await alerts.deliverer.flush(Number(config.env.REPO_OPS_ALERT_FLUSH_MS) || 10_000).catch((e: Error) => log.warn('alert_flush_failed', e.message));
        }
        await alerts.close();
      },
    };
  },
} satisfies Feature;
