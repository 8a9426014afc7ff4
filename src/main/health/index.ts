// The health checks engine: build checks with the factories, run them with runChecks.
export type { Check, CheckKind, CheckOutcome, CheckResult, Finding, HealthReport, HealthRun } from './types.ts';
export { runChecks, overallReport, DEFAULT_TIMEOUT_MS, type RunChecksOptions } from './run-checks.ts';
export { DEFAULT_THRESHOLDS, resolveThresholds, type HealthThresholds, type ThresholdOverrides } from './thresholds.ts';
export { postgresCheck, classifyPgError, type PostgresCheckOptions, type PgFailure } from './postgres.ts';
export { milvusCheck, type MilvusCheckOptions, type MilvusFailure } from './milvus.ts';
export { openaiCheck, type OpenAICheckOptions, type OpenAIFailure } from './openai.ts';
export { githubCheck, tokenType, type GitHubCheckOptions } from './github.ts';
export { redisCheck, classifyRedisError, type RedisCheckOptions, type QueueKeyConfig, type RedisFailure } from './redis.ts';
export { httpCheck, httpChecks, DEFAULT_ENDPOINTS, type HttpCheckOptions, type HttpServiceConfig } from './http.ts';
export { parseMetrics, type MetricFamily, type MetricType, type ParsedMetrics, type ParseProblem, type Sample } from './metrics-parse.ts';
export { deriveMetrics, histogramQuantile, mergedBuckets, DEFAULT_METRIC_NAMES, type DerivedMetrics, type MetricNames, type Scrape } from './metrics-derive.ts';
export { judgeMetrics } from './metrics-judge.ts';
