import { join } from 'node:path';
import type { CallName, TopicName } from '../../shared/contract/index.ts';
import { alertsFeature } from '../alerts/feature.ts';
import { auditFeature } from '../audit/feature.ts';
import { backfillFeature } from '../backfill/feature.ts';
import { costsFeature } from '../costs/feature.ts';
import { embeddingsFeature } from '../embedding-job/feature.ts';
import { etlFeature } from '../etl/feature.ts';
import { healthFeature } from '../health-service/feature.ts';
import { jobsFeature } from '../jobs/feature.ts';
import { acquireDataDirLock, type DataDirLock } from '../lifecycle/data-dir-lock.ts';
import { leaderboardFeature } from '../leaderboard/feature.ts';
import { logFilesFeature } from '../log-files/feature.ts';
import { logsFeature } from '../logging/feature.ts';
import { LogStore } from '../logging/log-store.ts';
import { jsonLinesSink, Logger, type LogSink } from '../logging/logger.ts';
import { Redactor } from '../logging/redact.ts';
import { profilesFeature } from '../profiles/feature.ts';
import { queriesFeature } from '../queries/feature.ts';
import { rateBudgetsFeature } from '../rate-budgets/feature.ts';
import { RpcServer } from '../rpc/rpc-server.ts';
import type { Handlers, TopicSources } from '../rpc/types.ts';
import { runbooksFeature } from '../runbooks/feature.ts';
import { schedulesFeature } from '../schedules/feature.ts';
import { workersFeature } from '../workers/feature.ts';
import { secretsFeature } from '../secrets/feature.ts';
import { setupFeature } from '../setup/feature.ts';
import { settingsFeature } from '../settings/feature.ts';
import { openDatabase } from '../store/database.ts';
import { STORE_BASE, type MigrationSet } from '../store/migrations.ts';
import { syncFeature } from '../sync/feature.ts';
import { systemsFeature } from '../systems/feature.ts';
import { warehouseFeature } from '../warehouse/feature.ts';
import type { WarehouseMigrationSet } from '../warehouse/migrations.ts';
import { workspacesFeature } from '../workspaces/feature.ts';
import { appHandlers } from './app-handlers.ts';
import type { CoreConfig } from './config.ts';
import type { Feature, FeatureParts, SchedulePreset } from './feature.ts';
import type { Services } from './services.ts';

/**
 * The features of the core, in the order they are built (a feature may use the services of
 * those before it; handlers and topics are wired once all exist). Add new features here.
 */
export const FEATURES = [
  settingsFeature,
  secretsFeature,
  profilesFeature,
  jobsFeature,
  logsFeature,
  logFilesFeature,
  warehouseFeature,
  auditFeature,
  costsFeature,
  rateBudgetsFeature,
  syncFeature,
  embeddingsFeature,
  workspacesFeature,
  backfillFeature,
  healthFeature,
  runbooksFeature,
  queriesFeature,
  systemsFeature,
  alertsFeature,
  etlFeature,
  leaderboardFeature,
  schedulesFeature,
  workersFeature,
  setupFeature,
] as const satisfies readonly Feature[];

// Compile-time: every call and topic of the contract has exactly one feature serving it.
type Returned<F> = F extends { create(...a: never[]): infer R } ? R : never;
type Served<K extends 'handlers' | 'topics'> = Returned<(typeof FEATURES)[number]> extends infer R ? (R extends { [P in K]: (...a: never[]) => infer G } ? keyof G : never) : never;
type MissingCalls = Exclude<CallName, Served<'handlers'> | keyof ReturnType<typeof appHandlers>>;
type MissingTopics = Exclude<TopicName, Served<'topics'>>;
const everyCallServed: [MissingCalls] extends [never] ? true : { missingHandlers: MissingCalls } = true;
const everyTopicServed: [MissingTopics] extends [never] ? true : { missingTopics: MissingTopics } = true;
void everyCallServed;
void everyTopicServed;

