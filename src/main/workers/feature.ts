import type { Feature } from '../core/feature.ts';
import { VERSION } from '../core/version.ts';
import { workerMigrations } from './migrations.ts';
import { consoleQueue } from './queue-mode.ts';
import { listRuns } from './shared-runs.ts';
import { WorkerService } from './worker-service.ts';

/**
 * Jobs on pg-boss in the warehouse. `repo-ops worker` joins as a worker; a console joins when its
 * warehouse is a team's Postgres (see consoleQueue: on the embedded one nothing changes).
 */
export const workersFeature = {
  name: 'workers',
  warehouseMigrations: workerMigrations,
  create(s, { config }) {
    const workers = new WorkerService({ jobs: s.jobs, warehouse: s.warehouse, logger: s.logger.child({ component: 'queue' }), version: VERSION });
    const log = s.logger.child({ component: 'queue' });
    // Decided at start for the active profile; joining runs in the background (start-up is not held up).
    const decideAndJoin = async () => {
      if (config.mode !== 'serve' && config.mode !== 'electron') return;
      const profile = s.profiles.active();
      // A secret store that does not answer yet (a session starting) is asked again before deciding,
      // for longer than the 30 s the secret service lets a failed store rest.
      let found = profile ? await s.secrets.lookup(profile.id, 'postgres_url') : { value: null, unreadable: null };
      for (let i = 0; profile && found.unreadable && i < 8; i++) {
        await new Promise((r) => setTimeout(r, 5000).unref());
        found = await s.secrets.lookup(profile.id, 'postgres_url');
      }
      if (found.unreadable) return log.warn('queue_undecided', `Jobs run in this console's own queue: the Postgres URL could not be read from the secret store (${found.unreadable})`);
      const team = Boolean(found.value);
      const choice = consoleQueue(config.mode, config.env, team);
      if (!choice.join) return log.info('queue_local', `Jobs run in this console's own queue: ${choice.why}`);
      await workers.join({ work: true, concurrency: s.settings.get().jobConcurrency });
      log.info('queue_joined', `Jobs run on the warehouse queue (pg-boss): ${choice.why}`);
    };
    return {
      services: { workers },
      handlers: () => ({
        'workers.list': async () => ({ joined: workers.joined, ...(await workers.list()), replication: workers.replicationLag() }),
        'workers.runs': async ({ limit }) => (await listRuns(await s.warehouse.pool(), limit)).map(({ stopRequested: _s, updatedAt: _u, ...r }) => r),
      }),
      start: () => void decideAndJoin().catch((e: Error) => log.error('queue_join_failed', `Could not join the warehouse job queue (jobs stay in this console's own queue): ${e.message}`)),
      close: () => workers.close(),
    };
  },
} satisfies Feature;
