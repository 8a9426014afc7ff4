import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';
import { OpsError } from '../../shared/errors.ts';
import type { Logger } from '../logging/logger.ts';
import type { RequestGate, Take } from '../rate-budgets/rate-budgets.ts';
import { EtagCache } from './etag-cache.ts';
import { GitHubStats } from './rate-stats.ts';

const ThrottledOctokit = Octokit.plugin(throttling, retry);

export interface GitHubClientOptions {
  /** REST base URL: https://api.github.com, or https://host/api/v3 on GitHub Enterprise. */
  baseUrl: string;
  token: string;
  logger: Logger;
  signal?: AbortSignal;
  /** Longest wait for a primary rate-limit reset before giving up (seconds). */
  maxPrimaryWaitSec?: number;
  /** Called while the client waits for a rate limit (for progress messages). */
  onWait?(reason: string, untilMs: number): void;
  /**
   * The token's budget shared with every other process using it (through the warehouse): each
   * request takes its points and a concurrency slot there first, so no number of workers on one
   * token exceeds GitHub's primary or secondary limits.
   */
  gate?: RequestGate;
}

/** What a request spends: secondary-limit points per minute (GitHub: 1 per GET or read-only query, 5 per other REST call) and a point of its primary window. */
function takesOf(url: string, method: string): { takes: Take[]; primary: string } {
  if (url.endsWith('/graphql')) return { takes: [{ resource: 'graphql/min', points: 1 }, { resource: 'graphql', points: 1 }], primary: 'graphql' };
  const primary = /\/search\//.test(new URL(url).pathname) ? 'search' : 'core';
  return { takes: [{ resource: 'rest/min', points: method === 'GET' || method === 'HEAD' ? 1 : 5 }, { resource: primary, points: 1 }], primary };
}

/**
 * A GraphQL answer parsed by the client itself, named in the stub Octokit parses instead (see
 * GitHubClient.fetch).
 */
const PARSED = '__repoOpsParsed';
/** Answers parsed but not collected (a request given up between fetch and its caller) are dropped past this many. */
const MAX_PARSED = 64;

export interface GraphQLResponse<T> {
  data?: T;
  errors?: { type?: string; message: string; path?: (string | number)[] }[];
}

/** An HTTP failure of a GraphQL call (502/504 on heavy queries, 5xx …). */
export class GraphQLHttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * GitHub over @octokit/rest with the throttling and retry plugins: primary and
 * secondary limits are waited out, every HTTP request is counted, and GraphQL points
 * are read from each query's `rateLimit { cost }`.
 */
export class GitHubClient {
  readonly stats = new GitHubStats();
  readonly octokit: InstanceType<typeof ThrottledOctokit>;
  private readonly opts: GitHubClientOptions;
  private readonly etags = new EtagCache();
  private readonly parsed = new Map<string, unknown>();
  private parsedSeq = 0;

