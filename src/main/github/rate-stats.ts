/** What a run spent and what GitHub says is left: shown live and stored on the run. */
export interface RateBucket {
  limit: number | null;
  remaining: number | null;
  resetAt: string | null;
}

export class GitHubStats {
  requests = 0;
  restRequests = 0;
  graphqlRequests = 0;
  graphqlPoints = 0;
  notModified = 0;
  secondaryLimitHits = 0;
  primaryLimitWaits = 0;
  retries = 0;
  pageSizeReductions = 0;
  readonly buckets: Record<string, RateBucket> = {};

  /** Reads x-ratelimit-* headers of any response. */
  observe(headers: Record<string, string | number | undefined>): void {
    const resource = String(headers['x-ratelimit-resource'] ?? 'core');
    const remaining = headers['x-ratelimit-remaining'];
    if (remaining === undefined) return;
    const reset = Number(headers['x-ratelimit-reset']);
    this.buckets[resource] = {
      limit: headers['x-ratelimit-limit'] === undefined ? null : Number(headers['x-ratelimit-limit']),
      remaining: Number(remaining),
      resetAt: Number.isFinite(reset) ? new Date(reset * 1000).toISOString() : null,
    };
  }

  snapshot() {
    return {
      requests: this.requests,
      restRequests: this.restRequests,
      graphqlRequests: this.graphqlRequests,
      graphqlPoints: this.graphqlPoints,
      notModified: this.notModified,
      secondaryLimitHits: this.secondaryLimitHits,
      primaryLimitWaits: this.primaryLimitWaits,
      retries: this.retries,
      pageSizeReductions: this.pageSizeReductions,
      rateLimits: { ...this.buckets },
    };
  }
}
