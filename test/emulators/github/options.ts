// Emulator options, stats and defaults.
import type { Dataset } from './dataset.ts';
import type { FaultRule } from './faults.ts';
import type { RateLimitOptions } from './rate-limit.ts';

export interface TokenSpec {
  token: string;
  login: string; // the viewer; need not exist in the dataset
  scopes?: string[]; // x-oauth-scopes; without 'repo' private repositories are invisible
  databaseId?: number;
}

export interface EmulatorOptions {
  dataset: Dataset;
  /** Delay before every response (ms): the fixed part of a request's latency. */
  latencyMs?: number;
  /**
   * Added delay per item returned (ms): 1 plus every object inside an array of the answer, at any
   * depth. A 1-item REST call costs latencyMs + 1×, a 100-PR GraphQL page with its reviews,
   * comments and files latencyMs + thousands×. The emulator's own work on the answer is spent
   * inside this time, not added to it (unless it takes longer). Default 0.
   */
  latencyPerNodeMs?: number;
  /** Accepted tokens (Authorization: token|bearer …); anything else → 401. Default: [DEFAULT_TOKEN_SPEC]. */
  tokens?: TokenSpec[];
  rateLimit?: RateLimitOptions;
  faults?: FaultRule[];
  /** Seed for probabilistic faults. Default 1. */
  seed?: number;
  /** GraphQL node limit per query. Default 500,000. */
  maxNodes?: number;
  /** Listen port; default 0 (a free port). */
  port?: number;
  /**
   * Opt-in per-request access log: `true` keeps entries in `emulator.accessLog`; a function
   * receives each entry as its response finishes (unknown routes show their real path here).
   */
  accessLog?: boolean | ((entry: AccessLogEntry) => void);
}

export interface AccessLogEntry {
  at: string; // ISO time the request arrived
  method: string;
  path: string; // path and query as requested
  route: string; // route key as in stats.byRoute ('GET (unknown)' for unserved paths)
  status: number;
  ms: number;
  operation?: string; // GraphQL operationName, when given
}

export const DEFAULT_TOKEN = 'ghp_emulatorDefaultToken0000000000000000';
export const DEFAULT_TOKEN_SPEC: TokenSpec = { token: DEFAULT_TOKEN, login: 'octo-emulator', scopes: ['repo', 'read:org', 'read:user'] };

export interface EmulatorStats {
  requests: number; // every HTTP request
  restRequests: number;
  graphqlRequests: number;
  byRoute: Record<string, number>; // 'GET /repos/{owner}/{repo}/pulls', 'POST /graphql', …
  graphqlPoints: number; // points charged
  graphqlNodes: number; // sum of possible node counts of executed queries
  nodesReturned: number; // items in answers (REST and GraphQL), as latencyPerNodeMs counts them
  notModified: number; // 304 answers
  redirects: number; // 301 answers
  unauthorized: number; // 401 answers
  primaryRateLimited: number;
  secondaryRateLimited: number; // injected and concurrency-triggered
  peakConcurrent: number; // most requests of one user in flight at once
  faults: number; // all injected faults (secondary, status, graphqlTimeout)
  faultsByKind: Record<string, number>;
}

export function emptyStats(): EmulatorStats {
  return {
    requests: 0, restRequests: 0, graphqlRequests: 0, byRoute: {}, graphqlPoints: 0, graphqlNodes: 0, nodesReturned: 0, notModified: 0,
    redirects: 0, unauthorized: 0, primaryRateLimited: 0, secondaryRateLimited: 0, peakConcurrent: 0, faults: 0, faultsByKind: {},
  };
}
