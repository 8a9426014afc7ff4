// Primary rate limits: per user and resource, a fixed window that starts at
// the first request, like GitHub's x-ratelimit-reset.
export type Resource = 'core' | 'graphql' | 'search';

export interface RateLimitOptions {
  core?: number; // REST requests per window, default 5000
  graphql?: number; // GraphQL points per window, default 5000
  search?: number; // search requests per minute, default 30
  windowSec?: number; // core/graphql window, default 3600
  primaryStatus?: 403 | 429; // REST status when exhausted, default 403
  /** GraphQL when exhausted: 200 with `errors[].type: RATE_LIMITED` (GitHub's usual answer, default) or 403/429. */
  graphqlPrimaryStatus?: 200 | 403 | 429;
  /** Secondary limit on concurrent requests per user (GitHub: 100); unset = unlimited. */
  maxConcurrent?: number;
}

export interface BucketState {
  resource: Resource;
  limit: number;
  used: number;
  remaining: number;
  reset: number; // epoch seconds
}

interface Window {
  used: number;
  resetAt: number; // ms
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly options: () => RateLimitOptions;
  private readonly now: () => number;

  constructor(options: () => RateLimitOptions, now: () => number = Date.now) {
    this.options = options;
    this.now = now;
  }

  private config(resource: Resource): { limit: number; windowMs: number } {
    const o = this.options();
    if (resource === 'search') return { limit: o.search ?? 30, windowMs: 60_000 };
    return { limit: (resource === 'core' ? o.core : o.graphql) ?? 5000, windowMs: (o.windowSec ?? 3600) * 1000 };
  }

  private window(user: string, resource: Resource): Window {
    const key = `${user}\u0000${resource}`;
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || now >= w.resetAt) {
      w = { used: 0, resetAt: now + this.config(resource).windowMs };
      this.windows.set(key, w);
    }
    return w;
  }

  state(user: string, resource: Resource): BucketState {
    const w = this.window(user, resource);
    const { limit } = this.config(resource);
    return { resource, limit, used: w.used, remaining: Math.max(0, limit - w.used), reset: Math.ceil(w.resetAt / 1000) };
  }

  charge(user: string, resource: Resource, amount: number): BucketState {
    this.window(user, resource).used += amount;
    return this.state(user, resource);
  }

  reset(): void {
    this.windows.clear();
  }
}

export function rateLimitHeaders(s: BucketState): Record<string, string> {
  return {
    'x-ratelimit-limit': String(s.limit),
    'x-ratelimit-remaining': String(s.remaining),
    'x-ratelimit-reset': String(s.reset),
    'x-ratelimit-used': String(s.used),
    'x-ratelimit-resource': s.resource,
  };
}
