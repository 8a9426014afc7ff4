// Every number the checks judge against, in one editable place. Defaults come from the team's
// runbooks (docs/runbooks/*.md); each line says which one. Checks take a partial override.

export interface HealthThresholds {
  postgres: {
    /** SELECT 1 round trip above this → degraded. */
    latencyDegradedMs: number;
    /** Client connections / max_connections above this → degraded. */
    connectionsDegradedRatio: number;
    /** Active statements older than this are counted as slow (details only). */
    slowQuerySeconds: number;
    /** An active statement older than this → degraded. */
    longQueryDegradedSeconds: number;
    /** A session idle in a transaction longer than this → degraded (it holds locks and a slot). */
    idleInTransactionDegradedSeconds: number;
    /** A given pg.Pool: clients in use / max above this → degraded. */
    poolUsageDegradedRatio: number;
    /** A given pg.Pool: fewer free slots than this while callers wait → degraded. */
    poolAvailableMin: number;
  };
  milvus: {
    /** GetVersion round trip above this → degraded. */
    latencyDegradedMs: number;
  };
  openai: {
    /** x-ratelimit-remaining-{requests,tokens} / limit below this → degraded. */
    remainingDegradedRatio: number;
  };
  github: {
    /** remaining / limit of core, graphql or search below this → degraded. */
    remainingDegradedRatio: number;
  };
  redis: {
    /** used_memory / maxmemory above this → degraded. */
    memoryDegradedRatio: number;
    /** … above this with maxmemory-policy noeviction → down (writes fail with OOM). */
    memoryDownRatio: number;
    /** connected_clients / maxclients above this → degraded. */
    clientsDegradedRatio: number;
    /** Length of a queue key above this → degraded (per-key overrides in the check's config). */
    queueBacklogDegraded: number;
    /** keyspace hit rate below this → degraded, when the check is told Redis is a cache. */
    cacheHitRateMin: number;
  };
  http: {
    /** GET /health (and friends) slower than this → degraded. */
    latencyDegradedMs: number;
    /** p99 request latency from the service's histogram above this → degraded. */
    p99DegradedSeconds: number;
    /** p95 request latency above this → degraded. */
    p95DegradedSeconds: number;
    /** 5xx / all requests above this → degraded. */
    errorRateDegraded: number;
    /** cache hits / (hits + misses) below this → degraded. */
    cacheHitRateMin: number;
    /** db_pool_checked_out / db_pool_size above this → degraded. */
    poolUsageDegradedRatio: number;
    /** db_connection_pool_available below this → degraded. */
    poolAvailableMin: number;
    /** A queue-depth gauge above this → degraded. */
    queueDepthDegraded: number;
    /** budget_utilization_percent{period="daily"} above this → degraded … */
    budgetWarnPercent: number;
    /** … and above this → down. */
    budgetCriticalPercent: number;
    /** Rates (error, cache) are judged only over at least this many events: one failed request of two is noise. */
    minSamples: number;
  };
}

