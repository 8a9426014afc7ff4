import type { SchedulePreset } from '../../shared/contract/schedules.ts';
import type { JobDefinition } from '../jobs/types.ts';
import type { Handlers, TopicSources } from '../rpc/types.ts';
import type { MigrationSet } from '../store/migrations.ts';
import type { WarehouseMigrationSet } from '../warehouse/migrations.ts';
import type { CoreConfig } from './config.ts';
import type { Services } from './services.ts';

export type { SchedulePreset };

/** What the composition root hands every feature besides the services built before it. */
export interface FeatureContext {
  config: CoreConfig;
  /** Every feature's warehouse migrations, in list order. */
  warehouseMigrations: WarehouseMigrationSet[];
  /** Every feature's schedule presets (complete once all features are created). */
  schedulePresets: () => (SchedulePreset & { feature: string })[];
}

/** What one feature contributes to the core. */
export interface FeatureParts {
  /** Added to the registry, for the features after this one and for `Core`. */
  services?: Partial<Services>;
  jobs?: JobDefinition[];
  /**
   * Cron presets for this feature's jobs, offered on the Schedules page and applied in one click:
   * `{ id, title, kind, params, cron, tz?, concurrencyPolicy?, startingDeadlineSeconds?, activeDeadlineSeconds?, source }`,
   * `source` quoting the runbook line it replaces.
   */
  schedulePresets?: SchedulePreset[];
  /** Built once every feature's services exist, so features may serve calls in any order. */
  handlers?: (s: Services) => Partial<Handlers>;
  topics?: (s: Services) => Partial<TopicSources>;
  /** After the job queue started: background loops of long-running consoles (schedulers …). */
  start?(): void | Promise<void>;
  /** Called in reverse list order when the core closes. */
  close?(): void | Promise<void>;
}

/**
 * A feature module: each feature folder exports one from its `feature.ts`, and the composition
 * root keeps them in a list. Declare with `satisfies Feature` so handler names stay checked.
 */
export interface Feature {
  name: string;
  storeMigrations?: MigrationSet;
  warehouseMigrations?: WarehouseMigrationSet;
  create(s: Services, ctx: FeatureContext): FeatureParts;
}
