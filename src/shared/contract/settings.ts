import { z } from 'zod';
import { call } from './define.ts';
import { noInput, patchOf } from './common.ts';
import { timeZone } from './etl.ts';

export const Settings = z.object({
  theme: z.enum(['system', 'dark', 'light']).default('system'),
  logRetentionDays: z.number().int().min(1).max(365).default(7),
  jobConcurrency: z.number().int().min(1).max(8).default(2),
  notifications: z.boolean().default(true),
  /** Also write vectors to the warehouse's `embedding` column (the runbooks' coverage SQL reads it). */
  storeVectorsInPostgres: z.boolean().default(true),
  /** Vectors per Milvus upsert. */
  milvusUpsertBatchSize: z.number().int().min(1).max(10_000).default(1000),
  /** Embedding prices in US$ per 1M tokens, by model, overriding the built-in table. */
  embeddingPrices: z.record(z.string(), z.number().min(0)).default({}),
  /** Scheduled health checks every N minutes; 0 = only on demand. */
  healthIntervalMinutes: z.number().int().min(0).max(1440).default(5),
  /** Per-check timeout of the health checks. */
  healthTimeoutMs: z.number().int().min(500).max(120_000).default(8000),
  /** Edits of the runbooks' alert thresholds: { service: { threshold: value } }. */
  healthThresholds: z.record(z.string(), z.record(z.string(), z.number())).default({}),
  /** Overrides of the rotation reminders, in days, per secret key. */
  rotationDays: z.record(z.string(), z.number().int().min(1).max(3650)).default({}),
  /** The Engineer Lens counts days in this IANA zone (UTC by default). */
  teamTimeZone: timeZone.default('UTC'),
  /**
   * What every process using one GitHub token respects together (shared through the warehouse):
   * requests in flight and secondary-limit points per minute, GitHub's documented limits by default.
   */
  githubConcurrentRequests: z.number().int().min(1).max(100).default(100),
  githubRestPointsPerMinute: z.number().int().min(1).max(100_000).default(900),
  githubGraphqlPointsPerMinute: z.number().int().min(1).max(100_000).default(2000),
});
export type Settings = z.infer<typeof Settings>;

export const SettingsPatch = patchOf(Settings);

export const settingsCalls = {
  'settings.get': call('Current application settings', noInput, Settings),
  'settings.update': call('Change some settings; returns all of them', SettingsPatch, Settings),
};