export const DEFAULT_THRESHOLDS: HealthThresholds = {
  postgres: {
    // what-the-repo-runbook.md, Performance Monitoring: "Query Response Time: < 2s for direct queries".
    latencyDegradedMs: 2000,
    // The brief's ~80 %; the same warning level as contributor-leaderboard-operations.md's BudgetWarning (> 80).
    connectionsDegradedRatio: 0.8,
    // pggit-operations-guide.md, Identify Slow Queries: log_min_duration_statement = 1000 ms, mean_exec_time > 1000.
    slowQuerySeconds: 1,
    // pggit-operations-guide.md, Pool Exhausted: sessions older than 5 minutes are the ones to terminate.
    longQueryDegradedSeconds: 300,
    // pggit-operations-guide.md, same 5-minute cutoff.
    idleInTransactionDegradedSeconds: 300,
    // contributor-leaderboard-operations.md, DatabaseConnectionPoolExhausted: db_pool_checked_out / db_pool_size > 0.9.
    poolUsageDegradedRatio: 0.9,
    // pggit-operations-guide.md, DatabasePoolExhausted: db_connection_pool_available < 2.
    poolAvailableMin: 2,
  },
  milvus: {
    // what-the-repo-runbook.md, Performance Monitoring: "< 5s for vector queries".
    latencyDegradedMs: 5000,
  },
  openai: {
    // The brief's "low" (< 10 %); what-the-repo-runbook.md: "Track GitHub and OpenAI API usage".
    remainingDegradedRatio: 0.1,
  },
  github: {
    // The brief's "< 10 %"; what-the-repo-runbook.md, Rate Limiting: 5000 requests/hour, "Track remaining rate limit".
    remainingDegradedRatio: 0.1,
  },
  redis: {
    // The brief's ~80 %, as for Postgres connections.
    memoryDegradedRatio: 0.8,
    // contributor-leaderboard-operations.md's critical level (BudgetCritical > 95) applied to memory.
    memoryDownRatio: 0.95,
    clientsDegradedRatio: 0.8,
    // pggit-operations-guide.md, QueueDepthHigh: webhook_queue_depth > 1000; autodevops-runbook.md checks
    // `redis-cli LLEN bull:analysis:wait` for "Worker Backlog Growing".
    queueBacklogDegraded: 1000,
    // pggit-operations-guide.md, LowCacheHitRate: < 0.7 (Redis is its L2 cache).
    cacheHitRateMin: 0.7,
  },
  http: {
    // what-the-repo-runbook.md: "Query Response Time: < 2s for direct queries".
    latencyDegradedMs: 2000,
    // pggit-operations-guide.md, HighP99Latency: histogram_quantile(0.99, http_request_duration_seconds) > 0.5.
    p99DegradedSeconds: 0.5,
    // contributor-leaderboard-operations.md, APIHighLatency: histogram_quantile(0.95, …) > 2.
    p95DegradedSeconds: 2,
    // pggit-operations-guide.md, HighErrorRate: rate(status=~"5..") / rate(all) > 0.01.
    errorRateDegraded: 0.01,
    // pggit-operations-guide.md, LowCacheHitRate: < 0.7 (target > 80 %).
    cacheHitRateMin: 0.7,
    // contributor-leaderboard-operations.md, DatabaseConnectionPoolExhausted: > 0.9.
    poolUsageDegradedRatio: 0.9,
    // pggit-operations-guide.md, DatabasePoolExhausted: db_connection_pool_available < 2.
    poolAvailableMin: 2,
    // pggit-operations-guide.md, QueueDepthHigh: webhook_queue_depth > 1000.
    queueDepthDegraded: 1000,
    // contributor-leaderboard-operations.md, BudgetWarning (> 80, warning) and BudgetCritical (> 95, critical).
    budgetWarnPercent: 80,
    budgetCriticalPercent: 95,
    // Ours, not a runbook's: Prometheus smooths with rate()[5m] and `for:`; one scrape cannot.
    minSamples: 20,
  },
};

/** Which runbook rule a threshold comes from, for findings' `threshold` text. */
export const SOURCES = {
  whatTheRepo: 'what-the-repo runbook',
  pggit: 'pggit operations guide',
  leaderboard: 'contributor-leaderboard operations',
  autodevops: 'AutoDevOps runbook',
} as const;

export type ThresholdOverrides = { [K in keyof HealthThresholds]?: Partial<HealthThresholds[K]> };

/** Defaults with the given overrides applied (one level deep: per service, per number). */
export function resolveThresholds(overrides: ThresholdOverrides = {}): HealthThresholds {
  return {
    postgres: { ...DEFAULT_THRESHOLDS.postgres, ...overrides.postgres },
    milvus: { ...DEFAULT_THRESHOLDS.milvus, ...overrides.milvus },
    openai: { ...DEFAULT_THRESHOLDS.openai, ...overrides.openai },
    github: { ...DEFAULT_THRESHOLDS.github, ...overrides.github },
    redis: { ...DEFAULT_THRESHOLDS.redis, ...overrides.redis },
    http: { ...DEFAULT_THRESHOLDS.http, ...overrides.http },
  };
}
