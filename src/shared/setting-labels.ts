import type { Settings } from './contract/settings.ts';

/**
 * What each application setting is called on the Settings page and in the README's settings
 * table (the page's control label starts with it; a map-valued setting is a section with this
 * heading). Typed over every key of Settings, so a new setting cannot go unnamed; the settings
 * tests hold the README and the page to this list, in both directions.
 */
export const SETTING_LABELS: Record<keyof Settings, string> = {
  theme: 'Theme',
  logRetentionDays: 'Keep logs for',
  jobConcurrency: 'Jobs running at once',
  teamTimeZone: 'Team time zone',
  githubConcurrentRequests: 'GitHub requests in flight per token',
  githubRestPointsPerMinute: 'GitHub REST points per minute',
  githubGraphqlPointsPerMinute: 'GitHub GraphQL points per minute',
  healthIntervalMinutes: 'Health schedule',
  healthTimeoutMs: 'Per-check timeout',
  notifications: 'Desktop notifications',
  healthThresholds: 'Alert thresholds',
  storeVectorsInPostgres: 'Also store vectors in Postgres',
  milvusUpsertBatchSize: 'Milvus upsert batch',
  embeddingPrices: 'Embedding prices',
  rotationDays: 'Rotation reminders',
};