export const storeMigrationSets = (): MigrationSet[] => [STORE_BASE, ...FEATURES.flatMap((f: Feature) => (f.storeMigrations ? [f.storeMigrations] : []))];
export const warehouseMigrationSets = (): WarehouseMigrationSet[] => FEATURES.flatMap((f: Feature) => (f.warehouseMigrations ? [f.warehouseMigrations] : []));

export type Core = Services & {
  config: CoreConfig;
  rpc: RpcServer;
  close(): Promise<void>;
};

/** A registry that names the culprit when a feature reaches for a service built after it. */
function registry(): Services {
  const target: Partial<Services> = {};
  return new Proxy(target, {
    get(t, key) {
      if (typeof key === 'string' && !(key in t) && key !== 'then') throw new Error(`Service "${key}" is not built yet: move its feature earlier in FEATURES (src/main/core/compose.ts)`);
      return Reflect.get(t, key);
    },
  }) as Services;
}

/** The one composition root: Electron's core process, the CLI, workers and the tests all build the app here. */
export async function createCore(config: CoreConfig): Promise<Core> {
  const startedAt = new Date();
  // A long-running console owns its data directory: a second one would run the same jobs twice.
  const lock: DataDirLock | null = LOCKING_MODES.includes(config.mode) ? acquireDataDirLock(config.home, config.mode) : null;
  try {
    return await build(config, startedAt, lock);
  } catch (e) {
    lock?.release();
    throw e;
  }
}

/** Modes that hold the data directory lock; one-shot CLI commands and tests share it. */
const LOCKING_MODES: CoreConfig['mode'][] = ['serve', 'electron'];

async function build(config: CoreConfig, startedAt: Date, lock: DataDirLock | null): Promise<Core> {
  const s = registry();
  s.db = openDatabase(join(config.home, 'repo-ops.sqlite'), storeMigrationSets());
  s.redactor = new Redactor();
  s.logStore = new LogStore(s.db);
  const sinks: LogSink[] = [s.logStore];
  if (config.stderrLogLevel) sinks.push(jsonLinesSink(process.stderr, config.stderrLogLevel));
  s.logger = new Logger({ sinks, redactor: s.redactor });

  const presets: (SchedulePreset & { feature: string })[] = [];
  const ctx = { config, warehouseMigrations: warehouseMigrationSets(), schedulePresets: () => presets };
  const parts: FeatureParts[] = [];
  for (const feature of FEATURES as readonly Feature[]) {
    const p = feature.create(s, ctx);
    Object.assign(s, p.services);
    parts.push(p);
    presets.push(...(p.schedulePresets ?? []).map((x) => ({ ...x, feature: feature.name })));
  }
  for (const def of [...parts.flatMap((p) => p.jobs ?? []), ...(config.extraJobs ?? [])]) s.jobs.register(def);

  const handlers = Object.assign({}, appHandlers(config, startedAt), ...parts.map((p) => p.handlers?.(s))) as Handlers;
  const sources = Object.assign({}, ...parts.map((p) => p.topics?.(s))) as TopicSources;
  const rpc = new RpcServer(handlers, sources, s.logger.child({ component: 'rpc' }), s.redactor);

  if (lock?.tookOverFrom) s.logger.warn('data_dir_lock_taken_over', `Took over the data directory lock of Repo Ops ${lock.tookOverFrom.mode} (PID ${lock.tookOverFrom.pid}), which is gone`, { holder: lock.tookOverFrom });
  for (const p of parts) await p.start?.();
  // The CLI builds a core per command: keep its start quiet so `logs tail` shows real events.
  (config.mode === 'cli' ? s.logger.debug : s.logger.info).call(s.logger, 'core_started', `Repo Ops core started (${config.mode})`, { home: config.home, pid: process.pid });

  let closed = false;
  return Object.assign(Object.create(null) as object, s, {
    config,
    rpc,
    async close() {
      if (closed) return;
      closed = true;
      // Running jobs checkpoint first, while every service they use is still up.
      await s.jobs.close();
      for (const p of [...parts].reverse()) await p.close?.();
      s.logger.info('core_stopped', 'Repo Ops core stopped');
      s.logStore.flush();
      s.db.close();
      lock?.release();
    },
  }) as Core;
}
