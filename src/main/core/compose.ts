import { join } from 'node:path';
import { backfillJob } from '../backfill/backfill-job.ts';
import { BackfillService } from '../backfill/backfill-service.ts';
import { backfillHandlers } from '../backfill/handlers.ts';
import { embedJob } from '../embedding-job/embed-job.ts';
import { EmbeddingOutbox } from '../embedding-job/outbox.ts';
import { healthHandlers, healthTopicSources } from '../health-service/handlers.ts';
import { HealthService } from '../health-service/health-service.ts';
import { uiStateHandlers } from '../settings/ui-state-handlers.ts';
import { queryHandlers } from '../queries/handlers.ts';
import { SavedQueryService } from '../queries/index.ts';
import { runbookHandlers } from '../runbooks/handlers.ts';
import { RunbookService } from '../runbooks/runbook-service.ts';
import { workspaceHandlers } from '../workspaces/handlers.ts';
import { WorkspaceService } from '../workspaces/workspace-service.ts';
import { EmbeddingService } from '../embedding-job/embedding-service.ts';
import { embeddingHandlers } from '../embedding-job/handlers.ts';
import { recreateJob, reloadJob } from '../embedding-job/milvus-jobs.ts';
import { jobHandlers, jobTopicSources } from '../jobs/handlers.ts';
import { JobService } from '../jobs/job-service.ts';
import { logFileHandlers, logFileTopicSources } from '../log-files/handlers.ts';
import { logIndexJob } from '../log-files/index-job.ts';
import { LogFileService } from '../log-files/log-file-service.ts';
import { logHandlers, logTopicSources } from '../logging/handlers.ts';
import { LogStore } from '../logging/log-store.ts';
import { jsonLinesSink, Logger, type LogSink } from '../logging/logger.ts';
import { Redactor } from '../logging/redact.ts';
import { profileHandlers, profileTopicSources } from '../profiles/handlers.ts';
import { ProfileService } from '../profiles/profile-service.ts';
import { RpcServer } from '../rpc/rpc-server.ts';
import type { Handlers, TopicSources } from '../rpc/types.ts';
import { secretHandlers } from '../secrets/handlers.ts';
import { OsKeychain } from '../secrets/keychain.ts';
import { SecretService } from '../secrets/secret-service.ts';
import { settingsHandlers } from '../settings/handlers.ts';
import { repoHandlers } from '../sync/handlers.ts';
import { syncJob } from '../sync/sync-job.ts';
import { SyncService } from '../sync/sync-service.ts';
import { WarehouseService } from '../warehouse/warehouse-service.ts';
import { SettingsService } from '../settings/settings-service.ts';
import { openDatabase, type Db } from '../store/database.ts';
import { appHandlers } from './app-handlers.ts';
import type { CoreConfig } from './config.ts';

export interface Core {
  config: CoreConfig;
  db: Db;
  logger: Logger;
  redactor: Redactor;
  logStore: LogStore;
  settings: SettingsService;
  profiles: ProfileService;
  secrets: SecretService;
  jobs: JobService;
  logFiles: LogFileService;
  warehouse: WarehouseService;
  sync: SyncService;
  embeddings: EmbeddingService;
  workspaces: WorkspaceService;
  health: HealthService;
  backfill: BackfillService;
  rpc: RpcServer;
  close(): Promise<void>;
}

const RETENTION_EVERY_MS = 60 * 60 * 1000;