  constructor(opts: GitHubClientOptions) {
    this.opts = opts;
    const maxWait = opts.maxPrimaryWaitSec ?? 3600;
    const log = opts.logger;
    this.octokit = new ThrottledOctokit({
      auth: opts.token,
      baseUrl: opts.baseUrl.replace(/\/+$/, ''),
      userAgent: 'repo-ops',
      request: { fetch: this.fetch, signal: opts.signal },
      // A request stopped by pause or cancel shows up in Octokit as "500 … UNKNOWN": that is the abort, not an error.
      log: { debug: () => {}, info: () => {}, warn: (m: string) => log.debug('octokit_warning', m), error: (m: string) => (opts.signal?.aborted ? log.debug('github_request_stopped', 'A GitHub request was stopped because the run was paused or cancelled') : log.debug('octokit_error', m)) },
      throttle: {
        // The plugin spaces all POSTs (GraphQL included) a second apart, as GitHub asks for
        // mutations. Our GraphQL calls are read-only queries issued one at a time, so they
        // get their own queue: one in flight, no forced gap; limits are handled when hit.
        write: new Bottleneck.Group({ id: `repo-ops-graphql-${Math.random().toString(36).slice(2)}`, maxConcurrent: 1, minTime: 0 }),
        onRateLimit: (retryAfter: number, options: { method: string; url: string }, _o: unknown, retryCount: number) => {
          const until = Date.now() + retryAfter * 1000;
          if (opts.signal?.aborted || retryCount >= 3 || retryAfter > maxWait) return false;
          this.stats.primaryLimitWaits++;
          log.warn('rate_limit_hit', `GitHub rate limit exhausted; waiting ${retryAfter} s for the reset`, { retryAfter, request: `${options.method} ${options.url}`, resetAt: new Date(until).toISOString() });
          opts.onWait?.(`GitHub rate limit: waiting for reset at ${new Date(until).toISOString()}`, until);
          return true;
        },
        onSecondaryRateLimit: (retryAfter: number, options: { method: string; url: string }, _o: unknown, retryCount: number) => {
          this.stats.secondaryLimitHits++;
          if (opts.signal?.aborted || retryCount >= 10) return false;
          log.warn('secondary_rate_limit', `GitHub secondary rate limit; retrying in ${retryAfter} s`, { retryAfter, retryCount, request: `${options.method} ${options.url}` });
          opts.onWait?.(`GitHub secondary rate limit: retrying in ${retryAfter} s`, Date.now() + retryAfter * 1000);
          return true;
        },
      },
      // Two retries with backoff ride out network blips without hanging a lookup for long.
      retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 451], retries: 2 },
    });
  }

  /** Every HTTP request passes here: counting, rate headers, conditional GETs. */
  private readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input instanceof Request ? input.url : input);
    const method = (init?.method ?? 'GET').toUpperCase();
    const cached = method === 'GET' ? this.etags.get(url) : undefined;
    const headers = new Headers(init?.headers);
    if (cached) headers.set('if-none-match', cached.etag);
    this.stats.requests++;
    if (url.endsWith('/graphql')) this.stats.graphqlRequests++;
    else this.stats.restRequests++;
    const gate = this.opts.gate;
    const release = gate ? await gate.acquire(takesOf(url, method).takes, init?.signal ?? this.opts.signal) : null;
    let res: Response;
    try {
      res = await fetch(input, { ...init, headers, redirect: 'follow' });
    } finally {
      release?.();
    }
    this.stats.observe(Object.fromEntries(res.headers));
    const remaining = res.headers.get('x-ratelimit-remaining');
    if (gate && remaining !== null) gate.observeWindow(res.headers.get('x-ratelimit-resource') ?? takesOf(url, method).primary, Number(remaining), Number(res.headers.get('x-ratelimit-reset')) * 1000, Number(res.headers.get('x-ratelimit-limit') ?? NaN));
    if (res.status === 304 && cached) {
      this.stats.notModified++;
      return new Response(cached.body, { status: 200, headers: cached.headers });
    }
    if (method === 'POST' && url.endsWith('/graphql') && res.status === 200) return this.parsedGraphql(res);
    const etag = res.headers.get('etag');
    if (method === 'GET' && res.status === 200 && etag) {
      const body = await res.text();
      this.etags.set(url, etag, body, [...res.headers]);
      return new Response(body, { status: 200, headers: res.headers });
    }
    return res;
  };

  /**
   * A GraphQL answer parsed with the native JSON.parse. Octokit parses every body with a
   * BigInt-safe reviver (json-with-bigint) that visits each value: over a second of CPU for one
   * large sync's pages, on the thread that also writes them, delaying every lane's next request.
   * GitHub's ids fit in doubles. An answer without errors is kept here and Octokit gets a stub
   * naming it; one with errors goes through as it came (the throttling plugin reads RATE_LIMITED there).
   */
  private async parsedGraphql(res: Response): Promise<Response> {
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return new Response(text, { status: res.status, headers: res.headers });
    }
    if (!body || typeof body !== 'object' || (body as GraphQLResponse<unknown>).errors) return new Response(text, { status: res.status, headers: res.headers });
    const key = String(++this.parsedSeq);
    this.parsed.set(key, body);
    if (this.parsed.size > MAX_PARSED) this.parsed.delete(this.parsed.keys().next().value!);
    return new Response(JSON.stringify({ [PARSED]: key }), { status: res.status, headers: res.headers });
  }

  /**
   * One GraphQL call. 5xx surface as GraphQLHttpError so the caller can shrink a heavy
   * query; GraphQL-level errors come back in `errors` for the caller to judge.
   */
  async graphql<T>(query: string, variables: Record<string, unknown>): Promise<GraphQLResponse<T>> {
    try {
      // The operation's name travels with it (GitHub accepts it): access logs can tell the sync's queries apart.
      const operationName = /^\s*query\s+(\w+)/.exec(query)?.[1];
      const res = await this.octokit.request('POST /graphql', { query, variables, ...(operationName ? { operationName } : {}), request: { retries: 0 } });
      const stub = (res.data as Record<string, unknown> | null)?.[PARSED];
      const kept = typeof stub === 'string' ? this.parsed.get(stub) : undefined;
      if (typeof stub === 'string') this.parsed.delete(stub);
      if (typeof stub === 'string' && kept === undefined) throw new OpsError('unavailable', 'GitHub GraphQL answer was dropped before it was read');
      const body = (kept ?? res.data) as GraphQLResponse<T> & { data?: { rateLimit?: { cost?: number } } };
      const cost = body.data?.rateLimit?.cost;
      if (typeof cost === 'number') this.stats.graphqlPoints += cost;
      // One point was taken before sending; the rest of the query's cost is known only now.
      if (typeof cost === 'number' && cost > 1) this.opts.gate?.charge('graphql', cost - 1);
      return body;
    } catch (e) {
      throw this.describe(e, 'GraphQL query');
    }
  }

  /** Maps Octokit errors to operator-facing ones (5xx on GraphQL stay typed for retry logic). */
  describe(e: unknown, what: string): Error {
    if (e instanceof OpsError) return e;
    // Octokit wraps what the fetch hook threw (the shared rate budget's warehouse failing) in a 500:
    // that error is not GitHub's.
    const hookError = (e as { cause?: unknown }).cause;
    if (hookError instanceof OpsError) return hookError;
    if (this.opts.signal?.aborted) return new OpsError('cancelled', 'Cancelled');
    const err = e as { status?: number; message?: string; name?: string; response?: { headers?: Record<string, string> } };
    const status = err.status ?? 0;
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    if (/fetch failed|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|socket hang up/i.test(`${err.message} ${cause?.code ?? ''} ${cause?.message ?? ''}`)) {
      return new OpsError('unavailable', `GitHub is unreachable at ${this.opts.baseUrl}: ${cause?.code ?? cause?.message ?? err.message}`);
    }
    if (status === 401) return new OpsError('unauthorized', 'GitHub rejected the token (401 Bad credentials). Store a valid token in Settings → Profiles.');
    if (status >= 500 && what === 'GraphQL query') return new GraphQLHttpError(status, `GitHub answered ${status} to a GraphQL query`);
    if ((status === 403 || status === 429) && err.response?.headers?.['x-ratelimit-remaining'] === '0') {
      const reset = Number(err.response.headers['x-ratelimit-reset']) * 1000;
      return new OpsError('unavailable', `GitHub rate limit exhausted; it resets at ${new Date(reset).toISOString()}. The run can be resumed then.`);
    }
    if (status === 403 || status === 429) return new OpsError('unavailable', `GitHub kept refusing requests (${status}): ${err.message ?? ''}`.trim());
    if (err.name === 'AbortError') return new OpsError('cancelled', 'Cancelled');
    if (status) return new OpsError('unavailable', `GitHub ${what} failed with ${status}: ${err.message ?? ''}`.trim());
    return new OpsError('unavailable', `GitHub is unreachable at ${this.opts.baseUrl}: ${err.message ?? String(e)}`);
  }
}