/** The one composition root: Electron's core process, the CLI and the tests all build the app here. */
export async function createCore(config: CoreConfig): Promise<Core> {
  const startedAt = new Date();
  const db = openDatabase(join(config.home, 'repo-ops.sqlite'));
  const redactor = new Redactor();
  const logStore = new LogStore(db);
  const sinks: LogSink[] = [logStore];
  if (config.stderrLogLevel) sinks.push(jsonLinesSink(process.stderr, config.stderrLogLevel));
  const logger = new Logger({ sinks, redactor });
  const settings = new SettingsService(db);
  const profiles = new ProfileService(db);
  const secrets = new SecretService({ db, backend: config.secretBackend ?? new OsKeychain(), redactor, env: config.env, rotationOverrides: () => settings.get().rotationDays });
  const jobs = new JobService({ db, logger, concurrency: () => settings.get().jobConcurrency });
  const logFiles = new LogFileService({ db, jobs, logger: logger.child({ component: 'log-files' }), cacheDir: join(config.home, 'cache', 'log-index') });
  jobs.register(logIndexJob(logFiles));
  const warehouse = new WarehouseService({ home: config.home, profiles, secrets, logger: logger.child({ component: 'warehouse' }) });
  const sync = new SyncService({ warehouse, profiles, secrets, jobs, logger: logger.child({ component: 'sync' }) });
  jobs.register(syncJob(sync, warehouse));
  const embeddings = new EmbeddingService({ warehouse, profiles, secrets, settings, jobs, logger: logger.child({ component: 'embeddings' }) });
  jobs.register(embedJob(embeddings, db));
  jobs.register(reloadJob(embeddings));
  jobs.register(recreateJob(embeddings));
  const workspaces = new WorkspaceService(warehouse);
  jobs.register(backfillJob({ warehouse, sync, embeddings, outbox: new EmbeddingOutbox(db), workspaces, logs: logStore }));
  const backfill = new BackfillService({ jobs, warehouse, sync, embeddings, settings, profiles, secrets });
  const health = new HealthService({ db, profiles, secrets, settings, warehouse, logger: logger.child({ component: 'health' }) });
  const runbooks = new RunbookService({ db, health, warehouse, profiles, secrets, embeddings, logger: logger.child({ component: 'runbooks' }), home: config.home });
  for (const def of config.extraJobs ?? []) jobs.register(def);

  const handlers: Handlers = {
    ...appHandlers(config, startedAt),
    ...settingsHandlers(settings),
    ...profileHandlers(profiles, secrets),
    ...secretHandlers(secrets, profiles, logger.child({ component: 'secrets' })),
    ...jobHandlers(jobs),
    ...logHandlers(logStore, settings),
    ...logFileHandlers(logFiles),
    ...repoHandlers(sync, warehouse),
    ...embeddingHandlers(embeddings, jobs),
    ...workspaceHandlers(workspaces),
    ...uiStateHandlers(db),
    ...backfillHandlers(backfill),
    ...healthHandlers(health),
    ...runbookHandlers(runbooks),
    ...queryHandlers(warehouse, new SavedQueryService(db)),
  };
  const sources: TopicSources = {
    ...jobTopicSources(jobs),
    ...logTopicSources(logStore),
    ...logFileTopicSources(logFiles),
    ...healthTopicSources(health),
    ...profileTopicSources(profiles),
  };
  const rpc = new RpcServer(handlers, sources, logger.child({ component: 'rpc' }), redactor);

  const prune = () => {
    const removed = logStore.prune(settings.get().logRetentionDays);
    if (removed) logger.info('logs_pruned', `Removed ${removed} log lines past retention`, { removed });
  };
  prune();
  const retention = setInterval(prune, RETENTION_EVERY_MS);
  retention.unref();

  await jobs.start();
  // Scheduled health checks belong to the long-running console, not to one-shot CLI commands.
  if (config.mode === 'serve' || config.mode === 'electron') health.startScheduler();
  // The CLI builds a core per command: keep its start quiet so `logs tail` shows real events.
  (config.mode === 'cli' ? logger.debug : logger.info).call(logger, 'core_started', `Repo Ops core started (${config.mode})`, { home: config.home, pid: process.pid });

  let closed = false;
  return {
    config,
    db,
    logger,
    redactor,
    logStore,
    settings,
    profiles,
    secrets,
    jobs,
    logFiles,
    warehouse,
    sync,
    embeddings,
    workspaces,
    health,
    backfill,
    rpc,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(retention);
      health.stop();
      await jobs.close();
      await logFiles.closeAll();
      await embeddings.close();
      await warehouse.close();
      logger.info('core_stopped', 'Repo Ops core stopped');
      logStore.flush();
      db.close();
    },
  };
}
